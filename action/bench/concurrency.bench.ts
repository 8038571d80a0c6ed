// Many writers racing on one branch through the GitHub store against the emulator: commit attempts
// per commit and wall time for 5 to 30 in-process stores, then 30 copies of the bundled Action started
// at once (the larger run that npm test keeps at 8). Attempts come from the compare-and-swap loop:
// every writer that loses re-reads the head and rebuilds.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Incident, Snapshot } from "../src/model/index.js";
import { githubStore } from "../src/store/github.js";
import { createOctokit } from "../src/store/octokit.js";
import { startGitHubEmulator } from "../test/support/github-emulator/index.js";
import { alertmanagerNotification } from "../test/support/payloads.js";
import { runAction } from "../test/support/runner.js";
import { printTable } from "./table.js";

const TOKEN = "bench-token";
const emu = await startGitHubEmulator({ token: TOKEN });

async function index(head: Snapshot): Promise<string> {
  return (await head.read("incidents/README.md")) ?? "";
}

const rows = [["writers", "commits landed", "attempts", "attempts per commit", "worst writer", "API calls", "wall ms"]];
for (const writers of [5, 10, 20, 30]) {
  const name = `race-${writers}`;
  await emu.createRepo("acme", name);
  const before = emu.calls.length;
  const stores = Array.from({ length: writers }, () =>
    githubStore({
      octokit: createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined } }),
      owner: "acme",
      repo: name,
      branch: "main",
      maxAttempts: 100,
    }),
  );
  const t0 = performance.now();
  const results = await Promise.all(
    stores.map((s, i) =>
      s.commit(`incident ${i}`, async (head) => ({ [`incidents/i${i}/README.md`]: `# ${i}\n`, "incidents/README.md": `${await index(head)}- i${i}\n` })),
    ),
  );
  const ms = Math.round(performance.now() - t0);
  const attempts = results.reduce((sum, r) => sum + r.attempts, 0);
  rows.push([
    String(writers),
    String(results.filter((r) => r.sha).length),
    String(attempts),
    (attempts / writers).toFixed(2),
    String(Math.max(...results.map((r) => r.attempts))),
    String(emu.calls.length - before),
    String(ms),
  ]);
}
printTable("In-process GitHub stores committing at once to one branch (backoff: full jitter, unit = the lost attempt's duration)", rows);

// 30 processes of the bundled Action, as an alert storm dispatches them.
const bare = await emu.createRepo("acme", "data-ops", { files: { "README.md": "# data ops\n" } });
const workspace = await mkdtemp(join(tmpdir(), "pipemedic-bench-ws-"));
const pipelines = ["orders-streaming", "payments-ledger", "clickstream-ingest", "inventory-sync"];
await mkdir(join(workspace, "knowledge", "pipelines"), { recursive: true });
await mkdir(join(workspace, ".github"), { recursive: true });
for (const p of pipelines)
  await writeFile(join(workspace, "knowledge", "pipelines", `${p}.md`), `---\nid: ${p}\ncomponents: [{kind: kafka, consumer_group: ${p}-group}]\n---\n`);
const T0 = Date.parse("2026-03-14T01:00:00Z");
const event = (p: number, n: number) => ({
  action: "pipemedic-alert",
  client_payload: {
    source: "alertmanager",
    payload: alertmanagerNotification({
      status: "firing",
      labels: { alertname: "KafkaConsumerLagHigh", consumergroup: `${pipelines[p]}-group`, partition: String(n), severity: "critical" },
      annotations: { summary: `lag on ${pipelines[p]} partition ${n}` },
      startsAt: new Date(T0 + n * 30_000).toISOString(),
      fingerprint: `p${p}-n${n}`,
    }),
  },
});
const env = {
  GITHUB_API_URL: emu.url,
  GITHUB_SERVER_URL: "https://github.example",
  GITHUB_REPOSITORY: "acme/data-ops",
  GITHUB_REF_NAME: "main",
  INPUT_TOKEN: TOKEN,
};
const actionRows = [["processes", "write interval", "exit 0", "incidents", "alerts recorded", "commits", "wall ms"]];
for (const interval of ["1s", "20ms"]) {
  await writeFile(join(workspace, ".github", "pipemedic.yml"), `store:\n  write_interval: ${interval}\n`);
  // each configuration starts from the repository's first commit
  execFileSync("git", ["update-ref", "refs/heads/main", execFileSync("git", ["rev-list", "--max-parents=0", "main"], { cwd: bare }).toString().trim()], {
    cwd: bare,
  });
  const t0 = performance.now();
  const runs = await Promise.all(
    Array.from({ length: 30 }, (_, i) => runAction({ workspace, eventName: "repository_dispatch", event: event(i % 4, Math.floor(i / 4)), env })),
  );
  const ms = Math.round(performance.now() - t0);
  const indexJson = JSON.parse(execFileSync("git", ["show", "main:incidents/index.json"], { cwd: bare }).toString()) as { incidents: Incident[] };
  actionRows.push([
    "30",
    interval,
    String(runs.filter((r) => r.code === 0).length),
    String(indexJson.incidents.length),
    String(new Set(indexJson.incidents.flatMap((i) => i.alerts)).size),
    execFileSync("git", ["rev-list", "--count", "main"], { cwd: bare }).toString().trim(),
    String(ms),
  ]);
}
printTable("Copies of action/dist/index.js started at once (4 problems, one alert each run)", actionRows);
await rm(workspace, { recursive: true, force: true });
await emu.close();

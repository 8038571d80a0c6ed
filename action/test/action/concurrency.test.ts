import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/model/index.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { runAction } from "../support/runner.js";
import { alertmanagerNotification } from "../support/payloads.js";

const TOKEN = "ghs_concurrency_test_token";
const PIPELINES = ["orders-streaming", "payments-ledger", "clickstream-ingest", "inventory-sync"];
const T0 = Date.parse("2026-03-14T01:00:00Z");
let emu: GitHubEmulator;
let bare: string;
let workspace: string;

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();

/** One Alertmanager alert of problem `p`; alerts of one problem differ in partition and fingerprint. */
function event(p: number, n: number) {
  const group = `${PIPELINES[p]}-group`;
  const payload = alertmanagerNotification({
    status: "firing",
    labels: { alertname: "KafkaConsumerLagHigh", consumergroup: group, partition: String(n), severity: "critical" },
    annotations: { summary: `lag on ${group} partition ${n}` },
    startsAt: new Date(T0 + n * 30_000).toISOString(),
    fingerprint: `p${p}-n${n}`,
  });
  return { action: "pipemedic-alert", client_payload: { source: "alertmanager", payload } };
}

function env() {
  return {
    GITHUB_API_URL: emu.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "acme/data-ops",
    GITHUB_REF_NAME: "main",
    INPUT_TOKEN: TOKEN,
  };
}

beforeAll(async () => {
  emu = await startGitHubEmulator({ token: TOKEN });
  bare = await emu.createRepo("acme", "data-ops", { files: { "README.md": "# data ops\n" } });
  workspace = await mkdtemp(join(tmpdir(), "pipemedic-ws-"));
  await mkdir(join(workspace, "knowledge", "pipelines"), { recursive: true });
  for (const p of PIPELINES) {
    await writeFile(join(workspace, "knowledge", "pipelines", `${p}.md`), `---\nid: ${p}\ncomponents: [{kind: kafka, consumer_group: ${p}-group}]\n---\n`);
  }
  // The emulator has no secondary rate limits, so the one-second spacing of writes GitHub asks for
  // would only make every run slower here; the race itself is unchanged.
  await mkdir(join(workspace, ".github"), { recursive: true });
  await writeFile(join(workspace, ".github", "pipemedic.yml"), "store:\n  write_interval: 20ms\n");
});
afterAll(async () => {
  await emu?.close();
  await rm(workspace, { recursive: true, force: true });
});

// Eight processes racing on one branch prove the property; action/bench/concurrency.bench.ts runs 30.
describe("8 copies of the bundled Action started at once against the GitHub emulator", () => {
  // About 15 s on an idle 2-core machine; the margin is for a machine busy with another test run.
  it("record every alert in exactly 4 incidents with a consistent index, and a re-delivery changes nothing", { timeout: 180_000 }, async () => {
    const events = Array.from({ length: 8 }, (_, i) => event(i % 4, Math.floor(i / 4)));
    const runs = await Promise.all(events.map((e) => runAction({ workspace, eventName: "repository_dispatch", event: e, env: env() })));
    for (const r of runs) expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(0);

    const index = JSON.parse(git(bare, "show", "main:incidents/index.json")) as { incidents: Incident[] };
    expect(index.incidents).toHaveLength(4);
    expect(new Set(index.incidents.flatMap((i) => i.alerts)).size).toBe(8);
    expect(
      index.incidents
        .map((i) => i.pipelines)
        .flat()
        .sort(),
    ).toEqual([...PIPELINES].sort());
    const folders = git(bare, "ls-tree", "-d", "--name-only", "-r", "main", "incidents")
      .split("\n")
      .filter((d) => /\/\d{4}-\d{2}-\d{2}-[^/]+$/.test(d));
    expect(folders.sort()).toEqual(index.incidents.map((i) => i.path).sort());
    for (const i of index.incidents) {
      const lines = git(bare, "show", `main:${i.path}/alerts.jsonl`).split("\n").filter(Boolean);
      expect(lines).toHaveLength(i.alerts.length);
    }
    const page = git(bare, "show", "main:incidents/README.md");
    for (const i of index.incidents) expect(page).toContain(i.id);

    const head = git(bare, "rev-parse", "main");
    const again = await runAction({ workspace, eventName: "repository_dispatch", event: events[5], env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(git(bare, "rev-parse", "main")).toBe(head);
    emu.assertNoViolations();
  });
});

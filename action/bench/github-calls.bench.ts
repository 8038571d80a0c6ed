// GitHub API calls per investigation (telemetry excluded), through the GitHub store and forge
// against the emulator: the first incident of a repository, a second one, and a fix pull request.
import { join } from "node:path";
import type { Delivery } from "../src/model/index.js";
import { ConfigSchema, silentProgress } from "../src/model/index.js";
import { projectMemory } from "../src/eval/replay.js";
import { runPipeline } from "../src/pipeline/index.js";
import { githubForge, githubStore } from "../src/store/github.js";
import { createOctokit } from "../src/store/octokit.js";
import { loadScenario } from "../src/telemetry/replay/load.js";
import { replayTelemetry } from "../src/telemetry/replay/telemetry.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { startGitHubEmulator } from "../test/support/github-emulator/index.js";
import { printTable } from "./table.js";

const TOKEN = "bench-token";
const emu = await startGitHubEmulator({ token: TOKEN });
const memory = await projectMemory(PACKAGE_ROOT);
const rows = [["run", "scenario", "API calls", "of which writes", "by endpoint"]];
let n = 0;
for (const id of ["orders-lag-slow-dependency", "ledger-rebalance-storm", "inventory-pool-starved"]) {
  const s = await loadScenario(join(PACKAGE_ROOT, "action", "scenarios", id));
  await emu.createRepo("acme", `ops-${id}`, { files: { "README.md": "# ops\n", ...s.repo } });
  const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined } });
  const store = githubStore({ octokit, owner: "acme", repo: `ops-${id}`, branch: "main" });
  const forge = githubForge({ octokit, owner: "acme", repo: `ops-${id}`, base: "main" });
  const now = Date.parse(s.meta.now);
  const deliveries: Delivery[] = s.alerts.map((a) => ({ id: a.file, body: a.body, headers: a.headers, receivedAt: a.at }));
  const before = emu.calls.length;
  await runPipeline(
    deliveries,
    { telemetry: replayTelemetry(s.telemetry), store, forge, clock: { now: () => now }, progress: silentProgress },
    { config: ConfigSchema.parse({}), memory, overlay: { ...s.knowledge, ...s.runbooks }, investigateAll: true },
  );
  const calls = emu.calls.slice(before);
  const by = new Map<string, number>();
  for (const c of calls) by.set(c.operationId ?? c.path, (by.get(c.operationId ?? c.path) ?? 0) + 1);
  rows.push([
    String(++n),
    id,
    String(calls.length),
    String(calls.filter((c) => c.method !== "GET").length),
    [...by.entries()].map(([k, v]) => `${k}×${v}`).join(" "),
  ]);
}
printTable("GitHub API calls per investigation (target: at most 8)", rows);
await emu.close();

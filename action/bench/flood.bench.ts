// A flood (issue #16, section 4): one Alertmanager body of 600 distinct critical alerts, through the
// whole pipeline with no telemetry configured, into the local git store and into the GitHub store
// against the emulator. Time to the run's first commit (every alert and incident recorded) and to the
// end of the run (investigate.max_per_run investigations committed). Target: the first commit within 10 s.
// Beside wall time, the CPU time spent to the first commit (this process, the emulator in it included,
// and its git processes): on a shared, loaded machine wall time grows with the load, CPU time does not.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import type { Delivery, Store } from "../src/model/index.js";
import { ConfigSchema, silentProgress } from "../src/model/index.js";
import { runPipeline } from "../src/pipeline/index.js";
import { githubStore } from "../src/store/github.js";
import { LocalGitStore } from "../src/store/local.js";
import { createOctokit } from "../src/store/octokit.js";
import { combineTelemetry } from "../src/telemetry/combine.js";
import { startGitHubEmulator } from "../test/support/github-emulator/index.js";
import { alertmanagerFlood } from "../test/support/payloads.js";
import { printTable } from "./table.js";

const T0 = Date.parse("2026-03-14T01:00:00Z");
const NOW = T0 + 15 * 60_000;
const ALERTS = 600;
const body = alertmanagerFlood(ALERTS, T0);
const delivery: Delivery = { id: "flood", body, headers: {}, receivedAt: new Date(NOW).toISOString() };
const config = ConfigSchema.parse({});

/** CPU seconds of this process and of its children it waited for (git), from /proc (Linux). */
function cpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime, stime, cutime, cstime are fields 14-17 of stat(5), counted from the state (field 3).
  return [11, 12, 13, 14].reduce((n, i) => n + Number(f[i]), 0) / 100;
}

/** The store, with the time and CPU time at which each commit landed. */
function timed(store: Store): { store: Store; landed: Array<{ at: number; cpu: number }> } {
  const landed: Array<{ at: number; cpu: number }> = [];
  return {
    landed,
    store: {
      snapshot: () => store.snapshot(),
      commit: async (message, build) => {
        const out = await store.commit(message, build);
        landed.push({ at: performance.now(), cpu: cpuSeconds() });
        return out;
      },
      proposeBranch: (input) => store.proposeBranch(input),
      linkTo: (path) => store.linkTo(path),
    },
  };
}

async function flood(name: string, inner: Store): Promise<string[]> {
  const { store, landed } = timed(inner);
  const t0 = performance.now();
  const cpu0 = cpuSeconds();
  const result = await runPipeline(
    [delivery],
    { telemetry: combineTelemetry([]), store, clock: { now: () => NOW }, progress: silentProgress },
    { config, memory: {} },
  );
  const end = performance.now();
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return [
    name,
    String(result.alerts.length),
    String(result.outcomes.length),
    s(landed[0]!.at - t0),
    (landed[0]!.cpu - cpu0).toFixed(1),
    s(end - t0),
    String(landed.length),
    String(result.outcomes.filter((o) => o.investigated).length),
    landed[0]!.at - t0 <= 10_000 ? "met" : "missed",
  ];
}

const rows = [["store", "alerts", "incidents", "first commit s", "its CPU s", "run s", "commits", "investigated", "first commit <= 10 s"]];

const dir = await mkdtemp(join(tmpdir(), "pipemedic-flood-bench-"));
execFileSync("git", ["init", "-q", "-b", "main", dir]);
rows.push(await flood("local git", new LocalGitStore({ dir })));
await rm(dir, { recursive: true, force: true });

const TOKEN = "bench-token";
const emu = await startGitHubEmulator({ token: TOKEN });
await emu.createRepo("acme", "ops", { files: { "README.md": "# ops\n" } });
const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { writeIntervalMs: 20 }, log: { warn: () => undefined } });
rows.push(await flood("GitHub API (emulator, writes 20 ms apart)", githubStore({ octokit, owner: "acme", repo: "ops", branch: "main" })));
await emu.close();

const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
printTable(
  `A flood: one Alertmanager body of ${ALERTS} distinct critical alerts (${(Buffer.byteLength(body) / 1024).toFixed(0)} KB), max_per_run ${config.investigate.max_per_run}; load average ${load} on ${os.availableParallelism()} cores`,
  rows,
);

import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock, Delivery, Incident, Progress } from "../../src/model/index.js";
import { ConfigSchema, silentProgress } from "../../src/model/index.js";
import { runPipeline } from "../../src/pipeline/index.js";
import { LocalGitStore } from "../../src/store/local.js";
import { MemoryStore } from "../../src/store/memory.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { alertmanagerFlood, alertmanagerNotification } from "../support/payloads.js";

// Issue #16, section 4: one body of 600 distinct critical alerts was investigated one incident after
// another and committed only at the end, so a job killed on the way lost every alert. Now the run
// records first (one commit of every alert and incident), then investigates at most
// investigate.max_per_run incidents, most severe first, within budgets.run, committing as it goes.

const T0 = Date.parse("2026-03-14T01:00:00Z");
const NOW = T0 + 15 * 60_000;
const FLOOD = 600;
const flood: Delivery = { id: "flood", body: alertmanagerFlood(FLOOD, T0), headers: {}, receivedAt: new Date(NOW).toISOString() };

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).toString();

/** A git repository with one commit of its own, and the local store over it. */
async function repository(): Promise<{ dir: string; store: LocalGitStore; seed: string }> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-flood-"));
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  const store = new LocalGitStore({ dir });
  const { sha } = await store.commit("seed", async () => ({ "README.md": "# data ops\n" }));
  return { dir, store, seed: sha! };
}

/** The run's commits, oldest first. */
const runCommits = (dir: string, seed: string) => git(dir, "rev-list", "--reverse", `${seed}..main`).trim().split("\n");
const indexAt = (dir: string, commit: string) => (JSON.parse(git(dir, "show", `${commit}:incidents/index.json`)) as { incidents: Incident[] }).incidents;
const count = (incidents: Incident[], investigation: Incident["investigation"]) => incidents.filter((i) => i.investigation === investigation).length;

describe("a flood of alerts in one body", () => {
  it(
    "records all 600 alerts in the run's first commit, investigates at most investigate.max_per_run (the earliest first), and leaves the rest awaiting a trigger",
    { timeout: 240_000 },
    async () => {
      expect(Buffer.byteLength(flood.body)).toBeLessThan(64 * 1024);
      const { dir, store, seed } = await repository();
      const config = ConfigSchema.parse({});
      expect(config.investigate.max_per_run).toBe(10);
      const result = await runPipeline(
        [flood],
        { telemetry: combineTelemetry([]), store, clock: { now: () => NOW }, progress: silentProgress },
        { config, memory: {} },
      );

      expect(result.alerts).toHaveLength(FLOOD);
      expect(result.outcomes).toHaveLength(FLOOD);
      const commits = runCommits(dir, seed);
      expect(commits.length).toBeGreaterThanOrEqual(2);
      expect(result.commits?.[0]?.sha).toBe(commits[0]);

      // The first commit holds every alert, each in its incident's alerts.jsonl, and every incident in the index.
      const [first] = commits as [string];
      const recorded = indexAt(dir, first);
      expect(recorded).toHaveLength(FLOOD);
      const lines = git(dir, "grep", "-c", "-e", ".", first, "--", "incidents/**/alerts.jsonl")
        .trim()
        .split("\n")
        .map((l) => ({ path: l.slice(first.length + 1, l.lastIndexOf(":")), n: Number(l.slice(l.lastIndexOf(":") + 1)) }));
      expect(new Set(lines.map((l) => l.path))).toEqual(new Set(recorded.map((i) => `${i.path}/alerts.jsonl`)));
      expect(lines.reduce((n, l) => n + l.n, 0)).toBe(FLOOD);
      expect(new Set(recorded.flatMap((i) => i.alerts))).toEqual(new Set(result.alerts.map((a) => a.id)));
      // Those it is about to investigate are pending; the cap already left the others awaiting a trigger.
      expect(count(recorded, "pending")).toBe(10);
      expect(count(recorded, "awaiting")).toBe(FLOOD - 10);

      // At the end: the cap's worth investigated, the earliest alerts first (all are critical), none left pending.
      const investigated = result.outcomes.filter((o) => o.investigated);
      expect(investigated).toHaveLength(10);
      const earliest = [...result.outcomes].sort((a, b) => a.incident.openedAt.localeCompare(b.incident.openedAt)).slice(0, 10);
      expect(new Set(investigated.map((o) => o.incident.id))).toEqual(new Set(earliest.map((o) => o.incident.id)));
      const final = indexAt(dir, "main");
      expect(final).toHaveLength(FLOOD);
      expect(count(final, "done")).toBe(10);
      expect(count(final, "awaiting")).toBe(FLOOD - 10);
      expect(count(final, "pending")).toBe(0);

      // An incident left for later says why and how to start it.
      const later = result.outcomes.find((o) => !o.investigated)!;
      expect(later.reason).toMatch(/investigate\.max_per_run.*awaiting a manual trigger/);
      const readme = git(dir, "show", `main:${later.reportPath}`);
      expect(readme).toContain("investigation: awaiting");
      expect(readme).toContain("investigate.max_per_run");
      expect(readme).toContain(`gh workflow run investigate.yml -f incident-id=${later.incident.id}`);
      expect(git(dir, "status", "--porcelain")).toBe("");
    },
  );

  it("stops starting investigations when budgets.run runs out, and commits each one as it finishes", { timeout: 240_000 }, async () => {
    const { dir, store, seed } = await repository();
    // A fake wall clock: every investigation takes three minutes of the run's ten.
    let t = Date.parse("2026-12-06T09:00:00Z");
    const wall: Clock = { now: () => t };
    const progress: Progress = { ...silentProgress, phase: (name) => void (name.startsWith("investigate ") && (t += 3 * 60_000)) };
    const config = ConfigSchema.parse({ budgets: { run: "10m" } });
    const result = await runPipeline([flood], { telemetry: combineTelemetry([]), store, clock: { now: () => NOW }, progress, wall }, { config, memory: {} });

    // Started at 0, 3, 6 and 9 minutes; at 12 the run's time is spent, so the other six of the cap's ten wait.
    const investigated = result.outcomes.filter((o) => o.investigated);
    expect(investigated).toHaveLength(4);
    const late = result.outcomes.filter((o) => o.deferred?.includes("budgets.run"));
    expect(late).toHaveLength(6);
    expect(late.every((o) => o.incident.investigation === "awaiting" && /awaiting a manual trigger$/.test(o.reason))).toBe(true);
    const final = indexAt(dir, "main");
    expect(count(final, "done")).toBe(4);
    expect(count(final, "awaiting")).toBe(FLOOD - 4);
    expect(git(dir, "show", `main:${late[0]!.reportPath}`)).toContain("budgets.run");

    // The record, one commit per investigation as it finished (each took longer than the batching
    // interval), then the incidents the deadline left: a job killed after any commit keeps what was done.
    const commits = runCommits(dir, seed);
    expect(commits).toHaveLength(6);
    expect(commits.map((c) => count(indexAt(dir, c), "done"))).toEqual([0, 1, 2, 3, 4, 4]);
    expect(commits.map((c) => count(indexAt(dir, c), "pending"))).toEqual([10, 9, 8, 7, 6, 0]);
    expect(commits.every((c) => indexAt(dir, c).length === FLOOD)).toBe(true);
  });
});

describe("the order and the end of a run's investigations", () => {
  const T = (m: number) => new Date(T0 + m * 60_000).toISOString();
  /** One body, three alerts of other checks: medium first, then high, then critical. */
  const body = JSON.stringify({
    ...alertmanagerNotification({ status: "firing", labels: { alertname: "x" }, startsAt: T(0), fingerprint: "x" }),
    alerts: [
      { status: "firing", labels: { alertname: "QuartoLate", severity: "warning" }, startsAt: T(0), fingerprint: "m" },
      { status: "firing", labels: { alertname: "ZebraStalled", severity: "error" }, startsAt: T(1), fingerprint: "h" },
      { status: "firing", labels: { alertname: "OrchidDown", severity: "critical" }, startsAt: T(2), fingerprint: "c" },
    ],
  });
  const delivery: Delivery = { id: "three", body, headers: {}, receivedAt: new Date(NOW).toISOString() };
  const ports = (store: MemoryStore, progress: Progress = silentProgress) => ({ telemetry: combineTelemetry([]), store, clock: { now: () => NOW }, progress });

  it("investigates the most severe first, whatever came first, and the cap leaves the least severe", async () => {
    const store = new MemoryStore();
    const order: string[] = [];
    const progress: Progress = { ...silentProgress, phase: (name) => void (name.startsWith("investigate ") && order.push(name.slice(12))) };
    const config = ConfigSchema.parse({ investigate: { max_per_run: 2 } });
    const result = await runPipeline([delivery], ports(store, progress), { config, memory: {} });
    const severity = (id: string) => result.outcomes.find((o) => o.incident.id === id)!.incident.severity;
    expect(order.map(severity)).toEqual(["critical", "high"]);
    const medium = result.outcomes.find((o) => o.incident.severity === "medium")!;
    expect(medium.investigated).toBe(false);
    expect(medium.deferred).toMatch(/investigate\.max_per_run/);
    // The outcomes keep the order the alerts opened their incidents in.
    expect(result.outcomes.map((o) => o.incident.severity)).toEqual(["medium", "high", "critical"]);
    expect(store.commits.map((c) => c.message.split("\n")[0])).toEqual(["pipemedic: 3 incidents: 3 alert(s)", "pipemedic: 2 incidents: investigated"]);
  });

  it("a run that fails on the way keeps its record and what it finished; the rest await a trigger", async () => {
    const store = new MemoryStore();
    let started = 0;
    const progress: Progress = {
      ...silentProgress,
      phase: (name) => {
        if (name.startsWith("investigate ") && ++started === 2) throw new Error("the runner went away");
      },
    };
    await expect(runPipeline([delivery], ports(store, progress), { config: ConfigSchema.parse({}), memory: {} })).rejects.toThrow("the runner went away");
    const index = (JSON.parse(store.get("incidents/index.json")!) as { incidents: Incident[] }).incidents;
    const by = Object.fromEntries(index.map((i) => [i.severity, i.investigation]));
    expect(by).toEqual({ critical: "done", high: "awaiting", medium: "awaiting" });
    const high = index.find((i) => i.severity === "high")!;
    expect(store.get(`${high.path}/README.md`)).toContain("the run stopped before it was reached");
    expect(store.commits).toHaveLength(2);
  });
});

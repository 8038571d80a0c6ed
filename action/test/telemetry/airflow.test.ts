import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replayScenario, projectMemory } from "../../src/eval/replay.js";
import { airflowTelemetry } from "../../src/telemetry/airflow.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";
import { startAirflowEmulator } from "../support/http-emulators/airflow.js";
import { arrayContaining } from "../support/match.js";

describe("the Airflow adapter against an Airflow REST emulator", () => {
  it("gives every orchestrator check of the golden suite the same verdict as replay, on v1 and on v2", { timeout: 300_000 }, async () => {
    const memory = await projectMemory(REPO_ROOT);
    let compared = 0;
    for (const dir of await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))) {
      const scenario = await loadScenario(dir);
      const o = scenario.telemetry.orchestrator;
      if (!o.dag_runs.length && !o.task_instances.length && !o.import_errors.length && !o.pools.length) continue;
      const replayed = await replayScenario(dir, { projectRoot: REPO_ROOT, memory });
      const checks = replayed.result.outcomes
        .flatMap((x) => x.investigation?.hypotheses ?? [])
        .flatMap((h) => h.checks)
        .filter((c) => c.capability === "orchestrator" && !c.unresolved);
      const want = new Map(replayed.result.outcomes.flatMap((x) => x.investigation?.evidence ?? []).map((e) => [e.key, e.verdict]));
      for (const version of [1, 2] as const) {
        const emu = await startAirflowEmulator(
          o,
          version === 1 ? `Basic ${Buffer.from("pipemedic:s3cret").toString("base64")}` : "Bearer airflow-token",
          version,
        );
        try {
          const auth = version === 1 ? { basic: { username: "pipemedic", password: "s3cret" } } : { token: "airflow-token" };
          const live = await replayScenario(dir, {
            projectRoot: REPO_ROOT,
            memory,
            telemetry: (s) => combineTelemetry([airflowTelemetry({ url: emu.url, version, auth }), replayTelemetry(s.telemetry)]),
          });
          const got = new Map(live.result.outcomes.flatMap((x) => x.investigation?.evidence ?? []).map((e) => [e.key, e]));
          for (const c of checks) expect(got.get(c.key)?.verdict, `${scenario.meta.id} v${version} ${c.key}: ${got.get(c.key)?.finding}`).toBe(want.get(c.key));
          expect(emu.requests.every((r) => r.startsWith(`/api/v${version}/`))).toBe(true);
        } finally {
          await emu.close();
        }
      }
      compared += checks.length;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it("says which credentials failed instead of passing or failing a check", async () => {
    const emu = await startAirflowEmulator({ dag_runs: [], task_instances: [], import_errors: [], pools: [] }, "Bearer right");
    try {
      const t = airflowTelemetry({ url: emu.url, version: 2, auth: { token: "wrong" } });
      await expect(t.orchestrator({ kind: "pools", start: 0, end: 1 }, AbortSignal.timeout(5000))).rejects.toThrow(
        /HTTP 401: check the connector's credentials/,
      );
    } finally {
      await emu.close();
    }
  });

  it("pages past 100 records, and reads runs that overlap the window: ended in it, or still open without a start", async () => {
    const start = Date.parse("2026-03-14T00:00:00Z");
    const end = start + 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const finished = Array.from({ length: 230 }, (_, i) => ({
      dag_id: "orders_daily",
      dag_run_id: `run_${i}`,
      task_id: "load",
      map_index: -1,
      state: "success",
      logical_date: iso(start - 86_400_000),
      start_date: iso(start + i * 10_000),
      end_date: iso(start + i * 10_000 + 5_000),
    }));
    const data = {
      dag_runs: [],
      task_instances: [
        ...finished,
        // Ended before the window: out.
        {
          dag_id: "orders_daily",
          dag_run_id: "old",
          task_id: "load",
          map_index: -1,
          state: "failed",
          start_date: iso(start - 7_200_000),
          end_date: iso(start - 3_700_000),
        },
        // Started before the window, still running: in.
        {
          dag_id: "orders_daily",
          dag_run_id: "long",
          task_id: "load",
          map_index: -1,
          state: "running",
          start_date: iso(start - 7_200_000),
          queued_when: iso(start - 7_300_000),
        },
        // Queued, never started (pool starvation): in, though it has no start_date to filter on.
        {
          dag_id: "orders_daily",
          dag_run_id: "starved",
          task_id: "load",
          map_index: -1,
          state: "queued",
          queued_when: iso(start + 60_000),
          pool: "default_pool",
        },
        // Queued only after the window: out.
        { dag_id: "orders_daily", dag_run_id: "later", task_id: "load", map_index: -1, state: "queued", queued_when: iso(end + 60_000) },
      ],
      import_errors: [],
      pools: [],
    };
    for (const version of [1, 2] as const) {
      const emu = await startAirflowEmulator(data, "Bearer t", version);
      try {
        const got = await airflowTelemetry({ url: emu.url, version, auth: { token: "t" } }).orchestrator(
          { kind: "task_instances", start, end },
          AbortSignal.timeout(10_000),
        );
        const ids = got.map((r) => r.dag_run_id);
        expect(ids.filter((id) => String(id).startsWith("run_")).length, `v${version}`).toBe(finished.filter((r) => Date.parse(r.start_date) <= end).length);
        expect(ids, `v${version}`).toEqual(arrayContaining(["long", "starved"]));
        expect(ids, `v${version}`).not.toContain("old");
        expect(ids, `v${version}`).not.toContain("later");
        expect(new Set(ids).size).toBe(ids.length);
        // Airflow 2 serves execution_date on task instances; the record carries logical_date for the primitives too.
        expect(got.find((r) => r.dag_run_id === "run_0")).toMatchObject({ logical_date: iso(start - 86_400_000) });
        if (version === 1) expect(got.find((r) => r.dag_run_id === "run_0")).toMatchObject({ execution_date: iso(start - 86_400_000) });
        expect(emu.requests.filter((r) => r.includes("offset=100")).length).toBeGreaterThan(0);
      } finally {
        await emu.close();
      }
    }
  });

  it("refuses to read more than maxRecords instead of returning a silent subset", async () => {
    const pools = Array.from({ length: 250 }, (_, i) => ({ name: `pool_${i}`, slots: 1, open_slots: 1 }));
    const emu = await startAirflowEmulator({ dag_runs: [], task_instances: [], import_errors: [], pools }, "Bearer t", 2);
    try {
      const t = (maxRecords?: number) => airflowTelemetry({ url: emu.url, version: 2, auth: { token: "t" }, ...(maxRecords ? { maxRecords } : {}) });
      expect((await t().orchestrator({ kind: "pools", start: 0, end: 1 }, AbortSignal.timeout(5000))).length).toBe(250);
      await expect(t(150).orchestrator({ kind: "pools", start: 0, end: 1 }, AbortSignal.timeout(5000))).rejects.toThrow(
        "airflow GET /api/v2/pools: more than 150 pools; narrow the window or raise maxRecords",
      );
    } finally {
      await emu.close();
    }
  });
});

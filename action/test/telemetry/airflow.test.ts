import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replayScenario, projectMemory } from "../../src/eval/replay.js";
import { airflowTelemetry } from "../../src/telemetry/airflow.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";
import { startAirflowEmulator } from "../support/http-emulators/airflow.js";

describe("the Airflow adapter against an Airflow REST emulator", () => {
  it("gives every orchestrator check of the golden suite the same verdict as replay, on v1 and on v2", { timeout: 300_000 }, async () => {
    const memory = await projectMemory(REPO_ROOT);
    let compared = 0;
    for (const dir of await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))) {
      const scenario = await loadScenario(dir);
      const o = scenario.telemetry.orchestrator;
      if (!o.dag_runs.length && !o.task_instances.length && !o.import_errors.length && !o.pools.length) continue;
      const replayed = await replayScenario(dir, { projectRoot: REPO_ROOT, memory });
      const checks = replayed.result.outcomes.flatMap((x) => x.investigation?.hypotheses ?? []).flatMap((h) => h.checks).filter((c) => c.capability === "orchestrator" && !c.unresolved);
      const want = new Map(replayed.result.outcomes.flatMap((x) => x.investigation?.evidence ?? []).map((e) => [e.key, e.verdict]));
      for (const version of [1, 2] as const) {
        const emu = await startAirflowEmulator(o, version === 1 ? `Basic ${Buffer.from("pipemedic:s3cret").toString("base64")}` : "Bearer airflow-token", version);
        try {
          const auth = version === 1 ? { basic: { username: "pipemedic", password: "s3cret" } } : { token: "airflow-token" };
          const live = await replayScenario(dir, { projectRoot: REPO_ROOT, memory, telemetry: (s) => combineTelemetry([airflowTelemetry({ url: emu.url, version, auth }), replayTelemetry(s.telemetry)]) });
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
      await expect(t.orchestrator({ kind: "pools", start: 0, end: 1 }, AbortSignal.timeout(5000))).rejects.toThrow(/HTTP 401: check the connector's credentials/);
    } finally {
      await emu.close();
    }
  });
});

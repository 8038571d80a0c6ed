import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pipelineId, proposePipelines } from "../../src/init/propose.js";
import { PipelineSchema } from "../../src/model/index.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";

describe("pipeline proposals from discovery", () => {
  it("proposes one pipeline per consumer group whose lag is exported, with the topics it reads, as valid knowledge", async () => {
    // Recorded Prometheus series of a scenario, served by the replay adapter as /api/v1/series would.
    const s = await loadScenario(join(REPO_ROOT, "action", "scenarios", "clickstream-hot-key"));
    const groups = new Set(
      s.telemetry.metrics.series.filter((x) => x.labels.__name__ === "kafka_consumergroup_lag" && x.labels.consumergroup).map((x) => x.labels.consumergroup!),
    );
    expect(groups.size).toBeGreaterThan(0);
    const proposals = await proposePipelines(replayTelemetry(s.telemetry), {
      now: Date.parse(s.meta.now),
      existing: new Set(),
      signal: AbortSignal.timeout(10_000),
    });
    expect(proposals.map((p) => p.name).sort()).toEqual([...groups].sort());
    for (const p of proposals) {
      const front = parse(/^---\n([\s\S]*?)---\n/.exec(p.content)![1]!) as Record<string, unknown>;
      const pipeline = PipelineSchema.parse(front);
      expect(pipeline.id).toBe(p.id);
      expect(pipeline.components.length).toBeGreaterThan(0);
      expect(pipeline.components.every((c) => c.kind === "kafka" && c.consumer_group === p.name && typeof c.topic === "string")).toBe(true);
    }
    // A group knowledge already describes is not proposed again.
    const first = proposals[0]!;
    const again = await proposePipelines(replayTelemetry(s.telemetry), {
      now: Date.parse(s.meta.now),
      existing: new Set([first.name]),
      signal: AbortSignal.timeout(10_000),
    });
    expect(again.map((p) => p.name)).not.toContain(first.name);
  });

  it("turns DAG ids and group names into pipeline ids, refusing what cannot be one", () => {
    expect(pipelineId("dbt.finance_daily")).toBe("dbt-finance-daily");
    expect(pipelineId("Marketing Attribution")).toBe("marketing-attribution");
    expect(pipelineId("___")).toBeNull();
  });
});

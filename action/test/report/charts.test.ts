import { describe, expect, it } from "vitest";
import { checkThreshold, metricChart, unitOf } from "../../src/report/markdown/mermaid.js";
import { metricOf } from "../../src/report/markdown/figures.js";
import { strayMermaidLines } from "./mdast-helpers.js";

describe("the decisive metric chart", () => {
  it("reads units from Prometheus' naming conventions, scaled to the values shown", () => {
    expect(unitOf("node_filesystem_avail_bytes", false, 7e9)).toEqual({ label: "GiB", factor: 1024 ** 3 });
    expect(unitOf("metrics_executor_shuffleTotalBytesRead_bytes_total", true, 4e7)).toEqual({ label: "MiB/s", factor: 1024 ** 2 });
    expect(unitOf("probe_duration_seconds", false, 0.85)).toEqual({ label: "ms", factor: 0.001 });
    expect(unitOf("job_duration_seconds", false, 5400)).toEqual({ label: "minutes", factor: 60 });
    expect(unitOf("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", false, 970)).toEqual({ label: "% of the time", factor: 10 });
    expect(unitOf("cache_hit_ratio", false, 0.9)).toEqual({ label: "%", factor: 0.01 });
    expect(unitOf("kafka_topic_partition_current_offset", true, 1500)).toEqual({ label: "messages/s", factor: 1 });
    expect(unitOf("kafka_consumergroup_lag", false, 156_000)).toEqual({ label: "thousands of messages", factor: 1000 });
    expect(unitOf("kafka_brokers", false, 3)).toEqual({ label: "count", factor: 1 });
  });

  it("finds the metric of a query and the level a check compared against", () => {
    expect(metricOf('sum by (topic) (rate(kafka_topic_partition_current_offset{topic="{{kafka.topic}}"}[5m]))')).toBe("kafka_topic_partition_current_offset");
    expect(metricOf('node_filesystem_avail_bytes{mountpoint=~"/var/lib/kafka.*"}')).toBe("node_filesystem_avail_bytes");
    expect(checkThreshold("threshold", { value: "<= 1073741824" }, {})).toEqual({ value: 1073741824, op: "<=" });
    expect(checkThreshold("step_change", { ratio: ">= 2" }, { before: 35, after: 700 })).toEqual({ value: 70, op: ">=", ratio: 2 });
    expect(checkThreshold("oscillation", { changes: ">= 6" }, {})).toBeNull();
  });

  it("draws the series the finding names, its threshold and the onset, and dates the crossing", () => {
    const t0 = Date.parse("2026-04-21T16:12:00Z");
    const gib = 1024 ** 3;
    const points = (f: (i: number) => number) => Array.from({ length: 23 }, (_, i) => [t0 + i * 120_000, f(i)] as [number, number]);
    const data = {
      series: [
        { labels: { __name__: "node_filesystem_avail_bytes", instance: "kafka-0", mountpoint: "/data" }, points: points(() => 160 * gib) },
        {
          labels: { __name__: "node_filesystem_avail_bytes", instance: "kafka-1", mountpoint: "/data" },
          points: points((i) => Math.max(0, 7 - i * 0.5) * gib),
        },
      ],
    };
    const chart = metricChart({
      data,
      title: "a Kafka log directory ran out of space",
      finding: "a Kafka log directory ran out of space: one of 2 series (instance=kafka-1,mountpoint=/data): value 0 (meets <= 1073741824)",
      threshold: { value: gib, op: "<=" },
      onset: Date.parse("2026-04-21T16:42:00Z"),
    })!;
    expect(chart.series.labels.instance).toBe("kafka-1");
    expect(chart.name).toBe("kafka-1");
    expect(chart.of).toBe(2);
    expect(new Date(chart.crossedAt!).toISOString()).toBe("2026-04-21T16:36:00.000Z");
    const lines = chart.chart.value.split("\n");
    expect(strayMermaidLines(chart.chart.value)).toEqual([]);
    expect(lines[0]).toContain('"plotColorPalette":"#6e7781, #0969da, #cf222e"');
    expect(lines).toContain('    x-axis "minutes from the onset, 2026-04-21 16.42 UTC" -30 --> 14');
    expect(lines).toContain('    y-axis "GiB (node_filesystem_avail_bytes)" 0 --> 8');
    expect(lines).toContain('    line "kafka-1" [7, 6.5, 6, 5.5, 5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0]');
    expect(lines).toContain('    line "threshold 1 GiB" [1, 1]');
    // The onset spike stands where x = 0: 30 of 44 minutes into the window.
    const spike = lines
      .find((l) => l.startsWith('    line "onset 16.42"'))!
      .match(/\[(.*)\]/)![1]!
      .split(", ");
    expect(spike).toHaveLength(101);
    expect(spike.indexOf("8")).toBe(Math.round((30 / 44) * 100));
    expect(chart.legend.map((l) => l.colour)).toEqual(["grey", "blue", "red"]);
  });

  it("says minutes before the last sample when the onset is outside the data, and draws nothing without two points", () => {
    const t0 = Date.parse("2026-04-21T16:00:00Z");
    const data = {
      series: [{ labels: { __name__: "kafka_brokers" }, points: [0, 1, 2, 3].map((i) => [t0 + i * 60_000, 3 - Math.min(i, 1)] as [number, number]) }],
    };
    const chart = metricChart({ data, title: "the cluster lost a broker", onset: null })!;
    expect(chart.chart.value).toContain('x-axis "minutes before 2026-04-21 16.03 UTC" -3 --> 0');
    expect(chart.chart.value).toContain('y-axis "count (kafka_brokers)" 0 --> 8');
    expect(chart.chart.value).not.toContain("onset");
    expect(metricChart({ data: { series: [{ labels: {}, points: [[t0, 1]] }] }, title: "x" })).toBeNull();
    expect(metricChart({ data: { records: [] }, title: "x" })).toBeNull();
  });
});

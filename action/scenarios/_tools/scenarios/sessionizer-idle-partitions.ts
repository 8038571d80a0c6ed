/**
 * 10:40: the streaming team expands web.clickstream from 24 to 32 partitions (a KafkaTopic change
 * applied with kubectl) ahead of a campaign. The sessionizer's Kafka source discovers the new
 * partitions at 10:44 and assigns one to each source subtask. The edge collectors' old client only
 * refreshes its partition list on restart, so nothing is written to partitions 24–31: each source
 * subtask's watermark is held by an empty partition, the session windows stop firing, and the live
 * sessions index goes stale while records keep flowing on the other 24 partitions.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { flinkLog, jobSeries, taskSeries } from "../flink.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "sessionizer-idle-partitions";
const JOB = "clickstream-sessionizer";
const JOB_ID = "e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6";

export function build(): Telemetry {
  const rand = new Rand(3232);
  const now = at("2026-06-02T11:04:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const discovered = at("2026-06-02T10:44:10Z");
  const stalled = (t: number) => t >= discovered;
  const wm = (t: number) => (stalled(t) ? discovered - 31 * SEC : t - 31 * SEC);
  // Windows stop firing: the sink has almost nothing to write once the watermark is stuck.
  const sinkIn = (t: number) => (stalled(t) ? 2 : 95);
  const series = [
    ...taskSeries(ax, rand, JOB, JOB_ID, [
      {
        name: "Source: web.clickstream",
        parallelism: 8,
        busy: () => 150,
        backpressured: () => 15,
        recordsIn: () => 335,
        startDelayMs: () => 50,
        watermark: wm,
      },
      { name: "Sessionize", parallelism: 8, busy: () => 270, backpressured: () => 10, recordsIn: () => 335, startDelayMs: () => 60, watermark: wm },
      { name: "Sink: sessions-es", parallelism: 4, busy: (t) => (stalled(t) ? 15 : 220), backpressured: () => 0, recordsIn: sinkIn, startDelayMs: () => 70 },
    ]),
    ...jobSeries(ax, rand, JOB, JOB_ID, {
      failed: () => 12,
      completed: (t) => 14_100 + Math.floor((t - ax.start) / MIN),
      duration: (t) => (stalled(t) ? 12_500 + ((t - discovered) / MIN) * 400 : 7_900),
      fullSize: (t) => 40.1e9 + (stalled(t) ? ((t - discovered) / MIN) * 0.35e9 : 0),
    }),
    ...probes(ax, rand),
  ];
  series.push({
    labels: { __name__: "probe_duration_seconds", instance: "http://sessions-es.search.svc.cluster.local:9200/_cluster/health", job: "blackbox-http" },
    start: iso(ax.start),
    step: "60s",
    values: times(ax).map(() => Math.round(Math.max(0.001, rand.jitter(0.021, 0.15)) * 1e4) / 1e4),
  });
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (let s = 0; s < 8; s++) {
    flinkLog(
      logs,
      discovered + s * 100,
      JOB,
      "taskmanager",
      "info",
      `[Source: web.clickstream (${s + 1}/8)] Adding split(s) to reader: [[Partition: web.clickstream-${24 + s}, StartingOffset: -2, StoppingOffset: -9223372036854775808]]`,
    );
  }
  flinkLog(
    logs,
    discovered - 2 * SEC,
    JOB,
    "jobmanager",
    "info",
    "Discovered new partitions: [web.clickstream-24, web.clickstream-25, web.clickstream-26, web.clickstream-27, web.clickstream-28, web.clickstream-29, web.clickstream-30, web.clickstream-31]",
  );
  for (const t of times(ax)) {
    if ((t / MIN) % 10 === 0)
      flinkLog(
        logs,
        t + 8 * SEC,
        JOB,
        "jobmanager",
        "info",
        `Completed checkpoint ${14_100 + Math.floor((t - ax.start) / MIN)} for job ${JOB_ID} (${rand.int(2400, 2800)} MB incremental, ${rand.int(7, 14)} s).`,
      );
  }
  return {
    series,
    logs,
    events: [
      {
        at: "2026-06-02T10:40:05Z",
        kind: "kafka.topic.partitions_increased",
        labels: { topic: "web.clickstream", from: "24", to: "32", by: "lpetit" },
        message: "KafkaTopic web.clickstream: partitions 24 → 32 (kubectl apply)",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

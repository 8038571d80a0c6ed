/**
 * 14:18: a data node of the sessions Elasticsearch cluster is lost and the cluster starts
 * relocating shards; bulk indexing slows from ~40 ms to several seconds. The sessionizer's sink
 * is busy all the time, the window and source tasks are backpressured, checkpoint barriers queue
 * behind the data, and from 14:31 every checkpoint expires after the 10-minute timeout.
 * Checkpointed state is as large as any other day.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { flinkLog, jobSeries, taskSeries } from "../flink.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, ramp, times, type Telemetry } from "../lib.js";

export const id = "sessionizer-es-backpressure";
const JOB = "clickstream-sessionizer";
const JOB_ID = "5f3c2a1b9e8d7c6f5a4b3c2d1e0f9a8b";
const ES = "http://sessions-es.search.svc.cluster.local:9200/_cluster/health";

export function build(): Telemetry {
  const rand = new Rand(2929);
  const now = at("2026-05-19T15:06:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const slow = at("2026-05-19T14:18:00Z");
  const p = (t: number) => ramp(t, slow, slow + 3 * MIN);
  const firstExpiry = slow + 13 * MIN;
  const failed = (t: number) => 212 + (t < firstExpiry ? 0 : 1 + Math.floor((t - firstExpiry) / (10 * MIN)));
  const series = [
    ...taskSeries(ax, rand, JOB, JOB_ID, [
      {
        name: "Source: web.clickstream",
        parallelism: 8,
        busy: (t) => 180 - 120 * p(t),
        backpressured: (t) => 20 + 860 * p(t),
        recordsIn: (t) => 330 - 190 * p(t),
        startDelayMs: (t) => 40 + 420_000 * p(t),
      },
      {
        name: "Sessionize",
        parallelism: 8,
        busy: (t) => 260 - 140 * p(t),
        backpressured: (t) => 15 + 790 * p(t),
        recordsIn: (t) => 330 - 190 * p(t),
        startDelayMs: (t) => 40 + 430_000 * p(t),
        watermark: (t) => t - 31 * SEC - 6 * MIN * p(t),
      },
      {
        name: "Sink: sessions-es",
        parallelism: 4,
        busy: (t) => 240 + 755 * p(t),
        backpressured: () => 0,
        recordsIn: (t) => 95 - 55 * p(t),
        startDelayMs: (t) => 40 + 440_000 * p(t),
      },
    ]),
    ...jobSeries(ax, rand, JOB, JOB_ID, {
      failed,
      completed: (t) => 18_004 + Math.floor((Math.min(t, slow + 2 * MIN) - ax.start) / MIN),
      duration: (t) => (t < slow ? 7_800 : t < firstExpiry ? 7_800 + 550_000 * ramp(t, slow, firstExpiry) : 600_000),
      fullSize: () => 41.6e9,
    }),
    ...probes(ax, rand),
  ];
  // The sink's Elasticsearch: its health endpoint slows down with the cluster.
  const es = (t: number) => 0.021 + 1.4 * p(t);
  series.push(
    ...[{ __name__: "probe_duration_seconds", instance: ES, job: "blackbox-http" }].map((labels) => ({
      labels,
      start: new Date(ax.start).toISOString().replace(".000Z", "Z"),
      step: "60s",
      values: times(ax).map((t) => Math.round(Math.max(0.001, rand.jitter(es(t), 0.15)) * 1e4) / 1e4),
    })),
  );
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t >= slow && rand.chance(0.8))
      flinkLog(
        logs,
        t + rand.uniform(0, MIN),
        JOB,
        "taskmanager",
        "warn",
        `Bulk request of ${rand.int(800, 1000)} actions to sessions-es took ${rand.int(2800, 9000)} ms (Sink: sessions-es (${rand.int(1, 4)}/4))`,
      );
    if (t >= firstExpiry && (t - firstExpiry) % (10 * MIN) < MIN) {
      const n = 18_004 + Math.floor((slow - ax.start) / MIN) + Math.floor((t - firstExpiry) / (10 * MIN));
      flinkLog(logs, t + 2 * SEC, JOB, "jobmanager", "info", `Checkpoint ${n} of job ${JOB_ID} expired before completing.`);
      flinkLog(
        logs,
        t + 2 * SEC + 30,
        JOB,
        "jobmanager",
        "warn",
        `Failed to trigger or complete checkpoint ${n} for job ${JOB_ID}. (${failed(t) - 212} consecutive failed attempts so far)\norg.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.`,
      );
    }
    if (t < slow && (t / MIN) % 10 === 0)
      flinkLog(
        logs,
        t + 8 * SEC,
        JOB,
        "jobmanager",
        "info",
        `Completed checkpoint ${18_004 + Math.floor((t - ax.start) / MIN)} for job ${JOB_ID} (${rand.int(2400, 2700)} MB incremental, ${rand.int(6, 9)} s).`,
      );
  }
  return {
    series,
    logs,
    events: [
      {
        at: new Date(slow - MIN).toISOString().replace(".000Z", "Z"),
        kind: "k8s.pod.deleted",
        labels: { namespace: "search", pod: "sessions-es-data-2" },
        message: "Node drained: pod sessions-es-data-2 deleted, shards relocating",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

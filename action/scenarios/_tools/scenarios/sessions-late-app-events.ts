/**
 * Version 7.2 of the iOS app, phased in from 09:05, buffers clickstream events on the device and
 * uploads them in batches every few minutes to save battery. A third of all events now reach
 * web.clickstream 3 to 10 minutes after they happened. The sessionizer's watermark (30 s bounded
 * out-of-orderness, driven by the web and Android events that stay on time) keeps advancing, the
 * session windows fire on time, and the late iOS events are dropped: sessions written to
 * Elasticsearch fall by a quarter, the volume alert fires. Input volume is unchanged, the job is
 * healthy; a sessionizer deploy six hours earlier (a log-level change) is a red herring.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { flinkLog, jobSeries, taskSeries } from "../flink.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, ramp, times, type Telemetry } from "../lib.js";

export const id = "sessions-late-app-events";
const JOB = "clickstream-sessionizer";
const JOB_ID = "7a0c2e4f6b8d1a3c5e7f9b0d2f4a6c8e";

export function build(): Telemetry {
  const rand = new Rand(7373);
  const now = at("2026-08-03T09:52:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const rollout = at("2026-08-03T09:05:00Z");
  const late = (t: number) => 0.33 * ramp(t, rollout, rollout + 20 * MIN);
  const wm = (t: number) => t - 31 * SEC;
  const inRate = 342;
  const series = [
    ...taskSeries(ax, rand, JOB, JOB_ID, [
      {
        name: "Source: web.clickstream",
        parallelism: 8,
        busy: () => 160,
        backpressured: () => 12,
        recordsIn: () => inRate,
        startDelayMs: () => 45,
        watermark: wm,
      },
      { name: "Sessionize", parallelism: 8, busy: () => 280, backpressured: () => 8, recordsIn: () => inRate, startDelayMs: () => 55, watermark: wm },
      {
        name: "Sink: sessions-es",
        parallelism: 4,
        busy: () => 210,
        backpressured: () => 0,
        recordsIn: (t) => 97 * (1 - 0.75 * late(t)),
        startDelayMs: () => 65,
      },
    ]),
    ...jobSeries(ax, rand, JOB, JOB_ID, {
      failed: () => 12,
      completed: (t) => 31_400 + Math.floor((t - ax.start) / MIN),
      duration: () => 8_100,
      fullSize: () => 39.6e9,
    }),
    ...probes(ax, rand),
  ];
  for (let i = 0; i < 8; i++) {
    const labels = {
      job_name: JOB,
      job_id: JOB_ID,
      task_name: "Sessionize",
      subtask_index: String(i),
      tm_id: `${JOB}-taskmanager-1-${1 + (i % 4)}`,
      operator_name: "Sessionize",
    };
    series.push(
      counter(
        { __name__: "flink_taskmanager_job_task_operator_numLateRecordsDropped", ...labels },
        ax,
        rand.int(0, 40),
        (t) => rand.jitter(inRate * late(t) * 0.9, 0.1) + (rand.chance(0.02) ? 0.05 : 0),
      ),
    );
    const src = { ...labels, task_name: "Source: web.clickstream", operator_name: "Source: web.clickstream" };
    series.push(
      gauge(
        { __name__: "flink_taskmanager_job_task_operator_currentEmitEventTimeLag", ...src },
        ax,
        (t) => (late(t) > 0.02 ? rand.uniform(180_000, 600_000) : rand.uniform(900, 2_600)),
        0,
      ),
    );
  }
  series.push({
    labels: { __name__: "probe_duration_seconds", instance: "http://sessions-es.search.svc.cluster.local:9200/_cluster/health", job: "blackbox-http" },
    start: iso(ax.start),
    step: "60s",
    values: times(ax).map(() => Math.round(Math.max(0.001, rand.jitter(0.022, 0.15)) * 1e4) / 1e4),
  });
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if ((t / MIN) % 10 === 0)
      flinkLog(
        logs,
        t + 7 * SEC,
        JOB,
        "jobmanager",
        "info",
        `Completed checkpoint ${31_400 + Math.floor((t - ax.start) / MIN)} for job ${JOB_ID} (${rand.int(2300, 2700)} MB incremental, ${rand.int(7, 12)} s).`,
      );
  }
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "shopfront/clickstream-sessionizer",
    service: "clickstream-sessionizer",
    environment: "production",
    ref: "v3.8.1",
    sha: rand.hex(40),
    at: iso(at("2026-08-03T03:48:00Z")),
    status: "success",
  });
  changes.commits.push({
    repo: "shopfront/clickstream-sessionizer",
    sha: rand.hex(40),
    at: iso(at("2026-08-03T03:31:00Z")),
    author: "lpetit",
    message: "sessionizer: log level WARN for the ES client",
    files: [
      {
        path: "pipelines/sessionizer/log4j-console.properties",
        status: "modified",
        patch: "@@ -8,1 +8,1 @@\n-logger.es.level = INFO\n+logger.es.level = WARN\n",
      },
    ],
  });
  return {
    series,
    logs,
    events: [
      {
        at: iso(rollout),
        kind: "app.release.phased",
        labels: { platform: "ios", version: "7.2.0", stage: "1" },
        message: "App Store phased release of 7.2.0 started",
      },
    ],
    changes,
  };
}

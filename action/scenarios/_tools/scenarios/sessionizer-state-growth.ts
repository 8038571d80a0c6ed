/**
 * Release 3.4 of the sessionizer (merged 14 May) added a per-visitor "returning visitor" flag kept
 * in keyed ValueState, without a TTL, keyed by anonymous visitor id, which is new for every
 * cookie-less visit. Checkpointed state has grown from 40 GB to over 250 GB since; each full
 * checkpoint now takes longer than the 10-minute timeout and, from 18 May 23:40, they expire.
 * The tasks are not backpressured and Elasticsearch is healthy.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { flinkLog, jobSeries, taskSeries } from "../flink.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "sessionizer-state-growth";
const JOB = "clickstream-sessionizer";
const JOB_ID = "8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d";

export function build(): Telemetry {
  const rand = new Rand(3030);
  const now = at("2026-05-19T00:22:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const long = axis(now - 4 * 24 * HOUR, now, 30 * MIN);
  const released = at("2026-05-14T10:12:00Z");
  const GB = 1e9;
  const size = (t: number) => 40 * GB + Math.max(0, (t - released) / HOUR) * 1.85 * GB;
  // A full checkpoint's upload time grows with the state; it crosses the 600 s timeout late on the 18th.
  const duration = (t: number) => Math.min(600_000, 7_500 + (size(t) / GB) * 2_330);
  const firstExpiry = at("2026-05-18T23:40:00Z");
  const failed = (t: number) => 57 + (t < firstExpiry ? 0 : 1 + Math.floor((t - firstExpiry) / (10 * MIN)));
  const checkpoints = { failed, completed: (t: number) => 21_400 + Math.floor((Math.min(t, firstExpiry) - long.start) / (12 * MIN)), duration, fullSize: size };
  const jobLong = jobSeries(long, rand, JOB, JOB_ID, checkpoints).filter(
    (s) => s.labels.__name__ === "flink_jobmanager_job_lastCheckpointFullSize" || s.labels.__name__ === "flink_jobmanager_job_lastCheckpointSize",
  );
  const jobShort = jobSeries(ax, rand, JOB, JOB_ID, checkpoints).filter((s) => !jobLong.some((l) => l.labels.__name__ === s.labels.__name__));
  const series = [
    ...taskSeries(ax, rand, JOB, JOB_ID, [
      { name: "Source: web.clickstream", parallelism: 8, busy: () => 150, backpressured: () => 25, recordsIn: () => 110, startDelayMs: () => 60 },
      {
        name: "Sessionize",
        parallelism: 8,
        busy: () => 300,
        backpressured: () => 10,
        recordsIn: () => 110,
        startDelayMs: () => 70,
        watermark: (t) => t - 31 * SEC,
      },
      { name: "Sink: sessions-es", parallelism: 4, busy: () => 200, backpressured: () => 0, recordsIn: () => 30, startDelayMs: () => 80 },
    ]),
    ...jobShort,
    ...jobLong,
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
  for (const t of times(ax)) {
    if (t >= firstExpiry && (t - firstExpiry) % (10 * MIN) < MIN) {
      flinkLog(
        logs,
        t + 3 * SEC,
        JOB,
        "jobmanager",
        "info",
        `Checkpoint ${21_870 + Math.floor((t - firstExpiry) / (10 * MIN))} of job ${JOB_ID} expired before completing.`,
      );
    }
    if (rand.chance(0.1))
      flinkLog(
        logs,
        t + rand.uniform(0, MIN),
        JOB,
        "taskmanager",
        "info",
        `RocksDB: flushed memtable of column family 'returning-visitor' (${rand.int(60, 70)} MB), ${rand.int(30, 40)} SST files at level 0`,
      );
  }
  const bg = backgroundChanges(now, rand);
  return {
    series,
    logs,
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6",
          at: "2026-05-14T09:58:40Z",
          author: "lpetit",
          message: "sessionizer 3.4.0: flag returning visitors (#1560)",
          files: [
            {
              path: "pipelines/sessionizer/flink-deployment.yaml",
              status: "modified",
              patch:
                "@@ -22,7 +22,7 @@ spec:\n   job:\n-    jarURI: local:///opt/flink/usrlib/sessionizer-3.3.2.jar\n+    jarURI: local:///opt/flink/usrlib/sessionizer-3.4.0.jar\n     parallelism: 8\n",
            },
          ],
        },
      ],
      deployments: bg.deployments,
    },
  };
}

/**
 * Since the clickstream S3 sink was scaled from 12 to 48 tasks last week, each of them flushes a
 * file per hour partition every 30 seconds: the raw clickstream prefix for 13 July holds 187,000
 * files of 40-200 KB instead of 9,000. The nightly ranking-features Spark job reads that day. The
 * driver lists 187k paths, schedules stage 0 with 187k tasks and S3 answers with 503 SlowDown; every
 * executor works evenly on tiny tasks, heap stays low, nothing fails. The DAG run is overdue. A
 * recommendations-api deploy lands shortly before the alert (a red herring).
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { healthyAirflow, taskLog } from "../airflow.js";
import { executorSeries, sparkLog } from "../spark.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "ranking-features-small-files";
const APP = "ranking-features";

export function build(): Telemetry {
  const rand = new Rand(5151);
  const now = at("2026-07-14T03:41:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const submitted = at("2026-07-14T01:32:40Z");
  const running = (t: number) => t >= submitted;
  const series = [
    ...healthyAirflow(ax, rand),
    ...executorSeries(ax, rand, APP, "spark-9b1c7d3e5f2a4b6c8d0e", 16, {
      alive: running,
      activeTasks: (t) => (running(t) ? rand.int(3, 4) : 0),
      shuffleReadRate: (t) => (running(t) ? 0.4e6 : 0),
      failRate: () => 0,
      heapBytes: () => 2.2e9,
    }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  sparkLog(
    logs,
    submitted + 41 * SEC,
    APP,
    "driver",
    "info",
    "InMemoryFileIndex: Listing leaf files and directories in parallel under 187342 paths. The first several paths are: s3a://shopfront-raw/clickstream/dt=2026-07-13/hour=00, s3a://shopfront-raw/clickstream/dt=2026-07-13/hour=01, ...",
  );
  sparkLog(logs, submitted + 9 * MIN, APP, "driver", "info", "TaskSchedulerImpl: Adding task set 0.0 with 187342 tasks resource profile 0");
  let done = 0;
  for (const t of times(ax)) {
    if (!running(t) || t < submitted + 9 * MIN) continue;
    done += rand.int(1100, 1300);
    if (rand.chance(0.7))
      sparkLog(
        logs,
        t + rand.uniform(0, MIN),
        APP,
        "driver",
        "info",
        `TaskSetManager: Finished task ${done}.0 in stage 0.0 (TID ${done}) in ${rand.int(600, 2400)} ms on 10.42.${rand.int(1, 9)}.${rand.int(2, 250)} (executor ${rand.int(1, 16)}) (${done}/187342)`,
      );
    const n = rand.int(0, 3);
    for (let j = 0; j < n; j++)
      sparkLog(
        logs,
        t + rand.uniform(0, MIN),
        APP,
        "executor",
        "warn",
        `S3AFileSystem: Request throttled, retrying: com.amazonaws.services.s3.model.AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error Code: SlowDown; Request ID: ${rand.hex(16).toUpperCase()})`,
      );
  }
  const task = { dag_id: "search_ranking_features_daily", task_id: "build_ranking_features" };
  taskLog(
    logs,
    submitted - 5 * SEC,
    task,
    "info",
    "spark_submit.py:488",
    "Spark-Submit cmd: spark-submit --master k8s://https://kubernetes.default.svc --deploy-mode cluster --name ranking-features --conf spark.executor.instances=16 --conf spark.executor.memory=8g ...",
  );
  for (const t of times(ax))
    if (running(t) && (t / MIN) % 5 === 0) taskLog(logs, t, task, "info", "spark_submit.py:621", "Application status for ranking-features (phase: Running)");
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "shopfront/recommendations",
    service: "recommendations-api",
    environment: "production",
    ref: "v41.2.0",
    sha: rand.hex(40),
    at: iso(at("2026-07-14T03:12:00Z")),
    status: "success",
  });
  return {
    series,
    logs,
    events: [
      {
        at: iso(submitted + 20 * SEC),
        kind: "k8s.pod.started",
        labels: { namespace: "spark", pod: "ranking-features-driver" },
        message: "Started container spark-kubernetes-driver",
      },
    ],
    changes,
    orchestrator: {
      dag_runs: [
        {
          dag_id: "search_ranking_features_daily",
          dag_run_id: "scheduled__2026-07-13T01:30:00+00:00",
          run_type: "scheduled",
          logical_date: "2026-07-13T01:30:00Z",
          state: "running",
          start_date: "2026-07-14T01:30:04Z",
          end_date: null,
        },
      ],
    },
  };
}

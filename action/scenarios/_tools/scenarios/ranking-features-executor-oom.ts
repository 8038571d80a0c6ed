/**
 * The ranking-features job gained a per-query window over 90 days of clicks (a feature added two
 * days ago, already run twice without trouble on smaller days). On the day after a sale, the
 * window's sort buffers exceed the executors' memory: executors are killed with exit code 137 one
 * after another, their tasks are retried, the stage crawls and the DAG run is overdue. Input files
 * are as usual; shuffle reads are even.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { healthyAirflow, taskLog } from "../airflow.js";
import { executorSeries, sparkLog } from "../spark.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "ranking-features-executor-oom";
const APP = "ranking-features";

export function build(): Telemetry {
  const rand = new Rand(5252);
  const now = at("2026-11-30T03:39:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const submitted = at("2026-11-30T01:33:05Z");
  const window = at("2026-11-30T02:05:00Z");
  const running = (t: number) => t >= submitted;
  const series = [
    ...healthyAirflow(ax, rand),
    ...executorSeries(ax, rand, APP, "spark-4d6f8a0c2e1b3d5f7a9c", 16, {
      alive: (t, e) => running(t) && !(t >= window && (t / MIN + e) % 9 === 0),
      activeTasks: (t) => (running(t) ? rand.int(3, 4) : 0),
      shuffleReadRate: (t) => (t >= window ? 21e6 : 0),
      failRate: (t) => (t >= window ? 0.004 : 0),
      heapBytes: (t) => (t >= window ? 6.9e9 : 3.4e9),
    }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  sparkLog(logs, submitted + 30 * SEC, APP, "driver", "info", "TaskSchedulerImpl: Adding task set 0.0 with 9120 tasks resource profile 0");
  for (const t of times(ax)) {
    if (t < window || !rand.chance(0.35)) continue;
    const e = rand.int(1, 16);
    sparkLog(
      logs,
      t + rand.uniform(0, MIN),
      APP,
      "executor",
      "error",
      `Executor ${e}: java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.spark.util.collection.unsafe.sort.UnsafeSorterSpillWriter.<init>(UnsafeSorterSpillWriter.java:62)`,
    );
    sparkLog(
      logs,
      t + rand.uniform(0, MIN),
      APP,
      "driver",
      "warn",
      `TaskSetManager: Lost task ${rand.int(0, 399)}.1 in stage 4.0 (TID ${rand.int(9000, 14000)}) (10.42.${rand.int(1, 9)}.${rand.int(2, 250)} executor ${e}): ExecutorLostFailure (executor ${e} exited caused by one of the running tasks) Reason: Container from a bad node exited with exit code 137.`,
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
  changes.commits.push({
    repo: "shopfront/data-platform",
    sha: rand.hex(40),
    at: iso(now - 50 * HOUR),
    author: "ychen",
    message: "ranking features: 90-day click window per query",
    files: [
      {
        path: "spark/ranking_features/features.py",
        status: "modified",
        patch: '@@ -40,2 +40,6 @@\n+w = Window.partitionBy("query").orderBy("ts").rangeBetween(-90 * 86400, 0)\n',
      },
    ],
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
  };
}

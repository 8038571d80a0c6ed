/**
 * Since the app and web sessions were unified, sessions without a logged-in customer carry
 * customer_id 0 instead of null. The touchpoint model joins sessions to orders by customer_id: the
 * 0 key holds a third of all rows and lands in one partition. Stage 7 finishes 399 of 400 tasks in
 * twenty minutes; the last one has been running on executor 5 for over an hour, reading most of
 * the shuffle data while the other executors idle. The DAG run is overdue; nothing has failed yet.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { healthyAirflow, taskLog } from "../airflow.js";
import { executorSeries, sparkLog } from "../spark.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "attribution-spark-skew";
const APP = "attribution-touchpoints";
const HOT = 5;

export function build(): Telemetry {
  const rand = new Rand(3434);
  const now = at("2026-06-09T06:02:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const submitted = at("2026-06-09T04:06:10Z");
  const stage7 = at("2026-06-09T04:47:00Z");
  const straggling = stage7 + 20 * MIN;
  const running = (t: number) => t >= submitted;
  const series = [
    ...healthyAirflow(ax, rand),
    ...executorSeries(ax, rand, APP, "spark-3e5a7c9b1d2f4a6c8e0b", 12, {
      alive: running,
      activeTasks: (t, e) => (!running(t) ? 0 : t < straggling ? rand.int(3, 4) : e === HOT ? 1 : 0),
      shuffleReadRate: (t, e) => (t < stage7 || !running(t) ? 0 : t < straggling ? 36e6 : e === HOT ? 52e6 : 0),
      failRate: () => 0,
      heapBytes: (t, e) => (t >= straggling && e === HOT ? 6.6e9 : 3.1e9),
    }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (running(t) && t < straggling && rand.chance(0.6))
      sparkLog(
        logs,
        t + rand.uniform(0, MIN),
        APP,
        "driver",
        "info",
        `Finished task ${rand.int(0, 399)}.0 in stage ${t < stage7 ? rand.int(2, 6) : 7}.0 (TID ${rand.int(100, 3900)}) in ${rand.int(20000, 90000)} ms on 10.42.${rand.int(1, 9)}.${rand.int(2, 250)} (executor ${rand.int(1, 12)}) (${rand.int(1, 399)}/400)`,
      );
    if (t >= straggling && (t / MIN) % 10 === 0)
      sparkLog(
        logs,
        t + 4 * SEC,
        APP,
        "executor",
        "info",
        `Executor ${HOT}: UnsafeExternalSorter spilling sort data of ${rand.int(1800, 2200)}.0 MiB to disk (${rand.int(20, 60)} times so far)`,
      );
  }
  sparkLog(logs, straggling, APP, "driver", "info", "Finished task 398.0 in stage 7.0 (TID 4398) in 61233 ms on 10.42.6.41 (executor 9) (399/400)");
  const task = { dag_id: "marketing_attribution_daily", task_id: "run_touchpoint_model" };
  taskLog(
    logs,
    submitted - 5 * SEC,
    task,
    "info",
    "spark_submit.py:488",
    "Spark-Submit cmd: spark-submit --master k8s://https://kubernetes.default.svc --deploy-mode cluster --name attribution-touchpoints --conf spark.executor.instances=12 --conf spark.executor.memory=8g ...",
  );
  for (const t of times(ax))
    if (running(t) && (t / MIN) % 5 === 0)
      taskLog(logs, t, task, "info", "spark_submit.py:621", "Application status for attribution-touchpoints (phase: Running)");
  return {
    series,
    logs,
    events: [
      {
        at: "2026-06-09T04:06:31Z",
        kind: "k8s.pod.started",
        labels: { namespace: "spark", pod: "attribution-touchpoints-driver" },
        message: "Started container spark-kubernetes-driver",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

/**
 * Month-start attribution: the touchpoint model joins a month of sessions with orders. Since
 * 1 June the web and app sessions are unified, which doubled the rows per customer, and the join's
 * hash tables no longer fit in the executors' 8 GiB. Executors across the cluster die one after
 * another with exit code 137, stage 7 fails four times and the Spark application fails; the
 * Airflow task that submitted it fails with it. Input is spread evenly; no node was lost.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { healthyAirflow, taskLog } from "../airflow.js";
import { executorSeries, sparkLog } from "../spark.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, ramp, times, type Telemetry } from "../lib.js";

export const id = "attribution-spark-oom";
const APP = "attribution-touchpoints";

export function build(): Telemetry {
  const rand = new Rand(3333);
  const now = at("2026-06-02T05:41:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const submitted = at("2026-06-02T04:06:20Z");
  const stage7 = at("2026-06-02T04:48:00Z");
  const failedAt = at("2026-06-02T05:26:40Z");
  const running = (t: number) => t >= submitted && t < failedAt;
  // Executors die one by one during stage 7; Kubernetes replaces them.
  const deaths = Array.from({ length: 12 }, (_, e) => stage7 + (3 + e * 2.8) * MIN + rand.uniform(0, 60) * SEC);
  const series = [
    ...healthyAirflow(ax, rand),
    ...executorSeries(ax, rand, APP, "spark-7c1e9a5d3b2f4e6a8c0d", 12, {
      alive: (t) => running(t),
      activeTasks: (t) => (running(t) ? rand.int(3, 4) : 0),
      shuffleReadRate: (t) => (t >= stage7 && running(t) ? 38e6 : 0),
      failRate: (t, e) => (Math.abs(t - deaths[e - 1]!) < 30 * SEC ? 4 / 60 : 0),
      heapBytes: (t) => (t >= stage7 ? 4.1e9 + 2.9e9 * ramp(t, stage7, stage7 + 20 * MIN) : 2.6e9),
    }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  deaths.forEach((d, i) => {
    const e = i + 1;
    sparkLog(
      logs,
      d - 2 * SEC,
      APP,
      "executor",
      "error",
      `Executor ${e}: java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.spark.sql.execution.joins.UnsafeHashedRelation$.apply(HashedRelation.scala:402)`,
    );
    sparkLog(
      logs,
      d,
      APP,
      "driver",
      "error",
      `Lost executor ${e} on 10.42.${rand.int(1, 9)}.${rand.int(2, 250)}: The executor with id ${e} exited with exit code 137(SIGKILL, possible container OOM).`,
    );
    sparkLog(
      logs,
      d + 200,
      APP,
      "driver",
      "warn",
      `Lost task ${rand.int(0, 399)}.${Math.min(3, Math.floor(i / 3))} in stage 7.${Math.min(3, Math.floor(i / 3))} (TID ${4000 + i * 37}) (10.42.${rand.int(1, 9)}.${rand.int(2, 250)} executor ${e}): ExecutorLostFailure (executor ${e} exited caused by one of the running tasks) Reason: The executor with id ${e} exited with exit code 137(SIGKILL, possible container OOM).`,
    );
  });
  sparkLog(
    logs,
    failedAt - SEC,
    APP,
    "driver",
    "error",
    "Job aborted due to stage failure: Task 211 in stage 7.3 failed 4 times, most recent failure: ExecutorLostFailure (executor 12 exited caused by one of the running tasks) Reason: The executor with id 12 exited with exit code 137(SIGKILL, possible container OOM).",
  );
  for (const t of times(ax)) {
    if (running(t) && t < stage7 && rand.chance(0.5))
      sparkLog(
        logs,
        t + rand.uniform(0, MIN),
        APP,
        "driver",
        "info",
        `Finished task ${rand.int(0, 399)}.0 in stage ${rand.int(2, 6)}.0 (TID ${rand.int(100, 3900)}) in ${rand.int(20000, 90000)} ms on 10.42.${rand.int(1, 9)}.${rand.int(2, 250)} (executor ${rand.int(1, 12)}) (${rand.int(1, 400)}/400)`,
      );
  }
  const task = { dag_id: "marketing_attribution_daily", task_id: "run_touchpoint_model" };
  taskLog(
    logs,
    submitted - 5 * SEC,
    task,
    "info",
    "spark_submit.py:488",
    "Spark-Submit cmd: spark-submit --master k8s://https://kubernetes.default.svc --deploy-mode cluster --name attribution-touchpoints --conf spark.executor.instances=12 --conf spark.executor.memory=8g ...",
  );
  taskLog(
    logs,
    failedAt + 20 * SEC,
    task,
    "error",
    "taskinstance.py:3311",
    "Task failed with exception\nairflow.exceptions.AirflowException: Cannot execute: spark-submit ... Error code is: 1. Application attribution-touchpoints finished with state FAILED",
  );
  const events = deaths.map((d, i) => ({
    at: iso(d - SEC),
    kind: "k8s.pod.oomkilled",
    labels: { namespace: "spark", pod: `attribution-touchpoints-exec-${i + 1}` },
    message: "Container spark-kubernetes-executor OOMKilled (exit 137)",
  }));
  return { series, logs, events, changes: backgroundChanges(now, rand) };
}

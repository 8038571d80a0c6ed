/**
 * build_touchpoint_features of marketing_attribution_daily loads the whole day of touchpoints into
 * pandas. On 1 March the month-end campaigns tripled the rows (48M instead of 15M); the task's
 * process grows past the worker's 8 GiB and the kernel kills it: `Task exited with return code
 * Negsignal.SIGKILL`, no traceback. The Celery worker itself survives (only the task's child
 * process is killed), so Kubernetes reports no OOMKilled container and the scheduler sees no zombie.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, ramp, times, type Telemetry } from "../lib.js";

export const id = "attribution-task-oom";

export function build(): Telemetry {
  const rand = new Rand(1313);
  const now = at("2026-03-02T04:44:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const attempts = [
    { n: 1, started: at("2026-03-02T04:00:07Z"), killed: at("2026-03-02T04:11:20Z") },
    { n: 2, started: at("2026-03-02T04:12:31Z"), killed: at("2026-03-02T04:31:58Z") },
  ];
  const GiB = 1024 ** 3;
  const memory = (t: number) =>
    1.3 * GiB + attempts.reduce((m, a) => m + (t >= a.started && t < a.killed ? 6.75 * GiB * ramp(t, a.started, a.killed - MIN) : 0), 0);
  const series = [
    ...healthyAirflow(ax, rand),
    gauge(
      { __name__: "container_memory_working_set_bytes", namespace: "airflow", pod: "airflow-worker-1", container: "worker" },
      ax,
      (t) => rand.jitter(memory(t), 0.01),
      0,
    ),
    gauge(
      { __name__: "container_memory_working_set_bytes", namespace: "airflow", pod: "airflow-worker-0", container: "worker" },
      ax,
      () => rand.jitter(1.9 * GiB, 0.03),
      0,
    ),
    gauge(
      { __name__: "kube_pod_container_resource_limits", namespace: "airflow", pod: "airflow-worker-1", container: "worker", resource: "memory", unit: "byte" },
      ax,
      () => 8 * GiB,
      0,
    ),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const { n, started, killed } of attempts) {
    const task = { dag_id: "marketing_attribution_daily", task_id: "build_touchpoint_features", try_number: n };
    taskLog(
      logs,
      started,
      task,
      "info",
      "taskinstance.py:2612",
      "Dependencies all met for dep_context=non-requeueable deps ti=<TaskInstance: marketing_attribution_daily.build_touchpoint_features scheduled__2026-03-01T04:00:00+00:00 [queued]>",
    );
    taskLog(logs, started + 2 * SEC, task, "info", "taskinstance.py:2866", `Starting attempt ${n} of 2`);
    taskLog(
      logs,
      started + 3 * SEC,
      task,
      "info",
      "taskinstance.py:2889",
      "Executing <Task(PythonOperator): build_touchpoint_features> on 2026-03-01 04:00:00+00:00",
    );
    taskLog(logs, started + 40 * SEC, task, "info", "features.py:61", "reading touchpoints for 2026-03-01 from analytics.fct_touchpoints");
    taskLog(logs, started + 7 * MIN, task, "info", "features.py:74", "loaded 48,211,904 touchpoints (previous day: 15,604,233)");
    taskLog(logs, started + 9 * MIN, task, "info", "features.py:88", "pivoting touchpoints per session and channel");
    taskLog(logs, killed, task, "info", "local_task_job_runner.py:266", "Task exited with return code Negsignal.SIGKILL");
    taskLog(logs, killed + SEC, task, "info", "taskinstance.py:3498", "0 downstream tasks scheduled from follow-on schedule check");
    airflowLog(
      logs,
      killed + 4 * SEC,
      "scheduler",
      "info",
      `Received executor event with state failed for task instance TaskInstanceKey(dag_id='marketing_attribution_daily', task_id='build_touchpoint_features', run_id='scheduled__2026-03-01T04:00:00+00:00', try_number=${n}, map_index=-1)`,
    );
    airflowLog(
      logs,
      killed + 5 * SEC,
      "scheduler",
      "info",
      `Marking task as ${n === 2 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=marketing_attribution_daily, task_id=build_touchpoint_features, run_id=scheduled__2026-03-01T04:00:00+00:00`,
    );
  }
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  }
  return { series, logs, changes: backgroundChanges(now, rand) };
}

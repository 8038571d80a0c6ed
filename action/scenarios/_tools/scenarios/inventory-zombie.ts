/**
 * 10:09: AWS reclaimed the spot node running airflow-worker-1; the node termination handler
 * drained it and the worker pod was evicted with a 60 s grace period, in the middle of
 * inventory_sync_hourly.sync_fc_waw1. The task's log stops mid-page, without an error or a return
 * code. Six minutes later the scheduler detects the zombie and fails the task. A replacement
 * worker is up at 10:13; slots and pools are fine.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, executorSeries, poolSeries, schedulerSeries, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "inventory-zombie";

export function build(): Telemetry {
  const rand = new Rand(1515);
  const now = at("2026-03-17T10:27:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const drained = at("2026-03-17T10:09:12Z");
  const replaced = at("2026-03-17T10:13:30Z");
  const minuteOfHour = (t: number) => (t % HOUR) / MIN;
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 9) },
      { name: "erp_api", slots: 4, running: (t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 17 ? rand.int(2, 4) : 0) },
      { name: "dbt", slots: 4, running: (t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 12 ? 1 : 0) },
    ]),
    ...executorSeries(ax, { slots: (t) => (t >= drained && t < replaced ? 16 : 32), running: () => rand.int(3, 9), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const fcs = ["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"];
  for (const h of ["08", "09", "10"]) {
    fcs.forEach((fc, k) => {
      const start = at(`2026-03-17T${h}:05:10Z`) + Math.floor(k / 4) * 6 * MIN + k * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}`, try_number: 1 };
      taskLog(logs, start, task, "info", "taskinstance.py:2866", "Starting attempt 1 of 1");
      for (let page = 1; page <= 5; page++) {
        const t = start + page * 55 * SEC;
        if (h === "10" && fc === "waw1" && t >= drained) break; // the worker is gone: the log just stops
        taskLog(logs, t, task, "info", "inventory_sync.py:71", `fetched stock page ${page}/5 for ${fc} (${rand.int(1800, 2000)} SKUs)`);
      }
      if (h === "10" && fc === "waw1") return;
      taskLog(
        logs,
        start + 5 * MIN + 20 * SEC,
        task,
        "info",
        "inventory_sync.py:94",
        `merged ${rand.int(9000, 9900)} rows into raw.inventory_levels for ${fc}`,
      );
      taskLog(logs, start + 5 * MIN + 22 * SEC, task, "info", "local_task_job_runner.py:266", "Task exited with return code 0");
    });
  }
  airflowLog(
    logs,
    at("2026-03-17T10:15:41Z"),
    "scheduler",
    "error",
    "Detected zombie job: {'full_filepath': '/opt/airflow/dags/repo/airflow/dags/inventory_sync.py', 'processor_subdir': '/opt/airflow/dags', 'msg': \"{'DAG Id': 'inventory_sync_hourly', 'Task Id': 'sync_fc_waw1', 'Run Id': 'scheduled__2026-03-17T09:00:00+00:00', 'Hostname': 'airflow-worker-1.airflow-worker.airflow.svc.cluster.local', 'External Executor Id': '5c0e2f1a-7d4b-4c1e-9a8f-3b6d2e1f0a9c'}\", 'simple_task_instance': <airflow.models.taskinstance.SimpleTaskInstance object at 0x7f3a2c1b9d50>, 'is_failure_callback': True}",
  );
  airflowLog(logs, at("2026-03-17T10:15:41Z") + 300, "scheduler", "warn", "Failing (1) jobs without heartbeat after 2026-03-17 10:10:41.012345+00:00");
  airflowLog(
    logs,
    at("2026-03-17T10:15:42Z"),
    "scheduler",
    "info",
    "Marking task as FAILED. dag_id=inventory_sync_hourly, task_id=sync_fc_waw1, run_id=scheduled__2026-03-17T09:00:00+00:00",
  );
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  }
  return {
    changes: backgroundChanges(now, rand),
    series,
    logs,
    events: [
      {
        at: iso(drained - 2 * MIN),
        kind: "aws.ec2.spot_interruption",
        labels: { instance: "i-0a4f8e2c9b1d7e3f5", node: "ip-10-42-9-87.eu-west-1.compute.internal" },
        message: "EC2 Spot Instance Interruption Warning: terminate in 2 minutes",
      },
      {
        at: iso(drained),
        kind: "k8s.node.drained",
        labels: { node: "ip-10-42-9-87.eu-west-1.compute.internal", reason: "spot-interruption" },
        message: "node cordoned and drained by aws-node-termination-handler",
      },
      {
        at: iso(drained + 4 * SEC),
        kind: "k8s.pod.evicted",
        labels: { namespace: "airflow", pod: "airflow-worker-1" },
        message: "Pod evicted by node drain (grace period 60s)",
      },
      {
        at: iso(replaced),
        kind: "k8s.pod.started",
        labels: { namespace: "airflow", pod: "airflow-worker-1" },
        message: "Started container worker on ip-10-42-3-14.eu-west-1.compute.internal",
      },
    ],
  };
}

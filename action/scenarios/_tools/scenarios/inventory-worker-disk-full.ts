/**
 * airflow-worker-1's node keeps every task's scratch files under /tmp on its root filesystem
 * (an emptyDir); the supplier feeds' temporary catalogue dumps were never cleaned up and have
 * been filling it for days. At 13:06 it is full: the two inventory-sync tasks that land on that
 * worker fail writing their staging CSV with `OSError: [Errno 28] No space left on device`; the
 * four on airflow-worker-0 succeed.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, times, type Telemetry } from "../lib.js";

export const id = "inventory-worker-disk-full";

export function build(): Telemetry {
  const rand = new Rand(3838);
  const now = at("2026-06-24T13:31:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const full = at("2026-06-24T13:06:30Z");
  const GiB = 1024 ** 3;
  const series = [
    ...healthyAirflow(ax, rand),
    ...[0, 1].map((w) =>
      gauge(
        {
          __name__: "node_filesystem_avail_bytes",
          instance: `ip-10-42-4-${20 + w}.eu-west-1.compute.internal`,
          mountpoint: "/",
          device: "/dev/nvme0n1p1",
          fstype: "xfs",
        },
        ax,
        (t) =>
          w === 1 ? Math.max(0, 9.2 * GiB - ((t - ax.start) / (full - ax.start)) * 9.2 * GiB + rand.normal(0, 0.02) * GiB) : rand.jitter(41 * GiB, 0.005),
        0,
      ),
    ),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const fcs = ["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"];
  for (const h of ["11", "12", "13"]) {
    fcs.forEach((fc, k) => {
      const start = at(`2026-06-24T${h}:05:08Z`) + k * 2 * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}`, try_number: 1 };
      const onFullWorker = k % 3 === 2; // muc1 and mad1 run on airflow-worker-1
      if (h === "13" && onFullWorker) {
        for (let attempt = 1; attempt <= 3; attempt++) {
          const s = start + (attempt - 1) * 4 * MIN;
          const tt = { ...task, try_number: attempt };
          taskLog(logs, s, tt, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 3`);
          taskLog(
            logs,
            s + 40 * SEC,
            tt,
            "error",
            "taskinstance.py:3311",
            `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/airflow/dags/inventory_sync.py", line 41, in sync_fc\n    frame.to_csv(staging_path, index=False)\nOSError: [Errno 28] No space left on device: '/tmp/inventory_sync/${fc}-20260624T1300.csv'`,
          );
          taskLog(
            logs,
            s + 41 * SEC,
            tt,
            "info",
            "taskinstance.py:1225",
            `Marking task as ${attempt === 3 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=inventory_sync_hourly, task_id=sync_fc_${fc}, run_id=scheduled__2026-06-24T12:00:00+00:00`,
          );
        }
        return;
      }
      taskLog(logs, start + 4 * MIN, task, "info", "inventory_sync.py:94", `merged ${rand.int(9000, 9900)} rows into raw.inventory_levels for ${fc}`);
      taskLog(logs, start + 4 * MIN + 2 * SEC, task, "info", "local_task_job_runner.py:266", "Task exited with return code 0");
    });
  }
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    if (t >= full && (t / MIN) % 3 === 0)
      airflowLog(logs, t + 5 * SEC, "worker", "warn", "[airflow-worker-1] failed to write task log buffer: [Errno 28] No space left on device");
  }
  return {
    series,
    logs,
    events: [
      {
        at: "2026-06-24T13:07:40Z",
        kind: "k8s.node.condition",
        labels: { node: "ip-10-42-4-21.eu-west-1.compute.internal", condition: "DiskPressure" },
        message: "Node has disk pressure: ephemeral-storage below eviction threshold",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

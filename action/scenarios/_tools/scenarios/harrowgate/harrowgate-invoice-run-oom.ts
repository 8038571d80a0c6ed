/**
 * Harrowgate, hge-airflow and the billing-batch namespace, Tuesday 2026-12-01.
 *
 * `billing.invoice_run_daily` runs at 02:00. Its `generate_invoices` task is a
 * KubernetesPodOperator in `billing-batch` (memory limit 8 GiB) that loads the day's bill lines into
 * pandas and renders invoices. On ordinary days ~40k accounts are billed and the pod peaks near
 * 2.6 GiB. The 1st of the month bills every monthly-cycle account (1.16M): memory climbs steadily and
 * the container is OOM-killed at 02:41:08 (exit 137). The retry at 02:46 is killed again at 03:14:31.
 *
 * The DAG's retry callback posts at 02:41; Datadog's "billing batch pod OOMKilled" monitor (pod
 * labels `dag_id`/`task_id` become tags `airflow_dag`/`airflow_task` through the agent's
 * podLabelsAsTags) triggers at 02:44; the final failure pages billing-ops through PagerDuty at 03:14,
 * its title naming the DAG. Three deliveries over half an hour.
 *
 * Distractors: a billing-engine commit the evening before (December price-cap rates), the first
 * run after it; workers and nodes healthy; no timeout (the DAG's execution_timeout is 3 h).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { gauge } from "../../lib.js";
import { GiB, K8S, airflowSeries, backgroundChanges, backgroundLogs, commit, dagRun, nodeSeries, taskInstance, taskLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-invoice-run-oom";

export function build(): Telemetry {
  const rand = new Rand(261201_2);
  const now = at("2026-12-01T03:25:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const dag = "billing.invoice_run_daily";
  const task = "generate_invoices";
  const L = at("2026-11-30T02:00:00Z");
  const tries = [
    { n: 1, pod: "billing-invoice-run-generate-invoices-k2x9f7qd", start: at("2026-12-01T02:12:40Z"), killed: at("2026-12-01T02:41:08Z") },
    { n: 2, pod: "billing-invoice-run-generate-invoices-p8m3v1tw", start: at("2026-12-01T02:46:22Z"), killed: at("2026-12-01T03:14:31Z") },
  ];
  const limit = 8 * GiB;

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const series = [...airflowSeries(ax, rand, { failures: (t) => (tries.some((x) => t >= x.killed && t < x.killed + MIN) ? 1 / 60 : 0) })];
  for (const x of tries) {
    const l = {
      namespace: "billing-batch",
      pod: x.pod,
      container: "base",
      job: "kubelet",
      metrics_path: "/metrics/cadvisor",
      node: "ip-10-40-22-181.eu-west-2.compute.internal",
    };
    series.push(
      gauge({ __name__: "container_memory_working_set_bytes", ...l }, ax, (t) => {
        if (t < x.start || t > x.killed) return null;
        const f = (t - x.start) / (x.killed - x.start);
        return Math.min(limit * 0.998, (0.4 + 7.6 * f ** 1.1) * GiB * rand.uniform(0.99, 1.01));
      }),
    );
    series.push(
      gauge(
        {
          __name__: "kube_pod_container_resource_limits",
          namespace: "billing-batch",
          pod: x.pod,
          container: "base",
          resource: "memory",
          unit: "byte",
          job: "kube-state-metrics",
        },
        ax,
        (t) => (t >= x.start && t <= x.killed + 2 * MIN ? limit : null),
        0,
      ),
    );
    const ref = { dag_id: dag, task_id: task, try_number: x.n, worker: "hge-airflow-worker-2" };
    taskLog(logs, x.start, ref, "INFO", "pod_manager.py:391", `Created pod billing-batch/${x.pod} (image harrowgate/billing-engine:2026.11.30-2)`);
    for (let t = x.start + 3 * MIN; t < x.killed; t += 4 * MIN)
      taskLog(
        logs,
        t,
        ref,
        "INFO",
        "pod_manager.py:466",
        `[base] invoice_run: loaded ${Math.round(((t - x.start) / (x.killed - x.start)) * 1_160_000 * 0.93)} of 1161804 bill lines (cycle=MONTHLY+DAILY)`,
      );
    taskLog(
      logs,
      x.killed + 6 * SEC,
      ref,
      "ERROR",
      "pod.py:1017",
      `Pod billing-batch/${x.pod} returned a failure. Container base terminated: reason=OOMKilled, exitCode=137, message="" (started ${iso(x.start + 4 * SEC)}, finished ${iso(x.killed)})`,
    );
    taskLog(
      logs,
      x.killed + 8 * SEC,
      ref,
      "ERROR",
      "taskinstance.py:3311",
      `Task failed with exception\nairflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException: Pod ${x.pod} returned a failure: container base OOMKilled (exit code 137)`,
    );
    taskLog(
      logs,
      x.killed + 9 * SEC,
      ref,
      x.n === 2 ? "ERROR" : "INFO",
      "taskinstance.py:1225",
      `Marking task as ${x.n === 2 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=${dag}, task_id=${task}, run_id=scheduled__2026-11-30T02:00:00+00:00, execution_date=20261130T020000, start_date=${iso(x.start).replace(/[-:]/g, "")}`,
    );
    logs.add(
      x.killed + SEC,
      { k8s_cluster: K8S, job: "journal", node: "ip-10-40-22-181.eu-west-2.compute.internal", unit: "kernel", level: "warning" },
      `Memory cgroup out of memory: Killed process ${rand.int(10000, 30000)} (python) total-vm:${rand.int(9100000, 9300000)}kB, anon-rss:8382104kB, file-rss:0kB, shmem-rss:0kB, UID:50000 pgtables:17044kB oom_score_adj:999`,
    );
  }
  // Yesterday's (daily-cycle) run, as the summary of the last successful try.
  taskLog(
    logs,
    at("2026-11-30T02:31:10Z"),
    { dag_id: dag, task_id: task, worker: "hge-airflow-worker-0" },
    "INFO",
    "pod_manager.py:466",
    "[base] invoice_run: 41207 invoices rendered, peak rss 2.61 GiB",
  );

  const dagRuns = [];
  for (let d = 4; d >= 1; d--) {
    const l = L - d * 24 * HOUR;
    const start = l + 24 * HOUR + 5 * SEC;
    dagRuns.push(dagRun({ dag_id: dag, logical: l, state: "success", start, end: start + rand.int(34, 41) * MIN }));
  }
  dagRuns.push(dagRun({ dag_id: dag, logical: L, state: "failed", start: L + 24 * HOUR + 5 * SEC, end: tries[1]!.killed + 12 * SEC }));
  const tis = [
    taskInstance({
      dag_id: dag,
      logical: L,
      task_id: "freeze_bill_lines",
      state: "success",
      pool: "snowflake",
      start: L + 24 * HOUR + 8 * SEC,
      end: tries[0]!.start - 20 * SEC,
      worker: "hge-airflow-worker-1",
      operator: "SnowflakeOperator",
    }),
    taskInstance({
      dag_id: dag,
      logical: L,
      task_id: task,
      state: "failed",
      try_number: 2,
      start: tries[1]!.start,
      end: tries[1]!.killed + 9 * SEC,
      worker: "hge-airflow-worker-2",
      operator: "KubernetesPodOperator",
    }),
    taskInstance({ dag_id: dag, logical: L, task_id: "publish_to_print_house", state: "upstream_failed", pool: "sftp_industry" }),
  ];

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/billing-engine",
      at: at("2026-11-30T16:20:05Z"),
      author: "eadeyemi",
      message: "rates: December price cap unit rates and standing charges",
      files: [
        {
          path: "billing_engine/rates/2026-12.yaml",
          status: "added",
          patch: "@@ -0,0 +1,42 @@\n+effective_from: 2026-12-01\n+electricity:\n+  unit_rate_p_per_kwh: 24.86\n",
        },
      ],
    }),
  );
  return {
    series: [...series, ...nodeSeries(ax, rand, "ip-10-40-22-181.eu-west-2.compute.internal", "10.40.22.181", { memAvail: () => rand.jitter(21 * GiB, 0.05) })],
    logs,
    changes,
    events: tries.map((x) => ({
      at: iso(x.killed),
      kind: "k8s.pod.oomkilled",
      labels: { namespace: "billing-batch", pod: x.pod, container: "base", dag_id: dag, task_id: task },
      message: `Container base in pod ${x.pod} OOMKilled (exit 137); limit 8Gi`,
    })),
    orchestrator: { dag_runs: dagRuns, task_instances: tis, import_errors: [], pools: [] },
  };
}

/**
 * Fernhill, airflow-analytics, night of 2026-06-01 to 06-02.
 *
 * At 01:12 the EC2 instance under the analytics system node (`ip-10-62-31-140`, node group
 * `airflow-analytics-system`, max size 1) fails its system status check; the kubelet stops
 * posting status and the node goes NotReady. The scheduler pod on it stops. At 01:17 the taint
 * manager evicts it; the replacement pod stays Pending: the only node that tolerates
 * `dedicated=airflow-analytics-system` is the dead one and the cluster autoscaler will not add a
 * node ("max node group size reached", the impaired instance still counts).
 *
 * From 01:12:30 nothing is scheduled on airflow-analytics: `airflow_scheduler_heartbeat` stops
 * increasing, the pool/executor/DAG-bag gauges freeze at their last values (statsd-exporter keeps
 * them), the hourly `reporting__exec_kpis_hourly` run that was under way stays `running`, and the
 * 01:30 / 02:00 / 03:00 daily DAGs (`risk__hcc_scoring_daily`, `member_mart__build_nightly`,
 * `care_mgmt__gaps_in_care_daily`) never get a run. airflow-claims (other node group) is fine.
 *
 * Alerts: Grafana's Snowflake freshness rule `MemberMartStale` (04:02) and the Opsgenie heartbeat
 * of the care-gaps DAG (expired 04:31). Distractors: a DAG commit to care_mgmt at 00:34, a Helm
 * values change of the analytics webserver synced by Argo CD at 02:24 (after the onset), the
 * care-gaps DAG "waiting" on member_mart (looks like an upstream DAG late), frozen pools with open
 * slots.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import {
  ANALYTICS_WORKERS,
  CLUSTER,
  backgroundChanges,
  backgroundLogs,
  commit,
  componentLog,
  dagRun,
  dagrunDurationSeries,
  deployment,
  healthyAirflow,
  holdAfter,
  pool,
  probeSeries,
  pyLine,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-scheduler-down";

/** Common Log Format time: 02/Jun/2026:03:10:02 +0000. */
const clf = (t: number) => {
  const d = new Date(t);
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

export function build(): Telemetry {
  const rand = new Rand(260602);
  const now = at("2026-06-02T04:48:00Z");
  const ax = axis(now - 7 * HOUR, now);
  const down = at("2026-06-02T01:12:30Z");
  const inst = "airflow-analytics" as const;

  const analytics = healthyAirflow(ax, rand, inst, {}, undefined, { alive: (t) => t < down });
  // Every gauge the scheduler sends freezes; the heartbeat counter is already flat through `alive`.
  const frozen = analytics.map((s) => (s.labels.__name__ === "airflow_scheduler_heartbeat" ? s : holdAfter(s, down)));
  const ksm = { job: "kube-state-metrics", namespace: inst };
  const series = [
    ...frozen,
    ...healthyAirflow(ax, rand, "airflow-claims"),
    ...dagrunDurationSeries(
      ax,
      inst,
      "reporting__exec_kpis_hourly",
      Array.from({ length: 8 }, (_, k) => ({
        end: at("2026-06-01T18:09:00Z") + k * HOUR + rand.int(-60, 60) * SEC,
        seconds: rand.int(480, 560),
        state: "success" as const,
      })).filter((r) => r.end < down),
    ),
    ...dagrunDurationSeries(ax, inst, "member_mart__build_nightly", [{ end: at("2026-06-01T02:51:40Z"), seconds: 3096, state: "success" }]),
    gauge(
      {
        __name__: "kube_node_status_condition",
        job: "kube-state-metrics",
        node: "ip-10-62-31-140.us-east-2.compute.internal",
        condition: "Ready",
        status: "true",
      },
      ax,
      (t) => (t < down + 40 * SEC ? 1 : 0),
      0,
    ),
    gauge(
      {
        __name__: "kube_node_status_condition",
        job: "kube-state-metrics",
        node: "ip-10-62-31-140.us-east-2.compute.internal",
        condition: "Ready",
        status: "unknown",
      },
      ax,
      (t) => (t < down + 40 * SEC ? 0 : 1),
      0,
    ),
    gauge(
      { __name__: "kube_deployment_status_replicas_available", ...ksm, deployment: "airflow-analytics-scheduler" },
      ax,
      (t) => (t < down + 35 * SEC ? 1 : 0),
      0,
    ),
    gauge(
      { __name__: "kube_deployment_status_replicas_available", ...ksm, deployment: "airflow-analytics-webserver" },
      ax,
      (t) => (t < at("2026-06-02T02:24:30Z") ? 2 : 3),
      0,
    ),
    gauge(
      { __name__: "kube_deployment_status_replicas_available", job: "kube-state-metrics", namespace: "airflow-claims", deployment: "airflow-claims-scheduler" },
      ax,
      () => 2,
      0,
    ),
    gauge(
      { __name__: "kube_pod_status_phase", ...ksm, pod: "airflow-analytics-scheduler-5b7d94f6c8-m9wzt", phase: "Running" },
      ax,
      (t) => (t < at("2026-06-02T01:17:43Z") ? 1 : 0),
      0,
    ),
    gauge(
      { __name__: "kube_pod_status_phase", ...ksm, pod: "airflow-analytics-scheduler-5b7d94f6c8-r7p2d", phase: "Pending" },
      ax,
      (t) => (t < at("2026-06-02T01:17:44Z") ? null : 1),
      0,
    ),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs, { quietScheduler: inst, quietFrom: down });
  const schedPod = "airflow-analytics-scheduler-5b7d94f6c8-m9wzt";
  for (const t of times(ax)) {
    if (t < down && (t % HOUR) / MIN === 9)
      componentLog(
        logs,
        t + 17 * SEC,
        inst,
        "scheduler",
        schedPod,
        "INFO",
        pyLine(
          t + 17 * SEC,
          "dagrun.py:832",
          "INFO",
          `Marking run <DagRun reporting__exec_kpis_hourly @ ${iso(t - (t % HOUR) - HOUR).replace("Z", "+00:00")}: scheduled__${iso(t - (t % HOUR) - HOUR).replace("Z", "+00:00")}, state:running, queued_at: ${iso(
            t - (t % HOUR),
          )
            .replace("T", " ")
            .replace("Z", "+00:00")}. externally triggered: False> successful`,
        ),
      );
    // The webserver keeps answering its probes; its /health shows the scheduler unhealthy after 01:12 (nobody reads it at night).
    if ((t / MIN) % 2 === 0)
      componentLog(
        logs,
        t + 9 * SEC,
        inst,
        "webserver",
        "airflow-analytics-webserver-7f9d8c6b4-2kq8n",
        "INFO",
        `10.62.14.3 - - [${clf(t + 9 * SEC)}] "GET /health HTTP/1.1" 200 ${t < down + 30 * SEC ? 318 : 322} "-" "kube-probe/1.30"`,
      );
    // Idle analytics workers after the tasks under way finish.
    if (t > down + 20 * MIN && (t / MIN) % 15 === 0)
      for (const w of ANALYTICS_WORKERS)
        componentLog(
          logs,
          t + 4 * SEC,
          inst,
          "worker",
          w,
          "INFO",
          `[${new Date(t + 4 * SEC)
            .toISOString()
            .replace("T", " ")
            .replace("Z", ",000")
            .replace(/\.\d+,000$/, ",000")}: INFO/MainProcess] sync with celery@${rand.pick(ANALYTICS_WORKERS.filter((x) => x !== w))}`,
        );
  }
  componentLog(
    logs,
    down - 3 * SEC,
    inst,
    "scheduler",
    schedPod,
    "INFO",
    pyLine(
      down - 3 * SEC,
      "scheduler_job_runner.py:428",
      "INFO",
      "2 tasks up for execution:\n\t<TaskInstance: reporting__exec_kpis_hourly.kpi_claims_cost scheduled__2026-06-02T00:00:00+00:00 [scheduled]>\n\t<TaskInstance: reporting__exec_kpis_hourly.kpi_member_months scheduled__2026-06-02T00:00:00+00:00 [scheduled]>",
    ),
  );
  // The two tasks that were running finish on the workers; nobody queues what comes after them.
  const kpi = (task: string, w: string, t0: number, t1: number) => {
    taskLog(
      logs,
      t0,
      inst,
      { dag_id: "reporting__exec_kpis_hourly", task_id: task, host: w },
      "INFO",
      "taskinstance.py:2612",
      `Executing <Task(SnowflakeOperator): ${task}> on 2026-06-02 00:00:00+00:00`,
    );
    taskLog(
      logs,
      t1,
      inst,
      { dag_id: "reporting__exec_kpis_hourly", task_id: task, host: w },
      "INFO",
      "taskinstance.py:1206",
      `Marking task as SUCCESS. dag_id=reporting__exec_kpis_hourly, task_id=${task}, run_id=scheduled__2026-06-02T00:00:00+00:00`,
    );
  };
  kpi("kpi_pmpm_trend", "airflow-analytics-worker-0", at("2026-06-02T01:09:12Z"), at("2026-06-02T01:14:51Z"));
  kpi("kpi_claims_lag", "airflow-analytics-worker-2", at("2026-06-02T01:10:40Z"), at("2026-06-02T01:13:02Z"));

  // Orchestrator: the REST API (webserver) still answers.
  const dagRuns = [];
  const tis = [];
  for (let d = 5; d >= 1; d--) {
    const day = at("2026-06-02T00:00:00Z") - d * 24 * HOUR;
    dagRuns.push(
      dagRun({
        dag_id: "risk__hcc_scoring_daily",
        logical: day - 24 * HOUR + 90 * MIN,
        state: "success",
        start: day + 90 * MIN + 3 * SEC,
        end: day + 90 * MIN + rand.int(1500, 1900) * SEC,
      }),
    );
    dagRuns.push(
      dagRun({
        dag_id: "member_mart__build_nightly",
        logical: day - 22 * HOUR,
        state: "success",
        start: day + 2 * HOUR + 2 * SEC,
        end: day + 2 * HOUR + rand.int(2900, 3200) * SEC,
      }),
    );
    dagRuns.push(
      dagRun({
        dag_id: "care_mgmt__gaps_in_care_daily",
        logical: day - 21 * HOUR,
        state: "success",
        start: day + 3 * HOUR + 4 * SEC,
        end: day + 3 * HOUR + rand.int(1300, 1700) * SEC,
      }),
    );
    dagRuns.push(
      dagRun({
        dag_id: "actuarial__loss_ratio_daily",
        logical: day - 19 * HOUR,
        state: "success",
        start: day + 5 * HOUR + 3 * SEC,
        end: day + 5 * HOUR + rand.int(1800, 2400) * SEC,
      }),
    );
  }
  for (let h = 14; h >= 1; h--) {
    const logical = at("2026-06-02T01:00:00Z") - h * HOUR;
    dagRuns.push(
      dagRun({
        dag_id: "reporting__exec_kpis_hourly",
        logical,
        state: "success",
        start: logical + HOUR + 3 * SEC,
        end: logical + HOUR + rand.int(480, 560) * SEC,
        interval: HOUR,
      }),
    );
  }
  const stuck = dagRun({
    dag_id: "reporting__exec_kpis_hourly",
    logical: at("2026-06-02T00:00:00Z"),
    state: "running",
    start: at("2026-06-02T01:00:03Z"),
    interval: HOUR,
  });
  stuck.last_scheduling_decision = iso(down - 4 * SEC);
  dagRuns.push(stuck);
  const rid = runIdOf(at("2026-06-02T00:00:00Z"));
  const L = at("2026-06-02T00:00:00Z");
  tis.push(
    taskInstance({
      dag_id: "reporting__exec_kpis_hourly",
      run_id: rid,
      logical: L,
      task_id: "kpi_pmpm_trend",
      state: "success",
      pool: "snowflake_transform",
      operator: "SnowflakeOperator",
      start: at("2026-06-02T01:09:12Z"),
      end: at("2026-06-02T01:14:51Z"),
      queued: at("2026-06-02T01:09:08Z"),
      hostname: "airflow-analytics-worker-0",
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "reporting__exec_kpis_hourly",
      run_id: rid,
      logical: L,
      task_id: "kpi_claims_lag",
      state: "success",
      pool: "snowflake_transform",
      operator: "SnowflakeOperator",
      start: at("2026-06-02T01:10:40Z"),
      end: at("2026-06-02T01:13:02Z"),
      queued: at("2026-06-02T01:10:37Z"),
      hostname: "airflow-analytics-worker-2",
    }),
  );
  for (const task of ["kpi_claims_cost", "kpi_member_months"])
    tis.push(
      taskInstance({
        dag_id: "reporting__exec_kpis_hourly",
        run_id: rid,
        logical: L,
        task_id: task,
        state: "scheduled",
        pool: "snowflake_transform",
        operator: "SnowflakeOperator",
      }),
    );
  tis.push(taskInstance({ dag_id: "reporting__exec_kpis_hourly", run_id: rid, logical: L, task_id: "publish_to_tableau", state: null, pool: "default_pool" }));

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-analytics-dags",
      at: at("2026-06-02T00:34:18Z"),
      author: "tbhatt",
      message: "care gaps: add the 2026 HEDIS colorectal screening measure",
      files: [{ path: "dags/care_mgmt/gaps_in_care.py", patch: '@@ -31,6 +31,7 @@ MEASURES = [\n     "BCS-E",\n     "CBP",\n+    "COL-E",\n ]\n' }],
    }),
    commit(rand, {
      repo: "fernhill-health/platform-helm",
      at: at("2026-06-02T02:20:05Z"),
      author: "kowalczyk-a",
      message: "airflow-analytics: 3 webserver replicas for the June reporting load",
      files: [{ path: "charts/airflow-analytics/values-prod.yaml", patch: "@@ -58,7 +58,7 @@ webserver:\n-  replicas: 2\n+  replicas: 3\n" }],
    }),
  );
  changes.deployments.push(
    deployment(rand, {
      repo: "fernhill-health/platform-helm",
      service: "airflow-analytics-webserver",
      at: at("2026-06-02T02:24:11Z"),
      ref: "argocd/airflow-analytics@9c1e2d7",
    }),
  );

  const node = "ip-10-62-31-140.us-east-2.compute.internal";
  const events = [
    {
      at: "2026-06-01T23:41:09Z",
      kind: "k8s.hpa.rescaled",
      labels: { cluster: CLUSTER, namespace: "claims-svc", hpa: "claims-status-api" },
      message: "New size: 3; reason: cpu resource utilization (percentage of request) below target",
    },
    {
      at: iso(down + 11 * SEC),
      kind: "aws.ec2.status_check_failed",
      labels: { instance_id: "i-0c41f7e9a2b83d615", node },
      message: "System status check failed: instance reachability impaired",
    },
    {
      at: iso(down + 41 * SEC),
      kind: "k8s.node.notready",
      labels: { cluster: CLUSTER, node },
      message: "Node ip-10-62-31-140.us-east-2.compute.internal status is now: NodeNotReady (Kubelet stopped posting node status.)",
    },
    {
      at: "2026-06-02T01:17:43Z",
      kind: "k8s.pod.deleted",
      labels: { cluster: CLUSTER, namespace: inst, pod: "airflow-analytics-scheduler-5b7d94f6c8-m9wzt", node },
      message: "Marking for deletion Pod airflow-analytics/airflow-analytics-scheduler-5b7d94f6c8-m9wzt (taint node.kubernetes.io/unreachable)",
    },
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
      .map((k) => ({
        at: iso(at("2026-06-02T01:17:44Z") + k * 16 * MIN),
        kind: "k8s.pod.failedscheduling",
        labels: { cluster: CLUSTER, namespace: inst, pod: "airflow-analytics-scheduler-5b7d94f6c8-r7p2d" },
        message:
          "0/11 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 node(s) had untolerated taint {dedicated: airflow-claims}, 6 node(s) didn't match Pod's node affinity/selector. preemption: 0/11 nodes are available: 11 Preemption is not helpful for scheduling.",
      }))
      .filter((e) => Date.parse(e.at) < now),
    {
      at: "2026-06-02T01:18:02Z",
      kind: "k8s.autoscaler.noscaleup",
      labels: { cluster: CLUSTER, namespace: inst, pod: "airflow-analytics-scheduler-5b7d94f6c8-r7p2d" },
      message: "pod didn't trigger scale-up: 1 max node group size reached (airflow-analytics-system)",
    },
    {
      at: "2026-06-02T02:24:14Z",
      kind: "argocd.app.synced",
      labels: { app: "airflow-analytics" },
      message: "Sync operation to 9c1e2d7 succeeded (webserver replicas 2 -> 3)",
    },
  ];
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 48, 3), pool("snowflake_transform", 10, 2, 0, 2), pool("dbt_cloud_trigger", 4, 0), pool("sas_grid", 2, 0)],
    },
    changes,
    events,
  };
}

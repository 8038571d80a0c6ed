/**
 * Harrowgate, hge-airflow, Monday 2027-03-15, early morning.
 *
 * The Airflow scheduler runs as one replica with an EBS-backed logs volume in eu-west-2a. Last week
 * the `airflow-core` Karpenter NodePool moved to spot capacity in eu-west-2b/2c only. At 04:37
 * Karpenter consolidates the scheduler's old on-demand node in 2a; the scheduler pod is evicted at
 * 04:38:40 and its replacement stays Pending: "volume node affinity conflict". The dag-processor,
 * webserver, triggerer and Celery workers keep running; nothing schedules a task any more, and
 * running tasks finish without followers.
 *
 * Alertmanager's AirflowSchedulerHeartbeatMissing fires at 04:48:40 (no heartbeat for 10 minutes).
 * The hourly DAGs stop pinging their Opsgenie heartbeats: `bmrs-system-prices` (pinged at 04:07,
 * interval 70 min) expires at 05:17, `hh-exceptions` (pinged at 04:22) at 05:32. Three deliveries,
 * each a sign that work in hge-airflow stopped arriving.
 *
 * Distractors: Karpenter NodePool commit a week ago; a worker pod restart at 03:10 (image pull
 * backoff, recovered); pools and executor idle rather than full.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, type Telemetry } from "../../lib.js";
import { airflowLog, airflowSeries, backgroundChanges, backgroundGroups, backgroundLogs, commit, dagRun, taskInstance, taskLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-scheduler-unschedulable";

export function build(): Telemetry {
  const rand = new Rand(270315);
  const now = at("2027-03-15T05:45:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const evicted = at("2027-03-15T04:38:40Z");
  const alive = (t: number) => t < evicted;
  const schedPod = "hge-airflow-scheduler-7b9c6d5f48-r2kzn";

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  for (let t = ax.start; t < evicted; t += MIN) {
    airflowLog(logs, t + rand.int(0, 50) * SEC, "scheduler", schedPod, "INFO", `${rand.int(0, 6)} tasks up for execution:`);
    if ((t / MIN) % 5 === 0)
      airflowLog(logs, t + 55 * SEC, "scheduler", schedPod, "INFO", "Adopting or resetting orphaned tasks for active dag runs", "scheduler_job_runner.py:1950");
  }
  airflowLog(logs, evicted - 2 * SEC, "scheduler", schedPod, "INFO", "Exiting gracefully upon receiving signal 15", "scheduler_job_runner.py:262");
  airflowLog(
    logs,
    evicted - SEC,
    "scheduler",
    schedPod,
    "INFO",
    "Sending Signals.SIGTERM to group 31. PIDs of all processes in the group: [31]",
    "process_utils.py:132",
  );
  for (let t = ax.start; t < now; t += 2 * MIN)
    airflowLog(
      logs,
      t + rand.int(0, 90) * SEC,
      "dag-processor",
      "hge-airflow-dag-processor-6c4d8f9b7-wq5xt",
      "INFO",
      `Processing file /opt/airflow/dags/repo/dags/${rand.pick(["market", "metering", "billing", "settlement", "tariffs"])}/${rand.pick(["bmrs_system_prices.py", "hh_exceptions.py", "invoice_run.py", "d0010_ingest.py", "catalogue_sync.py"])} for tasks to queue`,
      "processor.py:161",
    );

  // Hourly DAGs: runs created by the scheduler until 04:00 logical (started 04:05 / 04:20 ...).
  const dagRuns = [];
  const tis = [];
  const hourly: Array<[string, string, number]> = [
    ["market.bmrs_system_prices_hourly", "ping_heartbeat", 5],
    ["metering.hh_exceptions_hourly", "ping_heartbeat", 20],
  ];
  for (const [dag, last, minute] of hourly) {
    for (let l = at("2027-03-15T00:00:00Z") + minute * MIN; l + HOUR < now; l += HOUR) {
      const start = l + HOUR + 2 * SEC;
      if (start >= evicted) continue;
      const end = start + rand.int(50, 260) * SEC;
      dagRuns.push(dagRun({ dag_id: dag, logical: l, state: "success", start, end, interval: HOUR }));
      tis.push(
        taskInstance({
          dag_id: dag,
          logical: l,
          task_id: last,
          state: "success",
          start: end - 3 * SEC,
          end: end - SEC,
          worker: "hge-airflow-worker-0",
          operator: "OpsgenieHeartbeatOperator",
        }),
      );
      taskLog(
        logs,
        end - 2 * SEC,
        { dag_id: dag, task_id: last },
        "INFO",
        "opsgenie.py:44",
        `heartbeat ${dag.startsWith("market") ? "bmrs-system-prices" : "hh-exceptions"} pinged`,
      );
    }
  }

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/platform-k8s",
      at: at("2027-03-08T14:31:00Z"),
      author: "kobrien",
      message: "karpenter: airflow-core NodePool on spot, eu-west-2b/2c (2a spot capacity too thin)",
      files: [
        {
          path: "clusters/hge-prd-lon1/karpenter/nodepool-airflow-core.yaml",
          patch:
            '@@ -14,9 +14,9 @@ spec:\n         - key: karpenter.sh/capacity-type\n           operator: In\n-          values: ["on-demand"]\n+          values: ["spot"]\n         - key: topology.kubernetes.io/zone\n           operator: In\n-          values: ["eu-west-2a", "eu-west-2b", "eu-west-2c"]\n+          values: ["eu-west-2b", "eu-west-2c"]\n',
        },
      ],
    }),
  );
  return {
    series: [
      ...airflowSeries(ax, rand, { alive, running: { default_pool: (t) => (alive(t) ? rand.int(4, 14) : 0) } }),
      ...backgroundGroups(ax, rand),
      // kube-state-metrics: the scheduler Deployment has no available replica once its pod is evicted.
      gauge(
        { __name__: "kube_deployment_status_replicas_available", namespace: "airflow", deployment: "hge-airflow-scheduler", job: "kube-state-metrics" },
        ax,
        (t) => (alive(t) ? 1 : 0),
        0,
      ),
      gauge(
        { __name__: "kube_pod_status_phase", namespace: "airflow", pod: "hge-airflow-scheduler-7b9c6d5f48-t8wqm", phase: "Pending", job: "kube-state-metrics" },
        ax,
        (t) => (t >= evicted + 3 * SEC ? 1 : null),
        0,
      ),
    ],
    logs,
    changes,
    events: [
      {
        at: "2027-03-15T03:10:12Z",
        kind: "k8s.pod.backoff",
        labels: { namespace: "airflow", pod: "hge-airflow-worker-2" },
        message: 'Back-off pulling image "harrowgate/airflow:2.9.3-hge.14" (recovered 03:11:40)',
      },
      {
        at: "2027-03-15T04:37:05Z",
        kind: "karpenter.disruption",
        labels: { nodepool: "airflow-core", node: "ip-10-40-12-9.eu-west-2.compute.internal" },
        message: "Disrupting node via consolidation replace (on-demand m6i.xlarge -> spot m6a.xlarge, eu-west-2b)",
      },
      {
        at: iso(evicted),
        kind: "k8s.pod.evicted",
        labels: { namespace: "airflow", pod: schedPod },
        message: "Evicted by Karpenter: node ip-10-40-12-9 is being drained",
      },
      {
        at: iso(evicted + 4 * SEC),
        kind: "k8s.pod.failedscheduling",
        labels: { namespace: "airflow", pod: "hge-airflow-scheduler-7b9c6d5f48-t8wqm" },
        message:
          "0/14 nodes are available: 3 node(s) had volume node affinity conflict, 11 node(s) didn't match Pod's node affinity/selector. preemption: 0/14 nodes are available: 14 Preemption is not helpful for scheduling.",
      },
      {
        at: iso(evicted + 40 * MIN),
        kind: "k8s.pod.failedscheduling",
        labels: { namespace: "airflow", pod: "hge-airflow-scheduler-7b9c6d5f48-t8wqm" },
        message: "0/14 nodes are available: 3 node(s) had volume node affinity conflict, 11 node(s) didn't match Pod's node affinity/selector.",
      },
    ],
    orchestrator: { dag_runs: dagRuns, task_instances: tis, import_errors: [], pools: [] },
  };
}

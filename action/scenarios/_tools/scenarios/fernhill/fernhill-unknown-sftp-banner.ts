/**
 * Fernhill, airflow-claims, Tuesday 2027-07-13. The evidence cannot decide.
 *
 * The 16:00 run of `member_eligibility_sync` fails: all three tries of `pull_834_from_statehix`
 * (16:00:40, 16:02:55, 16:05:10, all on `fh-afc-wkr-02`) end with
 * `paramiko.ssh_exception.SSHException: Error reading SSH protocol banner`. That error comes before
 * authentication and fits a state-exchange SFTP server shedding connections, a network path
 * problem, or an outage on their side equally well.
 *
 * What would decide it is missing: the monitoring node was drained for a kernel update at 15:47,
 * so blackbox_exporter (and with it the probe of `sftp.statehix.example:22` and every other target)
 * has no samples from 15:48 to 16:24; promtail on `fh-afc-wkr-02` crashed at 15:39 and came back at
 * 16:19, so the tries' own task logs never reached Loki (only the failure callback's exception
 * did). Nothing else at Fernhill talks to that server. When the probe returns at 16:24 the server
 * answers normally; the 12:00 run was fine; there is no change in the window.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  dagRun,
  gap,
  healthyAirflow,
  hostLog,
  pool,
  probeSeries,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-unknown-sftp-banner";

export function build(): Telemetry {
  const rand = new Rand(270713);
  const now = at("2027-07-13T16:30:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const inst = "airflow-claims" as const;
  const probeGap = [at("2027-07-13T15:48:00Z"), at("2027-07-13T16:24:00Z")] as const;
  const promtailGap = [at("2027-07-13T15:39:12Z"), at("2027-07-13T16:19:40Z")] as const;
  const tries = [at("2027-07-13T16:00:40Z"), at("2027-07-13T16:02:55Z"), at("2027-07-13T16:05:10Z")];
  const failAt = tries.map((t) => t + 31 * SEC);

  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => failAt.filter((f) => f >= t - MIN && f < t).length / 60 }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand).map((s) => gap(s, probeGap[0], probeGap[1])),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // Drop every line promtail on wkr-02 would have shipped while it was down.
  const kept = new Logs();
  const all = logs
    .toJsonl()
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { ts: string; labels: Record<string, string>; line: string });
  for (const l of all) {
    const t = Date.parse(l.ts);
    if (l.labels.host === "fh-afc-wkr-02" && t >= promtailGap[0] && t < promtailGap[1]) continue;
    kept.add(t, l.labels, l.line);
  }
  // The 12:00 run (08:00 logical), fine.
  const ok = { dag_id: "member_eligibility_sync", task_id: "pull_834_from_statehix", host: "fh-afc-wkr-03" };
  taskLog(kept, at("2027-07-13T12:00:41Z"), inst, ok, "INFO", "transport.py:1944", "Connected (version 2.0, client OpenSSH_8.7)");
  taskLog(kept, at("2027-07-13T12:00:42Z"), inst, ok, "INFO", "transport.py:1944", "Authentication (publickey) successful!");
  taskLog(kept, at("2027-07-13T12:00:44Z"), inst, ok, "INFO", "sftp.py:201", "Starting SFTP transfer of /outbound/834/FH_834_20270713_1.edi (17 MB)");
  taskLog(
    kept,
    at("2027-07-13T12:09:02Z"),
    inst,
    ok,
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=member_eligibility_sync, task_id=pull_834_from_statehix, run_id=scheduled__2027-07-13T08:00:00+00:00",
  );
  hostLog(
    kept,
    promtailGap[0] - 2 * SEC,
    "fh-afc-wkr-02",
    "promtail.service",
    "ERROR",
    'level=error ts=2027-07-13T15:39:10.118Z caller=client.go:430 component=client host=loki-gateway.monitoring.svc:443 msg="final error sending batch" status=-1 tenant= error="Post \\"https://loki-gateway.fernhill.internal/loki/api/v1/push\\": context deadline exceeded"',
  );
  hostLog(
    kept,
    promtailGap[1],
    "fh-afc-wkr-02",
    "promtail.service",
    "INFO",
    'level=info ts=2027-07-13T16:19:40.551Z caller=main.go:174 msg="Starting Promtail" version="(version=3.1.1, branch=HEAD, revision=a3c5e7b)"',
  );
  hostLog(kept, promtailGap[1] + 800, "fh-afc-wkr-02", "systemd", "INFO", "promtail.service: Scheduled restart job, restart counter is at 1.");

  const L = at("2027-07-13T12:00:00Z");
  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-07-12T08:00:00Z"); l < L; l += 4 * HOUR) {
    const start = l + 4 * HOUR + 4 * SEC;
    dagRuns.push(
      dagRun({ dag_id: "member_eligibility_sync", logical: l, state: "success", start, end: start + rand.int(1100, 1400) * SEC, interval: 4 * HOUR }),
    );
    tis.push(
      taskInstance({
        dag_id: "member_eligibility_sync",
        run_id: runIdOf(l),
        logical: l,
        task_id: "pull_834_from_statehix",
        state: "success",
        pool: "statehix_sftp",
        operator: "SFTPOperator",
        start: start + 36 * SEC,
        end: start + rand.int(420, 560) * SEC,
        queued: start + 33 * SEC,
        hostname: claimsFqdn(rand.pick(CLAIMS_WORKERS)),
        rendered_fields: { ssh_conn_id: "statehix_sftp", remote_filepath: "/outbound/834/" },
      }),
    );
  }
  dagRuns.push(
    dagRun({
      dag_id: "member_eligibility_sync",
      logical: L,
      state: "failed",
      start: at("2027-07-13T16:00:04Z"),
      end: failAt[2]! + 3 * SEC,
      interval: 4 * HOUR,
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "member_eligibility_sync",
      run_id: runIdOf(L),
      logical: L,
      task_id: "pull_834_from_statehix",
      state: "failed",
      try_number: 3,
      pool: "statehix_sftp",
      operator: "SFTPOperator",
      start: tries[2]!,
      end: failAt[2]!,
      queued: tries[2]! - 2 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-02"),
      rendered_fields: { ssh_conn_id: "statehix_sftp", remote_filepath: "/outbound/834/" },
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "member_eligibility_sync",
      run_id: runIdOf(L),
      logical: L,
      task_id: "load_834_to_snowflake",
      state: "upstream_failed",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
    }),
  );

  return {
    series,
    logs: kept,
    events: [
      {
        at: "2027-07-13T15:47:05Z",
        kind: "k8s.node.drained",
        labels: { cluster: "fh-prod-use2", node: "ip-10-62-8-77.us-east-2.compute.internal", nodegroup: "monitoring" },
        message: "Node drained for kernel update (Bottlerocket 1.24.1)",
      },
      {
        at: "2027-07-13T16:23:41Z",
        kind: "k8s.pod.started",
        labels: { cluster: "fh-prod-use2", namespace: "monitoring", pod: "blackbox-exporter-7c8d9f6b5-h2m4x" },
        message: "Started container blackbox-exporter",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 6),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 1),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes: backgroundChanges(now, rand),
  };
}

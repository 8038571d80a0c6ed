/**
 * Fernhill, Tuesday 2027-04-20.
 *
 * Names under `onprem.fernhill.internal` (the core adjudication system's read replica, the on-prem
 * eligibility gateway, the utilization-review service) resolve through a Route 53 Resolver
 * outbound rule to the data-centre DNS servers over Direct Connect. At 09:41:10 the Direct Connect
 * virtual interface's BGP session drops (carrier maintenance on the wrong circuit): on-prem names
 * stop resolving (SERVFAIL after timeouts) and on-prem addresses are unreachable. Public names
 * (ClearPath, CredentialStream, the state exchange) resolve and answer as usual.
 *
 * Everything that talks to on-prem fails at once, with different clients and credentials:
 * airflow-claims' `claims__adjudication_sync_15min.pull_adjudication_deltas` (psycopg2, conn
 * `coreadj_replica`), the `member-eligibility-intake` Lambda (urllib) and the Go
 * `prior-auth-gateway` ("server misbehaving"). CoreDNS SERVFAIL responses jump; blackbox probes of
 * on-prem targets fail with ~5 s DNS lookups. Alerts: the Lambda's CloudWatch alarm (via SNS), the
 * Airflow failure callback (via repository_dispatch) and Alertmanager's endpoint-down group.
 *
 * Distractors: a prior-auth-gateway deploy at 09:30 (its errors look like its own); prior-auth's
 * "upstream timed out" warnings that are always there; an AWS Health event for S3 in us-east-1 (a
 * different region); no 401/403, no certificate problem.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, times, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  CLUSTER,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  dagRun,
  deployment,
  healthyAirflow,
  pool,
  probeSeries,
  runIdOf,
  serviceLog,
  statsd,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-dns-network";

export function build(): Telemetry {
  const rand = new Rand(270420);
  const now = at("2027-04-20T10:15:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const down = at("2027-04-20T09:41:10Z");
  const isDown = (t: number) => t >= down + 20 * SEC;
  const inst = "airflow-claims" as const;

  // Failing attempts of the 15-minute adjudication sync from the 09:45 run on.
  type Attempt = { logical: number; start: number; try_number: number; host: string; last: boolean };
  const attempts: Attempt[] = [];
  for (let l = at("2027-04-20T09:30:00Z"); l <= at("2027-04-20T09:45:00Z"); l += 15 * MIN) {
    for (let k = 0; k < 3; k++) {
      const start = l + 15 * MIN + 5 * SEC + k * (2 * MIN + 30 * SEC);
      if (start >= now) break;
      attempts.push({ logical: l, start, try_number: k + 1, host: CLAIMS_WORKERS[(k + 2) % 4]!, last: k === 2 });
    }
  }
  const failAt = attempts.map((a) => a.start + 10 * SEC + rand.int(0, 3) * SEC); // psycopg2 connect_timeout-ish on the resolver

  const onprem = (url: string) => [
    gauge(
      {
        __name__: "probe_success",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring.svc:9115",
        module: url.startsWith("https") ? "http_2xx" : "tcp_connect",
        target: url,
      },
      ax,
      (t) => (isDown(t) ? 0 : 1),
      0,
    ),
    gauge(
      {
        __name__: "probe_dns_lookup_time_seconds",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring.svc:9115",
        module: url.startsWith("https") ? "http_2xx" : "tcp_connect",
        target: url,
      },
      ax,
      (t) => (isDown(t) ? rand.jitter(5.0, 0.01) : rand.jitter(0.0019, 0.25)),
      5,
    ),
    gauge(
      {
        __name__: "probe_duration_seconds",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring.svc:9115",
        module: url.startsWith("https") ? "http_2xx" : "tcp_connect",
        target: url,
      },
      ax,
      (t) => (isDown(t) ? rand.jitter(5.0, 0.01) : rand.jitter(0.012, 0.2)),
      4,
    ),
  ];
  const coredns = (rcode: string, rate: (t: number) => number) =>
    counter(
      { __name__: "coredns_dns_responses_total", job: "coredns", namespace: "kube-system", server: "dns://:53", zone: ".", rcode },
      ax,
      rcode === "NOERROR" ? 918_220_113 : 40_118,
      rate,
    );
  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => failAt.filter((f) => f >= t - MIN && f < t).length / 60 }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand, {
      claimsReplica: {
        ok: (t) => !isDown(t),
        dns: (t) => (isDown(t) ? rand.jitter(5.0, 0.01) : rand.jitter(0.0019, 0.25)),
        duration: (t) => (isDown(t) ? rand.jitter(5.0, 0.01) : rand.jitter(0.009, 0.1)),
      },
    }),
    ...onprem("https://eligibility-gw.onprem.fernhill.internal/health"),
    ...onprem("https://utilization-review.onprem.fernhill.internal/healthz"),
    coredns("NOERROR", () => rand.jitter(1850, 0.04)),
    coredns("NXDOMAIN", () => rand.jitter(410, 0.05)),
    coredns("SERVFAIL", (t) => (isDown(t) ? rand.jitter(96, 0.08) : rand.jitter(0.05, 0.5))),
    gauge(
      {
        __name__: "aws_directconnect_virtual_interface_bgp_status",
        job: "cloudwatch-exporter",
        virtual_interface_id: "dxvif-ffq3k2m1",
        connection_id: "dxcon-fgh7x2q9",
      },
      ax,
      (t) => (t >= down ? 0 : 1),
      0,
    ),
    counter({ __name__: "fernhill_http_client_responses_total", ...statsd(inst), api: "credentialstream", code: "200" }, ax, 91_220_431, () =>
      rand.jitter(0.4, 0.1),
    ),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // Healthy syncs before the outage.
  for (let l = ax.start - (ax.start % (15 * MIN)); l + 15 * MIN < down; l += 15 * MIN) {
    const s = l + 15 * MIN + 5 * SEC;
    if (s < ax.start) continue;
    taskLog(
      logs,
      s + 4 * SEC,
      inst,
      { dag_id: "claims__adjudication_sync_15min", task_id: "pull_adjudication_deltas", host: CLAIMS_WORKERS[Math.floor(s / MIN) % 4]! },
      "INFO",
      "sql.py:470",
      `Running statement: SELECT * FROM adj.claim_adjudication_log WHERE updated_at > %(since)s, parameters: {'since': '${iso(l)}'}`,
    );
    taskLog(
      logs,
      s + 19 * SEC,
      inst,
      { dag_id: "claims__adjudication_sync_15min", task_id: "pull_adjudication_deltas", host: CLAIMS_WORKERS[Math.floor(s / MIN) % 4]! },
      "INFO",
      "sql.py:479",
      `Rows affected: ${rand.int(3000, 9000)}`,
    );
  }
  attempts.forEach((a, i) => {
    const ref = { dag_id: "claims__adjudication_sync_15min", task_id: "pull_adjudication_deltas", try_number: a.try_number, host: a.host };
    taskLog(logs, a.start, inst, ref, "INFO", "taskinstance.py:2867", `Starting attempt ${a.try_number} of 3`);
    taskLog(
      logs,
      failAt[i]!,
      inst,
      ref,
      "ERROR",
      "taskinstance.py:3313",
      `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/postgres/hooks/postgres.py", line 175, in get_conn\n    self.conn = psycopg2.connect(**conn_args)\n  File "/home/airflow/.local/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\npsycopg2.OperationalError: could not translate host name "fh-claimsdb-replica.onprem.fernhill.internal" to address: Temporary failure in name resolution`,
    );
    taskLog(
      logs,
      failAt[i]! + 300,
      inst,
      ref,
      a.last ? "ERROR" : "INFO",
      "taskinstance.py:1206",
      `Marking task as ${a.last ? "FAILED" : "UP_FOR_RETRY"}. dag_id=claims__adjudication_sync_15min, task_id=pull_adjudication_deltas, run_id=${runIdOf(a.logical)}`,
    );
  });
  // Public endpoints keep working from the same workers.
  taskLog(
    logs,
    at("2027-04-20T10:05:09Z"),
    inst,
    { dag_id: "provider__credentialing_status_hourly", task_id: "fetch_status_changes", host: "fh-afc-wkr-01" },
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=provider__credentialing_status_hourly, task_id=fetch_status_changes",
  );
  taskLog(
    logs,
    at("2027-04-20T10:02:41Z"),
    inst,
    { dag_id: "claims__edi837_ingest_hourly", task_id: "download_837_batch", host: "fh-afc-wkr-02" },
    "INFO",
    "sftp.py:201",
    "Starting SFTP transfer of /outbound/837P/FH00417_0_771203.x12 (22 MB)",
  );
  for (const t of times(ax)) {
    const s = t + rand.uniform(0, MIN);
    if (isDown(t)) {
      if (rand.chance(0.8))
        serviceLog(
          logs,
          s,
          "care-mgmt",
          "prior-auth-gateway",
          "error",
          `review request failed request_id=${rand.hex(12)} err="Post \\"https://utilization-review.onprem.fernhill.internal/v1/reviews\\": dial tcp: lookup utilization-review.onprem.fernhill.internal on 172.20.0.10:53: server misbehaving"`,
        );
      if (rand.chance(0.5))
        logs.add(
          s + 300,
          { job: "lambda", function: "member-eligibility-intake", aws_region: "us-east-2", level: "ERROR" },
          `[ERROR] URLError: <urlopen error [Errno -3] Temporary failure in name resolution> Traceback (most recent call last): File "/var/task/handler.py", line 61, in handler resp = urlopen(Request(f"{GATEWAY}/v2/eligibility/inquiries", data=body, headers=HEADERS), timeout=10)`,
        );
      if (rand.chance(0.7))
        logs.add(
          s + 600,
          { cluster: CLUSTER, namespace: "kube-system", app: "coredns", level: "error" },
          `[ERROR] plugin/errors: 2 ${rand.pick(["fh-claimsdb-replica", "utilization-review", "eligibility-gw"])}.onprem.fernhill.internal. A: read udp 10.62.${rand.int(1, 40)}.${rand.int(2, 250)}:${rand.int(30000, 60000)}->10.62.0.2:53: i/o timeout`,
        );
    } else {
      if (rand.chance(0.4))
        logs.add(
          s + 300,
          { job: "lambda", function: "member-eligibility-intake", aws_region: "us-east-2", level: "INFO" },
          `[INFO] inquiry ${rand.hex(8)} answered by eligibility gateway in ${rand.int(80, 240)} ms`,
        );
      if (rand.chance(0.3))
        serviceLog(
          logs,
          s,
          "care-mgmt",
          "prior-auth-gateway",
          "info",
          `review request ok request_id=${rand.hex(12)} status=202 latency_ms=${rand.int(60, 300)}`,
        );
    }
    // CoreDNS's everyday NXDOMAIN noise for search-path lookups.
    if (rand.chance(0.05))
      logs.add(
        s + 900,
        { cluster: CLUSTER, namespace: "kube-system", app: "coredns", level: "info" },
        `[INFO] 10.62.${rand.int(1, 40)}.${rand.int(2, 250)}:${rand.int(30000, 60000)} - ${rand.int(1000, 65000)} "AAAA IN api.credentialstream.example.airflow-claims.svc.cluster.local. udp 78 false 512" NXDOMAIN qr,aa,rd 171 0.00011s`,
      );
  }

  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-04-20T07:00:00Z"); l <= at("2027-04-20T09:45:00Z"); l += 15 * MIN) {
    const start = l + 15 * MIN + 3 * SEC;
    if (start >= now) break;
    const mine = attempts.filter((a) => a.logical === l);
    const last = mine[mine.length - 1];
    const fail = mine.some((a) => a.last);
    dagRuns.push(
      dagRun({
        dag_id: "claims__adjudication_sync_15min",
        logical: l,
        state: !mine.length ? "success" : fail ? "failed" : "running",
        start,
        end: !mine.length ? start + rand.int(25, 40) * SEC : fail ? last!.start + 14 * SEC : null,
        interval: 15 * MIN,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "claims__adjudication_sync_15min",
        run_id: runIdOf(l),
        logical: l,
        task_id: "pull_adjudication_deltas",
        state: !mine.length ? "success" : last!.last ? "failed" : "up_for_retry",
        try_number: last?.try_number ?? 1,
        pool: "default_pool",
        operator: "SQLExecuteQueryOperator",
        start: last?.start ?? start + 2 * SEC,
        end: (last?.start ?? start) + (mine.length ? 11 : 20) * SEC,
        queued: (last?.start ?? start) - 2 * SEC,
        hostname: claimsFqdn(last?.host ?? "fh-afc-wkr-01"),
        rendered_fields: { conn_id: "coreadj_replica", sql: "SELECT * FROM adj.claim_adjudication_log WHERE updated_at > %(since)s" },
      }),
    );
  }
  dagRuns.push(
    dagRun({
      dag_id: "claims__edi837_ingest_hourly",
      logical: at("2027-04-20T09:02:00Z"),
      state: "running",
      start: at("2027-04-20T10:02:03Z"),
      interval: HOUR,
    }),
  );
  dagRuns.push(
    dagRun({
      dag_id: "claims__edi837_ingest_hourly",
      logical: at("2027-04-20T08:02:00Z"),
      state: "success",
      start: at("2027-04-20T09:02:04Z"),
      end: at("2027-04-20T09:19:12Z"),
      interval: HOUR,
    }),
  );

  const changes = backgroundChanges(now, rand);
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/prior-auth", service: "prior-auth-gateway", at: at("2027-04-20T09:30:41Z"), ref: "v2.8.0" }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2027-04-20T08:52:00Z",
        kind: "cloud.status",
        labels: { provider: "aws", region: "us-east-1", service: "S3" },
        message: "Increased error rates for S3 PUT requests in us-east-1 (resolved 09:20)",
      },
      {
        at: iso(down),
        kind: "aws.directconnect.bgp_down",
        labels: { virtual_interface_id: "dxvif-ffq3k2m1", connection_id: "dxcon-fgh7x2q9", region: "us-east-2" },
        message: "BGP session of virtual interface dxvif-ffq3k2m1 (fh-dc1-transit) changed to DOWN",
      },
      {
        at: "2027-04-20T09:30:55Z",
        kind: "k8s.deployment.rollout",
        labels: { cluster: CLUSTER, namespace: "care-mgmt", deployment: "prior-auth-gateway" },
        message: "Rollout of prior-auth-gateway v2.8.0 complete (3/3 ready)",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 7),
        pool("edi_sftp", 6, 5),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes,
  };
}

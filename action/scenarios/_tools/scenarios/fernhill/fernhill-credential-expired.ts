/**
 * Fernhill, airflow-claims, night of 2026-08-13 to 08-14.
 *
 * ClearPath (the claims clearinghouse) issues OAuth client secrets valid for 365 days. The secret
 * in the Airflow connection `clearpath_api` (AWS Secrets Manager,
 * `airflow/connections/clearpath_api`) expires at 2026-08-14T00:00:00Z and nobody rotated it.
 * From the first task after midnight, every task whose hook uses `clearpath_api` fails when it
 * asks for a token: `InvalidClientError: (invalid_client) client secret has expired`, then 401 on
 * calls made with a stale token. That is `claims__edi277_status_poll.poll_claim_status` (every 30
 * min), `claims__edi837_ingest_hourly.list_inbound_batches` (hourly, before the SFTP downloads)
 * and `claims__remittance_835_daily.fetch_835_index` (01:00). Tasks on other connections
 * (Snowflake, the state exchange's SFTP, CredentialStream) run fine; ClearPath's health probe and
 * certificate are fine.
 *
 * Distractors: an airflow-claims image deploy at 23:41 that bumped
 * apache-airflow-providers-http 4.13.0 → 4.13.2 (looks like a dependency bump; CredentialStream
 * tasks use the same provider and still work); member-portal "token expired" warnings that are
 * always there; the claims failure-rate alert itself, which names no cause.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  dagRun,
  deployment,
  healthyAirflow,
  pool,
  probeSeries,
  runIdOf,
  serviceLog,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-credential-expired";

const TOKEN_TB = (url: string) =>
  `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py", line 767, in _execute_task\n    result = _execute_callable(context=context, **execute_callable_kwargs)\n  File "/opt/airflow/plugins/fernhill/hooks/clearpath.py", line 58, in get_conn\n    token = self._oauth.fetch_token(token_url=self.token_url, client_id=conn.login, client_secret=conn.password)\n  File "/home/airflow/.local/lib/python3.11/site-packages/requests_oauthlib/oauth2_session.py", line 406, in fetch_token\n    self._client.parse_request_body_response(r.text, scope=self.scope)\n  File "/home/airflow/.local/lib/python3.11/site-packages/oauthlib/oauth2/rfc6749/parameters.py", line 455, in validate_token_parameters\n    raise_from_error(params.get('error'), params)\noauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) client secret has expired (token endpoint https://auth.clearpath-exchange.example/oauth2/token, then ${url})`;

const HTTP401_TB = (url: string) =>
  `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/http/hooks/http.py", line 200, in check_response\n    response.raise_for_status()\n  File "/home/airflow/.local/lib/python3.11/site-packages/requests/models.py", line 1024, in raise_for_status\n    raise HTTPError(http_error_msg, response=self)\nrequests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: ${url}\n\nDuring handling of the above exception, another exception occurred:\n\nairflow.exceptions.AirflowException: 401:Unauthorized`;

export function build(): Telemetry {
  const rand = new Rand(260814);
  const now = at("2026-08-14T01:20:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const expiry = at("2026-08-14T00:00:00Z");
  const inst = "airflow-claims" as const;

  // Failing task attempts after the expiry (each with up to 2 retries, 5 minutes apart).
  type Attempt = {
    dag: string;
    task: string;
    logical: number;
    start: number;
    try_number: number;
    host: string;
    url: string;
    kind: "token" | "401";
    last: boolean;
    max_tries: number;
  };
  const attempts: Attempt[] = [];
  const add = (dag: string, task: string, logical: number, first: number, tries: number, url: string, max_tries: number) => {
    for (let k = 0; k < tries; k++) {
      const start = first + k * (5 * MIN + 20 * SEC);
      if (start >= now) break;
      attempts.push({
        dag,
        task,
        logical,
        start,
        try_number: k + 1,
        host: CLAIMS_WORKERS[(k + attempts.length) % 4]!,
        url,
        kind: k === 0 && dag === "claims__edi277_status_poll" && logical === at("2026-08-13T23:30:00Z") ? "401" : "token",
        last: k === max_tries,
        max_tries,
      });
    }
  };
  for (const l of [at("2026-08-13T23:30:00Z"), at("2026-08-14T00:00:00Z"), at("2026-08-14T00:30:00Z")])
    add(
      "claims__edi277_status_poll",
      "poll_claim_status",
      l,
      l + 30 * MIN + 6 * SEC,
      3,
      "https://edi.clearpath-exchange.example/api/v2/claim-status/276?since=" + iso(l),
      2,
    );
  add(
    "claims__edi837_ingest_hourly",
    "list_inbound_batches",
    at("2026-08-13T23:02:00Z"),
    at("2026-08-14T00:02:09Z"),
    3,
    "https://edi.clearpath-exchange.example/api/v2/batches?type=837&status=new",
    2,
  );
  add(
    "claims__edi837_ingest_hourly",
    "list_inbound_batches",
    at("2026-08-14T00:02:00Z"),
    at("2026-08-14T01:02:07Z"),
    3,
    "https://edi.clearpath-exchange.example/api/v2/batches?type=837&status=new",
    2,
  );
  add(
    "claims__remittance_835_daily",
    "fetch_835_index",
    at("2026-08-13T01:00:00Z"),
    at("2026-08-14T01:00:12Z"),
    3,
    "https://edi.clearpath-exchange.example/api/v2/remittances/index?date=2026-08-13",
    2,
  );
  attempts.sort((a, b) => a.start - b.start);
  const failAt = attempts.map((a) => a.start + rand.int(2, 4) * SEC);

  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => failAt.filter((f) => f >= t - MIN && f < t).length / 60 }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // The member portal's session-token warnings: always there, nothing to do with ClearPath.
  for (let t = ax.start; t < now; t += rand.int(3, 9) * MIN)
    serviceLog(
      logs,
      t + rand.int(0, 59) * SEC,
      "digital",
      "member-portal-api",
      "warning",
      `auth: 401 token expired for session ${rand.hex(10)}, redirecting to login`,
    );
  // Healthy ClearPath calls before the expiry.
  for (let t = ax.start; t < expiry; t += 30 * MIN) {
    const s = t - (t % (30 * MIN)) + 6 * SEC;
    if (s < ax.start) continue;
    taskLog(
      logs,
      s + 2 * SEC,
      inst,
      { dag_id: "claims__edi277_status_poll", task_id: "poll_claim_status", host: CLAIMS_WORKERS[Math.floor(s / MIN) % 4]! },
      "INFO",
      "clearpath.py:61",
      "obtained ClearPath access token (expires_in=3600)",
    );
    taskLog(
      logs,
      s + 9 * SEC,
      inst,
      { dag_id: "claims__edi277_status_poll", task_id: "poll_claim_status", host: CLAIMS_WORKERS[Math.floor(s / MIN) % 4]! },
      "INFO",
      "edi277.py:88",
      `received ${rand.int(40, 400)} 277CA status responses`,
    );
  }
  for (let t = ax.start - (ax.start % HOUR) + 2 * MIN + HOUR; t < expiry; t += HOUR) {
    taskLog(
      logs,
      t + 8 * SEC,
      inst,
      { dag_id: "claims__edi837_ingest_hourly", task_id: "list_inbound_batches", host: "fh-afc-wkr-02" },
      "INFO",
      "clearpath.py:61",
      "obtained ClearPath access token (expires_in=3600)",
    );
    taskLog(
      logs,
      t + 11 * SEC,
      inst,
      { dag_id: "claims__edi837_ingest_hourly", task_id: "list_inbound_batches", host: "fh-afc-wkr-02" },
      "INFO",
      "edi837.py:42",
      `ClearPath lists ${rand.int(3, 9)} new 837 batches`,
    );
  }
  // Other connections keep working after midnight.
  taskLog(
    logs,
    at("2026-08-14T00:00:41Z"),
    inst,
    { dag_id: "member_eligibility_sync", task_id: "pull_834_from_statehix", host: "fh-afc-wkr-01" },
    "INFO",
    "sftp.py:201",
    "Starting SFTP transfer of /outbound/834/FH_834_20260813_2.edi (18 MB)",
  );
  taskLog(
    logs,
    at("2026-08-14T00:05:12Z"),
    inst,
    { dag_id: "provider__credentialing_status_hourly", task_id: "fetch_status_changes", host: "fh-afc-wkr-03" },
    "INFO",
    "http.py:175",
    "Sending 'GET' to url: https://api.credentialstream.example/v3/providers/changes?since=2026-08-13T23:00:00Z",
  );
  taskLog(
    logs,
    at("2026-08-14T00:05:14Z"),
    inst,
    { dag_id: "provider__credentialing_status_hourly", task_id: "fetch_status_changes", host: "fh-afc-wkr-03" },
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=provider__credentialing_status_hourly, task_id=fetch_status_changes",
  );
  taskLog(
    logs,
    at("2026-08-14T01:05:09Z"),
    inst,
    { dag_id: "provider__credentialing_status_hourly", task_id: "fetch_status_changes", host: "fh-afc-wkr-01" },
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=provider__credentialing_status_hourly, task_id=fetch_status_changes",
  );
  attempts.forEach((a, i) => {
    const ref = { dag_id: a.dag, task_id: a.task, try_number: a.try_number, host: a.host };
    taskLog(logs, a.start, inst, ref, "INFO", "taskinstance.py:2867", `Starting attempt ${a.try_number} of ${a.max_tries + 1}`);
    if (a.kind === "401") {
      taskLog(logs, a.start + SEC, inst, ref, "INFO", "clearpath.py:66", "reusing cached ClearPath access token (issued 2026-08-13T23:30:08Z)");
      taskLog(
        logs,
        failAt[i]! - 200,
        inst,
        ref,
        "ERROR",
        "http.py:202",
        'HTTP error: Unauthorized\n{"error":"invalid_token","error_description":"token revoked: client credentials expired"}',
      );
      taskLog(logs, failAt[i]!, inst, ref, "ERROR", "taskinstance.py:3313", HTTP401_TB(a.url));
    } else {
      taskLog(
        logs,
        failAt[i]! - 300,
        inst,
        ref,
        "WARNING",
        "clearpath.py:57",
        "token request to https://auth.clearpath-exchange.example/oauth2/token returned 401",
      );
      taskLog(logs, failAt[i]!, inst, ref, "ERROR", "taskinstance.py:3313", TOKEN_TB(a.url));
    }
    taskLog(
      logs,
      failAt[i]! + 300,
      inst,
      ref,
      a.last ? "ERROR" : "INFO",
      "taskinstance.py:1206",
      `Marking task as ${a.last ? "FAILED" : "UP_FOR_RETRY"}. dag_id=${a.dag}, task_id=${a.task}, run_id=${runIdOf(a.logical)}`,
    );
  });

  // Orchestrator.
  const rf = (url: string) => ({ http_conn_id: "clearpath_api", endpoint: new URL(url).pathname + new URL(url).search, method: "GET" });
  const dagRuns = [];
  const tis = [];
  for (let l = at("2026-08-13T20:00:00Z"); l <= at("2026-08-14T00:30:00Z"); l += 30 * MIN) {
    const start = l + 30 * MIN + 4 * SEC;
    if (start >= now) break;
    const mine = attempts.filter((a) => a.dag === "claims__edi277_status_poll" && a.logical === l);
    const failed = mine.some((a) => a.last);
    const ok = !mine.length;
    dagRuns.push(
      dagRun({
        dag_id: "claims__edi277_status_poll",
        logical: l,
        state: ok ? "success" : failed ? "failed" : "running",
        start,
        end: ok ? start + rand.int(30, 70) * SEC : failed ? mine[mine.length - 1]!.start + 8 * SEC : null,
        interval: 30 * MIN,
      }),
    );
    const last = mine[mine.length - 1];
    tis.push(
      taskInstance({
        dag_id: "claims__edi277_status_poll",
        run_id: runIdOf(l),
        logical: l,
        task_id: "poll_claim_status",
        state: ok ? "success" : last!.last ? "failed" : "up_for_retry",
        try_number: last?.try_number ?? 1,
        max_tries: 2,
        pool: "clearpath_api",
        operator: "ClearPathOperator",
        start: last?.start ?? start + 2 * SEC,
        end: (last?.start ?? start) + rand.int(9, 14) * SEC,
        queued: (last?.start ?? start) - 2 * SEC,
        hostname: claimsFqdn(last?.host ?? "fh-afc-wkr-03"),
        rendered_fields: rf("https://edi.clearpath-exchange.example/api/v2/claim-status/276"),
      }),
    );
  }
  for (const l of [at("2026-08-13T21:02:00Z"), at("2026-08-13T22:02:00Z"), at("2026-08-13T23:02:00Z"), at("2026-08-14T00:02:00Z")]) {
    const start = l + HOUR + 5 * SEC;
    const mine = attempts.filter((a) => a.dag === "claims__edi837_ingest_hourly" && a.logical === l);
    const last = mine[mine.length - 1];
    const failed = mine.some((a) => a.last);
    dagRuns.push(
      dagRun({
        dag_id: "claims__edi837_ingest_hourly",
        logical: l,
        state: !mine.length ? "success" : failed ? "failed" : "running",
        start,
        end: !mine.length ? start + rand.int(900, 1100) * SEC : failed ? last!.start + 9 * SEC : null,
        interval: HOUR,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "claims__edi837_ingest_hourly",
        run_id: runIdOf(l),
        logical: l,
        task_id: "list_inbound_batches",
        state: !mine.length ? "success" : last!.last ? "failed" : "up_for_retry",
        try_number: last?.try_number ?? 1,
        pool: "clearpath_api",
        operator: "ClearPathOperator",
        start: last?.start ?? start + 3 * SEC,
        end: (last?.start ?? start) + 8 * SEC,
        queued: (last?.start ?? start) - 2 * SEC,
        hostname: claimsFqdn(last?.host ?? "fh-afc-wkr-02"),
        rendered_fields: rf("https://edi.clearpath-exchange.example/api/v2/batches?type=837&status=new"),
      }),
    );
    if (mine.length)
      tis.push(
        taskInstance({
          dag_id: "claims__edi837_ingest_hourly",
          run_id: runIdOf(l),
          logical: l,
          task_id: "download_837_batch",
          state: failed ? "upstream_failed" : null,
          pool: "edi_sftp",
          operator: "SFTPOperator",
          rendered_fields: { ssh_conn_id: "clearpath_sftp" },
        }),
      );
  }
  const r835 = attempts.filter((a) => a.dag === "claims__remittance_835_daily");
  dagRuns.push(
    dagRun({
      dag_id: "claims__remittance_835_daily",
      logical: at("2026-08-12T01:00:00Z"),
      state: "success",
      start: at("2026-08-13T01:00:03Z"),
      end: at("2026-08-13T01:22:40Z"),
    }),
  );
  dagRuns.push(dagRun({ dag_id: "claims__remittance_835_daily", logical: at("2026-08-13T01:00:00Z"), state: "running", start: at("2026-08-14T01:00:03Z") }));
  const l835 = r835[r835.length - 1]!;
  tis.push(
    taskInstance({
      dag_id: "claims__remittance_835_daily",
      run_id: runIdOf(at("2026-08-13T01:00:00Z")),
      logical: at("2026-08-13T01:00:00Z"),
      task_id: "fetch_835_index",
      state: l835.last ? "failed" : "up_for_retry",
      try_number: l835.try_number,
      pool: "clearpath_api",
      operator: "ClearPathOperator",
      start: l835.start,
      end: l835.start + 7 * SEC,
      queued: l835.start - 2 * SEC,
      hostname: claimsFqdn(l835.host),
      rendered_fields: rf(l835.url),
    }),
  );
  // Tasks on other connections, healthy.
  dagRuns.push(
    dagRun({
      dag_id: "member_eligibility_sync",
      logical: at("2026-08-13T20:00:00Z"),
      state: "success",
      start: at("2026-08-14T00:00:04Z"),
      end: at("2026-08-14T00:19:51Z"),
      interval: 4 * HOUR,
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "member_eligibility_sync",
      run_id: runIdOf(at("2026-08-13T20:00:00Z")),
      logical: at("2026-08-13T20:00:00Z"),
      task_id: "pull_834_from_statehix",
      state: "success",
      pool: "statehix_sftp",
      operator: "SFTPOperator",
      start: at("2026-08-14T00:00:38Z"),
      end: at("2026-08-14T00:09:02Z"),
      queued: at("2026-08-14T00:00:35Z"),
      hostname: claimsFqdn("fh-afc-wkr-01"),
      rendered_fields: { ssh_conn_id: "statehix_sftp" },
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "member_eligibility_sync",
      run_id: runIdOf(at("2026-08-13T20:00:00Z")),
      logical: at("2026-08-13T20:00:00Z"),
      task_id: "load_834_to_snowflake",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: at("2026-08-14T00:09:10Z"),
      end: at("2026-08-14T00:19:40Z"),
      queued: at("2026-08-14T00:09:07Z"),
      hostname: claimsFqdn("fh-afc-wkr-04"),
      rendered_fields: { snowflake_conn_id: "snowflake_claims_loader" },
    }),
  );
  for (const l of [at("2026-08-13T23:00:00Z"), at("2026-08-14T00:00:00Z")]) {
    dagRuns.push(
      dagRun({
        dag_id: "provider__credentialing_status_hourly",
        logical: l,
        state: "success",
        start: l + HOUR + 5 * MIN,
        end: l + HOUR + 5 * MIN + 14 * SEC,
        interval: HOUR,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "provider__credentialing_status_hourly",
        run_id: runIdOf(l),
        logical: l,
        task_id: "fetch_status_changes",
        state: "success",
        pool: "credentialstream_api",
        operator: "HttpOperator",
        start: l + HOUR + 5 * MIN + 2 * SEC,
        end: l + HOUR + 5 * MIN + 9 * SEC,
        queued: l + HOUR + 5 * MIN,
        hostname: claimsFqdn("fh-afc-wkr-03"),
        rendered_fields: { http_conn_id: "credentialstream", endpoint: "/v3/providers/changes", method: "GET" },
      }),
    );
  }

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-image",
      at: at("2026-08-13T22:58:10Z"),
      author: "renovate[bot]",
      message: "chore(deps): update apache-airflow-providers-http to 4.13.2",
      files: [
        {
          path: "requirements.txt",
          patch:
            "@@ -14,7 +14,7 @@ apache-airflow-providers-celery==3.8.1\n-apache-airflow-providers-http==4.13.0\n+apache-airflow-providers-http==4.13.2\n apache-airflow-providers-sftp==4.11.0\n",
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/airflow-claims-image", service: "airflow-claims-worker", at: at("2026-08-13T23:41:20Z"), ref: "2026.08.13-2" }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2026-08-13T23:41:20Z",
        kind: "deploy.rollout",
        labels: { service: "airflow-claims-worker", hosts: "fh-afc-wkr-01..04" },
        message: "rolling restart of Celery workers with image 2026.08.13-2 completed",
      },
      {
        at: "2026-08-13T22:15:00Z",
        kind: "aws.health",
        labels: { region: "us-west-2", service: "EC2" },
        message: "Increased API error rates in us-west-2 (resolved 22:48)",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 5),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 1),
        pool("snowflake_load", 8, 0),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes,
  };
}

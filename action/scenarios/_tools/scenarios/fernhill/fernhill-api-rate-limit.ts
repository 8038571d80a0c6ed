/**
 * Fernhill, airflow-claims, Tuesday 2027-03-16.
 *
 * `provider__directory_refresh_daily` (05:30) pages through CredentialStream's provider API, one
 * mapped `fetch_provider_pages` task per state, in the `credentialstream_api` pool (4 slots, sized
 * for CredentialStream's 600 requests/min per client id). At 05:12 a data engineer triggers the
 * occasional `provider__npi_backfill` by hand (conf: 2019–2024 NPIs) to repair old records; its 12
 * mapped `fetch_npi_batch` tasks call the same API with the same client id but run in
 * `default_pool`, so from 05:30 sixteen clients share one quota instead of four.
 *
 * From 05:31:40 CredentialStream answers 429 with `Retry-After: 60` and `X-RateLimit-Remaining: 0`.
 * The hook retries a page five times and then skips it with a warning; the TX task exhausts its
 * task retries and fails at 06:08; `load_providers` (trigger_rule all_done) loads what came at
 * 06:12: 744 k providers instead of about 1.21 M. The Grafana volume rule fires at 06:32; the
 * failed TX task's callback arrived at 06:08.
 *
 * Distractors: the occasional single 429 of the hourly credentialing-status job, retried
 * successfully, before the onset too; a commit to the provider DAG folder's README at 04:58; a
 * member-portal deploy at 05:40; the API's /status probe stays 200 (no outage, no 5xx, no 401).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, iso, type Telemetry } from "../../lib.js";
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
  statsd,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-api-rate-limit";

const STATES = ["CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA"] as const;

export function build(): Telemetry {
  const rand = new Rand(270316);
  const now = at("2027-03-16T06:45:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const inst = "airflow-claims" as const;
  const trigger = at("2027-03-16T05:12:09Z");
  const refresh = at("2027-03-16T05:30:04Z");
  const first429 = at("2027-03-16T05:31:40Z");
  const loadAt = at("2027-03-16T06:12:02Z");
  const txFail = at("2027-03-16T06:08:15Z");
  const backfillOn = (t: number) => t >= trigger + 40 * SEC;
  const refreshOn = (t: number) => t >= refresh && t < loadAt;

  // Requests per second by response code, as Fernhill's hook counts them.
  const ok = (t: number) => {
    let r = 0.3; // hourly status job + misc
    if (backfillOn(t)) r += t < first429 ? 9 : 4.2;
    if (refreshOn(t)) r += t < first429 ? 6 : 2.8;
    return rand.jitter(r, 0.05);
  };
  // The hourly status job's single 429 every other hour (see its log lines) is all there is before the onset.
  const statusJob429 = (t: number) => Math.floor((t - ax.start) / HOUR) % 2 === 0 && (t - ax.start) % HOUR >= 5 * MIN && (t - ax.start) % HOUR < 6 * MIN;
  const limited = (t: number) => (t >= first429 && (backfillOn(t) || refreshOn(t)) ? rand.jitter(6.5, 0.12) : statusJob429(t) ? 1 / 60 : 0);
  const lbl = (code: string) => ({ __name__: "fernhill_http_client_responses_total", ...statsd(inst), api: "credentialstream", code });

  const series = [
    ...healthyAirflow(ax, rand, inst, {
      credentialstream_api: {
        name: "credentialstream_api",
        slots: 4,
        running: (t) => (refreshOn(t) ? 4 : t % HOUR < 2 * MIN + 5 * MIN && t % HOUR > 5 * MIN ? 1 : 0),
        scheduled: (t) => (refreshOn(t) && t < at("2027-03-16T05:52:00Z") ? 4 : 0),
      },
    }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    counter(lbl("200"), ax, 88_410_233, ok),
    counter(lbl("429"), ax, 4_112, limited),
    counter(lbl("500"), ax, 311, () => (rand.chance(0.002) ? 1 / 60 : 0)),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // The hourly status job's occasional single 429, retried fine (before and after the onset).
  for (let t = ax.start + 5 * MIN; t < now; t += HOUR) {
    const ref = { dag_id: "provider__credentialing_status_hourly", task_id: "fetch_status_changes", host: rand.pick(CLAIMS_WORKERS) };
    if (Math.floor((t - ax.start) / HOUR) % 2 === 0)
      taskLog(
        logs,
        t + 6 * SEC,
        inst,
        ref,
        "WARNING",
        "credentialstream.py:88",
        "CredentialStream returned 429 Too Many Requests for GET /v3/providers/changes (Retry-After: 2, X-RateLimit-Remaining: 0); retry 1/5 in 2s",
      );
    taskLog(
      logs,
      t + 12 * SEC,
      inst,
      ref,
      "INFO",
      "taskinstance.py:1206",
      "Marking task as SUCCESS. dag_id=provider__credentialing_status_hourly, task_id=fetch_status_changes",
    );
  }
  // Backfill and refresh page loops.
  const pageLog = (dag: string, task: string, mapIndex: number, key: string, start: number, end: number, host: string) => {
    const ref = { dag_id: dag, task_id: task, host };
    taskLog(
      logs,
      start,
      inst,
      ref,
      "INFO",
      "taskinstance.py:2890",
      `Executing <Task(_PythonDecoratedOperator): ${task}> on ${iso(dag === "provider__npi_backfill" ? trigger : at("2027-03-15T05:30:00Z"))
        .replace("T", " ")
        .replace("Z", "+00:00")} map_index=${mapIndex}`,
    );
    let page = 1;
    for (let t = start + 20 * SEC; t < Math.min(end, now); t += rand.int(90, 180) * SEC) {
      if (t < first429) {
        taskLog(
          logs,
          t,
          inst,
          ref,
          "INFO",
          "credentialstream.py:71",
          `GET /v3/providers?${key}&page=${page} -> 200 (${rand.int(180, 250)} records, X-RateLimit-Remaining: ${rand.int(120, 480)})`,
        );
        page++;
      } else if (rand.chance(0.55)) {
        const attempt = rand.int(1, 5);
        taskLog(
          logs,
          t,
          inst,
          ref,
          "WARNING",
          "credentialstream.py:88",
          `CredentialStream returned 429 Too Many Requests for GET /v3/providers?${key}&page=${page} (Retry-After: 60, X-RateLimit-Remaining: 0); retry ${attempt}/5 in 60s`,
        );
        if (attempt === 5) {
          taskLog(
            logs,
            t + 1500,
            inst,
            ref,
            "WARNING",
            "credentialstream.py:97",
            `giving up on page ${page} of ${key} after 5 retries (429); continuing with next page`,
          );
          page++;
        }
      } else {
        taskLog(
          logs,
          t,
          inst,
          ref,
          "INFO",
          "credentialstream.py:71",
          `GET /v3/providers?${key}&page=${page} -> 200 (${rand.int(180, 250)} records, X-RateLimit-Remaining: ${rand.int(0, 12)})`,
        );
        page++;
      }
    }
  };
  for (let k = 0; k < 12; k++)
    pageLog(
      "provider__npi_backfill",
      "fetch_npi_batch",
      k,
      `npi_prefix=1${k}`,
      trigger + (45 + k * 3) * SEC,
      k < 6 ? at("2027-03-16T06:02:00Z") + k * 90 * SEC : now,
      CLAIMS_WORKERS[k % 4]!,
    );
  const stateEnd: Record<string, number> = {};
  STATES.forEach((s, k) => {
    const start = k < 4 ? refresh + (30 + k * 4) * SEC : at("2027-03-16T05:49:00Z") + k * 60 * SEC;
    const end = s === "TX" ? txFail : start + rand.int(14, 22) * MIN;
    stateEnd[s] = Math.min(end, loadAt - 30 * SEC);
    pageLog("provider__directory_refresh_daily", "fetch_provider_pages", k, `state=${s}`, start, stateEnd[s], CLAIMS_WORKERS[(k + 1) % 4]!);
  });
  const txRef = { dag_id: "provider__directory_refresh_daily", task_id: "fetch_provider_pages", try_number: 3, host: "fh-afc-wkr-03" };
  taskLog(
    logs,
    txFail,
    inst,
    txRef,
    "ERROR",
    "taskinstance.py:3313",
    'Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/plugins/fernhill/hooks/credentialstream.py", line 94, in get_page\n    response.raise_for_status()\n  File "/home/airflow/.local/lib/python3.11/site-packages/requests/models.py", line 1024, in raise_for_status\n    raise HTTPError(http_error_msg, response=self)\nrequests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://api.credentialstream.example/v3/providers?state=TX&page=1\n\nfernhill.hooks.credentialstream.RateLimited: 12 consecutive pages skipped for state=TX; aborting',
  );
  taskLog(
    logs,
    txFail + 300,
    inst,
    txRef,
    "ERROR",
    "taskinstance.py:1206",
    "Marking task as FAILED. dag_id=provider__directory_refresh_daily, task_id=fetch_provider_pages, run_id=scheduled__2027-03-15T05:30:00+00:00, map_index=1",
  );
  const ld = { dag_id: "provider__directory_refresh_daily", task_id: "load_providers", host: "fh-afc-wkr-02" };
  taskLog(
    logs,
    loadAt + 3 * SEC,
    inst,
    ld,
    "INFO",
    "snowflake.py:398",
    "Running statement: COPY INTO provider_raw.directory_providers FROM @provider_raw.credentialstream_stage/2027-03-16/ ...",
  );
  taskLog(logs, loadAt + 71 * SEC, inst, ld, "INFO", "snowflake.py:412", "Rows affected: 744018");

  // Orchestrator.
  const dagRuns = [];
  const tis = [];
  const hist = [1208112, 1209544, 1210871, 1211420, 1212903, 1213377, 1214602];
  for (let d = 7; d >= 1; d--) {
    const logical = at("2027-03-15T05:30:00Z") - d * 24 * HOUR;
    const start = logical + 24 * HOUR + 4 * SEC;
    dagRuns.push(dagRun({ dag_id: "provider__directory_refresh_daily", logical, state: "success", start, end: start + rand.int(2500, 2900) * SEC }));
  }
  const L = at("2027-03-15T05:30:00Z");
  const rid = runIdOf(L);
  dagRuns.push(dagRun({ dag_id: "provider__directory_refresh_daily", logical: L, state: "failed", start: refresh, end: loadAt + 80 * SEC }));
  STATES.forEach((s, k) => {
    const start = k < 4 ? refresh + (30 + k * 4) * SEC : at("2027-03-16T05:49:00Z") + k * 60 * SEC;
    tis.push(
      taskInstance({
        dag_id: "provider__directory_refresh_daily",
        run_id: rid,
        logical: L,
        task_id: "fetch_provider_pages",
        map_index: k,
        state: s === "TX" ? "failed" : "success",
        try_number: s === "TX" ? 3 : 1,
        pool: "credentialstream_api",
        operator: "_PythonDecoratedOperator",
        start: s === "TX" ? txFail - 9 * MIN : start,
        end: stateEnd[s]!,
        queued: (s === "TX" ? txFail - 9 * MIN : start) - 2 * SEC,
        hostname: claimsFqdn(CLAIMS_WORKERS[(k + 1) % 4]!),
        rendered_fields: { http_conn_id: "credentialstream", op_kwargs: { state: s } },
      }),
    );
  });
  tis.push(
    taskInstance({
      dag_id: "provider__directory_refresh_daily",
      run_id: rid,
      logical: L,
      task_id: "load_providers",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: loadAt,
      end: loadAt + 74 * SEC,
      queued: loadAt - 2 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-02"),
      rendered_fields: { trigger_rule: "all_done" },
    }),
  );
  const brid = runIdOf(trigger, "manual");
  dagRuns.push(
    dagRun({
      dag_id: "provider__npi_backfill",
      logical: trigger,
      state: "running",
      start: trigger + 2 * SEC,
      run_type: "manual",
      conf: { npi_enumeration_from: "2019-01-01", npi_enumeration_to: "2024-12-31", reason: "repair taxonomy codes (DATA-3391)" },
    }),
  );
  dagRuns.push(
    dagRun({
      dag_id: "provider__npi_backfill",
      logical: at("2026-11-19T14:40:12Z"),
      state: "success",
      start: at("2026-11-19T14:40:14Z"),
      end: at("2026-11-19T19:02:51Z"),
      run_type: "manual",
      conf: { npi_enumeration_from: "2014-01-01", npi_enumeration_to: "2018-12-31" },
    }),
  );
  for (let k = 0; k < 12; k++) {
    const s = trigger + (45 + k * 3) * SEC;
    const done = k < 6;
    tis.push(
      taskInstance({
        dag_id: "provider__npi_backfill",
        run_id: brid,
        logical: trigger,
        task_id: "fetch_npi_batch",
        map_index: k,
        state: done ? (k % 3 === 0 ? "failed" : "success") : "running",
        try_number: done && k % 3 === 0 ? 2 : 1,
        max_tries: 1,
        pool: "default_pool",
        operator: "_PythonDecoratedOperator",
        start: s,
        end: done ? at("2027-03-16T06:02:00Z") + k * 90 * SEC : null,
        queued: s - 2 * SEC,
        hostname: claimsFqdn(CLAIMS_WORKERS[k % 4]!),
        rendered_fields: { http_conn_id: "credentialstream", op_kwargs: { npi_prefix: `1${k}` } },
      }),
    );
  }

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-dags",
      at: at("2027-03-16T04:58:30Z"),
      author: "rmoreau",
      message: "provider: document the CredentialStream quota in the folder README",
      files: [
        {
          path: "dags/provider/README.md",
          patch: "@@ -5,3 +5,6 @@\n+CredentialStream allows 600 requests/min per client id. Keep every DAG that calls it\n+in the credentialstream_api pool.\n",
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/member-portal", service: "member-portal-api", at: at("2027-03-16T05:40:22Z"), ref: "v19.0.2" }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: iso(trigger),
        kind: "airflow.dagrun.triggered",
        labels: { airflow_instance: inst, dag_id: "provider__npi_backfill", user: "dpatel-fh" },
        message: "DAG run manual__2027-03-16T05:12:09+00:00 triggered from the UI",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 12),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 0),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0, 0, 0, "CredentialStream: 600 requests/min per client id"),
      ],
    },
    warehouse: {
      tables: [
        ...hist.map((n, k) => ({
          table: "provider_raw.directory_providers",
          at: iso(at("2027-03-09T06:30:00Z") + k * 24 * HOUR),
          row_count: n,
          max_loaded_at: iso(at("2027-03-09T06:14:00Z") + k * 24 * HOUR + rand.int(-300, 300) * SEC),
        })),
        { table: "provider_raw.directory_providers", at: "2027-03-16T06:30:00Z", row_count: 744018, max_loaded_at: iso(loadAt + 70 * SEC) },
      ],
      query_errors: [],
    },
    changes,
  };
}

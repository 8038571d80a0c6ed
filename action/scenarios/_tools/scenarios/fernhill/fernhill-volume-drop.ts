/**
 * Fernhill, airflow-claims, Tuesday 2027-06-08.
 *
 * `pharmacy__rx_claims_ingest_daily` (06:00) downloads the PBM RxBridge's daily pharmacy-claim
 * files from `files.rxbridge.example` and COPYs them into `claims_raw.pharmacy_claims`. RxBridge
 * used to send five regional files (NE, SE, MW, SW, W) with a manifest. From fill date 2027-06-07
 * it routes SW and W through a separate feed (a new SFTP account nobody at Fernhill has set up
 * yet); today's manifest lists three files and 612,440 records, and says so in its `note`.
 *
 * The DAG is green: it loads what the manifest lists. At 07:10 Grafana's volume rule fires:
 * 612 k rows against a Tuesday baseline of about 985 k. The drop is at the source (the vendor's own
 * manifest total is down, the three regions that came are complete and on time), not a filter
 * change, not late data, not throttling.
 *
 * Distractors: a dbt commit at 04:31 that does add a filter to `stg_rx__claims` (reversed claims),
 * which changes the staging model by ~2 % but cannot touch the raw table the alert is about;
 * Monday's usual weekend catch-up peak in the baseline; an unrelated SFTP timeout warning from the
 * state exchange job before the onset.
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
  healthyAirflow,
  pool,
  probeSeries,
  runIdOf,
  statsd,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-volume-drop";

const REGIONS = ["NE", "SE", "MW", "SW", "W"] as const;
const SHARE: Record<string, number> = { NE: 0.23, SE: 0.22, MW: 0.17, SW: 0.18, W: 0.2 };

export function build(): Telemetry {
  const rand = new Rand(270608);
  const now = at("2027-06-08T07:25:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const inst = "airflow-claims" as const;
  const today = at("2027-06-08T06:00:00Z");
  const loadEnd = at("2027-06-08T06:21:14Z");
  const dow = (t: number) => new Date(t).getUTCDay(); // 0 Sunday

  // Daily loads (the load of day D carries fill date D-1): weekday ~985 k, Monday catch-up, weekend low.
  const days = Array.from({ length: 14 }, (_, k) => today - (14 - k) * 24 * HOUR);
  const base = (t: number) => (dow(t) === 1 ? 1_310_000 : dow(t) === 0 || dow(t) === 6 ? 520_000 : 985_000);
  const loads = days.map((d) => ({ day: d, total: Math.round(rand.jitter(base(d), 0.025)), files: 5 }));
  const todayByRegion: Record<string, number> = { NE: 228_911, SE: 219_874, MW: 163_655 };
  const todayTotal = Object.values(todayByRegion).reduce((a, b) => a + b, 0);

  const rowsSeries = {
    labels: { __name__: "fernhill_rows_loaded", ...statsd(inst), dag_id: "pharmacy__rx_claims_ingest_daily", table: "claims_raw.pharmacy_claims" },
    samples: [...loads.map((l) => [iso(l.day + 21 * MIN), l.total] as [string, number]), [iso(loadEnd), todayTotal] as [string, number]],
  };
  const series = [
    ...healthyAirflow(ax, rand, inst, {
      rxbridge_sftp: { name: "rxbridge_sftp", slots: 2, running: (t) => (t >= today + 40 * SEC && t < today + 9 * MIN ? 2 : 0) },
    }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const runLogs = (day: number, files: string[], total: number, note: string | null) => {
    const ref = { dag_id: "pharmacy__rx_claims_ingest_daily", task_id: "fetch_rxbridge_files", host: "fh-afc-wkr-04" };
    const fill = iso(day - 24 * HOUR)
      .slice(0, 10)
      .replace(/-/g, "");
    taskLog(logs, day + 45 * SEC, inst, ref, "INFO", "sftp.py:201", `Starting SFTP transfer of /outbound/fernhill/rxbridge_manifest_${fill}.json`);
    taskLog(
      logs,
      day + 47 * SEC,
      inst,
      ref,
      "INFO",
      "rxbridge.py:52",
      `manifest rxbridge_manifest_${fill}.json: status=FINAL files=${files.length} total_records=${total}${note ? ` note="${note}"` : ""}`,
    );
    files.forEach((r, k) =>
      taskLog(
        logs,
        day + (60 + k * 70) * SEC,
        inst,
        ref,
        "INFO",
        "sftp.py:201",
        `Starting SFTP transfer of /outbound/fernhill/rxbridge_claims_${r}_${fill}.txt.gpg (${rand.int(90, 260)} MB)`,
      ),
    );
    taskLog(
      logs,
      day + (70 + files.length * 70) * SEC,
      inst,
      ref,
      "INFO",
      "rxbridge.py:77",
      `record counts match the manifest for ${files.length} of ${files.length} files`,
    );
    const ld = { dag_id: "pharmacy__rx_claims_ingest_daily", task_id: "load_pharmacy_claims", host: "fh-afc-wkr-01" };
    taskLog(
      logs,
      day + 12 * MIN,
      inst,
      ld,
      "INFO",
      "snowflake.py:398",
      `Running statement: COPY INTO claims_raw.pharmacy_claims FROM @claims_raw.rxbridge_stage/${fill}/ FILE_FORMAT = (FORMAT_NAME = claims_raw.ncpdp_pipe) ON_ERROR = ABORT_STATEMENT`,
    );
    taskLog(logs, day + 21 * MIN, inst, ld, "INFO", "snowflake.py:412", `Rows affected: ${total}`);
  };
  runLogs(at("2027-06-07T06:00:00Z"), [...REGIONS], loads[loads.length - 1]!.total, null);
  runLogs(today, ["NE", "SE", "MW"], todayTotal, "SW,W claims delivered via feed RXB-WEST effective fill date 2027-06-07");
  // An unrelated SFTP timeout of the state exchange job, before the onset.
  taskLog(
    logs,
    at("2027-06-08T04:00:51Z"),
    inst,
    { dag_id: "member_eligibility_sync", task_id: "pull_834_from_statehix", host: "fh-afc-wkr-02" },
    "WARNING",
    "sftp.py:118",
    "SSH session to sftp.statehix.example:22 timed out after 30s, retrying (1/3)",
  );

  // Orchestrator.
  const dagRuns = [];
  const tis = [];
  for (const l of loads) {
    const logical = l.day - 24 * HOUR;
    dagRuns.push(
      dagRun({ dag_id: "pharmacy__rx_claims_ingest_daily", logical, state: "success", start: l.day + 3 * SEC, end: l.day + rand.int(1240, 1420) * SEC }),
    );
  }
  const L = today - 24 * HOUR;
  dagRuns.push(dagRun({ dag_id: "pharmacy__rx_claims_ingest_daily", logical: L, state: "success", start: today + 3 * SEC, end: loadEnd + 20 * SEC }));
  tis.push(
    taskInstance({
      dag_id: "pharmacy__rx_claims_ingest_daily",
      run_id: runIdOf(L),
      logical: L,
      task_id: "fetch_rxbridge_files",
      state: "success",
      pool: "rxbridge_sftp",
      operator: "_PythonDecoratedOperator",
      start: today + 40 * SEC,
      end: today + 5 * MIN,
      queued: today + 38 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-04"),
      rendered_fields: { ssh_conn_id: "rxbridge_sftp" },
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "pharmacy__rx_claims_ingest_daily",
      run_id: runIdOf(L),
      logical: L,
      task_id: "load_pharmacy_claims",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: today + 12 * MIN - 5 * SEC,
      end: loadEnd,
      queued: today + 12 * MIN - 7 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-01"),
    }),
  );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/dbt-fernhill",
      at: at("2027-06-08T04:31:06Z"),
      author: "hsuzuki",
      message: "pharmacy: drop reversed claims from stg_rx__claims (they are netted in fct_rx_fills)",
      files: [
        { path: "models/pharmacy/stg_rx__claims.sql", patch: "@@ -30,4 +30,5 @@ from source\n where fill_date is not null\n+  and claim_status <> 'R'\n" },
      ],
    }),
  );
  const prev = loads[loads.length - 7]!; // last Tuesday
  return {
    series: [...series, rowsSeries as unknown as (typeof series)[number]],
    logs,
    events: [
      {
        at: "2027-06-08T05:12:00Z",
        kind: "k8s.hpa.rescaled",
        labels: { cluster: "fh-prod-use2", namespace: "claims-svc", hpa: "claims-status-api" },
        message: "New size: 4; reason: cpu resource utilization (percentage of request) above target",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 5),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
        pool("rxbridge_sftp", 2, 0),
      ],
    },
    warehouse: {
      tables: [
        ...loads.map((l) => ({
          table: "claims_raw.pharmacy_claims",
          at: iso(l.day + 30 * MIN),
          row_count: l.total,
          max_loaded_at: iso(l.day + 21 * MIN),
          partition: iso(l.day - 24 * HOUR).slice(0, 10),
        })),
        { table: "claims_raw.pharmacy_claims", at: "2027-06-08T06:30:00Z", row_count: todayTotal, max_loaded_at: iso(loadEnd), partition: "2027-06-07" },
        {
          table: "pharmacy_stage.stg_rx__claims",
          at: "2027-06-08T07:00:00Z",
          row_count: Math.round(todayTotal * 0.979),
          max_loaded_at: "2027-06-08T06:48:10Z",
          partition: "2027-06-07",
        },
        {
          table: "pharmacy_stage.stg_rx__claims",
          at: "2027-06-07T07:00:00Z",
          row_count: loads[loads.length - 1]!.total,
          max_loaded_at: "2027-06-07T06:47:55Z",
          partition: "2027-06-06",
        },
      ],
      row_counts_by: [
        {
          table: "claims_raw.pharmacy_claims",
          partition: iso(prev.day - 24 * HOUR).slice(0, 10),
          group_by: "region",
          counts: Object.fromEntries(REGIONS.map((r) => [r, Math.round(prev.total * SHARE[r]!)])),
        },
        { table: "claims_raw.pharmacy_claims", partition: "2027-06-07", group_by: "region", counts: todayByRegion },
      ],
      query_errors: [],
    },
    changes,
  };
}

/**
 * Harrowgate, hge-airflow, Tuesday 2027-01-05, mid-morning. Two unrelated failures, minutes apart.
 *
 * 1. Elexon's BMRS API key of the `elexon_bmrs` connection (issued 2026-01-05 with a 12-month
 *    validity) expires at 10:00:00. Both hourly DAGs that use it, in the `elexon_api` pool,
 *    fail from their next run: `market.bmrs_system_prices_hourly` (10:05, final failure 10:09) and
 *    `settlement.bmrs_imbalance_volumes_hourly` (10:10, final failure 10:14). Each DAG's failure
 *    callback posts to Pipemedic.
 * 2. Meanwhile the daily Priority Services Register export, `customer.psr_register_export_daily`,
 *    cannot upload to Northern Powergrid's SFTP server (`sftp.npg-dno.example`): the server drops
 *    the connection before its SSH banner (their maintenance window, announced by email only).
 *    It fails at 10:11 after two retries; its callback posts too.
 *
 * Same Airflow deployment, same quarter of an hour, two problems with nothing in common but the
 * deployment: the first a credential, the second a partner's server.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, type Telemetry } from "../../lib.js";
import { airflowSeries, backgroundChanges, backgroundGroups, backgroundLogs, dagRun, pool, probeSeries, taskInstance, taskLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-airflow-two-failures";

export function build(): Telemetry {
  const rand = new Rand(270105);
  const now = at("2027-01-05T10:25:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const expiry = at("2027-01-05T10:00:00Z");

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const dagRuns = [];
  const tis = [];
  const failures: number[] = [];
  const elexon: Array<[string, string, string, number]> = [
    ["market.bmrs_system_prices_hourly", "pull_system_prices", "B1770", 5],
    ["settlement.bmrs_imbalance_volumes_hourly", "pull_imbalance_volumes", "B1780", 10],
  ];
  for (const [dag, task, report, minute] of elexon) {
    for (let l = at("2027-01-05T06:00:00Z") + minute * MIN; l + HOUR < now; l += HOUR) {
      const start = l + HOUR + 3 * SEC;
      const failed = start >= expiry;
      const ref = { dag_id: dag, task_id: task, worker: `hge-airflow-worker-${rand.int(0, 2)}` };
      if (!failed) {
        const end = start + rand.int(25, 70) * SEC;
        dagRuns.push(dagRun({ dag_id: dag, logical: l, state: "success", start, end, interval: HOUR }));
        tis.push(
          taskInstance({
            dag_id: dag,
            logical: l,
            task_id: task,
            state: "success",
            pool: "elexon_api",
            start,
            end,
            worker: ref.worker,
            operator: "HttpOperator",
          }),
        );
        taskLog(logs, end - SEC, ref, "INFO", "bmrs.py:52", `BMRS ${report}: ${rand.int(46, 50)} settlement periods fetched (HTTP 200)`);
        continue;
      }
      const tries = [start + 2 * SEC, start + 4 * MIN + 5 * SEC];
      tries.forEach((t, j) => {
        const r = { ...ref, try_number: j + 1 };
        taskLog(
          logs,
          t,
          r,
          "INFO",
          "http.py:187",
          `Calling HTTP method GET on https://api.bmreports.example/BMRS/${report}/v1?APIKey=***&SettlementDate=2027-01-05&Period=*`,
        );
        taskLog(
          logs,
          t + 2 * SEC,
          r,
          "ERROR",
          "http.py:201",
          `HTTP error: Forbidden. Response body: {"httpCode":403,"errorType":"ApiKeyExpired","message":"The API key supplied has expired (expired 2027-01-05T10:00:00Z). Generate a new key in the Elexon portal."}`,
        );
        taskLog(logs, t + 2 * SEC + 100, r, "ERROR", "taskinstance.py:3311", `Task failed with exception\nairflow.exceptions.AirflowException: 403:Forbidden`);
        failures.push(t + 2 * SEC);
      });
      dagRuns.push(dagRun({ dag_id: dag, logical: l, state: "failed", start, end: tries[1]! + 4 * SEC, interval: HOUR }));
      tis.push(
        taskInstance({
          dag_id: dag,
          logical: l,
          task_id: task,
          state: "failed",
          try_number: 2,
          pool: "elexon_api",
          start: tries[1]!,
          end: tries[1]! + 3 * SEC,
          worker: ref.worker,
          operator: "HttpOperator",
        }),
      );
    }
  }

  // The PSR export: daily at 10:00, three tries against the DNO's SFTP server.
  const psr = "customer.psr_register_export_daily";
  const L = at("2027-01-04T10:00:00Z");
  const psrStart = at("2027-01-05T10:00:04Z");
  tis.push(
    taskInstance({
      dag_id: psr,
      logical: L,
      task_id: "build_psr_extract",
      state: "success",
      pool: "snowflake",
      start: psrStart + 2 * SEC,
      end: psrStart + 3 * MIN,
      worker: "hge-airflow-worker-1",
      operator: "SnowflakeOperator",
    }),
  );
  const psrTries = [psrStart + 3 * MIN + 10 * SEC, psrStart + 6 * MIN + 40 * SEC, psrStart + 10 * MIN + 20 * SEC];
  psrTries.forEach((t, j) => {
    const r = { dag_id: psr, task_id: "upload_to_dno_sftp", try_number: j + 1, worker: "hge-airflow-worker-1" };
    taskLog(logs, t, r, "INFO", "sftp.py:98", "Connecting to sftp.npg-dno.example:22 as hge_psr");
    taskLog(logs, t + 15 * SEC, r, "ERROR", "transport.py:1944", "Exception (client): Error reading SSH protocol banner");
    taskLog(
      logs,
      t + 15 * SEC + 200,
      r,
      "ERROR",
      "taskinstance.py:3311",
      "Task failed with exception\nparamiko.ssh_exception.SSHException: Error reading SSH protocol banner[Errno 104] Connection reset by peer",
    );
    failures.push(t + 15 * SEC);
  });
  dagRuns.push(dagRun({ dag_id: psr, logical: L, state: "failed", start: psrStart, end: psrTries[2]! + 17 * SEC }));
  tis.push(
    taskInstance({
      dag_id: psr,
      logical: L,
      task_id: "upload_to_dno_sftp",
      state: "failed",
      try_number: 3,
      pool: "sftp_industry",
      start: psrTries[2]!,
      end: psrTries[2]! + 16 * SEC,
      worker: "hge-airflow-worker-1",
      operator: "SFTPOperator",
    }),
  );
  // Yesterday's export went through.
  taskLog(
    logs,
    at("2027-01-04T10:03:31Z"),
    { dag_id: psr, task_id: "upload_to_dno_sftp", worker: "hge-airflow-worker-0" },
    "INFO",
    "sftp.py:131",
    "Uploaded HGE_PSR_20270103.csv (41822 rows) to sftp.npg-dno.example:/inbound/psr/",
  );

  return {
    series: [
      ...airflowSeries(ax, rand, {
        running: {
          elexon_api: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 12 ? 1 : 0),
          sftp_industry: (t) => (t >= psrStart + 3 * MIN && t < psrTries[2]! + 20 * SEC ? 1 : 0),
        },
        failures: (t) => failures.filter((f) => f >= t - MIN && f < t).length / 60,
      }),
      ...probeSeries(ax, rand),
      ...backgroundGroups(ax, rand),
    ],
    logs,
    changes: backgroundChanges(now, rand),
    events: [],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 9), pool("snowflake", 2), pool("elexon_api", 0), pool("pricing_engine", 0), pool("sftp_industry", 0)],
    },
  };
}

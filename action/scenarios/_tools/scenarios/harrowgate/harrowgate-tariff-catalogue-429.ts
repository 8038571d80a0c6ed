/**
 * Harrowgate, hge-airflow, Tuesday 2026-12-01.
 *
 * `tariffs.catalogue_sync` runs every 30 minutes: it pulls products, unit rates and standing
 * charges for the 14 GSP regions from the pricing engine (a SaaS, `hge.pricing-engine.example`,
 * 5 requests/s per client id) and merges them into Snowflake's `CORE.TARIFF_CATALOGUE`, which the
 * quote API and the billing engine read. Until today one task fetched the regions one after the
 * other inside the `pricing_engine` pool (2 slots).
 *
 * At 13:10 a commit maps the fetch over the regions (`fetch_region.expand`) to speed up the sync and
 * drops the pool argument, so the 13:30 run fires 14 concurrent fetches, each paging quickly. The
 * engine answers 429 with `Retry-After: 30` from 13:30:41; tasks retry twice and the run fails at 13:41 (the
 * DAG's failure callback). Nothing loads the table after the 13:00 run; the pricing team's Grafana
 * rule on its freshness fires at 13:52, in a delivery of its own.
 *
 * Distractors: the commit itself (the code works, one region at a time it passes), a quote-api deploy.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { counter } from "../../lib.js";
import { airflowSeries, backgroundChanges, backgroundLogs, commit, dagRun, pool, probeSeries, statsd, taskInstance, taskLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-tariff-catalogue-429";

const REGIONS = ["_A", "_B", "_C", "_D", "_E", "_F", "_G", "_H", "_J", "_K", "_L", "_M", "_N", "_P"];

export function build(): Telemetry {
  const rand = new Rand(261201);
  const now = at("2026-12-01T14:05:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const dag = "tariffs.catalogue_sync";
  const burst = at("2026-12-01T13:30:41Z");
  const lastFail = at("2026-12-01T13:41:36Z");
  const m = (t: number) => (t % (30 * MIN)) / MIN;
  const throttled = (t: number) => t >= burst && t < lastFail + MIN;

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);

  // Runs before 13:30: one sequential fetch task, ~6 minutes, in the pricing_engine pool.
  const dagRuns = [];
  const tis = [];
  for (let l = at("2026-12-01T09:30:00Z"); l <= at("2026-12-01T13:00:00Z"); l += 30 * MIN) {
    const start = l + 30 * MIN + 3 * SEC;
    const failed = l === at("2026-12-01T13:00:00Z");
    const end = failed ? lastFail : start + rand.int(340, 420) * SEC;
    dagRuns.push(dagRun({ dag_id: dag, logical: l, state: failed ? "failed" : "success", start, end, interval: 30 * MIN }));
    if (!failed) {
      tis.push(
        taskInstance({
          dag_id: dag,
          logical: l,
          task_id: "fetch_catalogue",
          state: "success",
          pool: "pricing_engine",
          start: start + 2 * SEC,
          end: end - 40 * SEC,
          worker: `hge-airflow-worker-${rand.int(0, 2)}`,
        }),
      );
      tis.push(
        taskInstance({
          dag_id: dag,
          logical: l,
          task_id: "merge_into_snowflake",
          state: "success",
          pool: "snowflake",
          start: end - 38 * SEC,
          end: end - SEC,
          worker: "hge-airflow-worker-2",
          operator: "SnowflakeOperator",
        }),
      );
      taskLog(
        logs,
        end - 41 * SEC,
        { dag_id: dag, task_id: "fetch_catalogue", worker: "hge-airflow-worker-0" },
        "INFO",
        "catalogue.py:88",
        `fetched 14 regions, ${rand.int(2310, 2360)} rate rows, 0 throttled responses`,
      );
    }
  }
  // The 13:30 run: 14 mapped fetches, throttled.
  REGIONS.forEach((r, k) => {
    const L = at("2026-12-01T13:00:00Z");
    const worker = `hge-airflow-worker-${k % 3}`;
    const tries = [burst - SEC + k * 90, burst + 5 * MIN + k * 300 + rand.int(0, 20) * SEC, burst + 10 * MIN + k * 450 + rand.int(0, 20) * SEC];
    const ok = k === 3 || k === 9;
    tries.forEach((t, j) => {
      if (t >= now) return;
      const ref = { dag_id: dag, task_id: "fetch_region", try_number: j + 1, worker };
      taskLog(logs, t, ref, "INFO", "catalogue.py:61", `GET https://hge.pricing-engine.example/api/v4/catalogue/regions/${r}/rates?page=1`);
      if (ok && j === 1) return taskLog(logs, t + 30 * SEC, ref, "INFO", "catalogue.py:88", `fetched region ${r}: ${rand.int(160, 175)} rate rows`);
      taskLog(
        logs,
        t + 2 * SEC,
        ref,
        "WARNING",
        "catalogue.py:74",
        `429 Too Many Requests from pricing engine (client_id=hge-airflow-prod, limit 5 req/s), Retry-After: 30`,
      );
      taskLog(
        logs,
        t + 35 * SEC,
        ref,
        "ERROR",
        "taskinstance.py:3311",
        `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/dags/tariffs/catalogue_sync.py", line 64, in fetch_region\n    resp.raise_for_status()\nrequests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://hge.pricing-engine.example/api/v4/catalogue/regions/${r}/rates?page=${rand.int(2, 6)}`,
      );
    });
    const last = ok ? tries[1]! : tries[2]!;
    tis.push({
      ...taskInstance({
        dag_id: dag,
        logical: L,
        task_id: "fetch_region",
        state: ok ? "success" : last < now ? "failed" : "up_for_retry",
        try_number: ok ? 2 : 3,
        pool: "default_pool",
        start: last,
        end: last + 35 * SEC,
        worker,
      }),
      map_index: k,
    });
  });

  const responses = (code: string) =>
    counter({ __name__: "hge_http_client_responses_total", ...statsd, api: "pricing-engine", code }, ax, 81_200 + (code === "429" ? 0 : 1_404_000), (t) => {
      if (code === "429") return throttled(t) ? rand.uniform(4, 9) : 0;
      if (throttled(t)) return rand.uniform(2.5, 4.5);
      return m(t) >= 0.5 && m(t) < 7 ? rand.uniform(3, 4.2) : 0;
    });

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/airflow-dags",
      at: at("2026-12-01T13:10:37Z"),
      author: "nbrennan",
      message: "tariffs: fetch GSP regions in parallel (catalogue sync took 6+ min)",
      files: [
        {
          path: "dags/tariffs/catalogue_sync.py",
          patch:
            '@@ -40,18 +40,16 @@ with DAG("tariffs.catalogue_sync", schedule="*/30 * * * *", default_args=ARGS) as dag:\n-    @task(pool="pricing_engine")\n-    def fetch_catalogue():\n-        return [fetch_region(r) for r in GSP_REGIONS]\n+    @task(retries=2, retry_delay=timedelta(minutes=5))\n+    def fetch_region(region: str):\n+        return _fetch_pages(region)\n \n-    merge_into_snowflake(fetch_catalogue())\n+    merge_into_snowflake(fetch_region.expand(region=GSP_REGIONS))\n',
        },
      ],
    }),
  );
  return {
    series: [
      ...airflowSeries(ax, rand, {
        running: {
          default_pool: (t) => (throttled(t) ? 14 + rand.int(2, 8) : rand.int(4, 12)),
          pricing_engine: (t) => (!throttled(t) && t < burst && m(t) < 7 ? 1 : 0),
        },
        failures: (t) => (throttled(t) ? 12 / (17 * 60) : 0),
      }),
      responses("200"),
      responses("429"),
      ...probeSeries(ax, rand),
    ],
    logs,
    changes,
    events: [
      {
        at: "2026-12-01T13:14:02Z",
        kind: "gitsync.updated",
        labels: { namespace: "airflow", repo: "harrowgate/airflow-dags" },
        message: "git-sync: updated to 5c0de1a (tariffs: fetch GSP regions in parallel)",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 19), pool("snowflake", 1), pool("elexon_api", 0), pool("pricing_engine", 0), pool("sftp_industry", 0)],
    },
    warehouse: {
      tables: [
        { table: "core.tariff_catalogue", at: iso(now - 2 * MIN), row_count: 2_341, max_loaded_at: "2026-12-01T13:06:52Z" },
        { table: "core.meter_point", at: iso(now - 2 * MIN), row_count: 2_318_004, max_loaded_at: iso(now - 9 * MIN) },
      ],
      query_errors: [],
    },
  };
}

import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

/** What the on_failure_callback in docs/sources.md posts. */
const callback = {
  event: "task_failure",
  dag_id: "orders_daily",
  task_id: "load_orders",
  run_id: "scheduled__2026-03-13T00:00:00+00:00",
  try_number: 2,
  max_tries: 2,
  state: "failed",
  logical_date: "2026-03-13T00:00:00+00:00",
  start_date: "2026-03-14T01:40:00.512345+00:00",
  end_date: "2026-03-14T01:52:00+00:00",
  exception: "KeyError: 'customer_tier'",
  log_url: "https://airflow.example/dags/orders_daily/grid?task_id=load_orders",
  hostname: "worker-3",
  pool: "default_pool",
  operator: "PythonOperator",
  labels: { pipeline: "orders-analytics", env: "prod" },
};

/** Airflow 3's REST task instance (v2 field names), as a relay may post it. */
const restTaskInstance = {
  dag_id: "orders_daily",
  dag_display_name: "orders_daily",
  dag_run_id: "scheduled__2026-03-13T00:00:00+00:00",
  task_id: "load_orders",
  id: "0195f0a2-5b8e-7c3d-9a1f-2b3c4d5e6f70",
  map_index: -1,
  state: "failed",
  start_date: "2026-03-14T01:40:00Z",
  end_date: "2026-03-14T01:52:00Z",
  duration: 720.0,
  try_number: 2,
  max_tries: 1,
  pool: "default_pool",
  pool_slots: 1,
  hostname: "worker-3",
  operator_name: "PythonOperator",
  logical_date: "2026-03-13T00:00:00Z",
  executor_config: "{}",
  rendered_fields: {},
};

describe("airflow", () => {
  it("reads the callback JSON: AirflowTaskFailed, labels for matching, the exception and log link", () => {
    const [a] = accepted(ingest(callback), "airflow");
    expect(a).toMatchObject({
      title: "orders_daily.load_orders failed",
      severity: "high",
      status: "firing",
      pipeline: "orders-analytics",
      environment: "prod",
      startsAt: "2026-03-14T01:40:00.512Z",
      endsAt: "2026-03-14T01:52:00.000Z",
      fingerprintComputed: true,
    });
    expect(a!.labels).toMatchObject({ alertname: "AirflowTaskFailed", dag_id: "orders_daily", task_id: "load_orders", pool: "default_pool", try_number: "2" });
    expect(a!.annotations).toMatchObject({ exception: "KeyError: 'customer_tier'", logical_date: "2026-03-13T00:00:00.000Z" });
    expect(a!.links[0]!.title).toBe("log");
  });

  it("keeps one fingerprint for a task's retry, failure and success, so the success resolves", () => {
    const [failed] = accepted(ingest(callback));
    const [retry] = accepted(ingest({ ...callback, event: "task_retry", try_number: 1 }));
    const [success] = accepted(ingest({ ...callback, event: "task_success", exception: undefined }));
    expect(retry).toMatchObject({ severity: "low", status: "firing", fingerprint: failed!.fingerprint });
    expect(retry!.labels.alertname).toBe("AirflowTaskUpForRetry");
    expect(success).toMatchObject({ status: "resolved", severity: "info", fingerprint: failed!.fingerprint, title: "orders_daily.load_orders succeeded" });
    expect(success!.labels.alertname).toBe("AirflowTaskFailed");
  });

  it("reads the REST task instance and gives it the callback's fingerprint", () => {
    const [a] = accepted(ingest(restTaskInstance), "airflow");
    expect(a!.labels).toMatchObject({ operator: "PythonOperator", run_id: "scheduled__2026-03-13T00:00:00+00:00" });
    expect(a!.labels.map_index).toBeUndefined();
    expect(a!.fingerprint).toBe(accepted(ingest(callback))[0]!.fingerprint);
  });

  it("reads a failed DAG run and an explicit alertname", () => {
    const run = {
      dag_id: "orders_daily",
      dag_run_id: "manual__2026-03-14",
      run_type: "manual",
      state: "failed",
      start_date: "2026-03-14T01:00:00Z",
      end_date: null,
    };
    expect(accepted(ingest(run))[0]!.labels.alertname).toBe("AirflowDagRunFailed");
    expect(accepted(ingest({ ...callback, alertname: "OrdersLoadFailed" }))[0]!.labels.alertname).toBe("OrdersLoadFailed");
  });

  it("rejects states that are neither a failure nor a recovery, and unknown events", () => {
    expect(rejected(ingest({ ...restTaskInstance, state: "running" }))).toBe(
      'airflow: state: "running" is neither a failure nor a recovery, so it is not an alert (failed, upstream_failed, up_for_retry, sla_miss and success are)',
    );
    expect(rejected(ingest({ ...callback, event: "task_exploded" }))).toMatch(/^airflow: event: unknown event "task_exploded"; expected one of task_failure/);
  });

  it("starts an SLA miss when it was missed, not at the logical date (the start of the data interval), which stays an annotation", () => {
    const sla = {
      event: "sla_miss",
      dag_id: "actuarial__loss_ratio_daily",
      task_id: "publish_loss_ratio",
      run_id: "scheduled__2026-10-21T04:30:00+00:00",
      logical_date: "2026-10-21T04:30:00+00:00",
      sla: "2:00:00",
      sla_missed_at: "2026-10-22T06:30:41.208114+00:00",
      state: null,
      labels: { pipeline: "actuarial-loss-ratio" },
    };
    const [a] = accepted(ingest(sla), "airflow");
    expect(a).toMatchObject({ status: "firing", severity: "medium", startsAt: "2026-10-22T06:30:41.208Z" });
    expect(a!.labels.alertname).toBe("AirflowSlaMiss");
    expect(a!.annotations).toMatchObject({ logical_date: "2026-10-21T04:30:00.000Z", sla: "2:00:00" });
    // Airflow's SlaMiss record calls it `timestamp`; a callback may only have its own `time`.
    const { sla_missed_at: _, ...withoutMissTime } = sla;
    expect(accepted(ingest({ ...withoutMissTime, timestamp: "2026-10-22T06:31:00Z" }))[0]!.startsAt).toBe("2026-10-22T06:31:00.000Z");
    expect(accepted(ingest({ ...withoutMissTime, time: "2026-10-22T06:32:00Z" }))[0]!.startsAt).toBe("2026-10-22T06:32:00.000Z");
    // Without a time of the miss, no start: correlation places it when it is received, never a day early.
    expect(accepted(ingest(withoutMissTime))[0]!.startsAt).toBeNull();
    // A failure keeps its task's start.
    expect(accepted(ingest(callback))[0]!.startsAt).toBe("2026-03-14T01:40:00.512Z");
  });

  it("names mistyped fields", () => {
    expect(rejected(ingest({ ...callback, labels: ["pipeline"] }))).toBe("airflow: labels: expected an object of strings, got an array");
    expect(rejected(ingest({ ...callback, start_date: "soon" }))).toMatch(/^airflow: start_date: expected an RFC 3339 time/);
  });
});

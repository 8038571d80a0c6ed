import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fieldText, type Matcher, type MetricQuery, type ScenarioTelemetry, type Telemetry } from "../../src/model/index.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { rangeQuery, replayTelemetry, seriesPoints } from "../../src/telemetry/replay/telemetry.js";

const BASIC = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "scenarios", "replay-basic");
const t = (iso: string) => Date.parse(iso);
const signal = new AbortController().signal;
const WIDE = { start: t("2026-03-13T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };

let telemetry: Telemetry;
let raw: ScenarioTelemetry;
beforeAll(async () => {
  raw = (await loadScenario(BASIC)).telemetry;
  telemetry = replayTelemetry(raw);
});

const lagQuery = (matchers: Matcher[], range = WIDE): MetricQuery => ({ name: "kafka_consumergroup_lag", matchers, ...range, stepMs: 60_000 });
const partitions = async (q: MetricQuery) => (await telemetry.metrics(q, signal)).map((s) => `${s.labels.consumergroup}/${s.labels.partition}`).sort();

describe("replay metrics", () => {
  it("decodes start/step/values and samples into epoch-ms points, nulls kept (the raw recording)", () => {
    const byPartition = (p: string) =>
      raw.metrics.series.find((x) => x.labels.__name__ === "kafka_consumergroup_lag" && x.labels.partition === p && x.labels.consumergroup !== "billing")!;
    expect(seriesPoints(byPartition("0"))).toEqual([
      [t("2026-03-14T01:40:00Z"), 10],
      [t("2026-03-14T01:41:00Z"), 12],
      [t("2026-03-14T01:42:00Z"), null],
      [t("2026-03-14T01:43:00Z"), 40],
      [t("2026-03-14T01:44:00Z"), 80],
      [t("2026-03-14T01:45:00Z"), 160],
    ]);
    expect(seriesPoints(byPartition("1"))).toEqual([
      [t("2026-03-14T01:40:00Z"), 5],
      [t("2026-03-14T01:41:00Z"), null],
      [t("2026-03-14T01:42:00Z"), 7],
    ]);
  });

  it("answers like Prometheus' query_range: a step grid, each instant the latest sample of the last 5 minutes", async () => {
    const range = { start: t("2026-03-14T01:40:00Z"), end: t("2026-03-14T01:52:00Z") };
    const [s] = await telemetry.metrics(
      lagQuery(
        [
          { label: "partition", op: "=", value: "0" },
          { label: "consumergroup", op: "=", value: "orders-enricher" },
        ],
        range,
      ),
      signal,
    );
    expect(s!.labels).toMatchObject({ __name__: "kafka_consumergroup_lag", topic: "orders" });
    // 01:42 had no sample: the lookback carries 12 forward; after 01:45 the value holds for 5 minutes, then stops.
    expect(s!.points).toEqual([
      [t("2026-03-14T01:40:00Z"), 10],
      [t("2026-03-14T01:41:00Z"), 12],
      [t("2026-03-14T01:42:00Z"), 12],
      [t("2026-03-14T01:43:00Z"), 40],
      [t("2026-03-14T01:44:00Z"), 80],
      [t("2026-03-14T01:45:00Z"), 160],
      [t("2026-03-14T01:46:00Z"), 160],
      [t("2026-03-14T01:47:00Z"), 160],
      [t("2026-03-14T01:48:00Z"), 160],
      [t("2026-03-14T01:49:00Z"), 160],
    ]);
    const late = { start: t("2026-03-14T01:51:00Z"), end: t("2026-03-14T02:00:00Z") };
    expect(await telemetry.metrics(lagQuery([], late), signal)).toEqual([]);
  });

  it("matches =, !=, =~ and !~ like PromQL: anchored regexes, missing labels equal empty", async () => {
    expect(await partitions(lagQuery([]))).toEqual(["billing/0", "orders-enricher/0", "orders-enricher/1"]);
    expect(await partitions(lagQuery([{ label: "consumergroup", op: "!=", value: "billing" }]))).toEqual(["orders-enricher/0", "orders-enricher/1"]);
    // Anchored: "orders" alone does not match "orders-enricher".
    expect(await partitions(lagQuery([{ label: "consumergroup", op: "=~", value: "orders" }]))).toEqual([]);
    expect(await partitions(lagQuery([{ label: "consumergroup", op: "=~", value: "orders.*|bill.+" }]))).toEqual([
      "billing/0",
      "orders-enricher/0",
      "orders-enricher/1",
    ]);
    expect(await partitions(lagQuery([{ label: "topic", op: "!~", value: "inv.*" }]))).toEqual(["orders-enricher/0", "orders-enricher/1"]);
    expect(await partitions(lagQuery([{ label: "absent", op: "=", value: "" }]))).toHaveLength(3);
    expect(await partitions(lagQuery([{ label: "absent", op: "=~", value: ".+" }]))).toEqual([]);
  });

  it("selects by exact metric name and computes no rate", async () => {
    const got = await telemetry.metrics({ name: "kafka_consumergroup_members", matchers: [], ...WIDE, stepMs: 60_000 }, signal);
    const members = raw.metrics.series.find((x) => x.labels.__name__ === "kafka_consumergroup_members")!;
    expect(got[0]!.points.map(([, v]) => v)).toEqual(rangeQuery(seriesPoints(members), { ...WIDE, stepMs: 60_000 }).map(([, v]) => v));
    expect(new Set(got[0]!.points.map(([, v]) => v))).toEqual(new Set([6, 5]));
    expect(await telemetry.metrics({ name: "kafka_consumergroup", matchers: [], ...WIDE, stepMs: 60_000 }, signal)).toEqual([]);
  });

  it("fails the query on a regex that does not compile (the check goes inconclusive)", async () => {
    await expect(telemetry.metrics(lagQuery([{ label: "topic", op: "=~", value: "(" }]), signal)).rejects.toThrow(
      /^label matcher topic=~: the pattern "\(" is not valid RE2 syntax .*; use RE2 syntax: no lookaround or backreferences$/,
    );
  });

  it("fails when the signal is aborted", async () => {
    const c = new AbortController();
    c.abort(new Error("check timed out"));
    await expect(telemetry.metrics(lagQuery([]), c.signal)).rejects.toThrow("check timed out");
  });
});

describe("replay series discovery", () => {
  const at = t("2026-03-14T01:00:00Z");
  const recorded: ScenarioTelemetry["metrics"]["series"] = [
    { labels: { __name__: "lag", topic: "b", partition: "1" }, samples: [["2026-03-14T01:00:00Z", 1]] },
    { labels: { __name__: "lag", topic: "a", partition: "10" }, samples: [["2026-03-14T01:00:00Z", 1]] },
    { labels: { __name__: "lag", topic: "a" }, samples: [["2026-03-14T01:00:00Z", 1]] },
    { labels: { __name__: "members", topic: "a" }, samples: [["2026-03-14T01:00:00Z", 1]] },
    { labels: { __name__: "lag", topic: "a", partition: "2" }, samples: [["2026-03-14T01:00:00Z", 1]] },
    { labels: { __name__: "lag", topic: "c" }, samples: [["2026-03-13T01:00:00Z", 1]] },
  ];
  const replay = () => replayTelemetry({ ...raw, metrics: { series: recorded } });
  const names = (sets: Array<Record<string, string>>) => sets.map((l) => `${l.__name__}{${l.partition ?? ""},${l.topic}}`);

  it("answers in Prometheus' order (label sets compared pair by pair, bytewise), whatever the recording's order", async () => {
    const got = await replay().series!(
      {
        selectors: [[{ label: "topic", op: "=~", value: "a|b|c" }], [{ label: "__name__", op: "=", value: "members" }]],
        start: at,
        end: at + 60_000,
        limit: 100,
      },
      signal,
    );
    // Pairs sorted by name (__name__, partition, topic): partition "1" < "10" < "2" as text, and a set without one sorts by its next name.
    expect(names(got)).toEqual(["lag{1,b}", "lag{10,a}", "lag{2,a}", "lag{,a}", "members{,a}"]);
  });

  it("cuts at the limit after sorting, and leaves out series without a sample in the range", async () => {
    const got = await replay().series!({ selectors: [[{ label: "__name__", op: "=", value: "lag" }]], start: at, end: at + 60_000, limit: 2 }, signal);
    expect(names(got)).toEqual(["lag{1,b}", "lag{10,a}"]);
  });
});

describe("replay logs", () => {
  it("filters by selector equality, case-insensitive pattern and time range", async () => {
    const q = { selector: { service: "orders-enricher" }, pattern: "commitfailed", limit: 100, ...WIDE };
    expect((await telemetry.logs(q, signal)).map((l) => l.ts)).toEqual(["2026-03-14T01:50:10.123Z", "2026-03-14T01:58:00Z"]);
    const narrow = { ...q, start: t("2026-03-14T01:55:00Z") };
    expect((await telemetry.logs(narrow, signal)).map((l) => l.line)).toEqual(["CommitFailedException again"]);
    expect(await telemetry.logs({ ...q, selector: { service: "orders-enricher", level: "debug" } }, signal)).toEqual([]);
  });

  it("keeps the newest lines within the limit, in time order", async () => {
    const got = await telemetry.logs({ selector: { service: "orders-enricher" }, limit: 2, ...WIDE }, signal);
    expect(got.map((l) => l.ts)).toEqual(["2026-03-14T01:52:00Z", "2026-03-14T01:58:00Z"]);
  });
});

describe("replay records", () => {
  it("filters commits and deployments by time and repository", async () => {
    const range = { start: t("2026-03-14T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };
    const c = await telemetry.changes(range, signal);
    expect(c.commits.map((x) => x.sha)).toEqual(["9f2c1ab"]);
    expect(c.deployments.map((x) => x.ref)).toEqual(["v1.4.2"]);
    const other = await telemetry.changes({ ...WIDE, repos: ["acme/web"] }, signal);
    expect(other.commits.map((x) => x.sha)).toEqual(["77aa001"]);
    expect(other.deployments).toEqual([]);
  });

  it("filters events by time and kind, with * as a wildcard", async () => {
    const range = { start: t("2026-03-14T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };
    expect((await telemetry.events(range, signal)).map((e) => e.kind)).toEqual(["k8s.pod.oomkilled", "kafka.group.rebalanced"]);
    expect((await telemetry.events({ ...WIDE, kinds: ["k8s.*"] }, signal)).map((e) => e.kind)).toEqual(["k8s.pod.oomkilled"]);
    expect((await telemetry.events({ ...WIDE, kinds: ["cert.expired"] }, signal)).map((e) => e.kind)).toEqual(["cert.expired"]);
  });

  it("keeps DAG runs and task instances that overlap the range, or carry no time", async () => {
    const range = { start: t("2026-03-14T01:30:00Z"), end: t("2026-03-14T02:10:00Z") };
    expect((await telemetry.orchestrator({ ...range, kind: "dag_runs" }, signal)).map((r) => r.dag_run_id)).toEqual(["running", "timeless"]);
    expect((await telemetry.orchestrator({ ...range, kind: "task_instances" }, signal)).map((r) => r.task_id)).toEqual(["late"]);
    const morning = { start: t("2026-03-14T01:10:00Z"), end: t("2026-03-14T01:15:00Z") };
    expect((await telemetry.orchestrator({ ...morning, kind: "task_instances" }, signal)).map((r) => r.task_id)).toEqual(["load"]);
  });

  it("filters import errors by timestamp and always returns pools", async () => {
    const range = { start: t("2026-03-14T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };
    expect((await telemetry.orchestrator({ ...range, kind: "import_errors" }, signal)).map((r) => r.import_error_id)).toEqual([1]);
    const past = { start: t("2020-01-01T00:00:00Z"), end: t("2020-01-02T00:00:00Z") };
    expect((await telemetry.orchestrator({ ...past, kind: "pools" }, signal)).map((r) => r.name)).toEqual(["default_pool"]);
  });

  it("returns schema snapshots in range plus the latest earlier one per table as a baseline", async () => {
    const range = { start: t("2026-03-14T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };
    const got = await telemetry.warehouse({ ...range, kind: "schemas" }, signal);
    expect(got.map((s) => `${fieldText(s.table)}@${fieldText(s.at)}`)).toEqual([
      "raw.orders@2026-03-13T00:00:00Z",
      "raw.customers@2026-03-13T06:00:00Z",
      "raw.orders@2026-03-14T01:30:00Z",
    ]);
  });

  it("filters query errors and tables by time", async () => {
    const range = { start: t("2026-03-14T00:00:00Z"), end: t("2026-03-14T02:10:00Z") };
    expect((await telemetry.warehouse({ ...range, kind: "query_errors" }, signal)).map((r) => r.message)).toEqual([
      "SQL compilation error: invalid identifier 'CUSTOMER_ID'",
    ]);
    expect(await telemetry.warehouse({ ...range, start: t("2026-03-14T01:30:00Z"), kind: "tables" }, signal)).toEqual([]);
  });
});

describe("describe", () => {
  const range = { start: t("2026-03-14T00:10:00Z"), end: t("2026-03-14T02:10:00Z") };

  it("writes metric queries as PromQL with escaped values and the range", () => {
    const d = telemetry.describe("metrics", {
      name: "kafka_consumergroup_lag",
      matchers: [{ label: "consumergroup", op: "=", value: 'or"ders\\' }],
      ...range,
      stepMs: 60_000,
    });
    expect(d).toBe('kafka_consumergroup_lag{consumergroup="or\\"ders\\\\"} over 2026-03-14 00:10–02:10 UTC (step 60s)');
  });

  it("writes log queries as LogQL with a case-insensitive line filter", () => {
    expect(telemetry.describe("logs", { selector: { service: "x" }, pattern: "Commit|poll", limit: 10, ...range })).toBe(
      '{service="x"} |~ "(?i)Commit|poll" over 2026-03-14 00:10–02:10 UTC',
    );
  });

  it("names record queries by kind and range", () => {
    expect(telemetry.describe("orchestrator", { kind: "task_instances", start: t("2026-03-14T01:00:00Z"), end: t("2026-03-14T03:00:00Z") })).toBe(
      "orchestrator task_instances 2026-03-14 01:00–03:00 UTC",
    );
  });
});

describe("combineTelemetry", () => {
  it("routes each kind to the first part that has it and unions capabilities", async () => {
    const logsOnly = replayTelemetry(raw, ["logs"]);
    const metricsAndLogs = replayTelemetry({ ...raw, logs: [] }, ["metrics", "logs"]);
    const combined = combineTelemetry([logsOnly, metricsAndLogs]);
    expect([...combined.capabilities].sort()).toEqual(["logs", "metrics"]);
    expect(await combined.logs({ selector: { service: "billing" }, limit: 10, ...WIDE }, signal)).toHaveLength(1);
    expect(await combined.metrics(lagQuery([]), signal)).toHaveLength(3);
    await expect(combined.events(WIDE, signal)).rejects.toThrow(/no telemetry backend answers events queries/);
  });

  it("has no capability when empty", () => {
    expect(combineTelemetry([]).capabilities.size).toBe(0);
  });
});

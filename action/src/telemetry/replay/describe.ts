import type { AlertQuery, Capability, ChangeQuery, EventQuery, LogQuery, MetricQuery, RecordQuery, TimeRange } from "../../model/index.js";

/** Quotes a value the way PromQL and LogQL string literals need it. */
export function quoteLabelValue(v: string): string {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

/** A readable time range: `2026-03-14 01:00–03:00 UTC`, with both dates when they differ. */
export function formatRange(r: TimeRange): string {
  const a = new Date(r.start).toISOString();
  const b = new Date(r.end).toISOString();
  if (Number.isNaN(r.start) || Number.isNaN(r.end)) return "(no range)";
  return a.slice(0, 10) === b.slice(0, 10)
    ? `${a.slice(0, 10)} ${hhmm(r.start)}–${hhmm(r.end)} UTC`
    : `${a.slice(0, 10)} ${hhmm(r.start)} – ${b.slice(0, 10)} ${hhmm(r.end)} UTC`;
}

/** The PromQL selector of a metric query. */
export function promql(q: MetricQuery): string {
  const m = q.matchers.map((x) => `${x.label}${x.op}${quoteLabelValue(x.value)}`).join(", ");
  return `${q.name}{${m}}`;
}

/** The LogQL query of a log query. */
export function logql(q: LogQuery): string {
  const filter = q.pattern ? ` |~ ${quoteLabelValue(`(?i)${q.pattern}`)}` : "";
  const one = (labels: Record<string, string>) =>
    `{${Object.entries(labels)
      .map(([k, v]) => `${k}=${quoteLabelValue(v)}`)
      .join(", ")}}${filter}`;
  if (!q.streams?.length) return one(q.selector);
  return q.streams.map((s) => one({ ...s, ...q.selector })).join(" or ");
}

/** Describes a query the way its backend would read it, with its time range; kept as evidence. */
export function describeQuery(kind: Capability, query: MetricQuery | LogQuery | ChangeQuery | EventQuery | RecordQuery<string> | AlertQuery): string {
  const range = formatRange(query);
  switch (kind) {
    case "metrics": {
      const q = query as MetricQuery;
      return `${promql(q)} over ${range}${q.stepMs ? ` (step ${Math.round(q.stepMs / 1000)}s)` : ""}`;
    }
    case "logs":
      return `${logql(query as LogQuery)} over ${range}`;
    case "changes": {
      const q = query as ChangeQuery;
      return `changes (commits, deployments)${q.repos?.length ? ` in ${q.repos.join(", ")}` : ""} ${range}`;
    }
    case "events": {
      const q = query as EventQuery;
      return `events${q.kinds?.length ? ` of kind ${q.kinds.join(", ")}` : ""} ${range}`;
    }
    case "orchestrator":
    case "warehouse":
      return `${kind} ${(query as RecordQuery<string>).kind} ${range}`;
    case "alerts":
      return "the incident's own alerts (titles, annotations, labels)";
  }
}

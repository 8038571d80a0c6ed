import type { Alert, AlertStatus, Severity } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { buildAlert } from "./build.js";
import { array, at, fill, isRecord, jsonProblem, optArray, optRecord, optText, quote, record, text, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/** Words in an alarm name that name a severity (`orders-lag-critical`, `P1 ledger writer down`). */
const NAME_SEVERITY = /^(critical|crit|high|major|warning|warn|minor|low|info|p[0-5]|sev[0-5])$/i;
/** A region code such as `us-east-1` (the `Region` field holds the display name, "US East (N. Virginia)"). */
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function statusOf(state: string, field: string): AlertStatus {
  if (state === "ALARM" || state === "INSUFFICIENT_DATA") return "firing";
  if (state === "OK") return "resolved";
  throw new ParseError(field, `expected ALARM, OK or INSUFFICIENT_DATA, got ${quote(state)}`);
}

/** CloudWatch has no severity: a severity word in the alarm name decides, else the state (ALARM high, INSUFFICIENT_DATA low). */
function severityOf(state: string, name: string): Severity {
  if (state === "OK") return "info";
  if (state === "INSUFFICIENT_DATA") return "low";
  const word = name.split(/[^A-Za-z0-9]+/).find((w) => NAME_SEVERITY.test(w));
  return knownSeverity(word) ?? "high";
}

/** `{name, value}` (SNS, lower-case keys), `{Name, Value}`, or a plain map (EventBridge) to labels. */
function dimensions(value: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== "__proto__") out[k] = text(v, at(field, k));
    return out;
  }
  optArray(value, field).forEach((d, i) => {
    const r = record(d, at(field, i));
    const name = text(r.name ?? r.Name, at(at(field, i), "name"), false);
    if (name !== "__proto__") out[name] = text(r.value ?? r.Value, at(at(field, i), "value"));
  });
  return out;
}

interface Alarm {
  name: string;
  state: string;
  stateField: string;
  description?: string;
  reason?: string;
  oldState?: string;
  changedAt: string | null;
  arn?: string;
  account?: string;
  regionCode?: string;
  regionName?: string;
  namespace?: string;
  metric?: string;
  dims: Record<string, string>;
}

/** The alarm message SNS carries (raw delivery, or decoded from `Message`). */
function fromMessage(m: Obj, f: string): Alarm {
  const name = optText(m.AlarmName, at(f, "AlarmName"));
  if (!name) throw new ParseError(at(f, "AlarmName"), "expected the alarm's name; is this a CloudWatch alarm notification?");
  const state = optText(m.NewStateValue, at(f, "NewStateValue"), false);
  if (!state) throw new ParseError(at(f, "NewStateValue"), "expected ALARM, OK or INSUFFICIENT_DATA");
  const trigger = optRecord(m.Trigger, at(f, "Trigger"));
  const tf = at(f, "Trigger");
  let namespace = optText(trigger?.Namespace, at(tf, "Namespace"), false);
  let metric = optText(trigger?.MetricName, at(tf, "MetricName"), false);
  let dims = dimensions(trigger?.Dimensions, at(tf, "Dimensions"));
  // Metric-math alarms list their metrics instead; the first one with a MetricStat names the data.
  const metrics = optArray(trigger?.Metrics, at(tf, "Metrics"));
  for (let i = 0; i < metrics.length && !metric; i++) {
    const item = at(at(tf, "Metrics"), i);
    const mf = at(item, "MetricStat.Metric");
    const stat = optRecord(optRecord(record(metrics[i], item).MetricStat, at(item, "MetricStat"))?.Metric, mf);
    if (!stat) continue;
    namespace = optText(stat.Namespace, at(mf, "Namespace"), false);
    metric = optText(stat.MetricName, at(mf, "MetricName"), false);
    dims = dimensions(stat.Dimensions, at(mf, "Dimensions"));
  }
  const arn = optText(m.AlarmArn, at(f, "AlarmArn"), false);
  const arnRegion = arn?.split(":")[3];
  return {
    name,
    state,
    stateField: at(f, "NewStateValue"),
    description: optText(m.AlarmDescription, at(f, "AlarmDescription")),
    reason: optText(m.NewStateReason, at(f, "NewStateReason")),
    oldState: optText(m.OldStateValue, at(f, "OldStateValue"), false),
    changedAt: time(m.StateChangeTime, at(f, "StateChangeTime")),
    arn,
    account: optText(m.AWSAccountId, at(f, "AWSAccountId"), false),
    regionCode: arnRegion && REGION_CODE.test(arnRegion) ? arnRegion : undefined,
    regionName: optText(m.Region, at(f, "Region"), false),
    namespace,
    metric,
    dims,
  };
}

/** An EventBridge "CloudWatch Alarm State Change" event. */
function fromEventBridge(b: Obj): Alarm {
  const d = record(b.detail, "detail");
  const name = optText(d.alarmName, "detail.alarmName");
  if (!name) throw new ParseError("detail.alarmName", "expected the alarm's name");
  const st = record(d.state, "detail.state");
  const state = optText(st.value, "detail.state.value", false);
  if (!state) throw new ParseError("detail.state.value", "expected ALARM, OK or INSUFFICIENT_DATA");
  const config = optRecord(d.configuration, "detail.configuration");
  const metrics = optArray(config?.metrics, "detail.configuration.metrics");
  const m0 = "detail.configuration.metrics[0]";
  const first = metrics.length ? optRecord(optRecord(record(metrics[0], m0).metricStat, `${m0}.metricStat`)?.metric, `${m0}.metricStat.metric`) : undefined;
  const region = optText(b.region, "region", false);
  const resources = optArray(b.resources, "resources");
  return {
    name,
    state,
    stateField: "detail.state.value",
    description: optText(config?.description, "detail.configuration.description"),
    reason: optText(st.reason, "detail.state.reason"),
    oldState: optText(optRecord(d.previousState, "detail.previousState")?.value, "detail.previousState.value", false),
    changedAt: time(st.timestamp, "detail.state.timestamp") ?? time(b.time, "time"),
    arn: resources.length ? text(resources[0], "resources[0]", false) : undefined,
    account: optText(b.account, "account", false),
    regionCode: region && REGION_CODE.test(region) ? region : undefined,
    namespace: optText(first?.namespace, "detail.configuration.metrics[0].metricStat.metric.namespace", false),
    metric: optText(first?.name, "detail.configuration.metrics[0].metricStat.metric.name", false),
    dims: dimensions(first?.dimensions, "detail.configuration.metrics[0].metricStat.metric.dimensions"),
  };
}

function alarmAlert(alarm: Alarm, ctx: ParseContext, index: number): Alert {
  const status = statusOf(alarm.state, alarm.stateField);
  const labels: Record<string, string> = { ...alarm.dims };
  fill(labels, "alarm_state", alarm.state);
  fill(labels, "account", alarm.account);
  fill(labels, "region", alarm.regionCode);
  fill(labels, "region_name", alarm.regionName);
  fill(labels, "namespace", alarm.namespace);
  fill(labels, "metric", alarm.metric);
  const annotations: Record<string, string> = {};
  fill(annotations, "description", alarm.description);
  fill(annotations, "reason", alarm.reason);
  fill(annotations, "old_state", alarm.oldState);
  const consoleUrl = alarm.regionCode
    ? `https://${alarm.regionCode}.console.aws.amazon.com/cloudwatch/home?region=${alarm.regionCode}#alarmsV2:alarm/${encodeURIComponent(alarm.name)}`
    : undefined;
  return buildAlert(
    "cloudwatch",
    {
      title: alarm.name,
      alertname: alarm.name,
      severity: severityOf(alarm.state, alarm.name),
      status,
      fingerprint: alarm.arn ?? null,
      identity: ["account", "region", "alertname"],
      labels,
      annotations,
      startsAt: status === "firing" ? alarm.changedAt : null,
      endsAt: status === "resolved" ? alarm.changedAt : null,
      links: link("cloudwatch", consoleUrl),
    },
    ctx,
    index,
  );
}

/** The alarm inside an SNS message (`Type` + `Message` as JSON text), at field `f`. */
function fromSns(sns: Obj, f: string): Alarm {
  const type = optText(sns.Type, at(f, "Type"), false) ?? "Notification";
  if (type === "SubscriptionConfirmation" || type === "UnsubscribeConfirmation") {
    throw new ParseError(at(f, "Type"), `an SNS ${type}, not an alert: confirm the subscription in the AWS console`);
  }
  if (type !== "Notification") throw new ParseError(at(f, "Type"), `expected Notification, got ${quote(type)}`);
  const raw = sns.Message;
  if (isRecord(raw)) return fromMessage(raw, at(f, "Message"));
  const textValue = text(raw, at(f, "Message"));
  let message: unknown;
  try {
    message = JSON.parse(textValue);
  } catch (err) {
    throw new ParseError(at(f, "Message"), `not a CloudWatch alarm: the message is not JSON (${jsonProblem(err)})`);
  }
  return fromMessage(record(message, at(f, "Message")), at(f, "Message"));
}

const isAlarmMessage = (b: Obj) => "AlarmName" in b && "NewStateValue" in b;
const isEventBridge = (b: Obj) => b["detail-type"] === "CloudWatch Alarm State Change" && isRecord(b.detail);
const isSnsEnvelope = (b: Obj) => typeof b.Type === "string" && "TopicArn" in b && ("Message" in b || "SubscribeURL" in b);

/**
 * AWS CloudWatch alarms: the SNS HTTPS envelope, the Lambda `Records[].Sns` wrapper, SNS raw
 * message delivery, and EventBridge state-change events. `Message` is JSON inside a string;
 * `StateChangeTime` has an offset without a colon; `Region` is a display name, so the region code
 * comes from the alarm ARN. The ARN is the fingerprint.
 */
export const cloudwatch: SourceAdapter = {
  source: "cloudwatch",
  detect(body) {
    if (!isRecord(body)) return false;
    if (Array.isArray(body.Records)) return body.Records.some((r) => isRecord(r) && isRecord(r.Sns));
    return isSnsEnvelope(body) || isAlarmMessage(body) || isEventBridge(body);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    if (b.Records !== undefined) {
      const records = array(b.Records, "Records");
      if (!records.length) throw new ParseError("Records", "no records, so no alert");
      return records.map((r, i) =>
        alarmAlert(fromSns(record(record(r, at("Records", i)).Sns, at(at("Records", i), "Sns")), at(at("Records", i), "Sns")), ctx, i),
      );
    }
    if (isEventBridge(b)) return [alarmAlert(fromEventBridge(b), ctx, 0)];
    if (isAlarmMessage(b)) return [alarmAlert(fromMessage(b, ""), ctx, 0)];
    return [alarmAlert(fromSns(b, ""), ctx, 0)];
  },
};

import type { Alert, AlertStatus, Severity } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { buildAlert } from "./build.js";
import { array, at, fill, isRecord, jsonProblem, optArray, optRecord, optText, plainText, quote, record, text, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time, type Timestamp } from "./time.js";
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
  changedAt: Timestamp | null;
  arn?: string;
  account?: string;
  regionCode?: string;
  regionName?: string;
  namespace?: string;
  metric?: string;
  dims: Record<string, string>;
  /** A metric-math alarm's expression (the metric whose data the alarm evaluates). */
  expression?: string;
  /** A composite alarm's rule, `ALARM(a) OR ALARM(b)`. */
  alarmRule?: string;
  /** The child alarms a composite alarm names as the cause of its state (from `reasonData`). */
  triggeringAlarms?: string;
}

/** The first metric of a list that has a metric stat (`MetricStat.Metric` in SNS, `metricStat.metric` elsewhere), and the first expression. */
function metricOf(list: unknown, field: string, upper: boolean): Pick<Alarm, "namespace" | "metric" | "dims" | "expression"> {
  const out: Pick<Alarm, "namespace" | "metric" | "dims" | "expression"> = { dims: {} };
  const [statKey, metricKey, ns, name, dims, expr] = upper
    ? ["MetricStat", "Metric", "Namespace", "MetricName", "Dimensions", "Expression"]
    : ["metricStat", "metric", "namespace", "name", "dimensions", "expression"];
  const metrics = optArray(list, field);
  for (let i = 0; i < metrics.length; i++) {
    const item = at(field, i);
    const entry = record(metrics[i], item);
    out.expression ??= optText(entry[expr], at(item, expr), false);
    if (out.metric) continue;
    const mf = at(at(item, statKey), metricKey);
    const stat = optRecord(optRecord(entry[statKey], at(item, statKey))?.[metricKey], mf);
    if (!stat) continue;
    out.namespace = optText(stat[ns], at(mf, ns), false);
    out.metric = optText(stat[name], at(mf, name), false);
    out.dims = dimensions(stat[dims], at(mf, dims));
  }
  return out;
}

/** Most child alarms named in `triggering_alarms`; a composite alarm rarely has more. */
const MAX_TRIGGERING = 20;

/**
 * The child alarms a composite alarm's `reasonData` names (`{"triggeringAlarms": [{"arn", "state"}]}`),
 * by name, comma-separated. `reasonData` is JSON in a string and only context: when it is not JSON or
 * has another shape (a metric alarm's datapoints), nothing is read and nothing is rejected.
 */
function triggeringAlarms(reasonData: unknown): string | undefined {
  if (typeof reasonData !== "string" || !reasonData.includes("triggeringAlarms")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reasonData);
  } catch {
    return undefined;
  }
  const list = isRecord(parsed) && Array.isArray(parsed.triggeringAlarms) ? parsed.triggeringAlarms : [];
  const names = list
    .slice(0, MAX_TRIGGERING)
    .map((t) => (isRecord(t) && typeof t.arn === "string" ? t.arn.split(":alarm:").pop()! : ""))
    .filter((n) => n && plainText(n));
  return names.length ? names.join(", ") : undefined;
}

/** The alarm message SNS carries (raw delivery, or decoded from `Message`). */
function fromMessage(m: Obj, f: string): Alarm {
  const name = optText(m.AlarmName, at(f, "AlarmName"));
  if (!name) throw new ParseError(at(f, "AlarmName"), "expected the alarm's name; is this a CloudWatch alarm notification?");
  const state = optText(m.NewStateValue, at(f, "NewStateValue"), false);
  if (!state) throw new ParseError(at(f, "NewStateValue"), "expected ALARM, OK or INSUFFICIENT_DATA");
  const trigger = optRecord(m.Trigger, at(f, "Trigger"));
  const tf = at(f, "Trigger");
  const single = {
    namespace: optText(trigger?.Namespace, at(tf, "Namespace"), false),
    metric: optText(trigger?.MetricName, at(tf, "MetricName"), false),
    dims: dimensions(trigger?.Dimensions, at(tf, "Dimensions")),
  };
  // Metric-math alarms list their metrics instead; the first one with a MetricStat names the data.
  const math = single.metric ? undefined : metricOf(trigger?.Metrics, at(tf, "Metrics"), true);
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
    ...(math ?? single),
  };
}

/**
 * The alarm of a state-change body: an EventBridge "CloudWatch Alarm State Change" event (`detail`,
 * ARN in `resources[0]`, `account`) or an alarm's Lambda action (`alarmData`, `alarmArn`,
 * `accountId`). Both carry the same alarm object: `alarmName`, `state` and `previousState`
 * (`value`, `reason`, `reasonData`, `timestamp`), and `configuration` (`description`, `metrics` with
 * lower-case `metricStat.metric`, or a composite alarm's `alarmRule`).
 */
function fromStateChange(b: Obj, f: "detail" | "alarmData"): Alarm {
  const d = record(b[f], f);
  const name = optText(d.alarmName, `${f}.alarmName`);
  if (!name) throw new ParseError(`${f}.alarmName`, "expected the alarm's name");
  const st = record(d.state, `${f}.state`);
  const state = optText(st.value, `${f}.state.value`, false);
  if (!state) throw new ParseError(`${f}.state.value`, "expected ALARM, OK or INSUFFICIENT_DATA");
  const config = optRecord(d.configuration, `${f}.configuration`);
  const resources = optArray(b.resources, "resources");
  const arn = optText(b.alarmArn, "alarmArn", false) ?? (resources.length ? text(resources[0], "resources[0]", false) : undefined);
  const region = optText(b.region, "region", false) ?? arn?.split(":")[3];
  return {
    name,
    state,
    stateField: `${f}.state.value`,
    description: optText(config?.description, `${f}.configuration.description`),
    reason: optText(st.reason, `${f}.state.reason`),
    oldState: optText(optRecord(d.previousState, `${f}.previousState`)?.value, `${f}.previousState.value`, false),
    changedAt: time(st.timestamp, `${f}.state.timestamp`) ?? time(b.time, "time"),
    arn,
    account: optText(b.accountId, "accountId", false) ?? optText(b.account, "account", false),
    regionCode: region && REGION_CODE.test(region) ? region : undefined,
    ...metricOf(config?.metrics, `${f}.configuration.metrics`, false),
    alarmRule: optText(config?.alarmRule, `${f}.configuration.alarmRule`),
    triggeringAlarms: triggeringAlarms(st.reasonData),
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
  fill(annotations, "expression", alarm.expression);
  fill(annotations, "alarm_rule", alarm.alarmRule);
  fill(annotations, "triggering_alarms", alarm.triggeringAlarms);
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
/** An alarm's Lambda action invokes the function with the alarm itself (no SNS, no EventBridge). */
const isLambdaAction = (b: Obj) => b.source === "aws.cloudwatch" && isRecord(b.alarmData);
const isSnsEnvelope = (b: Obj) => typeof b.Type === "string" && "TopicArn" in b && ("Message" in b || "SubscribeURL" in b);

/**
 * AWS CloudWatch alarms: the SNS HTTPS envelope, the Lambda `Records[].Sns` wrapper, SNS raw
 * message delivery, EventBridge state-change events, and an alarm's Lambda action (`alarmData`:
 * metric, metric-math and composite alarms). `Message` is JSON inside a string;
 * `StateChangeTime` has an offset without a colon; `Region` is a display name, so the region code
 * comes from the alarm ARN. The ARN is the fingerprint.
 */
export const cloudwatch: SourceAdapter = {
  source: "cloudwatch",
  detect(body) {
    if (!isRecord(body)) return false;
    if (Array.isArray(body.Records)) return body.Records.some((r) => isRecord(r) && isRecord(r.Sns));
    return isSnsEnvelope(body) || isAlarmMessage(body) || isEventBridge(body) || isLambdaAction(body);
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
    if (isEventBridge(b)) return [alarmAlert(fromStateChange(b, "detail"), ctx, 0)];
    if (isLambdaAction(b)) return [alarmAlert(fromStateChange(b, "alarmData"), ctx, 0)];
    if (isAlarmMessage(b)) return [alarmAlert(fromMessage(b, ""), ctx, 0)];
    return [alarmAlert(fromSns(b, ""), ctx, 0)];
  },
};

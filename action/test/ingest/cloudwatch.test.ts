import { describe, expect, it } from "vitest";
import { accepted, clone, ingest, rejected } from "./helpers.js";

const alarm = (state: string, at = "2026-03-14T01:53:00.123+0000") => ({
  AlarmName: "orders-loader-errors-critical",
  AlarmDescription: "Orders loader Lambda errors",
  AWSAccountId: "123456789012",
  NewStateValue: state,
  NewStateReason: "Threshold Crossed: 1 out of the last 1 datapoints [12.0] was greater than the threshold (0.0).",
  StateChangeTime: at,
  Region: "EU (Ireland)",
  AlarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical",
  OldStateValue: state === "OK" ? "ALARM" : "OK",
  Trigger: {
    MetricName: "Errors",
    Namespace: "AWS/Lambda",
    StatisticType: "Statistic",
    Statistic: "SUM",
    Unit: null,
    Dimensions: [{ value: "orders-loader", name: "FunctionName" }],
    Period: 60,
    EvaluationPeriods: 1,
    ComparisonOperator: "GreaterThanThreshold",
    Threshold: 0.0,
    TreatMissingData: "missing",
    EvaluateLowSampleCountPercentile: "",
  },
});

/** The SNS HTTPS envelope: the alarm is JSON inside the `Message` string. */
const https = (message: unknown, type = "Notification") => ({
  Type: type,
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: "arn:aws:sns:eu-west-1:123456789012:pipemedic",
  Subject: 'ALARM: "orders-loader-errors-critical" in EU (Ireland)',
  Message: typeof message === "string" ? message : JSON.stringify(message),
  Timestamp: "2026-03-14T01:53:00.200Z",
  SignatureVersion: "1",
  Signature: "EXAMPLE",
  SigningCertURL: "https://sns.eu-west-1.amazonaws.com/cert.pem",
  UnsubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
});

/** An alarm's Lambda action: CloudWatch invokes the function with the alarm itself. */
const lambdaAction = (state: string, at = "2026-03-14T01:53:00.123+0000") => ({
  source: "aws.cloudwatch",
  alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical",
  accountId: "123456789012",
  time: "2026-03-14T01:53:01.000+0000",
  region: "eu-west-1",
  alarmData: {
    alarmName: "orders-loader-errors-critical",
    state: { value: state, reason: "Threshold Crossed", reasonData: '{"version":"1.0","recentDatapoints":[12.0]}', timestamp: at },
    previousState: { value: state === "OK" ? "ALARM" : "OK", timestamp: "2026-03-14T01:40:00.000+0000" },
    configuration: {
      description: "Orders loader Lambda errors",
      metrics: [
        {
          id: "m1",
          metricStat: { metric: { namespace: "AWS/Lambda", name: "Errors", dimensions: { FunctionName: "orders-loader" } }, period: 60, stat: "Sum" },
          returnData: true,
        },
      ] as unknown[],
    },
  },
});

describe("cloudwatch", () => {
  it("reads the HTTPS envelope: Message parsed twice, offset without a colon, region code from the ARN", () => {
    const [a] = accepted(ingest(https(alarm("ALARM"))), "cloudwatch");
    expect(a).toMatchObject({
      title: "orders-loader-errors-critical",
      severity: "critical",
      status: "firing",
      fingerprint: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical",
      fingerprintComputed: false,
      startsAt: "2026-03-14T01:53:00.123Z",
    });
    expect(a!.labels).toMatchObject({
      FunctionName: "orders-loader",
      region: "eu-west-1",
      region_name: "EU (Ireland)",
      namespace: "AWS/Lambda",
      metric: "Errors",
      account: "123456789012",
    });
    expect(a!.links[0]!.url).toContain("region=eu-west-1");
  });

  it("reads the Lambda Records wrapper (one alert per record) and raw message delivery alike", () => {
    const lambda = {
      Records: [
        { EventSource: "aws:sns", EventVersion: "1.0", Sns: { ...https(alarm("ALARM")), SigningCertUrl: "x", UnsubscribeUrl: "y" } },
        { EventSource: "aws:sns", Sns: https(alarm("OK", "2026-03-14T02:30:00.000+0000")) },
      ],
    };
    const alerts = accepted(ingest(lambda), "cloudwatch");
    expect(alerts.map((a) => [a.status, a.raw.index])).toEqual([
      ["firing", 0],
      ["resolved", 1],
    ]);
    expect(alerts[1]).toMatchObject({ severity: "info", endsAt: "2026-03-14T02:30:00.000Z", fingerprint: alerts[0]!.fingerprint });
    const [raw] = accepted(ingest(alarm("ALARM")), "cloudwatch");
    expect(raw!.id).toBe(alerts[0]!.id);
  });

  it("maps INSUFFICIENT_DATA to a low firing alert, and ALARM without a severity word to high", () => {
    expect(accepted(ingest(alarm("INSUFFICIENT_DATA")))[0]).toMatchObject({ status: "firing", severity: "low" });
    expect(accepted(ingest({ ...alarm("ALARM"), AlarmName: "OrdersLoaderErrors" }))[0]!.severity).toBe("high");
  });

  it("reads an EventBridge state-change event", () => {
    const event = {
      version: "0",
      id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: "123456789012",
      time: "2026-03-14T01:53:00Z",
      region: "eu-west-1",
      resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical"],
      detail: {
        alarmName: "orders-loader-errors-critical",
        state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2026-03-14T01:53:00.123+0000" },
        previousState: { value: "OK" },
        configuration: {
          metrics: [{ id: "m1", metricStat: { metric: { namespace: "AWS/Lambda", name: "Errors", dimensions: { FunctionName: "orders-loader" } } } }],
        },
      },
    };
    const [a] = accepted(ingest(event), "cloudwatch");
    expect(a!.id).toBe(accepted(ingest(alarm("ALARM")))[0]!.id);
    expect(a!.labels.FunctionName).toBe("orders-loader");
  });

  it("reads an alarm's Lambda action (alarmData): the same alert as through SNS, status from state.value", () => {
    const [a] = accepted(ingest(lambdaAction("ALARM")), "cloudwatch");
    expect(a).toMatchObject({
      title: "orders-loader-errors-critical",
      severity: "critical",
      status: "firing",
      fingerprint: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical",
      startsAt: "2026-03-14T01:53:00.123Z",
    });
    expect(a!.labels).toMatchObject({ FunctionName: "orders-loader", namespace: "AWS/Lambda", metric: "Errors", account: "123456789012", region: "eu-west-1" });
    expect(a!.annotations).toMatchObject({ description: "Orders loader Lambda errors", reason: "Threshold Crossed", old_state: "OK" });
    // The same state change through SNS is the same alert: a relay that forwards both records one.
    expect(a!.id).toBe(accepted(ingest(alarm("ALARM")))[0]!.id);

    const [ok] = accepted(ingest(lambdaAction("OK", "2026-03-14T02:30:00.000+0000")));
    expect(ok).toMatchObject({ status: "resolved", severity: "info", startsAt: null, endsAt: "2026-03-14T02:30:00.000Z", fingerprint: a!.fingerprint });
    expect(accepted(ingest(lambdaAction("INSUFFICIENT_DATA")))[0]).toMatchObject({ status: "firing", severity: "low" });
    expect(rejected(ingest(lambdaAction("BROKEN")))).toBe('cloudwatch: alarmData.state.value: expected ALARM, OK or INSUFFICIENT_DATA, got "BROKEN"');
  });

  it("reads a metric-math alarm's first metric stat and its expression, whether the expression comes first or not", () => {
    const body = lambdaAction("ALARM");
    body.alarmData.configuration.metrics = [
      { id: "e1", expression: "m1/m2", label: "Error rate", returnData: true },
      {
        id: "m1",
        metricStat: { metric: { namespace: "AWS/Lambda", name: "Errors", dimensions: { FunctionName: "orders-loader" } }, period: 60, stat: "Sum" },
        returnData: false,
      },
      { id: "m2", metricStat: { metric: { namespace: "AWS/Lambda", name: "Invocations", dimensions: {} }, period: 60, stat: "Sum" }, returnData: false },
    ];
    const [a] = accepted(ingest(body), "cloudwatch");
    expect(a!.labels).toMatchObject({ namespace: "AWS/Lambda", metric: "Errors", FunctionName: "orders-loader" });
    expect(a!.annotations.expression).toBe("m1/m2");
    // EventBridge events of metric-math alarms are read the same way (they used to yield no metric).
    const event = { "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch", region: "eu-west-1", detail: body.alarmData };
    expect(accepted(ingest(event), "cloudwatch")[0]!.labels).toMatchObject({ metric: "Errors", FunctionName: "orders-loader" });
  });

  it("reads a composite alarm: its rule and the child alarms that triggered it, no metric; reasonData absent or not JSON is no rejection", () => {
    const composite = {
      ...lambdaAction("ALARM"),
      alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-pipeline-down",
      alarmData: {
        alarmName: "orders-pipeline-down",
        state: {
          value: "ALARM",
          reason: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical transitioned to ALARM",
          reasonData: JSON.stringify({
            triggeringAlarms: [
              { arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-loader-errors-critical", state: { value: "ALARM" } },
              { arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-lag-high", state: { value: "ALARM" } },
            ],
          }),
          timestamp: "2026-03-14T01:54:00.000+0000",
        },
        previousState: { value: "OK" },
        configuration: { alarmRule: "ALARM(orders-loader-errors-critical) OR ALARM(orders-lag-high)" },
      },
    };
    const [a] = accepted(ingest(composite), "cloudwatch");
    expect(a).toMatchObject({ title: "orders-pipeline-down", status: "firing", severity: "high", startsAt: "2026-03-14T01:54:00.000Z" });
    expect(a!.annotations).toMatchObject({
      alarm_rule: "ALARM(orders-loader-errors-critical) OR ALARM(orders-lag-high)",
      triggering_alarms: "orders-loader-errors-critical, orders-lag-high",
    });
    expect(a!.labels.metric).toBeUndefined();
    for (const reasonData of [undefined, "not json {triggeringAlarms", JSON.stringify({ triggeringAlarms: "x" })]) {
      const body = clone(composite);
      body.alarmData.state.reasonData = reasonData as unknown as string;
      const [b] = accepted(ingest(body), "cloudwatch");
      expect(b!.annotations.triggering_alarms).toBeUndefined();
      expect(b!.id).toBe(a!.id);
    }
  });

  it("takes the start from the event's time when state.timestamp is missing, and the ARN from resources[0] when alarmArn is", () => {
    const body = lambdaAction("ALARM");
    delete (body.alarmData.state as { timestamp?: string }).timestamp;
    const { alarmArn: _arn, ...noArn } = body;
    const [a] = accepted(ingest({ ...noArn, resources: [body.alarmArn] }), "cloudwatch");
    expect(a).toMatchObject({ startsAt: "2026-03-14T01:53:01.000Z", fingerprint: body.alarmArn });
    // Without `region` the code comes from the ARN, as for SNS.
    const { region: _region, ...noRegion } = body;
    expect(accepted(ingest(noRegion))[0]!.labels.region).toBe("eu-west-1");
  });

  it("rejects subscription confirmations, non-JSON messages and unknown states, naming the field", () => {
    expect(rejected(ingest({ ...https(""), Type: "SubscriptionConfirmation", SubscribeURL: "https://sns.example/confirm" }))).toBe(
      "cloudwatch: Type: an SNS SubscriptionConfirmation, not an alert: confirm the subscription in the AWS console",
    );
    expect(rejected(ingest(https("plain text from another publisher")))).toBe(
      "cloudwatch: Message: not a CloudWatch alarm: the message is not JSON (invalid JSON)",
    );
    expect(rejected(ingest(https({ hello: "world" })))).toBe(
      "cloudwatch: Message.AlarmName: expected the alarm's name; is this a CloudWatch alarm notification?",
    );
    expect(rejected(ingest(https({ ...alarm("ALARM"), NewStateValue: "BROKEN" })))).toBe(
      'cloudwatch: Message.NewStateValue: expected ALARM, OK or INSUFFICIENT_DATA, got "BROKEN"',
    );
  });
});

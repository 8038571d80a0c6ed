import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

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

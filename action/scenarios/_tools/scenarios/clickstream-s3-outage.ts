/**
 * 13:08: Amazon S3 in eu-west-1 starts returning elevated 503 SlowDown and InternalError responses
 * (the provider posts an incident at 13:18). clickstream-sink spends most of its time retrying
 * uploads and consumes a fifth of its usual rate; lag grows on every partition. Other services
 * that touch S3 in the region log the same errors. Nothing of the pipeline changed.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, at, axis, diurnal, iso, note, ramp, times, type Telemetry } from "../lib.js";

export const id = "clickstream-s3-outage";

export function build(): Telemetry {
  const rand = new Rand(3939);
  const now = at("2026-07-01T13:52:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const degraded = at("2026-07-01T13:08:00Z");
  const d = (t: number) => ramp(t, degraded, degraded + 3 * MIN);
  const group = simulateGroup(
    {
      topic: "web.clickstream",
      group: "clickstream-sink",
      partitions: 24,
      members: 8,
      produce: (t) => (2900 * diurnal(t, 20, 0.5)) / 24,
      capacity: (t) => 3600 - 2900 * d(t),
      initialOffset: 231_000_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 250000 for 10m first at ${new Date(firesAt(group, 250_000, 10 * MIN) ?? 0).toISOString()}`);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand)];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t < degraded) {
      if (rand.chance(0.5))
        logs.add(
          t + rand.uniform(0, MIN),
          { service: "clickstream-sink", namespace: "streaming", pod: `clickstream-sink-${rand.int(0, 7)}`, level: "info" },
          `level=info msg="flushed batch" topic=web.clickstream partition=${rand.int(0, 23)} records=${rand.int(14000, 26000)} took=${rand.int(3, 9)}s`,
        );
      continue;
    }
    for (let j = 0; j < 2; j++) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "clickstream-sink", namespace: "streaming", pod: `clickstream-sink-${rand.int(0, 7)}`, level: "error" },
        `level=error msg="upload failed, will retry" err="operation error S3: PutObject, https response error StatusCode: 503, RequestID: ${rand.hex(16).toUpperCase()}, api error SlowDown: Please reduce your request rate."`,
      );
    }
    if (rand.chance(0.6))
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "recommendations-api", namespace: "storefront", level: "error" },
        `failed to refresh model artifact from s3://shopfront-ml/recs/current: InternalError: We encountered an internal error. Please try again. (status code: 500)`,
      );
    if (rand.chance(0.4))
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "checkout", namespace: "storefront", level: "error" },
        `invoice PDF upload failed: S3 PutObject 503 Service Unavailable, queued for retry`,
      );
  }
  return {
    series,
    logs,
    events: [
      {
        at: "2026-07-01T13:18:40Z",
        kind: "cloud.status",
        labels: { provider: "aws", service: "s3", region: "eu-west-1" },
        message: "Increased error rates and latencies for S3 requests in the EU-WEST-1 Region. We are investigating.",
      },
      {
        at: iso(now - 4 * MIN),
        kind: "cloud.status",
        labels: { provider: "aws", service: "s3", region: "eu-west-1" },
        message: "We have identified the root cause of elevated S3 error rates in EU-WEST-1 and are working towards recovery.",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

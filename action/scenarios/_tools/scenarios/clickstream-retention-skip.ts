/**
 * Saturday 07:40 the object-storage access key of clickstream-sink expired; the sink crash-looped
 * all weekend (its lag warning was acknowledged and forgotten). web.clickstream keeps 48 hours.
 * On Monday at 09:10 the key is rotated and the sink starts again, but its committed offsets from
 * Saturday morning have been deleted by retention: every partition's fetch is out of range, the
 * client resets to the end of the log (auto.offset.reset=latest), and 49 hours of lag vanish in a
 * minute without a single one of those events being written.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, times, type Series, type Telemetry } from "../lib.js";

export const id = "clickstream-retention-skip";

export function build(): Telemetry {
  const rand = new Rand(3737);
  const now = at("2026-06-22T09:26:00Z");
  const ax = axis(now - 3 * HOUR, now);
  const stopped = at("2026-06-20T07:40:00Z");
  const restarted = at("2026-06-22T09:11:00Z");
  const retention = 48 * HOUR;
  const P = 24;
  const rate = 2500 / P; // per partition, messages per second (weekday morning)
  // Log-end offset of a partition at time t: a steady rate with a little noise.
  const base = Array.from({ length: P }, (_, p) => 5_870_000_000 / P + p * 11_000);
  const leo = (p: number, t: number) => Math.round(base[p]! + ((t - stopped) / 1000) * rate);
  const series: Series[] = [];
  for (let p = 0; p < P; p++) {
    const committed = (t: number) => (t < restarted ? leo(p, stopped) : leo(p, t) - Math.round(rate * rand.uniform(1, 3)));
    const labels = { topic: "web.clickstream", partition: String(p) };
    series.push(gauge({ __name__: "kafka_topic_partition_current_offset", ...labels }, ax, (t) => leo(p, t) + rand.int(-200, 200), 0));
    series.push(
      gauge({ __name__: "kafka_topic_partition_oldest_offset", ...labels }, ax, (t) => leo(p, t - retention) - (leo(p, t - retention) % 1_000_000), 0),
    );
    series.push(gauge({ __name__: "kafka_consumergroup_current_offset", consumergroup: "clickstream-sink", ...labels }, ax, committed, 0));
    series.push(
      gauge({ __name__: "kafka_consumergroup_lag", consumergroup: "clickstream-sink", ...labels }, ax, (t) => Math.max(0, leo(p, t) - committed(t)), 0),
    );
  }
  series.push(
    gauge(
      { __name__: "kafka_consumergroup_lag_sum", consumergroup: "clickstream-sink", topic: "web.clickstream" },
      ax,
      (t) => (t < restarted ? Math.round(((t - stopped) / 1000) * rate * P) : rand.int(2000, 9000)),
      0,
    ),
  );
  series.push(gauge({ __name__: "kafka_consumergroup_members", consumergroup: "clickstream-sink" }, ax, (t) => (t < restarted ? 0 : 8), 0));
  series.push(...backgroundKafka(ax, rand), ...probes(ax, rand));
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    const pod = `clickstream-sink-${rand.int(0, 7)}`;
    if (t < restarted) {
      if (rand.chance(0.3))
        logs.add(
          t + rand.uniform(0, MIN),
          { service: "clickstream-sink", namespace: "streaming", pod, level: "error" },
          `level=error msg="startup check failed" err="operation error S3: PutObject, https response error StatusCode: 403, api error InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records."`,
        );
    } else if (rand.chance(0.6)) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "clickstream-sink", namespace: "streaming", pod, level: "info" },
        `level=info msg="flushed batch" topic=web.clickstream partition=${rand.int(0, 23)} records=${rand.int(14000, 26000)} took=${rand.int(3, 9)}s`,
      );
    }
  }
  for (let p = 0; p < P; p++) {
    logs.add(
      restarted + (20 + p) * SEC,
      { service: "clickstream-sink", namespace: "streaming", pod: `clickstream-sink-${p % 8}`, level: "warn" },
      `level=warn msg="received OFFSET_OUT_OF_RANGE on fetch, resetting offset" topic=web.clickstream partition=${p} committed=${leo(p, stopped)} log_start=${leo(p, restarted - retention)} reset_to=end`,
    );
  }
  return {
    series,
    logs,
    events: [
      {
        at: "2026-06-22T09:09:48Z",
        kind: "secret.rotated",
        labels: { namespace: "streaming", secret: "clickstream-sink-s3" },
        message: "New access key for clickstream-sink written to Vault",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}

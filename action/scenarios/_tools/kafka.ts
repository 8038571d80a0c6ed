/**
 * A minute-by-minute model of one consumer group reading one topic, producing the series
 * kafka_exporter would have scraped: log-end offsets per partition (counter), the group's committed
 * offsets per partition (counter), lag per partition and summed, and the member count.
 *
 * Each member owns partitions round-robin and can process `capacity(t) / members` messages per
 * second; within a member, capacity is shared in proportion to each partition's backlog. A
 * `stall(t)` fraction removes processing time (rebalances). Nothing here knows which cause a
 * scenario stages: a scenario only says how fast producers write and how fast consumers can go.
 */
import { MIN, Rand, type Axis, type Labels, type Series, gauge, times } from "./lib.js";

export interface GroupModel {
  topic: string;
  group: string;
  partitions: number;
  /** Nominal member count (replicas). */
  members: number;
  /** Messages per second written to partition `p` at time `t` (before noise). */
  produce(t: number, p: number): number;
  /** Messages per second the whole group can process at `t` with stable membership. */
  capacity(t: number): number;
  /** Fraction of the minute lost to rebalancing (0 = none). */
  stall?(t: number): number;
  /** Members the exporter sees at `t` (default: `members`). */
  membersAt?(t: number): number;
  /** Seconds of messages in flight that show as lag even when the group keeps up. */
  inflightSeconds?: number;
  /** Log-end offset of partition 0 at the start; others are spread around it. */
  initialOffset: number;
  /** Extra labels the exporter adds to every series (none by default). */
  extra?: Labels;
}

export interface GroupRun {
  series: Series[];
  /** Summed lag and rates per step, for aligning alerts with the data. */
  lagSum: number[];
  produced: number[];
  consumed: number[];
  times: number[];
}

/** Runs the model over the axis and returns the exporter's series. */
export function simulateGroup(m: GroupModel, ax: Axis, rand: Rand): GroupRun {
  const ts = times(ax);
  const dt = ax.step / 1000;
  const P = m.partitions;
  const leo = Array.from({ length: P }, (_, p) => Math.round(m.initialOffset * rand.uniform(0.97, 1.03) + p * 1_000));
  const backlog = new Array<number>(P).fill(0);
  const out = {
    leo: Array.from({ length: P }, () => [] as number[]),
    off: Array.from({ length: P }, () => [] as number[]),
    lag: Array.from({ length: P }, () => [] as number[]),
  };
  const lagSum: number[] = [];
  const produced: number[] = [];
  const consumed: number[] = [];
  const inflight = m.inflightSeconds ?? 2;
  ts.forEach((t, i) => {
    const rates = Array.from({ length: P }, (_, p) => Math.max(0, rand.jitter(m.produce(t, p), 0.06)));
    let prodTotal = 0;
    let consTotal = 0;
    if (i > 0) {
      const stall = Math.min(1, Math.max(0, m.stall?.(t) ?? 0));
      const perMember = (m.capacity(t) / m.members) * dt * (1 - stall);
      for (let member = 0; member < m.members; member++) {
        const owned = [...Array(P).keys()].filter((p) => p % m.members === member);
        const demand = owned.map((p) => backlog[p]! + rates[p]! * dt);
        const total = demand.reduce((a, b) => a + b, 0);
        const share = total > 0 ? Math.min(1, rand.jitter(perMember, 0.03) / total) : 1;
        owned.forEach((p, k) => {
          const arrived = Math.round(rates[p]! * dt);
          leo[p]! += arrived;
          prodTotal += arrived;
          const done = Math.floor(demand[k]! * share);
          backlog[p] = Math.max(0, demand[k]! - done);
          consTotal += done;
        });
      }
    }
    let sum = 0;
    for (let p = 0; p < P; p++) {
      // The exporter sees the committed offset a few seconds behind the log end even when caught up.
      const lag = Math.round(backlog[p]! + rates[p]! * inflight * rand.uniform(0.5, 1.5));
      const off = leo[p]! - lag;
      out.leo[p]!.push(leo[p]!);
      out.off[p]!.push(off);
      out.lag[p]!.push(lag);
      sum += lag;
    }
    lagSum.push(sum);
    produced.push(prodTotal / dt);
    consumed.push(consTotal / dt);
  });
  const base = m.extra ?? {};
  const series: Series[] = [];
  const seriesOf = (name: string, labels: Labels, values: number[]) => gauge({ __name__: name, ...base, ...labels }, ax, (_, i) => values[i]!, 0);
  for (let p = 0; p < P; p++) {
    series.push(seriesOf("kafka_topic_partition_current_offset", { topic: m.topic, partition: String(p) }, out.leo[p]!));
  }
  for (let p = 0; p < P; p++) {
    series.push(seriesOf("kafka_consumergroup_current_offset", { consumergroup: m.group, topic: m.topic, partition: String(p) }, out.off[p]!));
  }
  for (let p = 0; p < P; p++) {
    series.push(seriesOf("kafka_consumergroup_lag", { consumergroup: m.group, topic: m.topic, partition: String(p) }, out.lag[p]!));
  }
  series.push(seriesOf("kafka_consumergroup_lag_sum", { consumergroup: m.group, topic: m.topic }, lagSum));
  series.push(gauge({ __name__: "kafka_consumergroup_members", ...base, consumergroup: m.group }, ax, (t) => Math.round(m.membersAt?.(t) ?? m.members), 0));
  series.push(gauge({ __name__: "kafka_topic_partitions", ...base, topic: m.topic }, ax, () => P, 0));
  return { series, lagSum, produced, consumed, times: ts };
}

/** The first time the summed lag stays above `threshold` for `forMs` (an alert's `for:`), or null. */
export function firesAt(run: GroupRun, threshold: number, forMs: number): number | null {
  let since: number | null = null;
  for (let i = 0; i < run.times.length; i++) {
    if (run.lagSum[i]! > threshold) {
      since ??= run.times[i]!;
      if (run.times[i]! - since >= forMs) return run.times[i]!;
    } else since = null;
  }
  return null;
}

/** A steady, healthy group on another topic: background series every real exporter also returns. */
export function backgroundGroup(
  topic: string,
  group: string,
  partitions: number,
  members: number,
  rate: number,
  ax: Axis,
  rand: Rand,
  initialOffset: number,
): Series[] {
  return simulateGroup(
    {
      topic,
      group,
      partitions,
      members,
      produce: () => rate / partitions,
      capacity: () => rate * 2.5,
      initialOffset,
    },
    ax,
    rand,
  ).series;
}

export const minutes = (n: number) => n * MIN;

/**
 * trip-risk-scorer (Flink, streaming-prod) scores every trip event from rides.trip-events.v3 and
 * writes risk signals to ClickHouse (ch-analytics, table analytics.risk_signals) in batches. At 18:55
 * an analyst starts a backfill INSERT ... SELECT FROM s3(...) into the same table with small insert
 * blocks; the table's part count climbs and from ~19:02 ClickHouse delays every insert (parts above
 * parts_to_delay_insert), later rejects some with TOO_MANY_PARTS. The job's sink spends all its time
 * waiting on inserts (busy ~1000 ms/s); everything upstream of it is back-pressured; checkpoint
 * barriers queue behind the data, so checkpoints take minutes (one expires at 19:35); the job's
 * Kafka source falls behind.
 *
 * Decisive: backPressuredTimeMsPerSecond ~850-950 on the source and scoring operator, busy ~1000 on the
 * sink (the first operator that is not back-pressured); checkpointStartDelayNanos high on ALL
 * subtasks (tens of seconds); ClickHouse DelayedInserts, MaxPartCountForPartition and "Delaying
 * inserting block" from 19:02; state size flat; produce rate on the topic flat.
 * Red herrings: the checkpoint alert (checkpoints slow, one expired: a consequence); the Kafka lag alert
 * on the job's source group; a trip-risk-scorer deploy at 16:10 (hours before); produce rate follows
 * the evening commute.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, times, type Telemetry } from "../../lib.js";
import {
  PROBE,
  backgroundChanges,
  commute,
  flinkJobSeries,
  flinkLine,
  flinkTaskSeries,
  k8sLog,
  noiseLogs,
  probes,
  simulateTopic,
  type FlinkJob,
} from "../../brightline/lib.js";

export const id = "brightline-risk-scorer-clickhouse-parts";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(63013);
  const now = at("2026-10-15T19:50:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const backfill = at("2026-10-15T18:55:00Z");
  const delayFrom = at("2026-10-15T19:02:00Z");
  const job: FlinkJob = { name: "trip-risk-scorer", id: "7e0a3c5b9d1f4e2a8c6b0d2f4e6a8c1b", jm: "trip-risk-scorer-5d8c7b9f6-jm4tz" };
  const severity = (t: number) => (t < delayFrom ? 0 : Math.min(1, (t - delayFrom) / (8 * MIN)));
  const parts = (t: number) => (t < backfill ? 38 + rand.int(-4, 6) : Math.min(298, 40 + ((t - backfill) / MIN) * 6.2 + rand.int(-5, 5)));
  const load = (t: number) => commute(t, 0.3);
  // Sink throughput ceiling (records/s for the whole job) while inserts are delayed.
  const ceiling = (t: number) => (t < delayFrom ? 10_000 : 300 - 120 * severity(t));
  const produce = (t: number) => 300 * load(t);
  const [trips, hist] = simulateTopic(
    { cluster: "rides", topic: "rides.trip-events.v3", partitions: 12, produce: (t) => produce(t) / 12, initialOffset: 404_000_000 },
    [
      { group: "trip-risk-scorer", members: 6, memberCapacity: (t) => ceiling(t) / 6, inflightSeconds: 90 },
      { group: "trip-history-writer", members: 4, memberCapacity: () => 240 },
    ],
    ax,
    rand,
  );
  const series = [...trips!.series, ...hist!.series];
  const idx = (t: number) => Math.max(0, Math.min(ax.n - 1, Math.round((t - ax.start) / MIN)));
  const flowing = (t: number) => trips!.consumed[idx(t)]!;
  // Checkpoints every 2 min: ~12 s normally; minutes once barriers queue behind back-pressured data.
  const ckMemo = new Map<number, number>();
  const ckDur = (t: number) => {
    const b = t - (t % (2 * MIN));
    if (!ckMemo.has(b)) ckMemo.set(b, b < delayFrom + 3 * MIN ? rand.uniform(9000, 15000) : rand.uniform(140_000, 290_000) * (0.6 + 0.4 * severity(b)));
    return ckMemo.get(b)!;
  };
  const expired = at("2026-10-15T19:35:00Z");
  series.push(
    ...flinkJobSeries(ax, rand, job, {
      failedCheckpoints: (t) => 12 + (t >= expired ? 1 : 0),
      completedCheckpoints: (t) => 20_410 + Math.floor((Math.min(t, delayFrom) - ax.start) / (2 * MIN)) + Math.floor(Math.max(0, t - delayFrom) / (5 * MIN)),
      lastDuration: (t) => ckDur(t - 2 * MIN),
      fullSize: () => 6.8 * GiB,
      restarts: () => 2,
      uptime: (t) => t - at("2026-10-15T16:14:00Z"),
    }),
  );
  const bp = (t: number) => 880 * severity(t) + 8;
  series.push(
    ...flinkTaskSeries(
      ax,
      rand,
      job,
      [
        {
          name: "Source: trip-events",
          parallelism: 6,
          busy: (t) => 40 + 60 * load(t) * (1 - 0.6 * severity(t)),
          backpressured: (t) => bp(t) + 40 * severity(t),
          recordsIn: (t) => flowing(t) / 6,
          startDelayMs: (t) => 25 + 95_000 * severity(t),
        },
        {
          name: "KeyBy(rider) -> RiskFeatures -> Score",
          parallelism: 12,
          busy: (t) => 120 + 220 * load(t) * (1 - 0.5 * severity(t)),
          backpressured: (t) => bp(t),
          recordsIn: (t) => flowing(t) / 12,
          startDelayMs: (t) => 30 + 92_000 * severity(t),
        },
        {
          name: "Sink: clickhouse-risk-signals",
          parallelism: 4,
          busy: (t) => 90 + 120 * load(t) + 900 * severity(t),
          backpressured: () => 0,
          recordsIn: (t) => flowing(t) / 4,
          startDelayMs: (t) => 33 + 88_000 * severity(t),
        },
      ],
      4,
    ),
  );
  // ClickHouse's built-in Prometheus endpoint (ch-analytics, 2 replicas).
  for (const r of [0, 1]) {
    const ch = { job: "clickhouse", instance: `chi-ch-analytics-main-0-${r}.analytics-prod.svc:9363`, namespace: "analytics-prod" };
    series.push(gauge({ __name__: "ClickHouseAsyncMetrics_MaxPartCountForPartition", ...ch }, ax, (t) => parts(t), 0));
    series.push(gauge({ __name__: "ClickHouseMetrics_DelayedInserts", ...ch }, ax, (t) => (t < delayFrom ? 0 : rand.int(2, 4)), 0));
    series.push(counter({ __name__: "ClickHouseProfileEvents_DelayedInserts", ...ch }, ax, 1_402, (t) => (t < delayFrom ? 0 : rand.uniform(1.2, 2.4))));
    series.push(
      counter({ __name__: "ClickHouseProfileEvents_DelayedInsertsMilliseconds", ...ch }, ax, 391_000, (t) =>
        t < delayFrom ? 0 : rand.uniform(900, 2400) * severity(t),
      ),
    );
    series.push(
      counter({ __name__: "ClickHouseProfileEvents_RejectedInserts", ...ch }, ax, 17, (t) => (t >= at("2026-10-15T19:30:00Z") ? rand.uniform(0, 0.05) : 0), 0),
    );
    series.push(
      counter({ __name__: "ClickHouseProfileEvents_InsertQuery", ...ch }, ax, 8_840_000, (t) =>
        t >= backfill ? rand.uniform(40, 46) : rand.uniform(3.5, 4.5),
      ),
    );
  }
  series.push(...probes(ax, rand, [PROBE.clickhouse, PROBE.riderApi]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const tm = (t: number, k: number, level: string, thread: string, logger: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "streaming-prod",
      job.name,
      `${job.name}-taskmanager-1-${k}`,
      level.toLowerCase(),
      flinkLine(t, level, thread, logger, msg),
      "flink-main-container",
    );
  const jm = (t: number, level: string, logger: string, msg: string) =>
    k8sLog(logs, t, "streaming-prod", job.name, job.jm, level.toLowerCase(), flinkLine(t, level, "Checkpoint Timer", logger, msg), "flink-main-container");
  const chLog = (t: number, level: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "analytics-prod",
      "clickhouse",
      "chi-ch-analytics-main-0-0-0",
      level,
      `${new Date(t).toISOString().replace("T", " ").slice(0, 23).replace(".", ".")}000 [ ${rand.int(400, 900)} ] {${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}} <${level === "warn" ? "Warning" : level === "error" ? "Error" : "Information"}> ${msg}`,
    );
  let ck = 20_410;
  for (let t = ax.start; t <= now; t += 2 * MIN) {
    if (t >= delayFrom && (t - delayFrom) % (5 * MIN) >= 2 * MIN) continue;
    ck++;
    const d = ckDur(t);
    jm(
      t,
      "INFO",
      "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
      `Triggering checkpoint ${ck} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ ${t} for job ${job.id}.`,
    );
    if (t + d <= now && !(t < expired && t + 10 * MIN >= expired && t >= expired - 10 * MIN - MIN))
      jm(
        t + d,
        "INFO",
        "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
        `Completed checkpoint ${ck} for job ${job.id} (${rand.int(300, 420) * 1024 * 1024} bytes, checkpointDuration=${Math.round(d)} ms, finalizationTime=${rand.int(30, 120)} ms).`,
      );
  }
  jm(expired, "INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator", `Checkpoint ${ck - 2} of job ${job.id} expired before completing.`);
  for (const t of times(ax)) {
    for (let k = 1; k <= 4; k++) {
      if (rand.chance(0.25)) {
        const ms = t < delayFrom ? rand.int(40, 160) : Math.round(rand.int(900, 4200) * (0.5 + severity(t)));
        tm(
          t + rand.uniform(0, MIN),
          k,
          t < delayFrom ? "INFO" : "WARN",
          `Sink: clickhouse-risk-signals (${k}/4)#0`,
          "com.brightline.risk.sink.ClickHouseBatchSink",
          `insert into analytics.risk_signals: ${rand.int(1800, 5000)} rows in ${ms} ms${t >= delayFrom ? " (slow)" : ""}`,
        );
      }
      if (t >= at("2026-10-15T19:30:00Z") && rand.chance(0.05))
        tm(
          t + rand.uniform(0, MIN),
          k,
          "ERROR",
          `Sink: clickhouse-risk-signals (${k}/4)#0`,
          "com.brightline.risk.sink.ClickHouseBatchSink",
          `insert failed, retrying in 2000 ms\ncom.clickhouse.client.api.ServerException: Code: 252. DB::Exception: Too many parts (300 with average size of 1.58 MiB) in table 'analytics.risk_signals' (ed1b3f0c-9a4e-4c1d-8e2f-5b7a9c0d1e3f). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))`,
        );
      if (rand.chance(0.006))
        tm(
          t + rand.uniform(0, MIN),
          k,
          "WARN",
          `Source: trip-events (${k}/6)#0`,
          "org.apache.kafka.clients.NetworkClient",
          `[Consumer clientId=trip-risk-scorer-${k}, groupId=trip-risk-scorer] Disconnecting from node ${rand.int(0, 5)} due to request timeout.`,
        );
    }
    if (t >= delayFrom && rand.chance(0.8))
      chLog(
        t + rand.uniform(0, MIN),
        "info",
        `analytics.risk_signals (ed1b3f0c-9a4e-4c1d-8e2f-5b7a9c0d1e3f): Delaying inserting block by ${rand.int(200, 1000)} ms. because there are ${Math.round(parts(t))} parts and their average size is 1.${rand.int(40, 90)} MiB`,
      );
    if (rand.chance(0.15))
      chLog(
        t + rand.uniform(0, MIN),
        "info",
        `MergeTreeBackgroundExecutor: merged ${rand.int(4, 12)} parts into ${new Date(t).toISOString().slice(0, 10).replace(/-/g, "")}_${rand.int(1000, 9999)}_${rand.int(1000, 9999)}_${rand.int(1, 4)} (table analytics.${rand.pick(["risk_signals", "trip_facts", "rider_sessions_daily"])})`,
      );
  }
  chLog(
    backfill + 3 * SEC,
    "info",
    `executeQuery: (from 10.44.51.19:50312, user: analyst_jmiller) INSERT INTO analytics.risk_signals SETTINGS max_insert_block_size = 10000, min_insert_block_size_rows = 0 SELECT * FROM s3('https://bl-risk-archive.s3.eu-west-1.amazonaws.com/signals/2025/*.parquet') (stage: Complete)`,
  );

  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/trip-risk-scorer",
    service: "trip-risk-scorer",
    environment: "production",
    ref: "v2.6.0",
    sha: "3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d",
    at: "2026-10-15T16:10:12Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/trip-risk-scorer",
    sha: "3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d",
    at: "2026-10-15T15:48:50Z",
    author: "daniel.okafor",
    message: "score: add night-time multiplier feature",
    files: [
      {
        path: "src/main/java/com/brightline/risk/features/TimeOfDay.java",
        status: "added",
        patch: "@@ -0,0 +1,24 @@\n+public final class TimeOfDay implements Feature {\n",
      },
    ],
  });
  return {
    series,
    logs,
    changes,
    events: [
      {
        at: iso(backfill),
        kind: "clickhouse.query.started",
        labels: { cluster: "ch-analytics", user: "analyst_jmiller", table: "analytics.risk_signals" },
        message: "INSERT INTO analytics.risk_signals ... FROM s3('…/signals/2025/*.parquet') (long-running, 1.2B rows)",
      },
    ],
  };
}

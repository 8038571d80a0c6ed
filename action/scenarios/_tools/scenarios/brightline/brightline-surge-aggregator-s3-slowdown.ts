/**
 * surge-pricing-aggregator (Flink 1.19, streaming-prod) checkpoints ~14 GiB of RocksDB state
 * incrementally to s3://bl-flink-state-euw1/checkpoints/ every 3 minutes; checkpoints normally take
 * 25-40 s (timeout 10 min, tolerable failed checkpoints 2). At 03:15 the nightly Spark job
 * trip-archive-compactor starts; two days ago its staging directory was (wrongly) pointed at
 * s3://bl-flink-state-euw1/checkpoints/_staging/, and its ~4,000 PUT/s on that prefix make S3 throttle
 * the whole prefix with 503 SlowDown. From 03:19 the aggregator's uploads crawl through retries:
 * checkpoints expire at 10 minutes or complete just under it. After three consecutive failures the
 * job fails over once (04:22) and restores from the last completed checkpoint, slowly.
 *
 * Decisive: numberOfFailedCheckpoints climbs from 03:29; lastCheckpointDuration ~490-560 s (timeout
 * 600 s) while checkpointStartDelayNanos stays ~30 ms on every subtask and backPressuredTimeMsPerSecond
 * stays low; lastCheckpointFullSize flat; "expired before completing"; S3 503 SlowDown retries in the
 * TaskManagers; aws_s3_5xx_errors_sum and PUT requests on the bucket jump at 03:15-03:18.
 * Red herrings: one restart at 04:22 (a consequence: "Exceeded checkpoint tolerable failure
 * threshold"), followed by a few minutes of catch-up backpressure; the Flink source group's Kafka lag
 * grows because offsets are committed only on completed checkpoints; a single S3 500 InternalError
 * retry every hour or so, all night; no cloud provider status event.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import {
  KAFKA,
  backgroundChanges,
  commute,
  flinkJobSeries,
  flinkLine,
  flinkTaskSeries,
  k8sLog,
  kafkaBase,
  noiseLogs,
  simulateTopic,
  type FlinkJob,
} from "../../brightline/lib.js";

export const id = "brightline-surge-aggregator-s3-slowdown";
const GiB = 1024 ** 3;

interface Ckpt {
  id: number;
  trig: number;
  end: number;
  ok: boolean;
}

export function build(): Telemetry {
  const rand = new Rand(58008);
  const now = at("2026-09-02T04:40:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const job: FlinkJob = { name: "surge-pricing-aggregator", id: "5b2c9e81f04d4a7b93c6d1e2f8a0b4c7", jm: "surge-pricing-aggregator-7d5f8c9b6-jm2qw" };
  const throttle = at("2026-09-02T03:17:00Z");
  const failover = at("2026-09-02T04:22:00Z");
  const runningAgain = at("2026-09-02T04:25:10Z");
  // Checkpoint history.
  const ck: Ckpt[] = [];
  let idn = 88_310;
  for (let t = ax.start - 2 * MIN; t < at("2026-09-02T03:18:00Z"); t += 3 * MIN) {
    const d = rand.uniform(24, 41) * SEC;
    ck.push({ id: idn++, trig: t, end: t + d, ok: true });
  }
  const slow: Array<[string, number | null]> = [
    ["03:19:00", null],
    ["03:30:00", null],
    ["03:41:00", 490_420],
    ["03:50:11", null],
    ["04:01:11", null],
    ["04:12:11", null],
    ["04:28:40", null],
    ["04:39:40", null],
  ];
  for (const [hm, dur] of slow) {
    const trig = at(`2026-09-02T${hm}Z`);
    ck.push({ id: idn++, trig, end: dur === null ? trig + 10 * MIN : trig + dur, ok: dur !== null });
  }
  const doneBy = (t: number) => ck.filter((c) => c.end <= t);
  const lastOk = (t: number) => [...doneBy(t)].reverse().find((c) => c.ok);
  const restarts = (t: number) => 3 + (t >= failover ? 1 : 0);
  const running = (t: number) => t < failover || t >= runningAgain;
  const series = flinkJobSeries(ax, rand, job, {
    failedCheckpoints: (t) => 41 + doneBy(t).filter((c) => !c.ok).length,
    completedCheckpoints: (t) => 52_870 + doneBy(t).filter((c) => c.ok).length,
    lastDuration: (t) => {
      const c = lastOk(t);
      return c ? c.end - c.trig : 31_000;
    },
    fullSize: (t) => 14.2 * GiB + ((t - ax.start) / HOUR) * 0.04 * GiB,
    restarts,
    uptime: (t) => (t < failover ? t - at("2026-08-27T09:12:00Z") : t < runningAgain ? 0 : t - runningAgain),
  });
  // Catch-up after the failover: sources read fast, the window operator is busy for a few minutes.
  const catchUp = (t: number) => (t >= runningAgain && t < runningAgain + 6 * MIN ? 1 - (t - runningAgain) / (6 * MIN) : 0);
  const load = (t: number) => commute(t, 0.3);
  series.push(
    ...flinkTaskSeries(
      ax,
      rand,
      job,
      [
        {
          name: "Source: ride-requests",
          parallelism: 6,
          busy: (t) => (running(t) ? 90 + 120 * load(t) + 300 * catchUp(t) : 0),
          backpressured: (t) => (running(t) ? 6 + 420 * catchUp(t) : 0),
          recordsIn: (t) => (running(t) ? ((160 * load(t)) / 6) * (1 + 3 * catchUp(t)) : 0),
          startDelayMs: (t) => 28 + 2500 * catchUp(t),
        },
        {
          name: "Window(zone, 60s) -> SurgeAggregate",
          parallelism: 12,
          busy: (t) => (running(t) ? 140 + 260 * load(t) + 700 * catchUp(t) : 0),
          backpressured: (t) => (running(t) ? 3 + 40 * catchUp(t) : 0),
          recordsIn: (t) => (running(t) ? ((160 * load(t)) / 12) * (1 + 3 * catchUp(t)) : 0),
          startDelayMs: (t) => 34 + 2600 * catchUp(t),
        },
        {
          name: "Sink: surge-signals",
          parallelism: 6,
          busy: (t) => (running(t) ? 40 + 60 * load(t) : 0),
          backpressured: () => 0,
          recordsIn: (t) => (running(t) ? 18 * load(t) : 0),
          startDelayMs: (t) => 31 + 2600 * catchUp(t),
        },
      ],
      4,
    ),
  );
  // Kafka: the job's source group commits offsets only when a checkpoint completes.
  const [req] = simulateTopic(
    { cluster: "rides", topic: "rides.ride-requests.v2", partitions: 12, produce: (t) => (160 * load(t)) / 12, initialOffset: 118_000_000 },
    [{ group: "surge-signal-builder", members: 4, memberCapacity: () => 95 }],
    ax,
    rand,
  );
  series.push(...req!.series);
  const leo = req!.series.filter((s) => s.labels.__name__ === "kafka_topic_partition_current_offset").map((s) => s.values as number[]);
  const idx = (t: number) => Math.max(0, Math.min(ax.n - 1, Math.floor((t - ax.start) / MIN)));
  const committed = (p: number, t: number) => {
    const c = lastOk(t);
    return c ? leo[p]![idx(c.trig)]! : leo[p]![0]! - 300;
  };
  const g = KAFKA.rides.groupLabel;
  const base = kafkaBase("rides");
  for (let p = 0; p < 12; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_current_offset", ...base, [g]: "surge-pricing-aggregator", topic: "rides.ride-requests.v2", partition: String(p) },
        ax,
        (t) => committed(p, t),
        0,
      ),
    );
  for (let p = 0; p < 12; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_lag", ...base, [g]: "surge-pricing-aggregator", topic: "rides.ride-requests.v2", partition: String(p) },
        ax,
        (t, i) => leo[p]![i]! - committed(p, t),
        0,
      ),
    );
  series.push(
    gauge(
      { __name__: "kafka_consumergroup_lag_sum", ...base, [g]: "surge-pricing-aggregator", topic: "rides.ride-requests.v2" },
      ax,
      (t, i) => leo.reduce((a, l, p) => a + l[i]! - committed(p, t), 0),
      0,
    ),
  );
  series.push(gauge({ __name__: "kafka_consumergroup_members", ...base, [g]: "surge-pricing-aggregator" }, ax, () => 0, 0));
  // yet-another-cloudwatch-exporter: S3 request metrics of the state bucket (1-minute sums).
  const yace = {
    job: "yace",
    name: "arn:aws:s3:::bl-flink-state-euw1",
    dimension_BucketName: "bl-flink-state-euw1",
    dimension_FilterId: "EntireBucket",
    region: "eu-west-1",
  };
  const compactor = (t: number) => t >= at("2026-09-02T03:15:00Z");
  series.push(
    gauge({ __name__: "aws_s3_5xx_errors_sum", ...yace }, ax, (t) => (compactor(t) && t >= throttle ? rand.int(420, 980) : rand.chance(0.04) ? 1 : 0), 0),
  );
  series.push(gauge({ __name__: "aws_s3_put_requests_sum", ...yace }, ax, (t) => (compactor(t) ? rand.int(228_000, 251_000) : rand.int(5200, 6900)), 0));
  series.push(
    gauge(
      { __name__: "aws_s3_first_byte_latency_p99", ...yace },
      ax,
      (t) => (compactor(t) && t >= throttle ? rand.uniform(900, 2400) : rand.uniform(30, 70)),
      0,
    ),
  );

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const jm = (t: number, level: string, logger: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "streaming-prod",
      job.name,
      job.jm,
      level.toLowerCase(),
      flinkLine(t, level, "jobmanager-io-thread-3", logger, msg),
      "flink-main-container",
    );
  const tmPods = [1, 2, 3, 4].map((k) => `${job.name}-taskmanager-1-${k}`);
  const tm = (t: number, k: number, level: string, thread: string, logger: string, msg: string) =>
    k8sLog(logs, t, "streaming-prod", job.name, tmPods[k]!, level.toLowerCase(), flinkLine(t, level, thread, logger, msg), "flink-main-container");
  for (const c of ck) {
    if (c.trig < ax.start) continue;
    jm(
      c.trig,
      "INFO",
      "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
      `Triggering checkpoint ${c.id} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ ${c.trig} for job ${job.id}.`,
    );
    if (c.end > now) continue;
    if (c.ok)
      jm(
        c.end,
        "INFO",
        "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
        `Completed checkpoint ${c.id} for job ${job.id} (${Math.round(rand.uniform(0.9, 1.3) * GiB)} bytes, checkpointDuration=${c.end - c.trig} ms, finalizationTime=${rand.int(60, 180)} ms).`,
      );
    else {
      jm(c.end, "INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator", `Checkpoint ${c.id} of job ${job.id} expired before completing.`);
      jm(
        c.end + 40,
        "WARN",
        "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
        `Failed to trigger or complete checkpoint ${c.id} for job ${job.id}. (${ck.filter((x) => !x.ok && x.end <= c.end && x.end > at("2026-09-02T03:49:00Z")).length || ck.filter((x) => !x.ok && x.end <= c.end).length} consecutive failed attempts so far)\norg.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.\n\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2316)`,
      );
    }
  }
  jm(
    failover,
    "INFO",
    "org.apache.flink.runtime.jobmaster.JobMaster",
    `Trying to recover from a global failure.\norg.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed due to Checkpoint expired before completing., view the Checkpoint History tab or the Job Manager log to find out why continuous checkpoints failed.\n\tat org.apache.flink.runtime.checkpoint.CheckpointFailureManager.checkFailureAgainstCounter(CheckpointFailureManager.java:212)`,
  );
  jm(
    failover + 120,
    "INFO",
    "org.apache.flink.runtime.executiongraph.ExecutionGraph",
    `Job ${job.name} (${job.id}) switched from state RUNNING to RESTARTING.`,
  );
  jm(
    failover + 10 * SEC,
    "INFO",
    "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
    `Restoring job ${job.id} from Checkpoint ${ck.find((c) => c.ok && c.end > at("2026-09-02T03:45:00Z"))!.id} @ ${ck.find((c) => c.ok && c.end > at("2026-09-02T03:45:00Z"))!.trig} for ${job.id} located at s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/chk-${ck.find((c) => c.ok && c.end > at("2026-09-02T03:45:00Z"))!.id}.`,
  );
  jm(runningAgain, "INFO", "org.apache.flink.runtime.executiongraph.ExecutionGraph", `Job ${job.name} (${job.id}) switched from state RESTARTING to RUNNING.`);
  for (const t of times(ax)) {
    for (let k = 0; k < 4; k++) {
      if (rand.chance(0.08))
        tm(
          t + rand.uniform(0, MIN),
          k,
          "INFO",
          `Source: ride-requests (${k + 1}/6)#0`,
          "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
          `Committing offsets {rides.ride-requests.v2-${k * 3}=${rand.int(118_000_000, 130_000_000)}} for checkpoint ${ck.find((c) => c.trig > t - 3 * MIN)?.id ?? idn}`,
        );
      if (t >= throttle && running(t) && rand.chance(0.6)) {
        tm(
          t + rand.uniform(0, MIN),
          k,
          "WARN",
          `AsyncOperations-thread-${rand.int(1, 8)}`,
          "com.facebook.presto.hive.s3.PrestoS3FileSystem",
          `Failed to upload part ${rand.int(1, 9)} of s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/shared/${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}, retrying in ${rand.pick([400, 800, 1600, 3200, 6400])} ms (attempt ${rand.int(2, 9)}/10)\ncom.amazonaws.services.s3.model.AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error Code: SlowDown; Request ID: ${rand.hex(16).toUpperCase()}; S3 Extended Request ID: ${rand.hex(40)}; Proxy: null)`,
        );
      }
      if (rand.chance(0.004))
        tm(
          t + rand.uniform(0, MIN),
          k,
          "WARN",
          `AsyncOperations-thread-${rand.int(1, 8)}`,
          "com.facebook.presto.hive.s3.PrestoS3FileSystem",
          `Failed to upload part 1 of s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/shared/${rand.hex(8)}-${rand.hex(4)}, retrying in 400 ms (attempt 2/10)\ncom.amazonaws.services.s3.model.AmazonS3Exception: We encountered an internal error. Please try again. (Service: Amazon S3; Status Code: 500; Error Code: InternalError; Request ID: ${rand.hex(16).toUpperCase()}; Proxy: null)`,
        );
    }
    if (t >= at("2026-09-02T03:15:00Z") && rand.chance(0.3))
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "batch-prod",
        "trip-archive-compactor",
        "trip-archive-compactor-driver",
        "info",
        `26/09/02 ${new Date(t).toISOString().slice(11, 19)} INFO FileOutputCommitter: Saved output of task 'attempt_202609020315_${rand.int(1000, 9999)}_m_${rand.int(0, 3999)}_0' to s3a://bl-flink-state-euw1/checkpoints/_staging/trip_archive/dt=2026-09-01`,
      );
  }
  const events = [
    {
      at: "2026-09-02T03:15:00Z",
      kind: "batch.run.started",
      labels: { namespace: "batch-prod", spark_app: "trip-archive-compactor-20260902" },
      message: "SparkApplication trip-archive-compactor-20260902 submitted by ScheduledSparkApplication trip-archive-compactor (daily 03:15 UTC)",
    },
    {
      at: iso(failover + 5 * SEC),
      kind: "flink.job.restarted",
      labels: { namespace: "streaming-prod", job_name: job.name },
      message: "Job surge-pricing-aggregator switched to RESTARTING (Exceeded checkpoint tolerable failure threshold)",
    },
  ];
  const changes = backgroundChanges(now, rand);
  return { series, logs, events, changes };
}

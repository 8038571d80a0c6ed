/**
 * At 13:21 Amazon S3 in eu-west-1 starts returning 500 InternalError / 503 ServiceUnavailable for a
 * large share of requests (AWS later attributes it to one availability zone). Three unrelated
 * Brightline workloads that write to three different buckets fail at the same minute:
 * surge-pricing-aggregator and vehicle-geofence-enricher cannot upload checkpoints to
 * bl-flink-state-euw1, and quote-audit-sink cannot flush fare quotes to bl-pricing-audit-euw1 (its
 * Kafka lag grows). AWS posts the event on its health dashboard at 13:34.
 *
 * Decisive: aws_s3_5xx_errors_sum up at 13:21 on three buckets at once; S3 500/503 in three
 * services' logs at the same minute; cloud.status events for S3 eu-west-1; checkpoint start delay and
 * backpressure normal, state size flat; Kafka brokers, DNS and other endpoints fine.
 * Red herrings: two Flink jobs' failed-checkpoint counters climb (looks like checkpoint timeouts);
 * quote-audit-sink's Kafka lag grows (looks like a slow consumer); trip-risk-scorer deployed at 13:15
 * (it does not use S3); occasional single S3 500 retries all morning.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, times, type Telemetry } from "../../lib.js";
import {
  PROBE,
  backgroundChanges,
  commute,
  flinkJobSeries,
  flinkLine,
  k8sLog,
  noiseLogs,
  probes,
  simulateTopic,
  springLine,
  type FlinkJob,
} from "../../brightline/lib.js";

export const id = "brightline-euw1-s3-errors";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(65015);
  const now = at("2026-11-04T14:10:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const outage = at("2026-11-04T13:21:00Z");
  const bad = (t: number) => t >= outage;
  const series = [];
  const buckets: Array<[string, number]> = [
    ["bl-flink-state-euw1", 1],
    ["bl-pricing-audit-euw1", 0.4],
    ["bl-trip-archive-euw1", 0.6],
  ];
  for (const [b, w] of buckets) {
    const y = { job: "yace", name: `arn:aws:s3:::${b}`, dimension_BucketName: b, dimension_FilterId: "EntireBucket", region: "eu-west-1" };
    series.push(
      gauge({ __name__: "aws_s3_5xx_errors_sum", ...y }, ax, (t) => (bad(t) ? Math.round(rand.uniform(300, 700) * w) : rand.chance(0.05) ? 1 : 0), 0),
    );
    series.push(gauge({ __name__: "aws_s3_first_byte_latency_p99", ...y }, ax, (t) => (bad(t) ? rand.uniform(1500, 5200) : rand.uniform(25, 80)), 0));
    series.push(gauge({ __name__: "aws_s3_all_requests_sum", ...y }, ax, () => Math.round(rand.uniform(5000, 7000) * w), 0));
  }
  const jobs: Array<[FlinkJob, number, number]> = [
    [{ name: "surge-pricing-aggregator", id: "5b2c9e81f04d4a7b93c6d1e2f8a0b4c7", jm: "surge-pricing-aggregator-7d5f8c9b6-jm2qw" }, 14.3, 53_400],
    [{ name: "vehicle-geofence-enricher", id: "d93e1a7c5b2f4086a1c3e5b7d9f0a2c4", jm: "vehicle-geofence-enricher-6c9d7f8b5-jmx7k" }, 2.3, 42_900],
  ];
  for (const [job, size, done] of jobs) {
    series.push(
      ...flinkJobSeries(ax, rand, job, {
        failedCheckpoints: (t) => 51 + (bad(t) ? Math.floor((t - outage) / (4 * MIN)) : 0),
        completedCheckpoints: (t) => done + Math.floor((Math.min(t, outage) - ax.start) / (3 * MIN)),
        lastDuration: () => rand.uniform(20_000, 38_000),
        fullSize: () => size * GiB,
        restarts: () => 3,
        uptime: (t) => t - at("2026-11-01T09:00:00Z"),
      }),
    );
    for (let i = 0; i < 6; i++) {
      const l = {
        job: "flink-taskmanager",
        namespace: "streaming-prod",
        job_name: job.name,
        job_id: job.id,
        task_name: "Source",
        subtask_index: String(i),
        tm_id: `${job.name}-taskmanager-1-${1 + (i % 4)}`,
      };
      series.push(gauge({ __name__: "flink_taskmanager_job_task_checkpointStartDelayNanos", ...l }, ax, () => rand.uniform(15, 60) * 1e6, 0));
      series.push(gauge({ __name__: "flink_taskmanager_job_task_backPressuredTimeMsPerSecond", ...l }, ax, () => rand.uniform(0, 25), 0));
    }
  }
  // quote-audit-sink cannot flush to S3: it stops committing, its lag grows.
  const [quotes] = simulateTopic(
    { cluster: "rides", topic: "pricing.fare-quotes.v2", partitions: 6, produce: (t) => (140 * commute(t, 0.3)) / 6, initialOffset: 1_080_000_000 },
    [{ group: "quote-audit-sink", members: 2, memberCapacity: (t) => (bad(t) ? 4 : 300) }],
    ax,
    rand,
  );
  series.push(...quotes!.series);
  series.push(
    gauge(
      { __name__: "kafka_brokers", job: "kafka-exporter", instance: "kafka-rides-kafka-exporter.kafka-rides.svc:9404", kafka_cluster: "kafka-rides-euw1" },
      ax,
      () => 6,
      0,
    ),
  );
  series.push(...probes(ax, rand, [PROBE.riderApi, PROBE.schemaRegistryRides, PROBE.zoneCatalog, PROBE.clickhouse]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const s3err = () =>
    rand.chance(0.6)
      ? `com.amazonaws.services.s3.model.AmazonS3Exception: We encountered an internal error. Please try again. (Service: Amazon S3; Status Code: 500; Error Code: InternalError; Request ID: ${rand.hex(16).toUpperCase()}; S3 Extended Request ID: ${rand.hex(40)}; Proxy: null)`
      : `com.amazonaws.services.s3.model.AmazonS3Exception: Service Unavailable (Service: Amazon S3; Status Code: 503; Error Code: ServiceUnavailable; Request ID: ${rand.hex(16).toUpperCase()}; S3 Extended Request ID: ${rand.hex(40)}; Proxy: null)`;
  for (const t of times(ax)) {
    for (const [job] of jobs) {
      if ((t - ax.start) % (3 * MIN) === 0) {
        const jl = (tt: number, level: string, msg: string) =>
          k8sLog(
            logs,
            tt,
            "streaming-prod",
            job.name,
            job.jm,
            level.toLowerCase(),
            flinkLine(tt, level, "Checkpoint Timer", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator", msg),
            "flink-main-container",
          );
        const ck = 90_000 + Math.floor((t - ax.start) / (3 * MIN));
        jl(t, "INFO", `Triggering checkpoint ${ck} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ ${t} for job ${job.id}.`);
        if (!bad(t))
          jl(
            t + rand.uniform(20, 38) * SEC,
            "INFO",
            `Completed checkpoint ${ck} for job ${job.id} (${rand.int(400, 1200) * 1024 * 1024} bytes, checkpointDuration=${rand.int(20000, 38000)} ms, finalizationTime=${rand.int(40, 160)} ms).`,
          );
        else
          jl(
            t + rand.uniform(40, 110) * SEC,
            "WARN",
            `Failed to trigger or complete checkpoint ${ck} for job ${job.id}. (1 consecutive failed attempts so far)\norg.apache.flink.runtime.checkpoint.CheckpointException: Asynchronous task checkpoint failed.\n\tat org.apache.flink.runtime.messages.checkpoint.SerializedCheckpointException.unwrap(SerializedCheckpointException.java:51)\nCaused by: java.io.IOException: Could not flush to file and close the file system output stream to s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/chk-${ck}/${rand.hex(8)}-${rand.hex(4)} in order to obtain the stream state handle\nCaused by: ${s3err()}`,
          );
      }
      if (bad(t) && rand.chance(0.5))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "streaming-prod",
          job.name,
          `${job.name}-taskmanager-1-${rand.int(1, 4)}`,
          "warn",
          flinkLine(
            t,
            "WARN",
            `AsyncOperations-thread-${rand.int(1, 8)}`,
            "com.facebook.presto.hive.s3.PrestoS3FileSystem",
            `Failed to upload part ${rand.int(1, 6)} of s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/shared/${rand.hex(8)}, retrying in ${rand.pick([800, 1600, 3200])} ms (attempt ${rand.int(2, 9)}/10)\n${s3err()}`,
          ),
        );
      if (rand.chance(0.004))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "streaming-prod",
          job.name,
          `${job.name}-taskmanager-1-${rand.int(1, 4)}`,
          "warn",
          flinkLine(
            t,
            "WARN",
            "AsyncOperations-thread-2",
            "com.facebook.presto.hive.s3.PrestoS3FileSystem",
            `Failed to upload part 1 of s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/shared/${rand.hex(8)}, retrying in 400 ms (attempt 2/10)\ncom.amazonaws.services.s3.model.AmazonS3Exception: We encountered an internal error. Please try again. (Service: Amazon S3; Status Code: 500; Error Code: InternalError; Request ID: ${rand.hex(16).toUpperCase()}; Proxy: null)`,
          ),
        );
    }
    if (rand.chance(bad(t) ? 0.8 : 0.3)) {
      const level = bad(t) ? "error" : "info";
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "pricing-prod",
        "quote-audit-sink",
        "quote-audit-sink-79d8c6b5f-qq4zs",
        level,
        springLine(
          t,
          level,
          "s3-flusher",
          "c.b.audit.S3Flusher",
          bad(t)
            ? `flush to s3://bl-pricing-audit-euw1/fare_quotes/dt=2026-11-04/ failed, will retry (offsets not committed)\n${s3err()}`
            : `flushed ${rand.int(4000, 9000)} records to s3://bl-pricing-audit-euw1/fare_quotes/dt=2026-11-04/`,
        ),
      );
    }
    if (bad(t) && rand.chance(0.3))
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "batch-prod",
        "trip-archive-uploader",
        "trip-archive-uploader-28851960-x7kq2",
        "error",
        `level=error msg="put object failed" bucket=bl-trip-archive-euw1 key=trips/dt=2026-11-04/hour=13/part-${rand.hex(6)}.parquet err="operation error S3: PutObject, https response error StatusCode: 503, RequestID: ${rand.hex(16).toUpperCase()}, api error ServiceUnavailable: Service Unavailable" attempt=${rand.int(1, 5)}`,
      );
  }
  const events = [
    {
      at: "2026-11-04T13:34:00Z",
      kind: "cloud.status",
      labels: { provider: "aws", service: "s3", region: "eu-west-1" },
      message: "[Investigating] Increased Error Rates: We are investigating increased error rates for Amazon S3 requests in the EU-WEST-1 Region.",
    },
    {
      at: "2026-11-04T13:52:00Z",
      kind: "cloud.status",
      labels: { provider: "aws", service: "s3", region: "eu-west-1" },
      message:
        "[Identified] We have identified the cause of increased error rates for S3 requests in a single Availability Zone (euw1-az2) in the EU-WEST-1 Region and are working towards recovery.",
    },
  ];
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/trip-risk-scorer",
    service: "trip-risk-scorer",
    environment: "production",
    ref: "v2.7.1",
    sha: "6c8e0a2b4d6f8e0a2c4b6d8f0e2a4c6b8d0f2e4a",
    at: "2026-11-04T13:15:40Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/trip-risk-scorer",
    sha: "6c8e0a2b4d6f8e0a2c4b6d8f0e2a4c6b8d0f2e4a",
    at: "2026-11-04T12:58:02Z",
    author: "daniel.okafor",
    message: "sink: larger ClickHouse batches (5000 -> 8000 rows)",
    files: [
      {
        path: "src/main/resources/application-prod.conf",
        status: "modified",
        patch: "@@ -14,3 +14,3 @@ clickhouse {\n-  batch-rows = 5000\n+  batch-rows = 8000\n",
      },
    ],
  });
  return { series, logs, events, changes };
}

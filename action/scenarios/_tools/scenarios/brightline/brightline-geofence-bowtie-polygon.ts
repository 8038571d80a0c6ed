/**
 * vehicle-geofence-enricher (Flink, streaming-prod) joins vehicle pings from fleet.vehicle-pings.v2
 * (kafka-fleet-euw1) with geofence zones broadcast from fleet.geofence-zones.v1. At 15:31:05 the
 * city-ops team publishes a new no-parking zone for Lisbon Baixa from zones-admin whose polygon is
 * self-intersecting (a "bow-tie"). The first ping tested against it throws JTS's
 * TopologyException in ZoneIndex.contains; the task fails, the job restarts (fixed-delay 30 s,
 * unlimited attempts), restores from the last checkpoint (taken before the zone arrived), reads the
 * zone again and fails again. The job restarts every ~65 s from 15:31 on.
 *
 * Decisive: flink_jobmanager_job_numRestarts climbs by ~1 per minute from 15:31 (flat for hours
 * before except one isolated restart at 12:14); uptime resets every cycle; the same root exception
 * (TopologyException: side location conflict, at ZoneIndex.contains) every time;
 * flink.job.restarted events. TaskManager heap is flat (no OOM), checkpoints are fast when they run.
 * Red herrings: numberOfFailedCheckpoints ticks up (checkpoints aborted by the restarts, a
 * consequence); the job's Kafka group lag grows (offsets are committed only on completed
 * checkpoints); an isolated restart at 12:14 (TaskManager pod rescheduled); rider-promo-svc deployed
 * at 15:22; a README commit in the job's repository at 15:50; zone updates happen all day and are
 * normally fine.
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

export const id = "brightline-geofence-bowtie-polygon";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(59009);
  const now = at("2026-09-21T16:10:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const job: FlinkJob = { name: "vehicle-geofence-enricher", id: "c81f2d7a9e3b4c05a6d8e1f0b2c4a796", jm: "vehicle-geofence-enricher-6c9d7f8b5-jmx7k" };
  const poison = at("2026-09-21T15:31:05Z");
  const earlier = at("2026-09-21T12:14:22Z");
  // Failure instants: each cycle = 30 s delay + ~25 s restore + a few seconds of processing.
  const fails: number[] = [earlier];
  for (let t = poison + 6 * SEC; t <= now; t += rand.uniform(58, 74) * SEC) fails.push(t);
  const failsBy = (t: number) => fails.filter((f) => f <= t).length;
  const lastFail = (t: number) => [...fails].reverse().find((f) => f <= t);
  const running = (t: number) => {
    const f = lastFail(t);
    return f === undefined || t - f > (f === earlier ? 70 : 55) * SEC;
  };
  const runningSince = (t: number) => {
    const f = lastFail(t);
    return f === undefined ? at("2026-09-19T08:40:00Z") : f + (f === earlier ? 70 : 55) * SEC;
  };
  // Checkpoints every 60 s, ~8 s each; from the poison on, those in flight are aborted.
  const completed = (t: number) => 41_700 + Math.floor((Math.min(t, poison) - ax.start) / MIN) + (t > earlier + 2 * MIN ? 0 : 0);
  const aborted = (t: number) => 96 + (t >= earlier + MIN ? 1 : 0) + Math.floor(fails.filter((f) => f > poison && f <= t).length / 3);
  const series = flinkJobSeries(ax, rand, job, {
    failedCheckpoints: aborted,
    completedCheckpoints: completed,
    lastDuration: () => rand.uniform(6200, 9800),
    fullSize: () => 2.31 * GiB,
    restarts: (t) => 11 + failsBy(t),
    uptime: (t) => (running(t) ? t - runningSince(t) : 0),
  });
  series.push(
    gauge(
      {
        __name__: "flink_jobmanager_job_restartingTime",
        job: "flink-jobmanager",
        namespace: "streaming-prod",
        host: job.jm,
        job_name: job.name,
        job_id: job.id,
      },
      ax,
      (t) => (running(t) ? 0 : t - lastFail(t)!),
      0,
    ),
  );
  const load = (t: number) => commute(t, 0.3);
  const up = (t: number) => (running(t) ? 1 : 0);
  series.push(
    ...flinkTaskSeries(
      ax,
      rand,
      job,
      [
        {
          name: "Source: vehicle-pings",
          parallelism: 6,
          busy: (t) => up(t) * (120 + 140 * load(t)),
          backpressured: () => 4,
          recordsIn: (t) => (up(t) * 1500 * load(t)) / 6,
          startDelayMs: () => 22,
        },
        {
          name: "Source: geofence-zones",
          parallelism: 1,
          busy: (t) => up(t) * 2,
          backpressured: () => 0,
          recordsIn: (t) => up(t) * 0.02,
          startDelayMs: () => 15,
        },
        {
          name: "ZoneBroadcastProcessor -> Enrich",
          parallelism: 8,
          busy: (t) => up(t) * (210 + 260 * load(t)),
          backpressured: () => 2,
          recordsIn: (t) => (up(t) * 1500 * load(t)) / 8,
          startDelayMs: () => 30,
        },
        {
          name: "Sink: vehicle-zone-events",
          parallelism: 4,
          busy: (t) => up(t) * (60 + 50 * load(t)),
          backpressured: () => 0,
          recordsIn: (t) => (up(t) * 220 * load(t)) / 4,
          startDelayMs: () => 26,
        },
      ],
      4,
    ),
  );
  for (let k = 1; k <= 4; k++) {
    series.push(
      gauge(
        {
          __name__: "flink_taskmanager_Status_JVM_Memory_Heap_Used",
          job: "flink-taskmanager",
          namespace: "streaming-prod",
          tm_id: `${job.name}-taskmanager-1-${k}`,
        },
        ax,
        (t) => (up(t) ? rand.uniform(1.1, 1.9) * GiB : rand.uniform(0.4, 0.7) * GiB),
        0,
      ),
    );
    series.push(
      gauge(
        {
          __name__: "flink_taskmanager_Status_JVM_Memory_Heap_Max",
          job: "flink-taskmanager",
          namespace: "streaming-prod",
          tm_id: `${job.name}-taskmanager-1-${k}`,
        },
        ax,
        () => 3.2 * GiB,
        0,
      ),
    );
  }
  // The job's Kafka source group on kafka-fleet: offsets committed on completed checkpoints only.
  const [pings] = simulateTopic(
    { cluster: "fleet", topic: "fleet.vehicle-pings.v2", partitions: 12, produce: (t) => (1500 * load(t)) / 12, initialOffset: 5_120_000_000 },
    [{ group: "geo-ingest", members: 6, memberCapacity: () => 600 }],
    ax,
    rand,
  );
  series.push(...pings!.series);
  const leo = pings!.series.filter((s) => s.labels.__name__ === "kafka_topic_partition_current_offset").map((s) => s.values as number[]);
  const idx = (t: number) => Math.max(0, Math.min(ax.n - 1, Math.floor((t - ax.start) / MIN)));
  const lastCk = (t: number) => (t < poison ? t - (t % MIN) - 60 * SEC : poison - (poison % MIN));
  const committed = (p: number, t: number) => leo[p]![idx(lastCk(t))]!;
  const base = kafkaBase("fleet");
  const g = KAFKA.fleet.groupLabel;
  for (let p = 0; p < 12; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_lag", ...base, [g]: job.name, topic: "fleet.vehicle-pings.v2", partition: String(p) },
        ax,
        (t, i) => leo[p]![i]! - committed(p, t),
        0,
      ),
    );
  series.push(
    gauge(
      { __name__: "kafka_consumergroup_lag_sum", ...base, [g]: job.name, topic: "fleet.vehicle-pings.v2" },
      ax,
      (t, i) => leo.reduce((a, l, p) => a + l[i]! - committed(p, t), 0),
      0,
    ),
  );
  for (let p = 0; p < 12; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_current_offset", ...base, [g]: job.name, topic: "fleet.vehicle-pings.v2", partition: String(p) },
        ax,
        (t) => committed(p, t),
        0,
      ),
    );

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const jm = (t: number, level: string, thread: string, logger: string, msg: string) =>
    k8sLog(logs, t, "streaming-prod", job.name, job.jm, level.toLowerCase(), flinkLine(t, level, thread, logger, msg), "flink-main-container");
  const tmLog = (t: number, k: number, level: string, thread: string, logger: string, msg: string) =>
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
  const trace = `org.locationtech.jts.geom.TopologyException: side location conflict [ (-9.13712, 38.71046, NaN) ]\n\tat org.locationtech.jts.geomgraph.EdgeEndStar.propagateSideLabels(EdgeEndStar.java:300)\n\tat org.locationtech.jts.geomgraph.EdgeEndStar.computeLabelling(EdgeEndStar.java:136)\n\tat org.locationtech.jts.operation.relate.RelateComputer.labelNodeEdges(RelateComputer.java:297)\n\tat org.locationtech.jts.operation.relate.RelateComputer.computeIM(RelateComputer.java:132)\n\tat org.locationtech.jts.geom.Geometry.relate(Geometry.java:1127)\n\tat org.locationtech.jts.geom.Geometry.contains(Geometry.java:751)\n\tat com.brightline.geofence.ZoneIndex.contains(ZoneIndex.java:77)\n\tat com.brightline.geofence.EnrichFunction.processElement(EnrichFunction.java:52)\n\tat org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator.processElement1(CoBroadcastWithNonKeyedOperator.java:110)`;
  for (const f of fails) {
    const sub = rand.int(1, 8);
    if (f === earlier) {
      jm(
        f,
        "INFO",
        "flink-pekko.actor.default-dispatcher-18",
        "org.apache.flink.runtime.executiongraph.ExecutionGraph",
        `ZoneBroadcastProcessor -> Enrich (${sub}/8) (${rand.hex(32)}_${rand.hex(32)}_${sub - 1}_0) switched from RUNNING to FAILED on ${job.name}-taskmanager-1-3 @ 10.44.${rand.int(1, 60)}.${rand.int(2, 250)} (dataPort=6121).\norg.apache.flink.runtime.jobmaster.JobMasterException: TaskManager with id ${job.name}-taskmanager-1-3 is no longer reachable.`,
      );
    } else {
      jm(
        f,
        "INFO",
        "flink-pekko.actor.default-dispatcher-18",
        "org.apache.flink.runtime.executiongraph.ExecutionGraph",
        `ZoneBroadcastProcessor -> Enrich (${sub}/8) (${rand.hex(32)}_${rand.hex(32)}_${sub - 1}_${failsBy(f) - 1}) switched from RUNNING to FAILED on ${job.name}-taskmanager-1-${1 + ((sub - 1) % 4)} @ 10.44.${rand.int(1, 60)}.${rand.int(2, 250)} (dataPort=6121).\n${trace}`,
      );
      tmLog(
        f - 40,
        1 + ((sub - 1) % 4),
        "WARN",
        `ZoneBroadcastProcessor -> Enrich (${sub}/8)#${failsBy(f) - 1}`,
        "org.apache.flink.runtime.taskmanager.Task",
        `ZoneBroadcastProcessor -> Enrich (${sub}/8)#${failsBy(f) - 1} switched from RUNNING to FAILED with failure cause:\n${trace}`,
      );
    }
    jm(
      f + 30,
      "INFO",
      "flink-pekko.actor.default-dispatcher-18",
      "org.apache.flink.runtime.executiongraph.ExecutionGraph",
      `Job ${job.name} (${job.id}) switched from state RUNNING to RESTARTING.`,
    );
    jm(
      f + 30 * SEC + 200,
      "INFO",
      "flink-pekko.actor.default-dispatcher-4",
      "org.apache.flink.runtime.executiongraph.ExecutionGraph",
      `Job ${job.name} (${job.id}) switched from state RESTARTING to RUNNING.`,
    );
    jm(
      f + 30 * SEC + 900,
      "INFO",
      "flink-pekko.actor.default-dispatcher-4",
      "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
      `Restoring job ${job.id} from Checkpoint ${41_700 + Math.floor((Math.min(f, poison) - ax.start) / MIN) - 1} @ ${lastCk(f)} for ${job.id} located at s3://bl-flink-state-euw1/checkpoints/${job.name}/${job.id}/chk-${41_700 + Math.floor((Math.min(f, poison) - ax.start) / MIN) - 1}.`,
    );
  }
  for (const t of times(ax)) {
    if (running(t) && t < poison)
      jm(
        t + 5 * SEC,
        "INFO",
        "Checkpoint Timer",
        "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
        `Completed checkpoint ${41_700 + Math.floor((t - ax.start) / MIN)} for job ${job.id} (${rand.int(60, 160) * 1024 * 1024} bytes, checkpointDuration=${rand.int(6000, 9800)} ms, finalizationTime=${rand.int(20, 90)} ms).`,
      );
    if (rand.chance(0.04)) {
      const zone = `z-${rand.pick(["lis", "opo", "mad", "par", "ber"])}-${rand.pick(["parque", "centro", "riverside", "campus", "station"])}-${rand.pick(["slow", "noparking", "parking"])}-v${rand.int(2, 9)}`;
      tmLog(
        t + rand.uniform(0, MIN),
        rand.int(1, 4),
        "INFO",
        "ZoneBroadcastProcessor -> Enrich (1/8)#0",
        "com.brightline.geofence.ZoneBroadcastProcessor",
        `Received zone update ${zone} (${rand.int(5, 80)} vertices, published by city-ops); zone index rebuilt with ${rand.int(1800, 1900)} zones`,
      );
    }
    if (rand.chance(0.01))
      tmLog(
        t + rand.uniform(0, MIN),
        rand.int(1, 4),
        "WARN",
        "Source: vehicle-pings (2/6)#0",
        "org.apache.kafka.clients.NetworkClient",
        `[Consumer clientId=${job.name}-2, groupId=${job.name}] Disconnecting from node ${rand.int(0, 2)} due to socket connection setup timeout. The timeout value is 10000 ms.`,
      );
  }
  tmLog(
    poison - 300,
    2,
    "INFO",
    "ZoneBroadcastProcessor -> Enrich (1/8)#0",
    "com.brightline.geofence.ZoneBroadcastProcessor",
    "Received zone update z-lis-baixa-noparking-v7 (14 vertices, published by city-ops); zone index rebuilt with 1873 zones",
  );

  const events: Array<{ at: string; kind: string; labels: Record<string, string>; message: string }> = fails.map((f) => ({
    at: iso(f + 30),
    kind: "flink.job.restarted",
    labels: { namespace: "streaming-prod", job_name: job.name },
    message: `Job ${job.name} switched from RUNNING to RESTARTING (restart #${11 + failsBy(f)})`,
  }));
  events.push({
    at: iso(poison - 5 * SEC),
    kind: "zones.published",
    labels: { city: "lis", zone: "z-lis-baixa-noparking-v7" },
    message: "zones-admin: zone z-lis-baixa-noparking-v7 published by city-ops (14 vertices)",
  });
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/rider-promo-svc",
    service: "rider-promo-svc",
    environment: "production",
    ref: "v3.13.0",
    sha: "0b2d4f6a8c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d",
    at: "2026-09-21T15:22:47Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/vehicle-geofence-enricher",
    sha: "6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c",
    at: "2026-09-21T15:50:16Z",
    author: "yusuf.demir",
    message: "docs: how zones are indexed",
    files: [
      {
        path: "README.md",
        status: "modified",
        patch: "@@ -14,2 +14,6 @@ ## Zones\n+Zones arrive on fleet.geofence-zones.v1 and are indexed in an STR-tree.\n",
      },
    ],
  });
  return { series, logs, events, changes };
}

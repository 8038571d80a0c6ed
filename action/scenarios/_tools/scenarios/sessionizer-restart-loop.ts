/**
 * Web SDK 7.0 went live at 09:10 and sends `consent` as an array instead of a string. The first
 * such event reaches the sessionizer at 09:12: the JSON deserializer throws, the task fails, the
 * job restarts from its last checkpoint (fixed delay 10 s), reads the same record and fails again,
 * every 40 seconds or so. No checkpoint gets triggered in between. Elasticsearch is healthy.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { flinkLog, jobSeries, taskSeries } from "../flink.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "sessionizer-restart-loop";
const JOB = "clickstream-sessionizer";
const JOB_ID = "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9";

export function build(): Telemetry {
  const rand = new Rand(3131);
  const now = at("2026-05-26T09:41:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const poison = at("2026-05-26T09:12:14Z");
  const cycle = 40 * SEC;
  const looping = (t: number) => t >= poison;
  const restarts = (t: number) => 3 + (looping(t) ? 1 + Math.floor((t - poison) / cycle) : 0);
  const uptime = (t: number) => (looping(t) ? ((t - poison) % cycle) * 0.7 : t - at("2026-05-20T06:00:00Z"));
  const running = (t: number) => (looping(t) ? 0.35 : 1);
  const series = [
    ...taskSeries(ax, rand, JOB, JOB_ID, [
      {
        name: "Source: web.clickstream",
        parallelism: 8,
        busy: (t) => 150 * running(t),
        backpressured: () => 20,
        recordsIn: (t) => 330 * running(t),
        startDelayMs: () => 50,
      },
      {
        name: "Sessionize",
        parallelism: 8,
        busy: (t) => 280 * running(t),
        backpressured: () => 10,
        recordsIn: (t) => 330 * running(t),
        startDelayMs: () => 60,
        watermark: (t) => (looping(t) ? poison - 31 * SEC : t - 31 * SEC),
      },
      {
        name: "Sink: sessions-es",
        parallelism: 4,
        busy: (t) => 220 * running(t),
        backpressured: () => 0,
        recordsIn: (t) => 95 * running(t),
        startDelayMs: () => 70,
      },
    ]),
    ...jobSeries(ax, rand, JOB, JOB_ID, {
      failed: () => 12,
      completed: (t) => 9_800 + Math.floor((Math.min(t, poison) - ax.start) / MIN),
      duration: () => 7_900,
      fullSize: () => 39.8e9,
      restarts,
      uptime,
    }),
    ...probes(ax, rand),
  ];
  series.push({
    labels: { __name__: "probe_duration_seconds", instance: "http://sessions-es.search.svc.cluster.local:9200/_cluster/health", job: "blackbox-http" },
    start: iso(ax.start),
    step: "60s",
    values: times(ax).map(() => Math.round(Math.max(0.001, rand.jitter(0.021, 0.15)) * 1e4) / 1e4),
  });
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (let t = poison; t <= now; t += cycle) {
    const sub = 5;
    flinkLog(
      logs,
      t,
      JOB,
      "taskmanager",
      "warn",
      `Source: web.clickstream (${sub + 1}/8)#${restarts(t) - 3} (a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6_cbc357ccb763df2852fee8c4fc7d55f2_${sub}_${restarts(t) - 3}) switched from RUNNING to FAILED with failure cause:\norg.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema: Failed to deserialize consumer record ConsumerRecord(topic = web.clickstream, partition = 13, leaderEpoch = 41, offset = 88213457)\nCaused by: com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type \`java.lang.String\` from Array value (token \`JsonToken.START_ARRAY\`)\n at [Source: (byte[])"{"event":"page_view","consent":["analytics","ads"],..."; line: 1, column: 42] (through reference chain: com.shopfront.sessions.ClickEvent["consent"])`,
    );
    flinkLog(logs, t + 200, JOB, "jobmanager", "info", `Job clickstream-sessionizer (${JOB_ID}) switched from state RUNNING to RESTARTING.`);
    flinkLog(logs, t + 10 * SEC, JOB, "jobmanager", "info", `Job clickstream-sessionizer (${JOB_ID}) switched from state RESTARTING to RUNNING.`);
    flinkLog(
      logs,
      t + 10 * SEC + 100,
      JOB,
      "jobmanager",
      "info",
      `Restoring job ${JOB_ID} from Checkpoint 10342 @ ${poison - 50 * SEC} for ${JOB_ID} located at s3://shopfront-flink/checkpoints/${JOB_ID}/chk-10342.`,
    );
  }
  return {
    series,
    logs,
    events: Array.from({ length: Math.floor((now - poison) / cycle) }, (_, i) => ({
      at: iso(poison + i * cycle + 200),
      kind: "flink.job.restarted",
      labels: { job_name: JOB, namespace: "streaming" },
      message: "job restarted from checkpoint 10342",
    })).filter((_, i) => i % 5 === 0),
    changes: backgroundChanges(now, rand),
  };
}

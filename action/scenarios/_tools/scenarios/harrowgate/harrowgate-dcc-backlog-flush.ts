/**
 * Harrowgate, meterstream, Tuesday 2026-11-24.
 *
 * The DCC's North region messaging service (the national smart-meter network Harrowgate's
 * `dcc-adapter` talks to) stops delivering service responses at 01:04. Meters keep queueing their
 * scheduled reads at the DCC. At 06:19 the DCC restores the service and drains five hours of
 * queued responses into `dcc-adapter`, which produces them to `smets.hh-reads.raw.v1`: from ~1,750
 * msg/s to ~7,000 msg/s for about an hour and a half. `hh-read-validator` (12 replicas) validates
 * at most ~3,000 msg/s and keeps doing so; lag grows evenly on all 24 partitions.
 *
 * Alertmanager's Kafka route groups by alertname, kafka_cluster and consumergroup: at 06:51 one
 * notification carries 24 `KafkaPartitionLagHigh` alerts, one per partition. At 06:58 the
 * metering team's Grafana rule on the validator's delay (labelled `consumer_group`) fires in its own
 * delivery.
 *
 * Distractors: a config commit to the validator the evening before (log level only); members stable;
 * lag even across partitions; the DCC's own slow-response warnings of every night.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, type Telemetry } from "../../lib.js";
import { backgroundChanges, backgroundGroups, backgroundLogs, commit, group, javaLine, serviceLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-dcc-backlog-flush";

export function build(): Telemetry {
  const rand = new Rand(261124);
  const now = at("2026-11-24T07:10:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const lost = at("2026-11-24T01:04:00Z");
  const restored = at("2026-11-24T06:19:00Z");
  const drained = at("2026-11-24T07:52:00Z");
  const P = 24;
  // Normal night-time scheduled reads; nothing from the North region while the DCC is down; then the backlog.
  const produce = (t: number) => {
    const base = 1_750 * (0.9 + 0.2 * Math.sin(t / (2 * HOUR)));
    if (t >= lost && t < restored) return base * 0.58;
    if (t >= restored && t < drained) return 7_000;
    return base;
  };
  const validator = group(
    {
      topic: "smets.hh-reads.raw.v1",
      group: "hh-read-validator",
      partitions: P,
      members: 12,
      produce: (t) => produce(t) / P,
      capacity: () => 3_000,
      initialOffset: 4_118_000_000,
    },
    ax,
    rand,
  );

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  serviceLog(
    logs,
    lost + 2 * SEC,
    "metering",
    "dcc-adapter",
    "warn",
    javaLine(
      lost + 2 * SEC,
      "WARN",
      "uk.harrowgate.dcc.DspSession",
      "DSP North: no service responses for 120s on channel SR-NORTH-2, sequence 88412907 awaiting ack",
    ),
  );
  serviceLog(
    logs,
    lost + 4 * MIN,
    "metering",
    "dcc-adapter",
    "error",
    javaLine(
      lost + 4 * MIN,
      "ERROR",
      "uk.harrowgate.dcc.DspSession",
      "DSP North: channel SR-NORTH-2 down (HTTP 503 from DSP gateway, 'Service Unavailable - planned recovery in progress'); requests will be queued at DCC",
    ),
  );
  for (let t = lost + 15 * MIN; t < restored; t += 15 * MIN)
    serviceLog(
      logs,
      t + rand.int(0, 30) * SEC,
      "metering",
      "dcc-adapter",
      "warn",
      javaLine(t, "WARN", "uk.harrowgate.dcc.DspSession", "DSP North: still unavailable, reads for North region meters are queueing at DCC"),
    );
  serviceLog(
    logs,
    restored + 5 * SEC,
    "metering",
    "dcc-adapter",
    "info",
    javaLine(
      restored + 5 * SEC,
      "INFO",
      "uk.harrowgate.dcc.DspSession",
      "DSP North: channel SR-NORTH-2 restored; DCC is delivering queued service responses (backlog since 01:04, about 32.9M responses)",
    ),
  );
  for (let t = restored + 10 * MIN; t < now; t += 10 * MIN)
    serviceLog(
      logs,
      t,
      "metering",
      "dcc-adapter",
      "info",
      javaLine(
        t,
        "INFO",
        "uk.harrowgate.dcc.ResponsePublisher",
        `published ${rand.int(4_050_000, 4_250_000)} responses to smets.hh-reads.raw.v1 in the last 10m (backlog drain)`,
      ),
    );
  for (let t = ax.start; t < now; t += 5 * MIN) {
    const i = Math.min(validator.times.length - 1, Math.floor((t - ax.start) / MIN));
    serviceLog(
      logs,
      t + rand.int(0, 40) * SEC,
      "metering",
      "hh-read-validator",
      "info",
      javaLine(
        t,
        "INFO",
        "uk.harrowgate.reads.ValidationLoop",
        `validated ${Math.round(validator.consumed[i]! * 300)} reads in 5m, rejected ${rand.int(40, 190)} (estimate flags), p99 batch 212ms`,
      ),
    );
  }

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/hh-read-validator",
      at: at("2026-11-23T17:42:10Z"),
      author: "gtaylor-hge",
      message: "validator: log rejected reads at DEBUG",
      files: [{ path: "deploy/values-prod.yaml", patch: "@@ -31,3 +31,3 @@ logging:\n-  rejected: INFO\n+  rejected: DEBUG\n" }],
    }),
  );
  return {
    series: [...validator.series, ...backgroundGroups(ax, rand)],
    logs,
    changes,
    events: [
      {
        at: "2026-11-24T01:09:00Z",
        kind: "dcc.service.status",
        labels: { provider: "dcc", region: "north" },
        message: "DCC service status: DSP North - SR responses delayed; incident INC0114392 opened",
      },
      {
        at: "2026-11-24T06:19:00Z",
        kind: "dcc.service.status",
        labels: { provider: "dcc", region: "north" },
        message: "DCC service status: DSP North - service restored; queued responses are being delivered",
      },
    ],
  };
}

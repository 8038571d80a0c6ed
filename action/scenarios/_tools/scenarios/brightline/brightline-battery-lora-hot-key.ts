/**
 * At 12:16 the IoT connectivity provider's cellular service degrades in the Lisbon area. About
 * 5,200 Lisbon scooters fall back to the LoRaWAN network, which reaches Brightline through one
 * gateway integration, gw-lis-lora-01. iot-mqtt-bridge keys LoRa-relayed status records by the
 * gateway EUI (the vehicle id is only decoded downstream), so from ~12:18 every Lisbon status
 * record lands on partition 11 of fleet.scooter-status.v1 (kafka-fleet-euw1, 16 partitions).
 * battery-health-svc processes each partition on its own thread (per-vehicle ordering, ~40 msg/s
 * per partition); partition 11 now receives ~100 msg/s and falls behind, the other 15 keep up.
 * Total volume does not change: Lisbon's records simply moved.
 *
 * Decisive: per-partition lag: partition 11 holds ~all of it (max/sum near 1 vs 1/16); per-partition
 * produce rate: partition 11 up ~5x, the others down a little, the topic total flat; members
 * stable (8); processing time per message unchanged.
 * Red herrings: a provider status notice (it is the trigger, not the cause of the lag; nothing
 * of Brightline's cloud is down); battery-health-svc deployed at 12:58 (README-only change, after
 * the onset); the CPU of the pod owning partition 11 pegs one core (a consequence); the second
 * alert (Lisbon status staleness) is a consequence.
 * Labels: kafka-fleet uses `cluster` and `group`.
 */
import { HOUR, Logs, MIN, Rand, at, axis, counter, gauge, iso, note, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, firesAt, healthyGroup, k8sLog, noiseLogs, probes, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-battery-lora-hot-key";
const HOT = 11;

export function build(): Telemetry {
  const rand = new Rand(54004);
  const now = at("2026-07-03T13:25:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const fallback = at("2026-07-03T12:16:00Z");
  // Share of all status records that now come keyed by the LoRa gateway (Lisbon ~ 24% of the fleet).
  const relayed = (t: number) => (t < fallback ? 0 : 0.24 * Math.min(1, (t - fallback) / (6 * MIN)));
  const total = (t: number) => 370 * (0.85 + 0.15 * commute(t, 0.4)); // status every 60 s from ~22k scooters, a little more while riding
  const perPartition = (t: number, p: number) => total(t) * ((1 - relayed(t)) / 16 + (p === HOT ? relayed(t) : 0));
  const [battery, archive] = simulateTopic(
    { cluster: "fleet", topic: "fleet.scooter-status.v1", partitions: 16, produce: perPartition, initialOffset: 8_410_000_000 / 16 },
    [
      // One processing thread per partition: 16 capacity units, 8 consumer instances.
      { group: "battery-health-svc", members: 16, memberCapacity: () => 40, membersAt: () => 8 },
      { group: "fleet-status-lake-sink", members: 4, memberCapacity: () => 400 },
    ],
    ax,
    rand,
  );
  note(
    id,
    `p11 lag > 20000 for 5m at ${iso(firesAt(battery!, 20_000, 5 * MIN, battery!.lagByPartition[HOT]) ?? 0)}; lag now p11=${battery!.lagByPartition[HOT]!.at(-1)} sum=${battery!.lagSum.at(-1)}`,
  );
  const series = [...battery!.series, ...archive!.series];
  series.push(
    ...healthyGroup("fleet", "fleet.vehicle-pings.v2", "geo-ingest", 12, 6, (t) => 1500 * commute(t, 0.3) * (1 - 0.1 * relayed(t)), ax, rand, 5_100_000_000)
      .series,
  );
  const idx = (t: number) => Math.round((t - ax.start) / MIN);
  // battery-health-svc's processing timer (Micrometer): unchanged per record.
  series.push(
    gauge(
      { __name__: "battery_health_record_process_seconds", job: "battery-health-svc", namespace: "fleet-prod", app: "battery-health-svc", quantile: "0.99" },
      ax,
      () => rand.jitter(0.031, 0.07),
      4,
    ),
  );
  const pods = [
    "battery-health-svc-5f6b7c8d9-2hg4k",
    "battery-health-svc-5f6b7c8d9-5pw7t",
    "battery-health-svc-5f6b7c8d9-9zqcx",
    "battery-health-svc-5f6b7c8d9-c3vjr",
    "battery-health-svc-5f6b7c8d9-fk8ms",
    "battery-health-svc-5f6b7c8d9-lx2dn",
    "battery-health-svc-5f6b7c8d9-q7wbe",
    "battery-health-svc-5f6b7c8d9-x4tya",
  ];
  pods.forEach((pod, k) => {
    // Pod k owns partitions k and k+8 (range assignor over 8 instances).
    const owns = (p: number) => p === k || p === k + 8;
    series.push(
      counter(
        {
          __name__: "container_cpu_usage_seconds_total",
          job: "kubelet",
          metrics_path: "/metrics/cadvisor",
          namespace: "fleet-prod",
          pod,
          container: "battery-health-svc",
        },
        ax,
        51_000 + rand.int(0, 4000),
        (t) => {
          const busy = [k, k + 8].reduce((a, p) => a + Math.min(1, perPartition(t, p) / 40), 0);
          return 0.12 + 0.85 * busy * rand.uniform(0.95, 1.05) * (owns(HOT) || !owns(HOT) ? 1 : 1);
        },
        2,
      ),
    );
  });
  series.push(...probes(ax, rand, [PROBE.riderApi]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const bridgePods = ["iot-mqtt-bridge-7d9b8c6f5-hq2mz", "iot-mqtt-bridge-7d9b8c6f5-n8w4r"];
  const goTs = (t: number) => new Date(t).toISOString();
  for (const t of times(ax)) {
    for (const pod of bridgePods) {
      if (rand.chance(0.35))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "fleet-prod",
          "iot-mqtt-bridge",
          pod,
          "info",
          `time=${goTs(t)} level=info msg="relay stats" transport=lte published=${rand.int(9000, 11500)} lora_published=${Math.round(rand.int(9000, 11500) * relayed(t) * 1.3)} topic=fleet.scooter-status.v1 window=60s`,
        );
      if (relayed(t) > 0 && relayed(t) < 0.24 && rand.chance(0.9)) {
        for (let j = 0; j < 3; j++)
          k8sLog(
            logs,
            t + rand.uniform(0, MIN),
            "fleet-prod",
            "iot-mqtt-bridge",
            pod,
            "warn",
            `time=${goTs(t)} level=warn msg="cellular session lost, device switched to LoRa relay" device=scooter-${rand.pick(["es", "ni", "xm"])}${rand.int(100000, 999999)} city=lis gateway=gw-lis-lora-01 record_key=gw-lis-lora-01`,
          );
      }
      if (rand.chance(0.01))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "fleet-prod",
          "iot-mqtt-bridge",
          pod,
          "warn",
          `time=${goTs(t)} level=warn msg="mqtt client disconnected" client=scooter-xm${rand.int(100000, 999999)} reason="keepalive timeout"`,
        );
    }
    for (let k = 0; k < 8; k++) {
      if (!rand.chance(0.2)) continue;
      const p = rand.pick([k, k + 8]);
      const lagP = battery!.lagByPartition[p]![idx(t)]!;
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "fleet-prod",
        "battery-health-svc",
        pods[k]!,
        "info",
        springLine(
          t,
          "info",
          `partition-worker-${p}`,
          "c.b.fleet.battery.StatusProcessor",
          `processed batch partition=${p} records=${rand.int(300, 500)} lag=${lagP} took_ms=${rand.int(11000, 13500)}`,
        ),
      );
    }
  }
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/battery-health-svc",
    service: "battery-health-svc",
    environment: "production",
    ref: "v1.9.3",
    sha: "8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5",
    at: "2026-07-03T12:58:03Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/battery-health-svc",
    sha: "8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5",
    at: "2026-07-03T12:49:30Z",
    author: "sofia.almeida",
    message: "docs: alert thresholds for low-battery swaps",
    files: [{ path: "README.md", status: "modified", patch: "@@ -31,2 +31,6 @@ ## Alerts\n+Swap tasks are raised below 15% state of charge.\n" }],
  });
  const events = [
    {
      at: "2026-07-03T12:21:00Z",
      kind: "vendor.status",
      labels: { vendor: "iot-connectivity-provider", region: "PT-11" },
      message: "Degraded performance: cellular data sessions in the Lisbon area (investigating)",
    },
  ];
  return { series, logs, changes, events };
}

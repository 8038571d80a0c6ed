/**
 * Friday evening in Lisbon: a thunderstorm (orange warning from 16:30) and the end of the derby at
 * Estádio da Luz (~17:05) send ride requests to almost three times the usual evening peak within
 * fifteen minutes. surge-signal-builder (4 pods, pricing-prod) turns rides.ride-requests.v2 on
 * kafka-rides-euw1 into per-zone demand signals; it is CPU-bound at ~380 msg/s and normally runs
 * at 45% of that. From 17:08 its consume rate climbs to that ceiling and stays flat there while
 * producers write ~450 msg/s: lag grows evenly on all 12 partitions. Nothing changed in the
 * consumer; its pods sit at their CPU limit.
 *
 * Decisive: produce rate on rides.ride-requests.v2 up ~2.8x from 17:08; surge-signal-builder's
 * consume rate rises and plateaus at its old maximum (not down); ride-request-archiver on the
 * same topic keeps up; members stable; lag spread evenly over partitions; CPU at the limit.
 * Red herrings: rider-app-bff deployed at 17:03 (unrelated service, five minutes before the
 * onset); a docs commit in surge-signal-builder's repo at 16:40; a late-event WARN that is always
 * there; the alert arrives from Datadog with Datadog's metric name (kafka.consumer_lag) and tags.
 */
import { HOUR, Logs, MIN, Rand, at, axis, counter, iso, note, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, firesAt, healthyGroup, k8sLog, noiseLogs, probes, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-surge-signal-derby-storm";

export function build(): Telemetry {
  const rand = new Rand(53003);
  const now = at("2026-06-12T18:05:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const from = at("2026-06-12T17:07:00Z");
  const surge = (t: number) => (t < from ? 1 : 1 + 1.85 * Math.min(1, (t - from) / (13 * MIN)) * (1 - 0.12 * Math.max(0, (t - from - 40 * MIN) / HOUR)));
  const produce = (t: number) => 165 * commute(t, 0.3) * surge(t);
  const cpuBound = 95; // messages per second per pod at 100% of its 2-core limit
  const [signal, archiver] = simulateTopic(
    { cluster: "rides", topic: "rides.ride-requests.v2", partitions: 12, produce: (t) => produce(t) / 12, initialOffset: 1_377_000_000 / 12 },
    [
      { group: "surge-signal-builder", members: 4, memberCapacity: () => cpuBound },
      { group: "ride-request-archiver", members: 3, memberCapacity: () => 600 },
    ],
    ax,
    rand,
  );
  note(id, `lag > 100000 for 10m first at ${iso(firesAt(signal!, 100_000, 10 * MIN) ?? 0)}; lag now ${signal!.lagSum.at(-1)}`);
  const series = [...signal!.series, ...archiver!.series];
  series.push(
    ...healthyGroup("rides", "rides.trip-events.v3", "trip-history-writer", 12, 4, (t) => 300 * commute(t) * (1 + 0.15 * (surge(t) - 1)), ax, rand, 401_100_000)
      .series,
  );
  const idx = (t: number) => Math.round((t - ax.start) / MIN);
  const pods = [
    "surge-signal-builder-84c6f9d7b-6tkwz",
    "surge-signal-builder-84c6f9d7b-dn8q3",
    "surge-signal-builder-84c6f9d7b-mh2vx",
    "surge-signal-builder-84c6f9d7b-r9lcj",
  ];
  for (const pod of pods) {
    const l = { job: "kubelet", metrics_path: "/metrics/cadvisor", namespace: "pricing-prod", pod, container: "surge-signal-builder" };
    series.push(
      counter(
        { __name__: "container_cpu_usage_seconds_total", ...l },
        ax,
        88_000 + rand.int(0, 5000),
        (t) => Math.min(1.99, 0.15 + 1.85 * (signal!.consumed[idx(t)]! / (4 * cpuBound)) * rand.uniform(0.95, 1.05)),
        2,
      ),
    );
    series.push(
      counter(
        { __name__: "container_cpu_cfs_throttled_periods_total", ...l },
        ax,
        410_000 + rand.int(0, 9000),
        (t) => (signal!.consumed[idx(t)]! > 0.9 * 4 * cpuBound ? rand.uniform(6, 9.5) : rand.uniform(0, 0.3)),
        0,
      ),
    );
  }
  series.push(...probes(ax, rand, [PROBE.riderApi, PROBE.schemaRegistryRides]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const zones = ["z-lis-luz", "z-lis-benfica", "z-lis-baixa", "z-lis-alvalade", "z-lis-parque", "z-lis-belem"];
  for (const t of times(ax)) {
    for (let r = 0; r < 4; r++) {
      if (rand.chance(0.3)) {
        const z = rand.pick(zones);
        const mult = z === "z-lis-luz" || z === "z-lis-benfica" ? 1.6 : 1;
        const req = Math.round(rand.uniform(20, 60) * commute(t, 0.3) * (1 + (surge(t) - 1) * mult));
        const drivers = rand.int(18, 70);
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "pricing-prod",
          "surge-signal-builder",
          pods[r]!,
          "info",
          springLine(
            t,
            "info",
            "signal-window-1",
            "c.b.surge.ZoneWindow",
            `window closed zone=${z} width=60s requests=${req} open_drivers=${drivers} demand_ratio=${(req / drivers).toFixed(2)} surge=${Math.min(2.5, Math.max(1, req / drivers)).toFixed(2)}`,
          ),
        );
      }
      if (rand.chance(0.02)) {
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "pricing-prod",
          "surge-signal-builder",
          pods[r]!,
          "warn",
          springLine(
            t,
            "warn",
            "signal-window-1",
            "c.b.surge.ZoneWindow",
            `late ride request dropped request=rr_${rand.hex(10)} event_time_lag=${rand.int(61, 140)}s (window already closed)`,
          ),
        );
      }
    }
  }
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/rider-app-bff",
    service: "rider-app-bff",
    environment: "production",
    ref: "v7.44.0",
    sha: "b7e6d5c4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8",
    at: "2026-06-12T17:03:26Z",
    status: "success",
  });
  changes.commits.push(
    {
      repo: "brightline/rider-app-bff",
      sha: "b7e6d5c4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8",
      at: "2026-06-12T16:51:09Z",
      author: "leonor.matos",
      message: "home screen: show scooter availability banner",
      files: [
        {
          path: "src/home/banner.ts",
          status: "modified",
          patch: "@@ -8,4 +8,9 @@ export function banner(ctx) {\n+  if (ctx.scootersNearby > 0) return scooterBanner(ctx);\n",
        },
      ],
    },
    {
      repo: "brightline/surge-signal-builder",
      sha: "2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a",
      at: "2026-06-12T16:40:33Z",
      author: "rui.pinto",
      message: "docs: explain demand_ratio in the README",
      files: [
        {
          path: "README.md",
          status: "modified",
          patch: "@@ -20,3 +20,7 @@ ## Signals\n+demand_ratio = requests / open drivers in the zone over the last 60 s.\n",
        },
      ],
    },
  );
  const events = [
    {
      at: "2026-06-12T15:30:00Z",
      kind: "ops.annotation",
      labels: { source: "ipma", city: "lis" },
      message: "IPMA orange warning: thunderstorms and heavy rain, Lisboa district, 16:30-20:00 local",
    },
    {
      at: "2026-06-12T16:05:00Z",
      kind: "ops.annotation",
      labels: { source: "city-events-calendar", city: "lis" },
      message: "Benfica - Sporting, Estádio da Luz, kick-off 17:15 local (expected attendance 61000)",
    },
  ];
  return { series, logs, changes, events };
}

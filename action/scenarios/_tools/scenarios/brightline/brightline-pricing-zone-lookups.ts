/**
 * Friday morning commute. trip-pricing-svc (6 pods, pricing-prod) consumes rides.trip-events.v3 on
 * kafka-rides-euw1 and, for every trip event, calls zone-catalog synchronously to resolve the H3
 * cell to a pricing zone. At 08:04 zone-catalog starts answering slowly (its own database: a seq
 * scan on zone_polygons after last night's vacuum; visible only in zone-catalog's logs and its
 * server latency). trip-pricing-svc's client p99 to zone-catalog goes from ~15 ms to ~400 ms and
 * its consume rate falls from "keeps up" to ~170 msg/s while producers keep writing ~270 msg/s.
 * Lag grows on all 12 partitions evenly; membership stays at 6.
 *
 * Decisive: consume rate of trip-pricing-svc on kafka-rides falls at 08:05 while the topic's
 * produce rate follows its usual morning curve; trip-history-writer on the same topic keeps up;
 * zone-catalog latency rises first (08:04); members flat.
 * Red herrings: the same group name on kafka-billing-euw1 is healthy; a rolling restart of
 * trip-pricing-svc at 04:10 left rebalance lines (and a members dip) hours before; rider-promo-svc
 * deployed at 07:58; trip-pricing-svc deployed at 08:31 (README-only change, after the onset); the
 * zone-catalog /healthz probe stays flat (it does not touch the database); the event-age gauge
 * that pages as a second alert is a consequence.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, note, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, firesAt, healthyGroup, k8sLog, noiseLogs, probes, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-pricing-zone-lookups";

export function build(): Telemetry {
  const rand = new Rand(51001);
  const now = at("2026-05-08T08:52:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const slowFrom = at("2026-05-08T08:04:00Z");
  const restartAt = at("2026-05-08T04:10:00Z");
  // zone-catalog mean latency seen by the client (ms): ~4 ms, then climbing to ~34 ms within 6 minutes.
  const zoneMs = (t: number) => (t < slowFrom ? 4 : 4 + 30 * Math.min(1, (t - slowFrom) / (6 * MIN)));
  const perMember = (t: number) => (1000 / (zoneMs(t) + 5.5)) * 0.95; // single poll loop per pod
  const produce = (t: number) => 320 * commute(t);
  const [pricing, history] = simulateTopic(
    { cluster: "rides", topic: "rides.trip-events.v3", partitions: 12, produce: (t) => produce(t) / 12, initialOffset: 4_812_000_000 / 12 },
    [
      {
        group: "trip-pricing-svc",
        members: 6,
        memberCapacity: (t) => perMember(t),
        membersAt: (t) => (t >= restartAt && t < restartAt + 4 * MIN ? rand.pick([5, 5, 6]) : 6),
        stall: (t) => (t >= restartAt && t < restartAt + 4 * MIN ? 0.3 : 0),
      },
      { group: "trip-history-writer", members: 4, memberCapacity: () => 260 },
    ],
    ax,
    rand,
  );
  note(id, `lag sum > 20000 for 5m first at ${iso(firesAt(pricing!, 20_000, 5 * MIN) ?? 0)}; lag now ${pricing!.lagSum.at(-1)}`);
  const series = [...pricing!.series, ...history!.series];
  // The same group name on the billing cluster: fare adjustments, healthy all along.
  series.push(...healthyGroup("billing", "billing.fare-adjustments.v1", "trip-pricing-svc", 6, 6, (t) => 14 * commute(t, 0.4), ax, rand, 93_400_000).series);
  series.push(...healthyGroup("rides", "matching.driver-offers.v1", "offer-analytics-sink", 6, 2, (t) => 210 * commute(t), ax, rand, 1_902_000_000).series);

  // Micrometer client/server timers (summaries with percentiles).
  const client = { job: "trip-pricing-svc", namespace: "pricing-prod", app: "trip-pricing-svc", method: "GET", outcome: "SUCCESS", status: "200" };
  series.push(
    gauge(
      { __name__: "http_client_requests_seconds", ...client, client_name: "zone-catalog", uri: "/v2/zones/{h3}", quantile: "0.99" },
      ax,
      (t) => rand.jitter(t < slowFrom ? 0.015 : 0.015 + 0.39 * Math.min(1, (t - slowFrom) / (6 * MIN)), 0.08),
      4,
    ),
  );
  series.push(
    gauge(
      { __name__: "http_client_requests_seconds", ...client, client_name: "zone-catalog", uri: "/v2/zones/{h3}", quantile: "0.5" },
      ax,
      (t) => rand.jitter((zoneMs(t) / 1000) * 0.8, 0.08),
      4,
    ),
  );
  series.push(
    gauge(
      { __name__: "http_client_requests_seconds", ...client, client_name: "fx-rates", uri: "/v1/rates/{ccy}", quantile: "0.99" },
      ax,
      () => rand.jitter(0.022, 0.1),
      4,
    ),
  );
  series.push(
    gauge(
      {
        __name__: "http_server_requests_seconds",
        job: "zone-catalog",
        namespace: "geo-prod",
        app: "zone-catalog",
        method: "GET",
        uri: "/v2/zones/{h3}",
        status: "200",
        outcome: "SUCCESS",
        quantile: "0.99",
      },
      ax,
      (t) => rand.jitter(t < slowFrom ? 0.011 : 0.011 + 0.38 * Math.min(1, (t - slowFrom) / (5 * MIN)), 0.08),
      4,
    ),
  );
  // Age of the newest trip event trip-pricing-svc has priced (what the second alert watches): a consequence of the lag.
  const ageIdx = (t: number) => Math.round((t - ax.start) / MIN);
  series.push(
    gauge(
      { __name__: "trip_pricing_event_age_seconds", job: "trip-pricing-svc", namespace: "pricing-prod", app: "trip-pricing-svc" },
      ax,
      (t) => Math.max(1.5, rand.jitter(1.6, 0.2) + pricing!.lagSum[ageIdx(t)]! / Math.max(1, produce(t))),
      1,
    ),
  );
  series.push(...probes(ax, rand, [PROBE.zoneCatalog, PROBE.riderApi, PROBE.schemaRegistryRides]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const pods = ["7f9c6d5b8-2xk4q", "7f9c6d5b8-8hvzn", "7f9c6d5b8-c6jw2", "7f9c6d5b8-lq9rt", "7f9c6d5b8-p4m7d", "7f9c6d5b8-zt5gb"].map(
    (s) => `trip-pricing-svc-${s}`,
  );
  const log = (t: number, r: number, level: string, thread: string, logger: string, msg: string) =>
    k8sLog(logs, t, "pricing-prod", "trip-pricing-svc", pods[r]!, level, springLine(t, level, thread, logger, msg));
  const cities = ["lis", "opo", "mad", "par", "ber"];
  for (const t of times(ax)) {
    for (let r = 0; r < 6; r++) {
      if (rand.chance(0.2)) {
        const z = Math.max(2, Math.round(rand.jitter(zoneMs(t), 0.35) * (rand.chance(0.1) ? 4 : 1)));
        log(
          t + rand.uniform(0, MIN),
          r,
          "info",
          "pricing-worker-0",
          "c.b.pricing.TripPricer",
          `priced trip=trp_${rand.hex(10)} city=${rand.pick(cities)} zone=${rand.pick(["z-lis-baixa", "z-lis-parque", "z-mad-centro", "z-par-11", "z-opo-ribeira"])} quote_eur=${rand.uniform(6, 32).toFixed(2)} zone_lookup_ms=${z} total_ms=${z + rand.int(3, 8)}`,
        );
      }
      if (t >= slowFrom + MIN && rand.chance(0.3)) {
        log(
          t + rand.uniform(0, MIN),
          r,
          "warn",
          "pricing-worker-0",
          "c.b.pricing.zones.ZoneCatalogClient",
          `slow response from zone-catalog GET /v2/zones/8a39${rand.hex(11)} took ${rand.int(180, 820)} ms (budget 50 ms)`,
        );
      }
      if (rand.chance(0.004)) {
        log(
          t + rand.uniform(0, MIN),
          r,
          "warn",
          "kafka-coordinator-heartbeat-thread | trip-pricing-svc",
          "o.a.k.c.NetworkClient",
          `[Consumer clientId=consumer-trip-pricing-svc-${r + 1}, groupId=trip-pricing-svc] Disconnecting from node ${rand.int(0, 5)} due to request timeout.`,
        );
      }
    }
    if (t >= slowFrom && rand.chance(0.5)) {
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "geo-prod",
        "zone-catalog",
        `zone-catalog-5c8d7b6f4-${rand.pick(["9kq2m", "v7xnd", "h2pw8"])}`,
        "warn",
        `level=warn msg="slow query" query=zones_by_h3 duration=${rand.int(240, 900)}ms rows_examined=${rand.int(180000, 214000)} plan="Seq Scan on zone_polygons"`,
      );
    } else if (rand.chance(0.3)) {
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "geo-prod",
        "zone-catalog",
        `zone-catalog-5c8d7b6f4-${rand.pick(["9kq2m", "v7xnd", "h2pw8"])}`,
        "info",
        `level=info msg="request" method=GET path=/v2/zones/8a39${rand.hex(11)} status=200 duration=${t >= slowFrom ? rand.int(200, 700) : rand.int(2, 9)}ms`,
      );
    }
  }
  // The 04:10 rolling restart (node pool upgrade): one eager rebalance per pod, then quiet.
  for (let r = 0; r < 6; r++) {
    const t = restartAt + r * 35 * SEC;
    log(t, r, "info", "main", "o.s.b.StartupInfoLogger", `Starting TripPricingApplication v2.30.4 using Java 21.0.3 with PID 1`);
    log(t + 9 * SEC, r, "info", "main", "o.a.k.common.utils.AppInfoParser", "Kafka version: 3.7.1");
    for (let o = 0; o < 6; o++) {
      log(
        t + 11 * SEC + o * 150,
        o,
        "info",
        "pricing-worker-0",
        "o.a.k.c.c.i.ConsumerCoordinator",
        `[Consumer clientId=consumer-trip-pricing-svc-${o + 1}, groupId=trip-pricing-svc] Revoke previously assigned partitions rides.trip-events.v3-${o}, rides.trip-events.v3-${o + 6}`,
      );
      log(
        t + 12 * SEC + o * 150,
        o,
        "info",
        "pricing-worker-0",
        "o.a.k.c.c.i.ConsumerCoordinator",
        `[Consumer clientId=consumer-trip-pricing-svc-${o + 1}, groupId=trip-pricing-svc] (Re-)joining group`,
      );
      log(
        t + 15 * SEC + o * 150,
        o,
        "info",
        "pricing-worker-0",
        "o.a.k.c.c.i.ConsumerCoordinator",
        `[Consumer clientId=consumer-trip-pricing-svc-${o + 1}, groupId=trip-pricing-svc] Adding newly assigned partitions: rides.trip-events.v3-${o}, rides.trip-events.v3-${o + 6}`,
      );
    }
  }

  const changes = backgroundChanges(now, rand);
  changes.deployments.push(
    {
      repo: "brightline/rider-promo-svc",
      service: "rider-promo-svc",
      environment: "production",
      ref: "v3.12.0",
      sha: "a4c19e07d2b35f6e8190c7d4b2a3f5e6d7c8b9a0",
      at: "2026-05-08T07:58:12Z",
      status: "success",
    },
    {
      repo: "brightline/trip-pricing-svc",
      service: "trip-pricing-svc",
      environment: "production",
      ref: "v2.30.5",
      sha: "e91d3c5b7a08f2146d9e0b3c8a7f6e5d4c3b2a19",
      at: "2026-05-08T08:31:40Z",
      status: "success",
    },
  );
  changes.commits.push(
    {
      repo: "brightline/rider-promo-svc",
      sha: "a4c19e07d2b35f6e8190c7d4b2a3f5e6d7c8b9a0",
      at: "2026-05-08T07:41:03Z",
      author: "ines.carvalho",
      message: "promo: SUMMER26 campaign rules",
      files: [
        {
          path: "src/main/resources/campaigns/summer26.yaml",
          status: "added",
          patch: "@@ -0,0 +1,14 @@\n+code: SUMMER26\n+discount_pct: 15\n+cities: [lis, opo]\n",
        },
      ],
    },
    {
      repo: "brightline/trip-pricing-svc",
      sha: "e91d3c5b7a08f2146d9e0b3c8a7f6e5d4c3b2a19",
      at: "2026-05-08T08:24:51Z",
      author: "tiago.reis",
      message: "docs: link the pricing dashboard from the README",
      files: [
        {
          path: "README.md",
          status: "modified",
          patch: "@@ -3,6 +3,8 @@ Prices trips from trip events.\n \n+Dashboard: https://grafana.brightline.internal/d/pricing-overview\n+\n",
        },
      ],
    },
  );
  return { series, logs, changes };
}

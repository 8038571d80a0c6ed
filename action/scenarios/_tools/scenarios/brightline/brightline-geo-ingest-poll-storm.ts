/**
 * Paris scooters come back online after the overnight LTE maintenance window. Their firmware
 * flushes the pings it buffered while offline as "trace" records: the same number of messages,
 * but a fifth of them now carry the 2-10 minutes of GPS points buffered offline (about 130 points
 * on average) instead of one. geo-ingest (Python,
 * confluent-kafka, 6 pods in fleet-prod) consumes fleet.vehicle-pings.v2 on kafka-fleet-euw1 in
 * batches of 2000 messages with max.poll.interval.ms=120000. From 06:50 a batch takes 150-200 s to
 * map-match and write, longer than the poll interval: librdkafka leaves the group, the batch's
 * commit fails, its partitions move to another member that redoes the work and is itself evicted.
 * The group rebalances every few minutes, consumption saw-tooths and lag builds on all partitions.
 *
 * Decisive: kafka_consumergroup_members{group="geo-ingest"} oscillates from 06:5x; MAXPOLL /
 * ILLEGAL_GENERATION / on_revoke lines and GroupCoordinator "Preparing to rebalance" lines;
 * kafka.group.rebalanced events. The database is fine (probe flat, max transaction time flat) and
 * geo-ingest writes MORE points per second than before.
 * Red herrings: broker bytes-in for the topic rises 5x (heavier records) while messages-in stays
 * flat, so it looks like a traffic spike to a bytes dashboard; geo-ingest was deployed at 02:10
 * (one clean rebalance then); a platform-config commit at 06:58 touches only the Alloy scrape
 * config of another namespace; one psycopg reconnect warning at 04:31.
 * Labels: kafka-fleet uses `cluster` and `group` (not kafka_cluster / consumer_group).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, note, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, firesAt, healthyGroup, k8sLog, noiseLogs, probes, simulateTopic } from "../../brightline/lib.js";

export const id = "brightline-geo-ingest-poll-storm";

export function build(): Telemetry {
  const rand = new Rand(52002);
  const now = at("2026-05-19T07:40:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const flush = at("2026-05-19T06:50:00Z");
  const deployAt = at("2026-05-19T02:10:00Z");
  // Points per message: 1 normally; the share of trace records ramps up over 10 minutes after the flush.
  const traceShare = (t: number) => (t < flush ? 0 : Math.min(0.2, 0.2 * ((t - flush) / (4 * MIN))));
  const pointsPerMsg = (t: number) => 1 + traceShare(t) * 130;
  // Rebalance cycles: an eviction (one member gone), then a rejoin, every 3-5 minutes from 06:56.
  const cycle = new Map<number, "evict" | "rejoin">();
  for (let t = at("2026-05-19T06:53:00Z"); t <= now;) {
    cycle.set(t, "evict");
    cycle.set(t + MIN, "rejoin");
    t += rand.int(3, 5) * MIN;
  }
  cycle.set(deployAt, "rejoin");
  const phase = (t: number) => cycle.get(t - (t % MIN));
  const produce = (t: number) => 1500 * commute(t, 0.3);
  const [geo, parking] = simulateTopic(
    { cluster: "fleet", topic: "fleet.vehicle-pings.v2", partitions: 12, produce: (t) => produce(t) / 12, initialOffset: 61_200_000_000 / 12 },
    [
      {
        group: "geo-ingest",
        members: 6,
        // ~350 points/s per pod before and after: the work per message grows with the points it carries.
        memberCapacity: (t) => 350 / pointsPerMsg(t),
        stall: (t) => (phase(t) === "evict" ? 0.75 : phase(t) === "rejoin" ? (t < flush ? 0.3 : 0.55) : 0),
        membersAt: (t) =>
          phase(t) === "evict" && t > flush
            ? rand.pick([3, 4, 4, 5])
            : phase(t) === "rejoin" && t > flush
              ? rand.pick([5, 6])
              : t >= deployAt && t < deployAt + MIN
                ? 5
                : 6,
      },
      { group: "parking-violation-detector", members: 3, memberCapacity: () => 900 },
    ],
    ax,
    rand,
  );
  note(id, `geo-ingest lag > 250000 for 5m first at ${iso(firesAt(geo!, 250_000, 5 * MIN) ?? 0)}; lag now ${geo!.lagSum.at(-1)}`);
  const series = [...geo!.series, ...parking!.series];
  series.push(...healthyGroup("fleet", "fleet.scooter-status.v1", "battery-health-svc", 16, 8, (t) => 380 * commute(t, 0.4), ax, rand, 8_410_000_000).series);

  const idx = (t: number) => Math.round((t - ax.start) / MIN);
  // geo-ingest's own metrics (prometheus_client): points written, batch duration.
  const appL = { job: "geo-ingest", namespace: "fleet-prod", app: "geo-ingest" };
  series.push(
    counter(
      { __name__: "geo_ingest_points_written_total", ...appL },
      ax,
      91_300_000_000,
      (t) => geo!.consumed[idx(t)]! * pointsPerMsg(t) * rand.uniform(0.85, 1.0),
    ),
  );
  series.push(
    gauge(
      { __name__: "geo_ingest_batch_duration_seconds", ...appL, quantile: "0.99" },
      ax,
      (t) => rand.jitter(Math.min(240, ((2000 * pointsPerMsg(t)) / 350) * 1.25), 0.06),
      1,
    ),
  );
  series.push(
    gauge(
      { __name__: "geo_ingest_batch_duration_seconds", ...appL, quantile: "0.5" },
      ax,
      (t) => rand.jitter(Math.min(200, ((2000 * pointsPerMsg(t)) / 350) * 0.95), 0.06),
      1,
    ),
  );
  // TimescaleDB (postgres_exporter) stays healthy.
  const pg = { job: "postgres-exporter", namespace: "fleet-prod", instance: "geo-timescale-0:9187", server: "geo-timescale.fleet-prod.svc.cluster.local:5432" };
  series.push(gauge({ __name__: "pg_up", ...pg }, ax, () => 1, 0));
  series.push(gauge({ __name__: "pg_stat_activity_max_tx_duration", ...pg, datname: "geo", state: "active" }, ax, () => rand.uniform(0.2, 1.9), 3));
  // Broker JMX: bytes in jumps with the heavier records, messages in does not.
  for (let b = 0; b < 3; b++) {
    const jmx = { job: "kafka-jmx", cluster: "kafka-fleet-euw1", pod: `kafka-fleet-kafka-${b}`, broker_id: String(b), topic: "fleet.vehicle-pings.v2" };
    series.push(
      counter({ __name__: "kafka_server_brokertopicmetrics_messagesin_total", ...jmx }, ax, 20_400_000_000, (t) => rand.jitter(produce(t) / 3, 0.04)),
    );
    series.push(
      counter({ __name__: "kafka_server_brokertopicmetrics_bytesin_total", ...jmx }, ax, 9.1e12, (t) =>
        rand.jitter((produce(t) / 3) * (410 + traceShare(t) * 130 * 52), 0.04),
      ),
    );
  }
  series.push(...probes(ax, rand, [PROBE.timescale, PROBE.riderApi]));

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const pods = [
    "geo-ingest-6b5d8c7f9-4dkhq",
    "geo-ingest-6b5d8c7f9-8zr2w",
    "geo-ingest-6b5d8c7f9-b7nxc",
    "geo-ingest-6b5d8c7f9-jq5mv",
    "geo-ingest-6b5d8c7f9-s2tfl",
    "geo-ingest-6b5d8c7f9-xw9pd",
  ];
  const pyTs = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
  const log = (t: number, r: number, level: "info" | "warn" | "error", logger: string, msg: string) =>
    k8sLog(logs, t, "fleet-prod", "geo-ingest", pods[r]!, level, `${pyTs(t)} ${{ info: "INFO", warn: "WARNING", error: "ERROR" }[level]} [${logger}] ${msg}`);
  const rdk = (t: number, r: number, sev: number, fac: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "fleet-prod",
      "geo-ingest",
      pods[r]!,
      sev <= 3 ? "error" : sev === 4 ? "warn" : "info",
      `%${sev}|${(t / 1000).toFixed(3)}|${fac}|rdkafka#consumer-1| [thrd:main]: ${msg}`,
    );
  const broker = (t: number, level: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "kafka-fleet",
      "kafka",
      "kafka-fleet-kafka-1",
      level,
      `${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")} ${level.toUpperCase()} ${msg}`,
    );
  const parts = (r: number) => `[fleet.vehicle-pings.v2 [${r}], fleet.vehicle-pings.v2 [${r + 6}]]`;
  let generation = 4408;
  for (const t of times(ax)) {
    const heavy = t >= flush;
    for (let r = 0; r < 6; r++) {
      if (rand.chance(0.3)) {
        const pts = Math.round(2000 * pointsPerMsg(t) * rand.uniform(0.8, 1.2));
        log(
          t + rand.uniform(0, MIN),
          r,
          "info",
          "geo_ingest.batch",
          `batch done msgs=2000 points=${pts} h3_cells=${Math.round(pts * 0.31)} took=${((pts / 350) * rand.uniform(0.9, 1.1)).toFixed(1)}s`,
        );
      }
    }
    const p = phase(t);
    if (p === "evict" && heavy) {
      const r = rand.int(0, 5);
      rdk(
        t + 2 * SEC,
        r,
        4,
        "MAXPOLL",
        `Application maximum poll interval (120000ms) exceeded by ${rand.int(9000, 80000)}ms (adjust max.poll.interval.ms for long-running message processing): leaving group`,
      );
      log(t + 3 * SEC, r, "info", "geo_ingest.consumer", `on_revoke: partitions revoked ${parts(r)}`);
      log(
        t + rand.uniform(30, 55) * SEC,
        r,
        "error",
        "geo_ingest.consumer",
        `commit failed, batch will be redelivered: KafkaError{code=${rand.pick(['ILLEGAL_GENERATION,val=22,str="Commit failed: Broker: Specified group generation id is not valid"', 'UNKNOWN_MEMBER_ID,val=25,str="Commit failed: Broker: Unknown member"'])}}`,
      );
      broker(
        t + 4 * SEC,
        "info",
        `[GroupCoordinator 1]: Preparing to rebalance group geo-ingest in state PreparingRebalance with old generation ${generation} (__consumer_offsets-17) (reason: Removing member rdkafka-${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)} on LeaveGroup; client reason: not provided) (kafka.coordinator.group.GroupCoordinator)`,
      );
      for (let o = 0; o < 6; o++)
        if (o !== r && rand.chance(0.7)) log(t + rand.uniform(5, 25) * SEC, o, "info", "geo_ingest.consumer", `on_revoke: partitions revoked ${parts(o)}`);
    }
    if (p === "rejoin") {
      generation++;
      broker(
        t + 40 * SEC,
        "info",
        `[GroupCoordinator 1]: Stabilized group geo-ingest generation ${generation} (__consumer_offsets-17) with ${heavy ? rand.int(5, 6) : 6} members (kafka.coordinator.group.GroupCoordinator)`,
      );
      for (let o = 0; o < 6; o++) log(t + rand.uniform(42, 58) * SEC, o, "info", "geo_ingest.consumer", `on_assign: partitions assigned ${parts(o)}`);
    }
  }
  // Deploy at 02:10: pods replaced one by one.
  for (let r = 0; r < 6; r++)
    log(
      deployAt + r * 6 * SEC,
      r,
      "info",
      "geo_ingest.main",
      "starting geo-ingest 4.18.0 (confluent-kafka 2.4.0, librdkafka 2.4.0) max.poll.interval.ms=120000 batch=2000",
    );
  log(at("2026-05-19T04:31:17Z"), 2, "warn", "geo_ingest.db", "psycopg.OperationalError: server closed the connection unexpectedly; reconnecting (attempt 1)");
  log(at("2026-05-19T04:31:18Z"), 2, "info", "geo_ingest.db", "reconnected to geo-timescale.fleet-prod.svc.cluster.local:5432");
  for (const t of times(ax))
    if (rand.chance(0.02))
      rdk(
        t + rand.uniform(0, MIN),
        rand.int(0, 5),
        5,
        "FETCH",
        `[thrd:ssl://kafka-fleet-kafka-${rand.int(0, 2)}.kafka-fleet-kafka-brokers.kafka-fleet.svc:9093/bootstrap]: Fetch backoff for ${rand.int(100, 500)}ms: Broker: Not leader for partition`,
      );

  const events = [...cycle.entries()]
    .filter(([t, p]) => p === "rejoin" && t >= flush)
    .map(([t]) => ({
      at: iso(t + 40 * SEC),
      kind: "kafka.group.rebalanced",
      labels: { cluster: "kafka-fleet-euw1", group: "geo-ingest" },
      message: "group geo-ingest stabilized after a rebalance (range assignor)",
    }));
  events.unshift({
    at: iso(deployAt + 50 * SEC),
    kind: "kafka.group.rebalanced",
    labels: { cluster: "kafka-fleet-euw1", group: "geo-ingest" },
    message: "group geo-ingest stabilized after a rebalance (range assignor)",
  });

  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/geo-ingest",
    service: "geo-ingest",
    environment: "production",
    ref: "v4.18.0",
    sha: "0d7e3f9a2b4c6e8f1a3b5c7d9e0f2a4b6c8d0e1f",
    at: iso(deployAt),
    status: "success",
  });
  changes.commits.push(
    {
      repo: "brightline/geo-ingest",
      sha: "0d7e3f9a2b4c6e8f1a3b5c7d9e0f2a4b6c8d0e1f",
      at: "2026-05-19T01:48:20Z",
      author: "yusuf.demir",
      message: "h3: cache parent cells at resolution 7",
      files: [{ path: "geo_ingest/h3index.py", status: "modified", patch: "@@ -22,6 +22,9 @@ def index(points):\n+    parents = _parent_cache.get(cell)\n" }],
    },
    {
      repo: "brightline/platform-config",
      sha: "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
      at: "2026-05-19T06:58:41Z",
      author: "acosta",
      message: "alloy: scrape promo-prod pods on the metrics port",
      files: [
        {
          path: "alloy/scrape/promo-prod.alloy",
          status: "modified",
          patch: '@@ -4,7 +4,7 @@ discovery.relabel "promo" {\n-    regex = "8080"\n+    regex = "9090"\n',
        },
      ],
    },
  );
  return { series, logs, events, changes };
}

/**
 * Three links. At 13:36 orders-enricher 1.15.0 was merged into the GitOps repo (Argo CD synced it
 * by 13:41): every customer lookup now asks customer-profile-api to expand the customer's order
 * history. The profile API's database saturates and all its requests slow down, /healthz included
 * (a slower dependency). With ~1 s per lookup, a 500-record batch outlives max.poll.interval.ms
 * (5 min): members are evicted and the group rebalances over and over (a storm). The deepest cause
 * with evidence is the release itself.
 */
import { PROBES, backgroundKafka, noiseLogs, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, diurnal, iso, note, ramp, times, type Telemetry } from "../lib.js";

export const id = "orders-release-chain";

export const DEPLOYMENT_PATCH = `@@ -18,10 +18,12 @@ spec:
       containers:
         - name: enricher
-          image: shopfront/orders-enricher:1.14.2
+          image: shopfront/orders-enricher:1.15.0
           env:
             - name: PROFILE_API_URL
               value: http://customer-profile-api.commerce.svc.cluster.local:8080
+            - name: PROFILE_EXPAND
+              value: "orders,addresses"
             - name: KAFKA_CONFIG
               value: /etc/orders-enricher/consumer.yaml
`;

export function build(): Telemetry {
  const rand = new Rand(9909);
  const now = at("2026-03-09T14:09:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const rolled = at("2026-03-09T13:41:00Z");
  const stormFrom = at("2026-03-09T13:47:00Z");
  const cycle = new Map<number, "evict" | "rejoin">();
  for (let t = stormFrom; t <= now;) {
    cycle.set(t, "evict");
    cycle.set(t + MIN, "rejoin");
    t += rand.int(3, 5) * MIN;
  }
  const phase = (t: number) => cycle.get(t - (t % MIN));
  const rollout = (t: number) => t >= at("2026-03-09T13:38:00Z") && t < rolled;
  const group = simulateGroup(
    {
      topic: "orders.v1",
      group: "orders-enricher",
      partitions: 12,
      members: 6,
      produce: (t) => (430 * diurnal(t, 19, 0.3)) / 12,
      capacity: (t) => 900 - 780 * ramp(t, rolled - 2 * MIN, rolled + MIN),
      stall: (t) => (phase(t) === "evict" ? 0.5 : phase(t) === "rejoin" ? 0.9 : 0),
      membersAt: (t) => (rollout(t) ? rand.pick([6, 7]) : phase(t) === "evict" ? rand.pick([4, 5]) : phase(t) === "rejoin" ? rand.pick([5, 6]) : 6),
      initialOffset: 74_900_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 50000 for 5m first at ${new Date(firesAt(group, 50_000, 5 * MIN) ?? 0).toISOString()}`);
  const apiLatency = (t: number) => 0.034 + 0.62 * ramp(t, rolled - 2 * MIN, rolled + 2 * MIN);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand, { [PROBES.customerProfile]: apiLatency })];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const pods = (v: string) => ["a1", "b2", "c3", "d4", "e5", "f6"].map((s) => `orders-enricher-${v}-${s}x9`);
  for (const t of times(ax)) {
    const v = t >= rolled ? "58d4f7c9b" : "6f7d9c8bd";
    for (let r = 0; r < 6; r++) {
      const labels = { service: "orders-enricher", namespace: "streaming", pod: pods(v)[r]!, level: "info" };
      if (t >= rolled) {
        if (rand.chance(0.8))
          logs.add(
            t + rand.uniform(0, MIN),
            { ...labels, level: "warn" },
            `slow lookup GET /v1/customers/${rand.int(1000000, 9999999)}?expand=orders,addresses took ${rand.int(700, 1900)}ms`,
          );
      } else if (rand.chance(0.3)) {
        logs.add(t + rand.uniform(0, MIN), labels, `committed offsets batch_size=500 partitions=${r},${r + 6} took_ms=${rand.int(2100, 4200)}`);
      }
    }
    if (t >= at("2026-03-09T13:39:00Z") && t < rolled) {
      logs.add(
        t + 20 * SEC,
        { service: "orders-enricher", namespace: "streaming", pod: pods("58d4f7c9b")[rand.int(0, 5)]!, level: "info" },
        "orders-enricher 1.15.0 starting (profile expand: orders,addresses)",
      );
    }
    const p = phase(t);
    if (p === "evict") {
      const r = rand.int(0, 5);
      const labels = { service: "orders-enricher", namespace: "streaming", pod: pods("58d4f7c9b")[r]!, level: "warn" };
      logs.add(
        t + 3 * SEC,
        labels,
        `%4|${Math.floor(t / 1000)}.${rand.int(100, 999)}|MAXPOLL|rdkafka#consumer-1| [thrd:main]: Application maximum poll interval (300000ms) exceeded by ${rand.int(100, 90000)}ms (adjust max.poll.interval.ms for long-running message processing): leaving group`,
      );
      logs.add(
        t + 35 * SEC,
        { ...labels, level: "error" },
        `commit failed: KafkaError{code=REBALANCE_IN_PROGRESS,val=27,str="Commit failed: Broker: Group rebalance in progress"}`,
      );
    }
    if (p === "rejoin") {
      for (let r = 0; r < 6; r++) {
        const labels = { service: "orders-enricher", namespace: "streaming", pod: pods("58d4f7c9b")[r]!, level: "info" };
        logs.add(t + rand.uniform(0, 20) * SEC, labels, `on_revoke: partitions revoked [orders.v1 [${r}], orders.v1 [${r + 6}]]`);
        logs.add(t + rand.uniform(25, 55) * SEC, labels, `on_assign: partitions assigned [orders.v1 [${r}], orders.v1 [${r + 6}]]`);
      }
    }
  }
  const sha = "4c8e1a7f3b9d5e2c6a0f8b4d1e7c3a9f5b2d8e6c";
  return {
    series,
    logs,
    events: [
      {
        at: "2026-03-09T13:41:02Z",
        kind: "argocd.sync.succeeded",
        labels: { application: "orders-enricher", namespace: "streaming", revision: sha.slice(0, 7) },
        message: "Sync to 4c8e1a7 succeeded; rollout of orders-enricher complete (6/6 ready)",
      },
      ...[...cycle.entries()]
        .filter(([, x]) => x === "rejoin")
        .map(([t]) => ({
          at: iso(t + 50 * SEC),
          kind: "kafka.group.rebalanced",
          labels: { consumergroup: "orders-enricher", cluster: "kafka-prod" },
          message: "group orders-enricher completed a rebalance",
        })),
    ],
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha,
          at: "2026-03-09T13:36:44Z",
          author: "mkowalski",
          message: "orders-enricher 1.15.0: add order history to enrichment for fraud features (#311)",
          files: [{ path: "pipelines/orders-enricher/deployment.yaml", status: "modified", patch: DEPLOYMENT_PATCH }],
        },
        {
          repo: "shopfront/data-platform",
          sha: "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
          at: "2026-03-09T12:58:10Z",
          author: "rnair",
          message: "inventory: add fulfilment centre lis1",
          files: [
            {
              path: "airflow/dags/inventory_sync.py",
              status: "modified",
              patch: '@@ -12,6 +12,7 @@ FULFILMENT_CENTRES = [\n     "ams1",\n     "mad1",\n+    "lis1",\n ]\n',
            },
          ],
        },
      ],
      deployments: [
        {
          repo: "shopfront/recommendations",
          service: "recommendations-api",
          environment: "production",
          ref: "v42.0.1",
          sha: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f",
          at: "2026-03-09T13:20:31Z",
          status: "success",
        },
      ],
    },
  };
}

/**
 * 10:58: the checkout team merges a new required field `fulfilment_type` (no default) into the
 * order event's Avro schema in the data-platform repository; at 11:14 checkout v88 is deployed
 * and registers the schema on first use. The Schema Registry refuses it (BACKWARD compatibility,
 * HTTP 409) and every send fails: nothing is written to orders.v1 from 11:15. orders-enricher is
 * healthy and idle; its lag is zero because there is nothing to read.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, diurnal, times, type Telemetry } from "../lib.js";

export const id = "orders-schema-rejected";

export const SCHEMA_PATCH = `@@ -58,6 +58,11 @@
     {"name": "currency", "type": "string"},
     {"name": "amount_minor", "type": "long"},
     {"name": "promo_code", "type": ["null", "string"], "default": null},
+    {
+      "name": "fulfilment_type",
+      "type": {"type": "enum", "name": "FulfilmentType", "symbols": ["SHIP", "PICKUP", "LOCKER"]},
+      "doc": "How the order is fulfilled."
+    },
     {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
   ]
 }
`;

export function build(): Telemetry {
  const rand = new Rand(3636);
  const now = at("2026-06-18T11:37:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const broken = at("2026-06-18T11:14:50Z");
  const group = simulateGroup(
    {
      topic: "orders.v1",
      group: "orders-enricher",
      partitions: 12,
      members: 6,
      produce: (t) => (t >= broken ? 0 : (300 * diurnal(t, 19, 0.3)) / 12),
      capacity: () => 900,
      initialOffset: 121_700_000,
    },
    ax,
    rand,
  );
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand)];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t < broken) continue;
    for (let j = 0; j < 3; j++) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "checkout", namespace: "storefront", level: "error" },
        `order event not published order_id=${rand.int(80000000, 89999999)}: org.apache.kafka.common.errors.SerializationException: Error registering Avro schema{"type":"record","name":"OrderEvent",...}\nCaused by: io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: Schema being registered is incompatible with an earlier schema for subject "orders.v1-value", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'fulfilment_type' at path '/fields/12' in the new schema has no default value and is missing in the old schema'}]; error code: 409`,
      );
    }
    if (rand.chance(0.5))
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "orders-enricher", namespace: "streaming", pod: "orders-enricher-6f7d9c8bd-x2k4p", level: "info" },
        "no messages in the last 60s (assigned partitions: 0, 6)",
      );
  }
  for (let k = 0; k < 6; k++)
    logs.add(
      broken - 40 * SEC + k * 5 * SEC,
      { service: "checkout", namespace: "storefront", level: "info" },
      `checkout v88.0.0 started (pod checkout-5f6d7c8b9-${k}abcd)`,
    );
  const bg = backgroundChanges(now, rand);
  return {
    series,
    logs,
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "2c4e6a8b0d1f3e5a7c9b2d4f6e8a0c1b3d5f7a9e",
          at: "2026-06-18T10:58:16Z",
          author: "vmartins",
          message: "orders.v1: add fulfilment_type to the order event (#1609)",
          files: [{ path: "schemas/orders.v1/order_event.avsc", status: "modified", patch: SCHEMA_PATCH }],
        },
      ],
      deployments: [
        ...bg.deployments,
        {
          repo: "shopfront/checkout",
          service: "checkout",
          environment: "production",
          ref: "v88.0.0",
          sha: "6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d",
          at: "2026-06-18T11:14:02Z",
          status: "success",
        },
      ],
    },
  };
}

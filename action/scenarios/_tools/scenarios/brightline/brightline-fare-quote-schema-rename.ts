/**
 * At 13:41 a pricing engineer renames `surge_multiplier` to `surge_factor` in the FareQuote Avro
 * schema (brightline/event-schemas, avro/pricing/fare_quote.avsc) without an alias or default.
 * fare-quote-publisher v4.8.0 picks up event-schemas 2.15.0 and rolls out between 14:02 and
 * 14:04:30. Its KafkaAvroSerializer auto-registers the new schema on first send; Schema Registry
 * (subject pricing.fare-quotes.v2-value, compatibility BACKWARD) answers 409. Every send of a new
 * pod throws SerializationException; once the last old pod is gone the topic receives nothing.
 * quote-audit-sink, the topic's consumer, has nothing to read: its consume rate falls to 0 and
 * its lag stays at ~0.
 *
 * Decisive: produce rate of pricing.fare-quotes.v2 -> 0 from 14:04 (other topics normal); 409 on
 * POST /subjects/pricing.fare-quotes.v2-value/versions in Schema Registry's access log;
 * "Schema being registered is incompatible with an earlier schema" in the producer; the .avsc
 * commit and the producer deploy just before. Schema Registry itself is up (probe, 200s on reads).
 * Red herrings: the consumer's consume rate drops (nothing to consume, lag ~0); Schema Registry
 * had a few 503s during its own rolling update at 11:20 (long before); rider-promo-svc deployed
 * at 13:50.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, iso, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, healthyGroup, k8sLog, noiseLogs, probes, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-fare-quote-schema-rename";

export function build(): Telemetry {
  const rand = new Rand(57007);
  const now = at("2026-06-23T14:32:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const pods = ["fare-quote-publisher-6f4d9b7c5-8kx2p", "fare-quote-publisher-6f4d9b7c5-m3qvt", "fare-quote-publisher-6f4d9b7c5-zr7hn"];
  const newPods = ["fare-quote-publisher-5c8e2a9d4-b6wfj", "fare-quote-publisher-5c8e2a9d4-j2tnq", "fare-quote-publisher-5c8e2a9d4-x9lmc"];
  const rollout = [at("2026-06-23T14:02:20Z"), at("2026-06-23T14:03:25Z"), at("2026-06-23T14:04:30Z")];
  const oldAlive = (t: number) => rollout.filter((r) => t < r).length; // old pods still serving
  const quotes = (t: number) => 140 * commute(t, 0.3); // fare quotes per second, all pods
  const produced = (t: number) => quotes(t) * (oldAlive(t) / 3);
  const [audit] = simulateTopic(
    { cluster: "rides", topic: "pricing.fare-quotes.v2", partitions: 6, produce: (t) => produced(t) / 6, initialOffset: 1_050_000_000 },
    [{ group: "quote-audit-sink", members: 2, memberCapacity: () => 300 }],
    ax,
    rand,
  );
  const series = [...audit!.series];
  series.push(...healthyGroup("rides", "rides.ride-requests.v2", "surge-signal-builder", 12, 4, (t) => 160 * commute(t, 0.3), ax, rand, 115_000_000).series);
  series.push(...healthyGroup("rides", "rides.trip-events.v3", "trip-history-writer", 12, 4, (t) => 300 * commute(t), ax, rand, 401_500_000).series);
  // fare-quote-publisher's own counter (Micrometer), per result.
  const app = { job: "fare-quote-publisher", namespace: "pricing-prod", app: "fare-quote-publisher", topic: "pricing.fare-quotes.v2" };
  series.push(counter({ __name__: "fare_quotes_published_total", ...app, result: "ok" }, ax, 2_910_000_000, (t) => produced(t)));
  series.push(
    counter(
      { __name__: "fare_quotes_published_total", ...app, result: "error" },
      ax,
      1_204,
      (t) => quotes(t) - produced(t) + (rand.chance(0.02) ? 0.02 : 0),
      0,
    ),
  );
  series.push(
    ...probes(ax, rand, [PROBE.schemaRegistryRides, PROBE.riderApi, PROBE.zoneCatalog], {
      [PROBE.schemaRegistryRides]: { ok: (t) => (t >= at("2026-06-23T11:20:00Z") && t < at("2026-06-23T11:21:00Z") ? 0 : 1) },
    }),
  );

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.35);
  const srLog = (t: number, status: number, method: string, path: string, ms: number) =>
    k8sLog(
      logs,
      t,
      "kafka-rides",
      "schema-registry",
      `schema-registry-${rand.pick(["0", "1"])}`,
      status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      `[${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")}] INFO 10.42.${rand.int(1, 60)}.${rand.int(2, 250)} - - [${new Date(t)
        .toUTCString()
        .slice(5, 25)
        .replace(/ /g, "/")
        .replace(
          /\/(\d\d:)/,
          ":$1",
        )} +0000] "${method} ${path} HTTP/1.1" ${status} ${status === 409 ? 163 : rand.int(60, 2400)} "-" "Java/21.0.3" ${ms} (io.confluent.rest-utils.requests)`,
    );
  for (const t of times(ax)) {
    if (rand.chance(0.5))
      srLog(
        t + rand.uniform(0, MIN),
        200,
        "GET",
        `/schemas/ids/${rand.pick([1184, 1207, 1311, 1342, 1355])}?fetchMaxId=false&subject=${rand.pick(["rides.trip-events.v3-value", "rides.ride-requests.v2-value", "pricing.fare-quotes.v2-value"])}`,
        rand.int(1, 6),
      );
    const np = 3 - oldAlive(t);
    for (let k = 0; k < np; k++) {
      const sends = Math.round((quotes(t) / 3) * 60);
      for (let j = 0; j < 2; j++)
        srLog(t + rand.uniform(0, MIN), 409, "POST", "/subjects/pricing.fare-quotes.v2-value/versions?normalize=false", rand.int(3, 11));
      if (rand.chance(0.6))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "pricing-prod",
          "fare-quote-publisher",
          newPods[k]!,
          "error",
          springLine(
            t,
            "error",
            "quote-publisher-1",
            "c.b.pricing.quotes.QuotePublisher",
            `failed to publish fare quote quote=fq_${rand.hex(12)} city=${rand.pick(["lis", "mad", "par"])}\norg.apache.kafka.common.errors.SerializationException: Error registering Avro schema{"type":"record","name":"FareQuote","namespace":"com.brightline.pricing.v2","fields":[{"name":"quote_id","type":"string"},{"name":"trip_request_id","type":"string"},{"name":"city","type":"string"},{"name":"base_fare_cents","type":"long"},{"name":"surge_factor","type":"double"},{"name":"currency","type":"string"},{"name":"quoted_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}\n\tat io.confluent.kafka.serializers.AbstractKafkaSchemaSerDe.toKafkaException(AbstractKafkaSchemaSerDe.java:261)\n\tat io.confluent.kafka.serializers.AbstractKafkaAvroSerializer.serializeImpl(AbstractKafkaAvroSerializer.java:168)\n\tat io.confluent.kafka.serializers.KafkaAvroSerializer.serialize(KafkaAvroSerializer.java:68)\n\tat org.apache.kafka.clients.producer.KafkaProducer.doSend(KafkaProducer.java:1000)\n\tat com.brightline.pricing.quotes.QuotePublisher.publish(QuotePublisher.java:88)\nCaused by: io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: Schema being registered is incompatible with an earlier schema for subject "pricing.fare-quotes.v2-value", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'surge_factor' at path '/fields/4' in the new schema has no default value and is missing in the old schema', additionalInfo:'surge_factor'}, {oldSchemaVersion: 7}, {oldSchema: '{"type":"record","name":"FareQuote","namespace":"com.brightline.pricing.v2","fields":[...]}'}, {validateFields: 'false', compatibility: 'BACKWARD'}]; error code: 409 (dropped ${sends - rand.int(0, 40)} quotes in the last minute)`,
          ),
        );
    }
    for (let k = 0; k < 3; k++) {
      if (t < rollout[k]! && rand.chance(0.25))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "pricing-prod",
          "fare-quote-publisher",
          pods[k]!,
          "info",
          springLine(
            t,
            "info",
            "quote-publisher-1",
            "c.b.pricing.quotes.QuotePublisher",
            `published ${rand.int(2400, 3100)} fare quotes in 60s (p99 send 4 ms)`,
          ),
        );
    }
    if (rand.chance(0.3))
      k8sLog(
        logs,
        t + rand.uniform(0, MIN),
        "pricing-prod",
        "quote-audit-sink",
        "quote-audit-sink-79d8c6b5f-qq4zs",
        "info",
        springLine(
          t,
          "info",
          "s3-flusher",
          "c.b.audit.S3Flusher",
          `flushed ${Math.round(audit!.consumed[Math.round((t - ax.start) / MIN)]! * 60 * rand.uniform(0.9, 1.1))} records to s3://bl-pricing-audit-euw1/fare_quotes/dt=2026-06-23/`,
        ),
      );
  }
  // Schema Registry's own rolling update at 11:20: a minute of 503s, long before the onset.
  for (let j = 0; j < 6; j++)
    srLog(
      at("2026-06-23T11:20:05Z") + j * 8 * SEC,
      503,
      "GET",
      `/schemas/ids/${rand.pick([1184, 1207, 1311])}?fetchMaxId=false&subject=rides.trip-events.v3-value`,
      rand.int(1, 3),
    );
  k8sLog(
    logs,
    at("2026-06-23T11:20:03Z"),
    "rides-prod",
    "trip-history-writer",
    "trip-history-writer-7b8c9d6f5-4kq2x",
    "warn",
    springLine(
      at("2026-06-23T11:20:03Z"),
      "warn",
      "history-worker-0",
      "i.c.k.s.client.rest.RestService",
      "Failed to send HTTP request to endpoint: http://schema-registry.kafka-rides.svc.cluster.local:8081/schemas/ids/1207?fetchMaxId=false (status 503), retrying",
    ),
  );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    {
      repo: "brightline/event-schemas",
      sha: "9b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d",
      at: "2026-06-23T13:41:37Z",
      author: "marta.sousa",
      message: "pricing: FareQuote.surge_multiplier -> surge_factor (matches the pricing API)",
      files: [
        {
          path: "avro/pricing/fare_quote.avsc",
          status: "modified",
          patch:
            '@@ -8,7 +8,7 @@\n     {"name": "city", "type": "string"},\n     {"name": "base_fare_cents", "type": "long"},\n-    {"name": "surge_multiplier", "type": "double", "default": 1.0},\n+    {"name": "surge_factor", "type": "double"},\n     {"name": "currency", "type": "string"},\n',
        },
      ],
    },
    {
      repo: "brightline/fare-quote-publisher",
      sha: "4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a",
      at: "2026-06-23T13:55:02Z",
      author: "marta.sousa",
      message: "bump event-schemas to 2.15.0; set surge_factor",
      files: [
        {
          path: "pom.xml",
          status: "modified",
          patch: "@@ -61,7 +61,7 @@\n       <artifactId>event-schemas</artifactId>\n-      <version>2.14.0</version>\n+      <version>2.15.0</version>\n",
        },
        {
          path: "src/main/java/com/brightline/pricing/quotes/QuoteMapper.java",
          status: "modified",
          patch: "@@ -40,7 +40,7 @@ public FareQuote toEvent(Quote q) {\n-        .setSurgeMultiplier(q.surge())\n+        .setSurgeFactor(q.surge())\n",
        },
      ],
    },
    {
      repo: "brightline/rider-promo-svc",
      sha: "7d9f1b3e5a7c9e1b3d5f7a9c1e3b5d7f9b1d3f5a",
      at: "2026-06-23T13:44:19Z",
      author: "ines.carvalho",
      message: "promo: expire WELCOME5 after 30 days",
      files: [{ path: "src/main/resources/campaigns/welcome5.yaml", status: "modified", patch: "@@ -2,3 +2,4 @@ code: WELCOME5\n+expires_after_days: 30\n" }],
    },
  );
  changes.deployments.push(
    {
      repo: "brightline/rider-promo-svc",
      service: "rider-promo-svc",
      environment: "production",
      ref: "v3.12.3",
      sha: "7d9f1b3e5a7c9e1b3d5f7a9c1e3b5d7f9b1d3f5a",
      at: "2026-06-23T13:50:31Z",
      status: "success",
    },
    {
      repo: "brightline/fare-quote-publisher",
      service: "fare-quote-publisher",
      environment: "production",
      ref: "v4.8.0",
      sha: "4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a",
      at: iso(at("2026-06-23T14:02:10Z")),
      status: "success",
    },
  );
  return { series, logs, changes };
}

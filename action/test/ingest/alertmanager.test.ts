import { describe, expect, it } from "vitest";
import { link } from "../../src/ingest/sources/link.js";
import { AlertSchema } from "../../src/model/index.js";
import { accepted, clone, ingest, rejected } from "./helpers.js";

/** A current (v0.27+) webhook: two alerts of one group, one firing and one resolved. */
const current = {
  version: "4",
  groupKey: '{}/{severity="page"}:{alertname="KafkaConsumerGroupLagHigh"}',
  truncatedAlerts: 0,
  status: "firing",
  receiver: "pipemedic\\.relay",
  groupLabels: { alertname: "KafkaConsumerGroupLagHigh" },
  commonLabels: { alertname: "KafkaConsumerGroupLagHigh", env: "prod", severity: "critical" },
  commonAnnotations: {},
  externalURL: "http://alertmanager.example:9093",
  alerts: [
    {
      status: "firing",
      labels: {
        alertname: "KafkaConsumerGroupLagHigh",
        consumergroup: "orders-enricher",
        topic: "orders.v1",
        env: "prod",
        severity: "critical",
        job: "kafka-exporter",
        pipeline: "orders-streaming",
      },
      annotations: { summary: "orders-enricher lag above 50k on orders.v1", description: "Lag grew for 10 minutes." },
      startsAt: "2026-03-14T01:52:27.531Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "/graph?g0.expr=kafka_consumergroup_lag",
      fingerprint: "3c1d9a7e52b04f18",
    },
    {
      status: "resolved",
      labels: { alertname: "KafkaConsumerGroupLagHigh", consumergroup: "billing", topic: "invoices", env: "prod", severity: "critical" },
      annotations: { summary: "billing lag above 50k on invoices" },
      startsAt: "2026-03-14T00:10:00Z",
      endsAt: "2026-03-14T01:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph?g0.expr=x",
      fingerprint: "9d0e1f2a3b4c5d6e",
    },
  ],
};

/** An older (pre-0.19) webhook: no per-alert status, fingerprint or generatorURL; Go's nanosecond times with an offset. */
const older = {
  version: "4",
  groupKey: '{}:{alertname="high_memory_load"}',
  status: "firing",
  receiver: "teams_proxy",
  groupLabels: { alertname: "high_memory_load" },
  commonLabels: { alertname: "high_memory_load", monitor: "master", severity: "warning" },
  commonAnnotations: { summary: "Prometheus Test" },
  externalURL: "http://localhost:9093",
  alerts: [
    {
      labels: { alertname: "high_memory_load", instance: "node-1", job: "docker_nodes", monitor: "master", severity: "warning" },
      annotations: { description: "node-1 reported high memory usage with 23.28%." },
      startsAt: "2018-03-07T06:33:21.873077559-05:00",
      endsAt: "0001-01-01T00:00:00Z",
    },
  ],
};

describe("alertmanager", () => {
  it("splits one POST into one alert per entry, with each alert's own status", () => {
    const alerts = accepted(ingest(current), "alertmanager");
    expect(alerts.map((a) => a.status)).toEqual(["firing", "resolved"]);
    for (const a of alerts) expect(AlertSchema.parse(a)).toEqual(a);
  });

  it("maps title, severity, labels, times, pipeline, service and environment", () => {
    const [a, b] = accepted(ingest(current));
    expect(a).toMatchObject({
      title: "orders-enricher lag above 50k on orders.v1",
      severity: "critical",
      fingerprint: "3c1d9a7e52b04f18",
      fingerprintComputed: false,
      startsAt: "2026-03-14T01:52:27.531Z",
      endsAt: null,
      pipeline: "orders-streaming",
      service: "kafka-exporter",
      environment: "prod",
      raw: { delivery: "test-delivery", index: 0 },
    });
    expect(a!.labels.alertname).toBe("KafkaConsumerGroupLagHigh");
    expect(b!.endsAt).toBe("2026-03-14T01:00:00.000Z");
    expect(b!.raw.index).toBe(1);
  });

  it("resolves a relative generatorURL against externalURL and keeps absolute ones", () => {
    const [a, b] = accepted(ingest(current));
    expect(a!.links).toEqual([{ title: "source", url: "http://alertmanager.example:9093/graph?g0.expr=kafka_consumergroup_lag" }]);
    expect(b!.links[0]!.url).toBe("http://prometheus.example:9090/graph?g0.expr=x");
  });

  it("drops a relative generatorURL when there is no absolute base, and links that are not http(s)", () => {
    const body = clone(current);
    body.externalURL = "";
    body.alerts[1]!.generatorURL = "javascript:alert(1)";
    const [a, b] = accepted(ingest(body));
    expect(a!.links).toEqual([]);
    expect(b!.links).toEqual([]);
  });

  it("resolves every link as if nothing had been read before it (the cache of resolved URLs is keyed by base and value, and bounded)", () => {
    const bases = ["http://am.example", "https://other.example:9093/", "", undefined, "ftp://x.example"];
    for (let i = 0; i < 2500; i++) {
      const value = i % 3 === 0 ? "/graph" : `/graph?n=${i % 1200}`;
      const base = bases[i % bases.length];
      const want = typeof base === "string" && /^https?:\/\//.test(base) ? new URL(value, base).toString() : null;
      expect(link("source", value, base)).toEqual(want === null ? [] : [{ title: "source", url: want }]);
    }
  });

  it("reads an older payload: group status stands in, fingerprint computed from all labels and flagged", () => {
    const [a] = accepted(ingest(older), "alertmanager");
    expect(a!.status).toBe("firing");
    expect(a!.fingerprintComputed).toBe(true);
    expect(a!.fingerprint).toMatch(/^alertmanager:[0-9a-f]{16}$/);
    expect(a!.startsAt).toBe("2018-03-07T11:33:21.873Z");
    expect(a!.title).toBe("Prometheus Test");
    expect(a!.severity).toBe("medium");
    const other = clone(older);
    other.alerts[0]!.labels.instance = "node-2";
    expect(accepted(ingest(other))[0]!.fingerprint).not.toBe(a!.fingerprint);
  });

  it("does not infer status from endsAt", () => {
    const body = clone(older);
    body.alerts[0]!.endsAt = "2018-03-07T07:00:00Z";
    expect(accepted(ingest(body))[0]!.status).toBe("firing");
  });

  it("gives the same ids when the same body is delivered again, and different ids per occurrence", () => {
    const first = accepted(ingest(current, {}, {}, "d1")).map((a) => a.id);
    const again = accepted(ingest(current, {}, {}, "d1")).map((a) => a.id);
    expect(again).toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{16}$/);
    const later = clone(current);
    later.alerts[0]!.startsAt = "2026-03-15T01:52:27.531Z";
    expect(accepted(ingest(later))[0]!.id).not.toBe(first[0]);
    const resolved = clone(current);
    resolved.alerts[0]!.status = "resolved";
    expect(accepted(ingest(resolved))[0]!.id).not.toBe(first[0]);
  });

  it("names the field of a mistyped payload", () => {
    const labels = clone(current) as { alerts: Array<Record<string, unknown>> };
    labels.alerts[1]!.labels = 42;
    expect(rejected(ingest(labels))).toBe("alertmanager: alerts[1].labels: expected an object of strings, got number");
    const value = clone(current) as { alerts: Array<{ labels: Record<string, unknown> }> };
    value.alerts[0]!.labels.topic = { nested: true };
    expect(rejected(ingest(value))).toBe("alertmanager: alerts[0].labels.topic: expected a string, got an object");
    const status = clone(current) as { alerts: Array<Record<string, unknown>> };
    status.alerts[0]!.status = "pending";
    expect(rejected(ingest(status))).toMatch(/^alertmanager: alerts\[0\]\.status: expected "firing" or "resolved"/);
    const time = clone(current);
    time.alerts[0]!.startsAt = "yesterday at noon";
    expect(rejected(ingest(time))).toMatch(/^alertmanager: alerts\[0\]\.startsAt: expected an RFC 3339 time/);
  });

  it("rejects a notification without alerts", () => {
    expect(rejected(ingest({ ...current, alerts: [] }))).toBe("alertmanager: alerts: the notification holds no alerts");
  });

  it("rejects control characters in labels, naming the label", () => {
    const body = clone(current);
    body.alerts[0]!.labels.topic = "orders\u001b[31m";
    expect(rejected(ingest(body))).toBe("alertmanager: alerts[0].labels.topic: contains the control character U+001B; remove it at the source");
  });

  it("keeps multi-line annotations", () => {
    const body = clone(current);
    body.alerts[0]!.annotations.description = "line one\nline two\ttabbed";
    expect(accepted(ingest(body))[0]!.annotations.description).toBe("line one\nline two\ttabbed");
  });

  it("never lets a label named __proto__ through", () => {
    const body = JSON.stringify(current).replace('"consumergroup":', '"__proto__":"x","consumergroup":');
    expect(rejected(ingest(body))).toMatch(/alerts\[0\]\.labels\.__proto__: "__proto__" cannot be used/);
  });
  it("keeps the notification group for correlation as annotations, never labels: fingerprints and ids stay as they were", () => {
    const [a, b] = accepted(ingest(current));
    for (const x of [a!, b!]) {
      expect(x.annotations).toMatchObject({ group_key: current.groupKey, group_labels: "alertname=KafkaConsumerGroupLagHigh" });
      expect(x.labels.group_key).toBeUndefined();
    }
    const bare = clone(current) as Partial<typeof current>;
    delete bare.groupKey;
    delete bare.groupLabels;
    const [c] = accepted(ingest(bare));
    expect(c!.annotations.group_key).toBeUndefined();
    expect(c!.fingerprint).toBe(a!.fingerprint);
    expect(c!.id).toBe(a!.id);
    // A group key that is not plain text is left out; the alerts are recorded all the same.
    const odd = clone(current);
    odd.groupKey = '{}:{a="\u0007"}';
    expect(accepted(ingest(odd))[0]!.annotations.group_key).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { patchConfig } from "../../src/remediate/patch.js";
import { allowedPath, configFileByName, reversePatch } from "../../src/remediate/propose.js";
import { ConfigSchema } from "../../src/model/index.js";

describe("patchConfig", () => {
  it("sets a dotted Kafka key in YAML and keeps comments and order", () => {
    const before = "# consumer settings\ngroup.id: orders-enricher  # do not change\nmax.poll.interval.ms: 300000\nmax.poll.records: 500\n";
    const out = patchConfig("c.yaml", before, { "max.poll.interval.ms": 600000 });
    expect(out.content).toBe("# consumer settings\ngroup.id: orders-enricher # do not change\nmax.poll.interval.ms: 600000\nmax.poll.records: 500\n");
    expect(out.changes).toEqual([{ key: "max.poll.interval.ms", from: 300000, to: 600000 }]);
  });

  it("addresses nested maps with dotted keys when they exist", () => {
    const out = patchConfig("c.yaml", "pool:\n  slots: 16 # peak load\n", { "pool.slots": 32 });
    expect(out.content).toBe("pool:\n  slots: 32 # peak load\n");
  });

  it("sets a key where it already lives deeper (a Helm values file's consumer properties), when it lives in one place", () => {
    const values = 'kafka:\n  group: geo-ingest\n  consumer:\n    session.timeout.ms: "45000"\n    max.poll.interval.ms: "120000" # librdkafka\n';
    const out = patchConfig("values.yaml", values, { "max.poll.interval.ms": 600000 });
    expect(out.content).toBe('kafka:\n  group: geo-ingest\n  consumer:\n    session.timeout.ms: "45000"\n    max.poll.interval.ms: 600000 # librdkafka\n');
    expect(out.changes).toEqual([{ key: "max.poll.interval.ms", from: "120000", to: 600000 }]);
    // in two places it is ambiguous: the key is added at the top, where a reviewer sees it
    const twice = "a:\n  max.poll.interval.ms: 1\nb:\n  max.poll.interval.ms: 2\n";
    expect(patchConfig("v.yaml", twice, { "max.poll.interval.ms": 3 }).content).toContain("\nmax.poll.interval.ms: 3\n");
  });

  it("patches JSON keeping its indentation", () => {
    const out = patchConfig("c.json", '{\n    "workers": 2\n}\n', { workers: 4 });
    expect(out.content).toBe('{\n    "workers": 4\n}\n');
  });

  it("refuses a broken YAML file with a clear error", () => {
    expect(() => patchConfig("bad.yaml", "a: [1,\n", { a: 1 })).toThrow(/bad\.yaml: not valid YAML/);
  });
});

describe("fix safety", () => {
  const config = ConfigSchema.parse({});
  it("never touches workflows, absolute paths or traversal", () => {
    expect(allowedPath(".github/workflows/ci.yml", config)).toMatch(/workflow/);
    expect(allowedPath("/etc/passwd", config)).toMatch(/not a relative path/);
    expect(allowedPath("a/../../b", config)).toMatch(/not a relative path/);
    expect(allowedPath("pipelines/orders/consumer.yaml", config)).toBeNull();
    expect(allowedPath("src/x.py", ConfigSchema.parse({ remediation: { allowed_paths: ["pipelines/**"] } }))).toMatch(/allowed_paths/);
  });

  it("reverses a unified diff hunk, and refuses when the file moved on", () => {
    const patch = "@@ -1,3 +1,3 @@\n a: 1\n-timeout: 30\n+timeout: 5\n c: 3\n";
    expect(reversePatch("a: 1\ntimeout: 5\nc: 3\n", patch)).toBe("a: 1\ntimeout: 30\nc: 3\n");
    expect(reversePatch("a: 1\ntimeout: 9\nc: 3\n", patch)).toBeNull();
  });
});

describe("configFileByName (no knowledge names the config)", () => {
  const problem = (service: string) =>
    ({ subjects: { service: [{ value: service, origin: "discovery", from: "streams" }] } }) as unknown as import("../../src/model/index.js").Problem;
  const head = (files: Record<string, string>) => ({ read: async (p: string) => files[p] ?? null, list: async () => Object.keys(files).sort() });
  const config = ConfigSchema.parse({});

  it("finds the one config file that names the subject and holds the keys, and nothing when it is ambiguous", async () => {
    const files = {
      "apps/geo-ingest/values-prod.yaml": "kafka:\n  consumer:\n    max.poll.interval.ms: 1\n",
      "apps/geo-ingest/README.md": "max.poll.interval.ms",
      "apps/other/values.yaml": "max.poll.interval.ms: 1\n",
      "incidents/2026/05/geo-ingest/x.yaml": "max.poll.interval.ms: 1\n",
    };
    expect(await configFileByName(problem("geo-ingest"), head(files), ["max.poll.interval.ms"], config)).toBe("apps/geo-ingest/values-prod.yaml");
    const two = { ...files, "apps/geo-ingest/values-staging.yaml": "max.poll.interval.ms: 1\n" };
    expect(await configFileByName(problem("geo-ingest"), head(two), ["max.poll.interval.ms"], config)).toBeNull();
    expect(await configFileByName(problem("geo-ingest"), head(files), ["not.there"], config)).toBeNull();
  });
});

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "scenarios");
const BASIC = join(FIXTURES, "replay-basic");

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "pipemedic-load-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of the fixture scenario that a test may break. */
async function copyOfBasic(name: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(BASIC, dir, { recursive: true });
  return dir;
}

describe("loadScenario", () => {
  it("reads scenario.yaml, ignoring unknown fields, and keeps every documented one", async () => {
    const s = await loadScenario(BASIC);
    expect(s.meta.id).toBe("replay-basic");
    expect(s.meta.now).toBe("2026-03-14T02:10:00Z");
    expect(s.meta.expect).toMatchObject({
      root_cause: "kafka-lag-slow-consumer",
      not: ["kafka-lag-rebalance-storm"],
      acceptable: [],
      incidents: 1,
      pipelines: ["orders-streaming"],
      onset: "2026-03-14T01:48:00Z",
      fix: { kind: "config-patch", path: "pipelines/orders/consumer.yaml" },
    });
  });

  it("attaches headers (lower-cased) to their body, never as an alert, and orders alerts by delivery time", async () => {
    const s = await loadScenario(BASIC);
    expect(s.alerts.map((a) => a.file)).toEqual(["02-sentry.json", "01-alertmanager.json"]);
    const sentry = s.alerts[0]!;
    expect(sentry.headers).toEqual({ "sentry-hook-resource": "event_alert", "x-attempt": "2" });
    expect(sentry.at).toBe("2026-03-14T02:01:00Z");
    const am = s.alerts[1]!;
    expect(am.at).toBe("2026-03-14T02:10:00Z");
    expect(am.headers).toEqual({});
    expect((JSON.parse(am.body) as { alerts: Array<{ fingerprint: string }> }).alerts[0]!.fingerprint).toBe("a1b2c3d4e5f60718");
  });

  it("keys knowledge/, runbooks/, repo/ and history/ the way memory and the store read them", async () => {
    const s = await loadScenario(BASIC);
    expect(Object.keys(s.knowledge)).toEqual(["knowledge/pipelines/orders-streaming.md"]);
    expect(Object.keys(s.runbooks)).toEqual(["runbooks/fixture-lag.md"]);
    expect(s.repo).toEqual({ "pipelines/orders/consumer.yaml": "max.poll.interval.ms: 300000\n" });
    expect(Object.keys(s.history)).toEqual(["incidents/2026/03/2026-03-01-orders-lag-ab12/README.md"]);
  });

  it("reads logs.jsonl line by line, skipping blank lines", async () => {
    const s = await loadScenario(BASIC);
    expect(s.telemetry.logs).toHaveLength(5);
    expect(s.telemetry.logs[1]!.line).toContain("CommitFailedException");
  });

  it("names the folder when scenario.yaml is missing and says what it needs", async () => {
    const dir = join(tmp, "empty-scenario");
    await mkdir(dir, { recursive: true });
    await expect(loadScenario(dir)).rejects.toThrow(/empty-scenario\/scenario\.yaml: missing \(fix: every scenario folder needs a scenario\.yaml/);
    await expect(loadScenario(join(tmp, "does-not-exist"))).rejects.toThrow(/does-not-exist: no such scenario folder/);
  });

  it("names file and field of a schema error, with a fix", async () => {
    const dir = await copyOfBasic("no-root-cause");
    const yaml = await readFile(join(dir, "scenario.yaml"), "utf8");
    await writeFile(join(dir, "scenario.yaml"), yaml.replace(/^ {2}root_cause: .*\n/m, ""));
    await expect(loadScenario(dir)).rejects.toThrow(
      /no-root-cause\/scenario\.yaml: expect\.root_cause: Required \(fix: name the expected cause: an id from docs\/root-causes\.md, or unknown\)/,
    );
  });

  it("gives the line of a malformed value", async () => {
    const dir = await copyOfBasic("bad-now");
    const yaml = await readFile(join(dir, "scenario.yaml"), "utf8");
    await writeFile(join(dir, "scenario.yaml"), yaml.replace("now: 2026-03-14T02:10:00Z", 'now: "yesterday"'));
    await expect(loadScenario(dir)).rejects.toThrow(/bad-now\/scenario\.yaml:4: now: .*"yesterday" \(fix: write the investigation clock as RFC 3339/);
  });

  it("names the line of a broken logs.jsonl entry", async () => {
    const dir = await copyOfBasic("bad-logs");
    await writeFile(join(dir, "telemetry", "logs.jsonl"), '{"ts":"2026-03-14T01:00:00Z","line":"ok"}\n{"ts":"2026-03-14T01:00:00Z"}\n');
    await expect(loadScenario(dir)).rejects.toThrow(/bad-logs\/telemetry\/logs\.jsonl:2: line: Required/);
  });

  it("refuses a deliver entry for a file that is not in alerts/", async () => {
    const dir = await copyOfBasic("bad-deliver");
    const yaml = await readFile(join(dir, "scenario.yaml"), "utf8");
    await writeFile(join(dir, "scenario.yaml"), yaml.replace("- file: 02-sentry.json", "- file: 09-missing.json"));
    await expect(loadScenario(dir)).rejects.toThrow(/deliver\[0\]\.file: no alert file "09-missing\.json"/);
  });

  it("requires at least one alert", async () => {
    const dir = await copyOfBasic("no-alerts");
    await rm(join(dir, "alerts"), { recursive: true });
    await expect(loadScenario(dir)).rejects.toThrow(/no-alerts\/alerts\/: no alert files \(fix: add at least one webhook body/);
  });

  it("makes a kind unavailable exactly when its file is missing, even when another file is empty", async () => {
    const dir = await copyOfBasic("partial");
    for (const f of ["logs.jsonl", "orchestrator.json", "warehouse.json", "events.json"]) await rm(join(dir, "telemetry", f));
    await writeFile(join(dir, "telemetry", "changes.json"), "{}");
    const s = await loadScenario(dir);
    expect([...replayTelemetry(s.telemetry).capabilities]).toEqual(["metrics", "changes"]);
    expect([...replayTelemetry((await loadScenario(BASIC)).telemetry).capabilities]).toEqual([
      "metrics",
      "logs",
      "changes",
      "events",
      "orchestrator",
      "warehouse",
    ]);
  });
});

describe("findScenarioDirs", () => {
  it("finds every folder with a scenario.yaml, recursively and sorted", async () => {
    const root = join(tmp, "suite");
    for (const d of ["b-two", "a-one", "nested/c-three", "not-a-scenario"]) await mkdir(join(root, d), { recursive: true });
    for (const d of ["b-two", "a-one", "nested/c-three"]) await writeFile(join(root, d, "scenario.yaml"), "version: 1\n");
    expect(await findScenarioDirs(root)).toEqual([join(root, "a-one"), join(root, "b-two"), join(root, "nested", "c-three")]);
    expect(await findScenarioDirs(join(tmp, "no-such-root"))).toEqual([]);
  });

  it("finds the fixture scenario", async () => {
    expect(await findScenarioDirs(FIXTURES)).toContain(BASIC);
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../../src/cli/index.js";
import { ExportError, exportIncident } from "../../src/eval/export.js";
import { projectMemory, replayLoaded, scenarioRepoFiles } from "../../src/eval/replay.js";
import type { Files, Scenario } from "../../src/model/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { updateFrontmatter } from "../../src/record/index.js";
import { MemoryStore } from "../../src/store/memory.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { differences, roundTrip } from "./roundtrip.js";
import { captureIo } from "../support/cli-io.js";

const SCENARIOS = join(PACKAGE_ROOT, "action", "scenarios");
const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));
let memory: Files;
beforeAll(async () => {
  memory = await projectMemory(PACKAGE_ROOT);
});

/** A fake terminal for the CLI: what it printed, and no environment. */
/** Replays a (possibly changed) scenario into a store and returns the store's files and the primary incident's folder. */
async function investigated(s: Scenario): Promise<{ store: MemoryStore; folder: string }> {
  const store = new MemoryStore(scenarioRepoFiles(s));
  const run = await replayLoaded(s, { projectRoot: PACKAGE_ROOT, memory, store: () => Promise.resolve(store) });
  const o = run.result.outcomes.find((x) => x.investigation);
  if (!o) throw new Error(`${s.meta.id}: nothing investigated`);
  return { store, folder: o.incident.path };
}

/** Writes a store's files under a directory, as a checkout of the repository would hold them. */
async function checkout(store: MemoryStore): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-repo-"));
  tmp.push(dir);
  const head = await store.snapshot();
  for (const path of await head.list("")) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), (await head.read(path))!);
  }
  return dir;
}

// Every golden scenario, every company's included: replay → export → replay gives the same result.
const dirs = await findScenarioDirs(SCENARIOS);

describe("history as tests: the round trip", () => {
  it("covers the golden suite", () => {
    expect(dirs.length).toBeGreaterThanOrEqual(100);
  });

  // Two replays each: ~1 s alone, several beside other test files on two cores.
  it.each(dirs.map((d) => [d.slice(SCENARIOS.length + 1), d]))(
    "%s: same top cause, verdicts per check and conclusion",
    { timeout: 120_000 },
    async (_name, dir) => {
      const trips = await roundTrip(dir, memory);
      expect(trips.length).toBeGreaterThan(0);
      for (const t of trips) {
        expect(t.exported, `${t.original.incident}: the export replayed to no investigated incident`).not.toBeNull();
        expect(differences(t.original, t.exported!), t.folder).toEqual([]);
        // Not vacuous: the original ran checks, and every verdict came back.
        expect(Object.keys(t.original.verdicts).length).toBeGreaterThan(0);
      }
    },
  );
});

describe("pipemedic export", () => {
  it("writes nothing that was not in the incident folder: a planted secret stays redacted", { timeout: 60_000 }, async () => {
    const s = await loadScenario(join(SCENARIOS, "loyalty-lag-poll-timeouts"));
    const secret = "hunter2-correct-horse-battery";
    // A consumer log line the rebalance check reads, carrying a credential, in the incident's window.
    const line = s.telemetry.logs.find((l) => /CommitFailed|poll/i.test(l.line))!;
    s.telemetry.logs.push({ ...line, line: `${line.line} password=${secret}` });
    const { store, folder } = await investigated(s);
    const head = await store.snapshot();
    const folderText = (await Promise.all((await head.list(folder)).map((p) => head.read(p)))).join("\n");
    expect(folderText).toContain("[REDACTED:password]");
    expect(folderText).not.toContain(secret);

    const exported = await exportIncident(head, folder);
    const all = Object.values(exported.files).join("\n");
    expect(all).not.toContain(secret);
    expect(exported.files["telemetry/logs.jsonl"]).toContain("[REDACTED:password]");
    // Every text of the exported alerts and telemetry is text of the folder (times and the exporter's own constants apart).
    // The webhook format's own field names are no data.
    const own = new Set([
      "pipemedic-export",
      "0001-01-01T00:00:00Z",
      "firing",
      "resolved",
      "4",
      "1",
      "",
      "receiver",
      "generatorURL",
      "groupLabels",
      "commonLabels",
      "commonAnnotations",
      "externalURL",
    ]);
    const leaves = (v: unknown): string[] =>
      typeof v === "string"
        ? [v]
        : Array.isArray(v)
          ? v.flatMap(leaves)
          : v && typeof v === "object"
            ? Object.entries(v).flatMap(([k, x]) => [k, ...leaves(x)])
            : [];
    const texts = Object.entries(exported.files).flatMap(([p, c]) =>
      p.endsWith(".jsonl")
        ? c
            .split("\n")
            .filter(Boolean)
            .flatMap((l) => leaves(JSON.parse(l) as unknown))
        : p.endsWith(".json")
          ? leaves(JSON.parse(c) as unknown)
          : [],
    );
    expect(texts.length).toBeGreaterThan(100);
    const foreign = [...new Set(texts)].filter(
      (t) => !own.has(t) && !/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z$/.test(t) && !folderText.includes(JSON.stringify(t).slice(1, -1)),
    );
    expect(foreign).toEqual([]);
  });

  it("takes the truth from a person's correction, and the fix from a merged pull request", { timeout: 60_000 }, async () => {
    const s = await loadScenario(join(SCENARIOS, "orders-lag-slow-dependency"));
    const { store, folder } = await investigated(s);
    const readme = `${folder}/README.md`;
    const head = await store.snapshot();
    const corrected = updateFrontmatter((await head.read(readme))!, {
      "feedback.actual_root_cause": "kafka-lag-traffic-spike",
      "fix.kind": "config-patch",
      "fix.state": "merged",
      "fix.pr": 12,
    });
    await store.commit("correction", () => Promise.resolve({ [readme]: corrected }));
    const exported = await exportIncident(await store.snapshot(), folder, { id: "orders-lag-corrected" });
    const yaml = exported.files["scenario.yaml"]!;
    expect(yaml).toContain("id: orders-lag-corrected");
    expect(yaml).toContain("root_cause: kafka-lag-traffic-spike");
    expect(yaml).toMatch(/fix:\n\s+kind: config-patch/);
    expect(yaml).toMatch(/tags:\n\s+- exported\n\s+- corrected\n\s+- fix-merged/);
    expect(yaml).toContain("now: 2026-02-10T19:24:00.000Z");
  });

  it("names the file, the field and the fix when a folder cannot make a scenario", { timeout: 60_000 }, async () => {
    const s = await loadScenario(join(SCENARIOS, "orders-lag-slow-dependency"));
    const { store, folder } = await investigated(s);
    const head = await store.snapshot();
    const without: Files = {};
    for (const p of await head.list(folder)) if (!p.endsWith("evidence/telemetry.json")) without[p] = (await head.read(p))!;
    const old = new MemoryStore(without);
    await expect(exportIncident(await old.snapshot(), folder)).rejects.toThrow(/evidence\/telemetry\.json: missing: .*fix: investigate it again/);

    const awaiting = new MemoryStore({
      ...without,
      [`${folder}/README.md`]: updateFrontmatter(without[`${folder}/README.md`]!, { investigation: "awaiting" }),
    });
    await expect(exportIncident(await awaiting.snapshot(), folder)).rejects.toThrow(/README\.md: investigation: awaiting: .*never investigated/);
    await expect(exportIncident(await old.snapshot(), "incidents/2026/02/nothing-here")).rejects.toBeInstanceOf(ExportError);
  });

  it("CLI: by id or folder, refuses a full --out without --force, and exits 2 on a usage mistake", { timeout: 60_000 }, async () => {
    const s = await loadScenario(join(SCENARIOS, "orders-lag-slow-dependency"));
    const { store, folder } = await investigated(s);
    const repo = await checkout(store);
    const id = folder.split("/").pop()!;
    const out = join(repo, "scenarios", id);

    let t = captureIo();
    expect(await cli(["export", id, "--repo", repo, "--out", out], t)).toBe(0);
    expect(t.stdout).toContain(`as scenario ${id}`);
    expect((await readdir(join(out, "alerts"))).sort()).toEqual(["01-alertmanager.json"]);
    expect((await readdir(join(out, "telemetry"))).sort()).toEqual(["changes.json", "logs.jsonl", "metrics.json"]);
    const again = await loadScenario(out);
    expect(again.meta.expect.root_cause).toBe("kafka-lag-slow-consumer");

    t = captureIo();
    expect(await cli(["export", join(repo, folder), "--out", out], t)).toBe(2);
    expect(t.stderr).toMatch(/the folder is not empty .*--force/);
    await writeFile(join(out, "alerts", "09-stale.json"), "{}");
    t = captureIo();
    expect(await cli(["export", join(repo, folder), "--out", out, "--force", "--json"], t)).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ scenario: id, files: expect.arrayContaining(["scenario.yaml", "alerts/01-alertmanager.json"]) as unknown });
    expect(await readdir(join(out, "alerts"))).toEqual(["01-alertmanager.json"]);

    t = captureIo();
    expect(await cli(["export", "2026-01-01-no-such-incident-0000", "--repo", repo, "--out", join(repo, "x")], t)).toBe(2);
    expect(t.stderr).toContain("no incident folder incidents/2026/01/2026-01-01-no-such-incident-0000");
    t = captureIo();
    expect(await cli(["export", "not an id"], t)).toBe(2);
    expect(t.stderr).toContain("neither an incident folder nor an incident id");
    t = captureIo();
    expect(await cli(["export", id, "--repo", repo, "--id", "Bad_Id"], t)).toBe(2);
    expect(await readFile(join(out, "scenario.yaml"), "utf8")).toContain(`id: ${id}`);
  });
});

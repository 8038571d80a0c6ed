import { join } from "node:path";
import type { Link, Nodes } from "mdast";
import { beforeAll, describe, expect, it } from "vitest";
import type { Delivery, Files, Incident } from "../../src/model/index.js";
import { ConfigSchema, IncidentIndexSchema, silentProgress } from "../../src/model/index.js";
import { projectMemory, scenarioRepoFiles } from "../../src/eval/replay.js";
import { lifecycleWindows } from "../../src/pipeline/correlate.js";
import { learnFromReview } from "../../src/pipeline/learning.js";
import { INDEX_MD, INDEX_PATH, scorecardPath, updateFrontmatter } from "../../src/record/index.js";
import { runPipeline } from "../../src/pipeline/index.js";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { rebuildHistory } from "../../src/report/rebuild.js";
import { MemoryStore } from "../../src/store/memory.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { alertmanagerNotification, shiftStartsAt } from "../support/payloads.js";
import { REPO_ROOT } from "../support/runner.js";
import { alert, fixture } from "./fixture.js";
import { MENTION, OWN_LINK, parsed } from "./mdast-helpers.js";
import { stringMatching } from "../support/match.js";

const T0 = Date.parse("2026-03-01T01:00:00Z");
const PROBLEMS = ["orders-streaming", "clickstream-ingest"];
const stormMemory = Object.fromEntries(
  PROBLEMS.map((p) => [`knowledge/pipelines/${p}.md`, `---\nid: ${p}\ncomponents: [{kind: kafka, consumer_group: ${p}-group}]\n---\n`]),
);

/** An Alertmanager notification for a problem: two alert names, three partitions, repeats and resolutions. */
function stormDelivery(problem: number, n: number, day = 0): Delivery {
  const status = n === 7 ? ("resolved" as const) : ("firing" as const);
  const group = `${PROBLEMS[problem]}-group`;
  const startsAt = new Date(T0 + day * 86_400_000 + problem * 60_000 + n * 1000).toISOString();
  const body = alertmanagerNotification({
    status,
    labels: {
      alertname: n % 2 ? "KafkaConsumerLagHigh" : "KafkaConsumerLagRising",
      consumergroup: group,
      partition: String(n % 3),
      severity: n === 3 ? "critical" : "warning",
    },
    startsAt,
    endsAt: status === "resolved" ? new Date(T0 + 3_600_000).toISOString() : "0001-01-01T00:00:00Z",
    fingerprint: `${problem}-${n % 3}-${n % 2}-${day}`,
  });
  return { id: `d-${problem}-${n}-${day}`, body: JSON.stringify(body), headers: {}, receivedAt: startsAt };
}

/** Every file under incidents/ in a store. */
async function incidentFiles(store: MemoryStore): Promise<Files> {
  const head = await store.snapshot();
  const out: Files = {};
  for (const p of await head.list("incidents")) out[p] = (await head.read(p))!;
  return out;
}

function without(files: Files, ...paths: string[]): Files {
  return Object.fromEntries(Object.entries(files).filter(([p]) => !paths.includes(p)));
}

// Correlation's grouping reasons are not kept in an incident folder; everything else is rebuilt as the pipeline wrote it.
const comparable = (i: Incident) => ({ ...i, groupingReasons: i.groupingReasons.length });

describe("rebuildHistory from what the pipeline commits", () => {
  let files: Files;
  let index: Incident[];
  let reviewed: { id: string; at: string };

  beforeAll(async () => {
    const scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "ledger-rebalance-storm"));
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    const now = Date.parse(scenario.meta.now);
    // An investigated incident, with a fix a reviewer merges.
    const investigated = await runPipeline(
      scenario.alerts.map((a) => ({ id: a.file, body: shiftStartsAt(a.body, 0), headers: a.headers, receivedAt: a.at })),
      { telemetry: replayTelemetry(scenario.telemetry), store, clock: { now: () => now }, progress: silentProgress },
      {
        config: ConfigSchema.parse({}),
        memory: await projectMemory(REPO_ROOT),
        overlay: { ...scenario.knowledge, ...scenario.runbooks },
        investigateAll: true,
      },
    );
    const o = investigated.outcomes[0]!;
    reviewed = { id: o.incident.id, at: new Date(now + 60_000).toISOString() };
    await learnFromReview(store, { branch: o.fix!.branch!, number: 7, merged: true, at: reviewed.at }, silentProgress);
    // Recorded-only incidents over two days: one run per delivery, with repeat firings, a resolution and re-deliveries.
    const ports = { telemetry: combineTelemetry([]), store, clock: { now: () => T0 + 2 * 86_400_000 }, progress: silentProgress };
    const config = ConfigSchema.parse({ investigate: { auto: [] } });
    const deliveries = [0, 1].flatMap((day) => PROBLEMS.flatMap((_, p) => Array.from({ length: 9 }, (_, n) => stormDelivery(p, n, day))));
    for (const d of [...deliveries, ...deliveries.slice(0, 3)]) await runPipeline([d], ports, { config, memory: stormMemory });
    files = await incidentFiles(store);
    index = (JSON.parse(files[INDEX_PATH]!) as { incidents: Incident[] }).incidents;
  });

  it("has something to rebuild: an investigated incident and recorded ones with duplicates and grouping", () => {
    expect(index.length).toBeGreaterThanOrEqual(5);
    expect(index.some((i) => i.investigation === "done" && i.rootCause?.status === "confirmed-by-review")).toBe(true);
    expect(index.some((i) => i.duplicates > 0)).toBe(true);
    expect(index.some((i) => i.groupingReasons.length > 0)).toBe(true);
    expect(index.some((i) => i.resolvedFingerprints.length > 0)).toBe(true);
  });

  // As `pipemedic index` renders the page: with the policy's windows, as the pipeline did.
  const windows = lifecycleWindows(ConfigSchema.parse({}));

  it("rebuilds, without index.json, the index the pipeline wrote", () => {
    const out = rebuildHistory(without(files, INDEX_PATH), { windows });
    expect(out.source).toBe("folders");
    expect(out.indexProblem).toMatch(/index\.json: missing/);
    expect(out.errors).toEqual([]);
    expect(out.incidents.map(comparable)).toEqual(index.map(comparable));
    // The merge resolved the investigated incident: its last change is the review, kept as resolved_at.
    expect(out.incidents.find((i) => i.id === reviewed.id)!.updatedAt).toBe(reviewed.at);
    expect(out.files[INDEX_MD]).toBe(files[INDEX_MD]);
    const newest = index.at(-1)!.openedAt.slice(0, 7);
    expect(out.files[scorecardPath(newest)]).toBeDefined();
  });

  it("rebuilds from a damaged index.json too, and from the folders when asked", () => {
    const damaged = rebuildHistory({ ...files, [INDEX_PATH]: files[INDEX_PATH]!.slice(0, 200) });
    expect(damaged.source).toBe("folders");
    expect(damaged.indexProblem).toMatch(/not valid JSON/);
    expect(damaged.incidents.map((i) => i.id)).toEqual(index.map((i) => i.id));
    const invalid = rebuildHistory({ ...files, [INDEX_PATH]: JSON.stringify({ version: 1, incidents: [{ id: "x" }] }) });
    expect(invalid.indexProblem).toMatch(/incidents\.0\./);
    expect(rebuildHistory(files, { fromFolders: true }).source).toBe("folders");
  });

  it("uses a sound index as it is and writes what the pipeline committed", () => {
    const out = rebuildHistory(files, { windows });
    expect(out.source).toBe("index");
    expect(out.indexProblem).toBeNull();
    expect(out.files[INDEX_PATH]).toBe(files[INDEX_PATH]);
    expect(out.files[INDEX_MD]).toBe(files[INDEX_MD]);
    // The pipeline committed the newest month's scorecard: the rebuild writes the same file.
    const month = Object.keys(files).find((p) => p.startsWith("incidents/scorecards/"))!;
    expect(out.files[month]).toBe(files[month]);
  });

  it("reports folders a sound index does not list, and listed folders that are gone", () => {
    const extra = Object.fromEntries(
      Object.entries(files)
        .filter(([p]) => p.startsWith(`${index[0]!.path}/`))
        .map(([p, c]) => [p.replaceAll(index[0]!.id, "2026-01-05-imported-0001"), c.replaceAll(index[0]!.id, "2026-01-05-imported-0001")]),
    );
    const out = rebuildHistory({ ...without(files, `${index[1]!.path}/README.md`), ...extra });
    expect(out.unlisted).toEqual([`${index[0]!.path.replace(index[0]!.id, "2026-01-05-imported-0001")}`]);
    expect(out.missingFolders).toEqual([index[1]!.path]);
    expect(out.incidents).toHaveLength(index.length);
  });

  it("reports a damaged README with its path and field and rebuilds the other folders", () => {
    const [a, b, c] = index as [Incident, Incident, Incident];
    const damaged = {
      ...without(files, INDEX_PATH, `${c.path}/alerts.jsonl`),
      [`${a.path}/README.md`]: updateFrontmatter(files[`${a.path}/README.md`]!, { severity: "catastrophic" }),
      [`${b.path}/README.md`]: files[`${b.path}/README.md`]!.replace(/^---\n/, ""),
    };
    const out = rebuildHistory(damaged);
    expect(out.errors).toEqual(
      [
        { path: `${a.path}/README.md`, field: "severity", message: stringMatching(/correct that field/) },
        { path: `${b.path}/README.md`, field: "(frontmatter)", message: stringMatching(/no YAML frontmatter/) },
        { path: `${c.path}/alerts.jsonl`, field: "(file)", message: stringMatching(/missing/) },
      ].sort((x, y) => x.path.localeCompare(y.path)),
    );
    expect(out.incidents.map((i) => i.id)).toEqual(index.map((i) => i.id).filter((id) => id !== a.id && id !== b.id));
    expect(out.incidents.find((i) => i.id === c.id)!.alerts).toEqual([]);
    expect(IncidentIndexSchema.parse(JSON.parse(out.files[INDEX_PATH]!)).incidents).toHaveLength(index.length - 2);
  });

  it("reports a bad alerts.jsonl line and an id that does not match its folder", () => {
    const [a, b] = index as [Incident, Incident];
    const lines = files[`${a.path}/alerts.jsonl`]!;
    const out = rebuildHistory({
      ...without(files, INDEX_PATH),
      [`${a.path}/alerts.jsonl`]: `{not json\n${lines}`,
      [`${b.path}/README.md`]: updateFrontmatter(files[`${b.path}/README.md`]!, { id: "2026-03-01-elsewhere-0000" }),
    });
    expect(out.errors.map((e) => [e.path, e.field])).toEqual(
      [
        [`${a.path}/alerts.jsonl`, "line 1"],
        [`${b.path}/README.md`, "id"],
      ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
    );
    expect(out.incidents.find((i) => i.id === a.id)!.alerts).toEqual(a.alerts);
  });
});

describe("rebuildHistory with hostile alert text", () => {
  const HOSTILE =
    "<script>alert(1)</script> [click me](https://evil.example/phish) ![p](https://evil.example/p.png) ping @octocat | a | b ``` fence\n# injected heading\n%% ]--> ;click x \u202Egnp.exe";

  function folder(id: string, day: string, title: string): Files {
    const input = fixture({ alerts: [alert({ id: `am-${id}`, title, startsAt: `2026-03-${day}T10:02:00Z` })], title });
    input.incident = {
      ...input.incident,
      id,
      path: `incidents/2026/03/${id}`,
      title,
      openedAt: `2026-03-${day}T10:02:00Z`,
      updatedAt: `2026-03-${day}T10:12:00Z`,
      fingerprints: [input.alerts[0]!.fingerprint],
      alerts: [`am-${id}`],
    };
    return Object.fromEntries(Object.entries(buildIncidentFiles(input)).map(([p, c]) => [`${input.incident.path}/${p}`, c]));
  }

  const files = { ...folder("2026-03-14-orders-lag-0001", "14", `OrdersLag ${HOSTILE}`), ...folder("2026-03-15-orders-lag-0002", "15", HOSTILE) };
  const out = rebuildHistory(files);

  it("keeps the whole title from the opening alert", () => {
    expect(out.errors).toEqual([]);
    expect(out.incidents.map((i) => i.title)).toEqual([`OrdersLag ${HOSTILE}`, HOSTILE]);
  });

  for (const path of [INDEX_MD, scorecardPath("2026-03")]) {
    it(`renders ${path} inert`, () => {
      const { nodes } = parsed(out.files[path]!);
      expect(nodes.some((n: Nodes) => n.type === "html" || n.type === "image")).toBe(false);
      const urls = nodes.filter((n): n is Link => n.type === "link").map((l) => l.url);
      expect(urls.length).toBeGreaterThan(0);
      for (const u of urls) expect(u === "../README.md" || OWN_LINK.test(u)).toBe(true);
      const text = nodes
        .filter((n) => n.type === "text")
        .map((n) => (n as { value: string }).value)
        .join("\n");
      expect(text).not.toMatch(MENTION);
      expect(text).not.toContain("\u202E");
      // No heading came from a title: the index has 7 of its own here (two pipelines), the scorecard 7.
      expect(nodes.filter((n) => n.type === "heading").length).toBe(7);
      expect(out.files[path]).not.toMatch(/^# injected heading/m);
    });
  }
});

describe("rebuildHistory and the lifecycle", () => {
  it("restores a recurrence's link and a clamped start from the folder's frontmatter", () => {
    const id = "2026-03-14-orders-lag-0003";
    const input = fixture({ alerts: [alert({ id: `am-${id}`, startsAt: "2026-03-14T10:02:00Z" })] });
    input.incident = {
      ...input.incident,
      id,
      path: `incidents/2026/03/${id}`,
      openedAt: "2026-03-14T10:02:00Z",
      updatedAt: "2026-03-14T10:02:00Z",
      fingerprints: [input.alerts[0]!.fingerprint],
      alerts: [`am-${id}`],
      recurrenceOf: "2026-02-11-orders-lag-0001",
      startClamped: { alerts: 1, claimed: "2026-05-01T00:00:00Z", placed: "2026-03-14T10:02:00Z" },
    };
    const files = Object.fromEntries(Object.entries(buildIncidentFiles(input)).map(([p, c]) => [`${input.incident.path}/${p}`, c]));
    const out = rebuildHistory(files);
    expect(out.errors).toEqual([]);
    expect(out.incidents[0]).toMatchObject({ id, recurrenceOf: "2026-02-11-orders-lag-0001", startClamped: input.incident.startClamped });
    expect(IncidentIndexSchema.parse(JSON.parse(out.files[INDEX_PATH]!)).incidents[0]!.recurrenceOf).toBe("2026-02-11-orders-lag-0001");
  });
});

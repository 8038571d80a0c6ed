import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/model/index.js";
import { projectMemory, replayLoaded, scenarioRepoFiles } from "../../src/eval/replay.js";
import { INDEX_PATH, keptRecord, lenientFrontmatter, parseIncidentFrontmatter, recordedFix, updateFrontmatter } from "../../src/record/index.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";

/**
 * Nothing lost on re-investigation: an older alert of the same fingerprint, replayed after the
 * incident was recorded (with its fix proposed and a person's correction), adds to that incident but
 * leaves its opening time, its recorded fix and the correction as they were.
 */
describe("an older alert replayed into a recorded incident", () => {
  it("keeps the incident's opening time, its recorded fix and a person's correction", async () => {
    const scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "inventory-dag-import-error"));
    const memory = await projectMemory(REPO_ROOT);
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    const first = await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
    const incident = first.result.outcomes[0]!.incident;
    const readme = `${incident.path}/README.md`;
    const read = async (path: string) => (await (await store.snapshot()).read(path))!;
    const recorded = parseIncidentFrontmatter(await read(readme));
    expect(recorded.fix).toMatchObject({ kind: "revert", state: "proposed" });
    // A person corrects the record by hand, as the README asks.
    await store.commit("review", async (head) => ({
      [readme]: updateFrontmatter((await head.read(readme))!, { "feedback.notes": "the deploy at 15:40 did it" }),
    }));

    // The same alert (same fingerprint), from half an hour before the incident opened, arrives late.
    const older: Scenario = {
      ...scenario,
      alerts: scenario.alerts.map((a) => ({
        ...a,
        file: `late-${a.file}`,
        body: a.body.replace(/"startsAt": "[^"]+"/, `"startsAt": "2026-04-28T15:20:00.000Z"`),
      })),
    };
    expect(older.alerts[0]!.body).toContain("2026-04-28T15:20:00.000Z");
    const second = await replayLoaded(older, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
    expect(second.result.outcomes.map((o) => o.incident.id)).toEqual([incident.id]);

    const after = parseIncidentFrontmatter(await read(readme));
    expect(after.opened_at).toBe(recorded.opened_at);
    expect(after.fix).toEqual(recorded.fix);
    expect(after.feedback).toEqual({ actual_root_cause: null, notes: "the deploy at 15:40 did it" });
    const index = JSON.parse(await read(INDEX_PATH)) as { incidents: Array<{ id: string; openedAt: string; alerts: string[] }> };
    const entry = index.incidents.find((i) => i.id === incident.id)!;
    expect(entry.openedAt).toBe(recorded.opened_at);
    // The late alert was added, not dropped.
    expect(entry.alerts).toHaveLength(2);
    expect(await read(`${incident.path}/alerts.jsonl`)).toContain("2026-04-28T15:20:00.000Z");
  });
});

describe("a re-investigation after the recorded fix was merged", () => {
  it("proposes none, and keeps the recorded fix in the record and in the README's Fix section", async () => {
    const scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "inventory-dag-import-error"));
    const memory = await projectMemory(REPO_ROOT);
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    const first = await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
    const { incident, fix } = first.result.outcomes[0]!;
    expect(fix).toMatchObject({ kind: "revert", state: "proposed" });
    const readme = `${incident.path}/README.md`;
    const read = async (path: string) => (await (await store.snapshot()).read(path))!;
    // The fix's pull request is merged: its files land on the default branch, and the record says so (as learn does).
    const branch = store.branches.get(fix!.branch!)!;
    await store.commit("merge the fix", async (head) => ({
      ...Object.fromEntries([...branch].filter(([path]) => path === fix!.path)),
      [readme]: updateFrontmatter((await head.read(readme))!, { "fix.pr": 12, "fix.state": "merged" }),
    }));
    const recorded = parseIncidentFrontmatter(await read(readme)).fix;
    expect(recorded).toEqual({ kind: "revert", pr: 12, branch: fix!.branch, state: "merged" });

    // An older alert of the same fingerprint arrives late, and the incident is investigated again: the revert is in, so no fix.
    const again: Scenario = {
      ...scenario,
      alerts: scenario.alerts.map((a) => ({
        ...a,
        file: `late-${a.file}`,
        body: a.body.replace(/"startsAt": "[^"]+"/, `"startsAt": "2026-04-28T15:20:00.000Z"`),
      })),
    };
    const second = await replayLoaded(again, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
    expect(second.result.outcomes.map((o) => [o.incident.id, o.investigated, o.fix?.kind])).toEqual([[incident.id, true, "none"]]);

    const after = await read(readme);
    expect(parseIncidentFrontmatter(after).fix).toEqual(recorded);
    const section = after.slice(after.indexOf("\n## Fix\n"), after.indexOf("\n## ", after.indexOf("\n## Fix\n") + 1));
    expect(section).toContain("**Revert**, proposed by an earlier investigation of this incident; this one proposed none (no fix:");
    expect(section).toContain(`- branch \`${fix!.branch}\``);
    expect(section).toContain("- pull request #12 (merged)");
    expect(section).not.toMatch(/No fix was proposed|No safe automatic fix/);
  });
});

describe("keptRecord", () => {
  const record = (fields: string) => ["---", "id: x", "opened_at: 2026-04-28T15:47:02.551Z", fields, "---", "", "# x", ""].join("\n");
  const previous = record(
    ["fix:", "  kind: revert", "  pr: 12", "  branch: pipemedic/fix/x", "  state: merged", "feedback:", "  actual_root_cause: disk-full", "  notes: null"].join(
      "\n",
    ),
  );

  it("carries a correction and the opening time over a rebuilt README that lost them, not the fix (the README is built with it)", () => {
    const rebuilt = [
      "---",
      "id: x",
      "opened_at: 2026-04-28T15:20:00.000Z",
      "fix: null",
      "feedback:",
      "  actual_root_cause: null",
      "  notes: null",
      "---",
      "",
      "# x",
      "",
    ].join("\n");
    const patch = keptRecord(previous, rebuilt);
    expect(patch).toEqual({ feedback: { actual_root_cause: "disk-full", notes: null }, opened_at: "2026-04-28T15:47:02.551Z" });
    expect(recordedFix(previous)).toEqual({ kind: "revert", pr: 12, branch: "pipemedic/fix/x", state: "merged" });
    expect(recordedFix(rebuilt)).toBeNull();
    expect(lenientFrontmatter(updateFrontmatter(rebuilt, patch))).toMatchObject(patch);
  });

  it("lets the new run's fix replace the old one, and keeps nothing from an empty record", () => {
    const rebuilt = [
      "---",
      "id: x",
      "opened_at: 2026-04-28T15:47:02.551Z",
      "fix:",
      "  kind: config-patch",
      "  pr: null",
      "  branch: b",
      "  state: proposed",
      "---",
      "",
    ].join("\n");
    expect(keptRecord(previous, rebuilt)).toEqual({ feedback: { actual_root_cause: "disk-full", notes: null } });
    expect(keptRecord("# no frontmatter\n", rebuilt)).toEqual({});
  });
});

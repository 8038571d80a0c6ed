import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { exportIncident } from "../../src/eval/export.js";
import { projectMemory, replayLoaded, scenarioRepoFiles } from "../../src/eval/replay.js";
import type { Files, IncidentOutcome, Scenario } from "../../src/model/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";

/** What a round trip compares: the top cause, each check's verdict, the conclusion. */
export interface Outcome {
  incident: string;
  rootCause: string;
  conclusion: string;
  verdicts: Record<string, string>;
}

function outcomeOf(o: IncidentOutcome): Outcome {
  return {
    incident: o.incident.id,
    rootCause: o.investigation!.rca.rootCause,
    conclusion: o.investigation!.rca.conclusion,
    verdicts: Object.fromEntries(o.investigation!.evidence.map((e) => [e.key, e.verdict])),
  };
}

/** The differences between two outcomes, as lines; none when they agree. */
export function differences(a: Outcome, b: Outcome): string[] {
  const out: string[] = [];
  if (a.rootCause !== b.rootCause) out.push(`top cause ${a.rootCause} -> ${b.rootCause}`);
  if (a.conclusion !== b.conclusion) out.push(`conclusion ${a.conclusion} -> ${b.conclusion}`);
  for (const k of new Set([...Object.keys(a.verdicts), ...Object.keys(b.verdicts)])) {
    if (a.verdicts[k] !== b.verdicts[k]) out.push(`${k}: ${a.verdicts[k] ?? "not run"} -> ${b.verdicts[k] ?? "not run"}`);
  }
  return out;
}

/**
 * Replays a scenario, exports every incident it investigated from the store it committed to, and
 * replays each export in the same repository context (the scenario's knowledge/, runbooks/, repo/ and
 * history/, which in a team's repository are the repository itself). Returns each pair of outcomes.
 */
export async function roundTrip(dir: string, memory?: Files): Promise<Array<{ original: Outcome; exported: Outcome | null; notes: string[]; folder: string }>> {
  const mem = memory ?? (await projectMemory(PACKAGE_ROOT));
  const original = await loadScenario(dir);
  const store = new MemoryStore(scenarioRepoFiles(original));
  const first = await replayLoaded(original, { projectRoot: PACKAGE_ROOT, memory: mem, store: () => Promise.resolve(store) });
  const head = await store.snapshot();
  const out = [];
  for (const o of first.result.outcomes.filter((x) => x.investigation)) {
    const exported = await exportIncident(head, o.incident.path);
    const folder = join(await mkdtemp(join(tmpdir(), "pipemedic-export-")), exported.id);
    for (const [p, c] of Object.entries(exported.files)) {
      await mkdir(dirname(join(folder, p)), { recursive: true });
      await writeFile(join(folder, p), c);
    }
    const loaded: Scenario = {
      ...(await loadScenario(folder)),
      knowledge: original.knowledge,
      runbooks: original.runbooks,
      repo: original.repo,
      history: original.history,
    };
    const second = await replayLoaded(loaded, { projectRoot: PACKAGE_ROOT, memory: mem });
    const same = second.result.outcomes.find((x) => x.investigation && x.incident.id === o.incident.id) ?? second.result.outcomes.find((x) => x.investigation);
    out.push({ original: outcomeOf(o), exported: same ? outcomeOf(same) : null, notes: exported.notes, folder });
  }
  return out;
}

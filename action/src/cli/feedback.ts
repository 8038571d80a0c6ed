import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { packageMemory, readPolicy } from "../entries/compose.js";
import { loadRunbooks, mergeRunbooks } from "../memory/runbooks.js";
import { IncidentIdSchema, type Incident } from "../model/index.js";
import { lifecycleWindows } from "../pipeline/correlate.js";
import { parseIncidentFrontmatter, updateFrontmatter } from "../record/frontmatter.js";
import { parseIndex } from "../record/index-file.js";
import { incidentFiles, INDEX_PATH } from "../record/paths.js";
import { compilePatterns } from "../redact.js";
import { rebuildHistory } from "../report/rebuild.js";
import { readTree } from "../store/workspace.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

/** A cause name outside the catalogue: short lower-case kebab words, as the README's frontmatter asks. */
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The recorded incidents of the repository at `dir`, from incidents/index.json; a usage error when there is none. */
export async function readIncidents(dir: string): Promise<Incident[]> {
  const text = await readFile(join(dir, INDEX_PATH), "utf8").catch(() => null);
  if (text === null)
    throw new UsageError(`${INDEX_PATH}: not found in ${dir}; run this in a repository where Pipemedic has recorded incidents (or give --repo)`);
  const index = parseIndex(text);
  if ("problem" in index) throw new Error(`${index.problem}; run pipemedic index --from-folders to rebuild it`);
  return index.incidents;
}

/** The incident with this id, or a usage error that names the nearest ids. */
export function findIncident(incidents: Incident[], id: string): Incident {
  const found = incidents.find((i) => i.id === id);
  if (found) return found;
  const near = incidents.filter((i) => i.id.startsWith(id.slice(0, 10))).slice(0, 5);
  throw new UsageError(
    `no incident "${id}" in ${INDEX_PATH}` +
      (near.length ? `; recorded that day: ${near.map((i) => i.id).join(", ")}` : "; pipemedic incidents list shows them"),
  );
}

/** The cause catalogue as this repository sees it: the built-in runbooks with its own runbooks/ over them. */
async function catalogue(dir: string): Promise<Map<string, string>> {
  const builtIn = loadRunbooks(await packageMemory()).runbooks;
  const own = loadRunbooks(await readTree(dir, ["runbooks"])).runbooks;
  return new Map(mergeRunbooks(builtIn, own).map((r) => [r.id, r.title]));
}

/** Catalogue ids that share the most words with `cause`, for the error's suggestion. */
function nearest(cause: string, ids: string[]): string[] {
  const words = new Set(cause.split(/[-_\s]+/).filter(Boolean));
  return ids
    .map((id) => ({ id, shared: id.split("-").filter((w) => words.has(w)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((x) => x.id);
}

/**
 * `pipemedic feedback <id> --cause <cause-id> [--note <text>] [--new-cause] [--repo <dir>]`: records a
 * person's correction in the incident README's frontmatter (`feedback.actual_root_cause`, `feedback.notes`),
 * then rebuilds the index pages and scorecards from it, in the work tree, for review and commit.
 */
export async function feedback(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      cause: { type: "string" },
      note: { type: "string" },
      "new-cause": { type: "boolean" },
      repo: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "feedback");
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("feedback needs one incident id: pipemedic feedback <incident-id> --cause <cause-id>");
  if (!IncidentIdSchema.safeParse(id).success) throw new UsageError(`"${id}" is not an incident id (YYYY-MM-DD-words, the folder name under incidents/)`);
  const cause = values.cause?.trim();
  if (!cause) throw new UsageError("feedback needs --cause <cause-id>: the real root cause, an id from docs/root-causes.md or your runbooks/");
  const dir = resolve(await existingPath(values.repo ?? ".", "directory", "--repo"));
  const incident = findIncident(await readIncidents(dir), id);

  const causes = await catalogue(dir);
  if (!causes.has(cause)) {
    if (!values["new-cause"]) {
      const near = nearest(cause, [...causes.keys()]);
      throw new UsageError(
        `--cause ${cause}: not in the cause catalogue (the built-in runbooks and runbooks/)` +
          (near.length ? `; did you mean ${near.join(", ")}?` : "") +
          "; a cause with no runbook yet is accepted with --new-cause",
      );
    }
    if (!KEBAB.test(cause)) throw new UsageError(`--cause ${cause}: a new cause is short lower-case kebab words, e.g. upstream-api-schema-change`);
  }

  const readmePath = incidentFiles.readme(incident);
  const readme = await readFile(join(dir, readmePath), "utf8").catch(() => null);
  if (readme === null) throw new Error(`${readmePath}: missing; restore the incident folder from git history`);
  const before = parseIncidentFrontmatter(readme, readmePath);
  const note = values.note === undefined ? before.feedback.notes : values.note.trim() || null;
  const updated = updateFrontmatter(readme, { "feedback.actual_root_cause": cause, "feedback.notes": note });
  const after = parseIncidentFrontmatter(updated, readmePath);
  if (after.feedback.actual_root_cause !== cause)
    throw new Error(`${readmePath}: the frontmatter could not be updated; fix its YAML (pipemedic index names the problem)`);
  await writeFile(join(dir, readmePath), updated);

  // The index page, the index and the scorecards read the correction from the README just written.
  const config = await readPolicy({ dir });
  const rebuilt = rebuildHistory(await readTree(dir, ["incidents"]), {
    redactPatterns: compilePatterns(config.redaction.patterns),
    windows: lifecycleWindows(config),
  });
  for (const [path, content] of Object.entries(rebuilt.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const was = before.root_cause ? `${before.root_cause.id} (${before.root_cause.status})` : "none";
  io.out(
    `${incident.id}: actual root cause ${cause}${causes.has(cause) ? ` — ${causes.get(cause)}` : " (new, no runbook yet)"}; Pipemedic had said ${was}\n` +
      `wrote ${readmePath} and ${Object.keys(rebuilt.files).length} index file(s) (not committed): review them with git diff, then commit them\n`,
  );
  return 0;
}

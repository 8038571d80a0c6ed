import type { Pattern } from "../patterns.js";
import type { z } from "zod";
import type { Files, Incident, LifecycleWindows, Severity, UnparsedEntry } from "../model/index.js";
import { AlertSchema, IncidentSchema } from "../model/index.js";
import { addGroupKeys, groupingFacts, groupingKeys } from "../ingest/grouping.js";
import { alertLines, dedupeAlerts } from "../record/alerts.js";
import { lenientFrontmatter, readIncidentFrontmatter, type IncidentFrontmatter } from "../record/frontmatter.js";
import { applyCorrection, withReviewBanner } from "../memory/learn.js";
import { indexFiles, orderIncidents, parseIndex } from "../record/index-file.js";
import { incidentFiles, incidentOfReadme, INDEX_PATH, UNPARSED_DIR } from "../record/paths.js";
import { redact } from "../redact.js";
import { breakMentions, oneLine } from "./markdown/inert.js";
import { monthsOf } from "./scorecard.js";

/**
 * Incident history rebuilt from the repository's files: incidents/index.json when it is sound, else
 * every incident folder's README frontmatter and alerts.jsonl. Returns the index files and one
 * scorecard per month. A damaged folder is reported and left out; it never stops the others.
 */

const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];
// The alert fields an index entry is rebuilt from, checked as the model defines them; the rest is not read.
const RecordedAlertSchema = AlertSchema.pick({
  id: true,
  title: true,
  severity: true,
  status: true,
  fingerprint: true,
  labels: true,
  startsAt: true,
  pipeline: true,
  raw: true,
});
/** A recorded alert, with correlation's grouping keys when the line holds a whole alert. */
type RecordedAlert = z.infer<typeof RecordedAlertSchema> & { groupKeys?: string[] };

/** A folder that could not be read (fully): the file, the field and what is wrong. */
export interface FolderError {
  path: string;
  field: string;
  message: string;
}

/** What `rebuildHistory` found and wrote. */
export interface RebuildResult {
  /** `index`: incidents/index.json was sound and used; `folders`: rebuilt from the incident folders. */
  source: "index" | "folders";
  /** Why incidents/index.json was not used (missing, damaged, or a rebuild was asked for); null when it was. */
  indexProblem: string | null;
  incidents: Incident[];
  /** incidents/index.json, incidents/README.md and incidents/scorecards/YYYY-MM.md, by path. */
  files: Files;
  errors: FolderError[];
  /** Folders a sound index does not list: left out, since correlation never saw them (imported history). */
  unlisted: string[];
  /** Index entries whose folder has no README.md. */
  missingFolders: string[];
}

/** The alerts of a folder's alerts.jsonl as correlation recorded them, each damaged line reported. */
function alertsOf(path: string, text: string, errors: FolderError[]): RecordedAlert[] {
  const out: RecordedAlert[] = [];
  for (const l of alertLines(text)) {
    if ("problem" in l) {
      errors.push({ path, field: `line ${l.line}`, message: `not valid JSON (${l.problem}); this alert's id is not recorded` });
      continue;
    }
    const parsed = RecordedAlertSchema.safeParse(l.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors.push({ path, field: `line ${l.line}: ${issue.path.join(".") || "(alert)"}`, message: `${issue.message}; this alert's id is not recorded` });
      continue;
    }
    const whole = AlertSchema.safeParse(l.value);
    out.push(whole.success ? { ...parsed.data, groupKeys: groupingKeys(groupingFacts(whole.data)) } : parsed.data);
  }
  return dedupeAlerts(out);
}

function worst(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

function ms(at: string | null | undefined): number {
  return at ? Date.parse(at) : NaN;
}

/**
 * An index entry from a folder. alerts.jsonl is replayed the way correlation attached its alerts
 * (ids, deliveries, fingerprints, alert names, severity, duplicates), because the README frontmatter
 * is written when the incident is investigated and only its status is kept current afterwards.
 */
function incidentFrom(dir: string, fm: IncidentFrontmatter, alerts: RecordedAlert[]): Incident {
  const fingerprints: string[] = alerts.length ? [] : [...fm.fingerprints];
  const alertnames: string[] = alerts.length ? [] : [...fm.alertnames];
  const pipelines = [...fm.pipelines];
  const resolved = new Set<string>();
  const groupingReasons: string[] = [];
  const groupKeys: string[] = [];
  const seenKeys = new Set<string>();
  const deliveries: string[] = [];
  let severity: Severity = alerts[0]?.severity ?? fm.severity;
  let duplicates = 0;
  let opened = ms(fm.opened_at);
  let updated = opened;
  alerts.forEach((a, n) => {
    if (!deliveries.includes(a.raw.delivery)) deliveries.push(a.raw.delivery);
    if (a.pipeline && !pipelines.includes(a.pipeline)) pipelines.push(a.pipeline);
    if (fingerprints.includes(a.fingerprint)) {
      if (a.status === "firing") duplicates += 1;
    } else {
      fingerprints.push(a.fingerprint);
      // What later alerts of the problem share with this one, as correlation keeps it for a fingerprint's first alert.
      if (a.groupKeys) addGroupKeys(groupKeys, seenKeys, a.groupKeys);
      // Correlation's reason (same pipeline, lineage neighbour) is not kept in the folder.
      if (n > 0) groupingReasons.push(`${a.labels.alertname ?? a.title}: grouped (reason not kept in the incident folder)`);
    }
    const name = a.labels.alertname ?? a.title;
    if (name && !alertnames.includes(name)) alertnames.push(name);
    if (a.status === "firing") severity = worst(severity, a.severity);
    if (a.status === "resolved") resolved.add(a.fingerprint);
    else resolved.delete(a.fingerprint);
    // An alert without a start time was placed at its run's clock, which the folder does not keep.
    const t = ms(a.startsAt);
    if (Number.isFinite(t)) {
      if (t > updated || !Number.isFinite(updated)) updated = t;
      if (a.status === "firing" && t < opened) opened = t;
    }
  });
  // A merged fix resolves an open incident at the review's time, which is then its last change;
  // the folder keeps that time only as resolved_at (exact when the merge resolved the incident).
  const merged = fm.fix?.state === "merged" && fm.resolved_at !== null && ms(fm.resolved_at) > updated;
  if (merged) updated = ms(fm.resolved_at);
  const iso = (t: number, given: string) => (t === ms(given) ? given : new Date(t).toISOString());
  const opener = alerts[0];
  const openerTitle = opener ? opener.title || opener.labels.alertname || "alert" : null;
  // The frontmatter keeps the title cut to one line; the opening alert has it whole when it agrees.
  const title = openerTitle !== null && breakMentions(oneLine(openerTitle, 200)) === fm.title ? openerTitle : fm.title;
  return {
    id: fm.id,
    path: dir,
    title,
    status: fm.status,
    investigation: fm.investigation,
    severity,
    pipelines,
    fingerprints,
    alertnames,
    alerts: alerts.map((a) => a.id),
    resolvedFingerprints: [...resolved],
    deliveries,
    openedAt: iso(opened, fm.opened_at),
    updatedAt: merged ? fm.resolved_at! : iso(updated, fm.opened_at),
    resolvedAt: fm.resolved_at,
    rootCause: fm.root_cause,
    ...(fm.investigated_at ? { investigatedAt: fm.investigated_at } : {}),
    groupingReasons,
    duplicates,
    ...(alerts.length ? { groupKeys } : {}),
    ...(fm.recurrence_of ? { recurrenceOf: fm.recurrence_of } : {}),
    ...(fm.start_clamped ? { startClamped: fm.start_clamped } : {}),
  };
}

/** The bodies kept under incidents/_unparsed/, read from their files (the index's list is rebuilt from them), newest first. */
function unparsedFrom(files: Record<string, string>): UnparsedEntry[] {
  const out: UnparsedEntry[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (!path.startsWith(`${UNPARSED_DIR}/`) || !path.endsWith(".json")) continue;
    let u: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) u = parsed as Record<string, unknown>;
    } catch {
      // Listed all the same: a person should look at it.
    }
    const str = (v: unknown, fallback: string) => (typeof v === "string" && v ? v : fallback);
    const t = u.truncated as { length?: unknown; kept?: unknown } | undefined;
    out.push({
      path,
      delivery: str(u.delivery, path.slice(UNPARSED_DIR.length + 1)),
      receivedAt: str(u.receivedAt, ""),
      reason: str(u.reason, "the file is not a body record Pipemedic wrote"),
      ...(u.inferred ? { inferred: true } : {}),
      ...(t && typeof t.length === "number" && typeof t.kept === "number" ? { truncated: { length: t.length, kept: t.kept } } : {}),
    });
  }
  return out.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.path.localeCompare(b.path));
}

/**
 * An index entry with the review its README records: `feedback.actual_root_cause` corrects the cause
 * (`corrected-by-review`); a correction taken back restores the cause the README's record names. The
 * README is returned when its review banner has to change.
 */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function reviewOf(incident: Incident, files: Record<string, string>): { incident: Incident; readme: string | null } {
  const text = files[incidentFiles.readme(incident)];
  if (text === undefined) return { incident, readme: null };
  const data = lenientFrontmatter(text) ?? {};
  const feedback = (data.feedback ?? {}) as Record<string, unknown>;
  const actual = typeof feedback.actual_root_cause === "string" ? feedback.actual_root_cause : null;
  let updated = applyCorrection(incident, actual);
  if (!actual?.trim() && incident.rootCause?.status === "corrected-by-review") {
    const rc: { id?: unknown; confidence?: unknown; status?: unknown } | null = isRecord(data.root_cause) ? data.root_cause : null;
    updated = {
      ...incident,
      rootCause:
        rc && typeof rc.id === "string"
          ? { id: rc.id, confidence: typeof rc.confidence === "number" ? rc.confidence : 0, status: typeof rc.status === "string" ? rc.status : "" }
          : null,
    };
  }
  const readme = withReviewBanner(text, updated.rootCause);
  return { incident: updated, readme: readme === text ? null : readme };
}

/** Every incident folder's entry, with what went wrong in each. */
function fromFolders(
  files: Record<string, string>,
  readmes: Array<{ path: string; dir: string; id: string }>,
): { incidents: Incident[]; errors: FolderError[] } {
  const incidents: Incident[] = [];
  const errors: FolderError[] = [];
  const seen = new Map<string, string>();
  for (const { path, dir, id } of readmes) {
    const read = readIncidentFrontmatter(files[path]!);
    if ("problem" in read) {
      errors.push({ path, ...read.problem });
      continue;
    }
    const fm = read.record;
    if (fm.id !== id) {
      errors.push({ path, field: "id", message: `${JSON.stringify(fm.id)} does not match the folder name ${JSON.stringify(id)}; the id is the folder's name` });
      continue;
    }
    if (seen.has(fm.id)) {
      errors.push({ path, field: "id", message: `${fm.id} is also the incident in ${seen.get(fm.id)}; keep one of the two folders` });
      continue;
    }
    const alertsPath = incidentFiles.alerts({ path: dir });
    const text = files[alertsPath];
    if (text === undefined)
      errors.push({
        path: alertsPath,
        field: "(file)",
        message: "missing: the incident is rebuilt from its README alone, without its alert ids (a re-delivered alert would be recorded again)",
      });
    const alerts = text === undefined ? [] : alertsOf(alertsPath, text, errors);
    const checked = IncidentSchema.safeParse(incidentFrom(dir, fm, alerts));
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      errors.push({ path, field: issue.path.join(".") || "(incident)", message: `${issue.message}; the incident is left out of the index` });
      continue;
    }
    seen.set(fm.id, dir);
    incidents.push(checked.data);
  }
  return { incidents, errors };
}

/**
 * Rebuilds incident history from a repository's incidents/ files (path → content): the index from
 * incidents/index.json when it is sound (unless `fromFolders`), else from every incident folder;
 * then incidents/index.json, incidents/README.md and a scorecard per month, redacted like a commit.
 */
export function rebuildHistory(
  files: Record<string, string>,
  opts: {
    fromFolders?: boolean;
    redactPatterns?: Pattern[];
    /** The policy's windows, for the index page (incidents closed by the quiet period). */
    windows?: LifecycleWindows;
  } = {},
): RebuildResult {
  const patterns = opts.redactPatterns ?? [];
  const readmes = Object.keys(files)
    .flatMap((path) => {
      const folder = incidentOfReadme(path);
      return folder ? [{ path, ...folder }] : [];
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  const indexText = files[INDEX_PATH];
  const index = indexText === undefined ? { problem: `${INDEX_PATH}: missing` } : parseIndex(indexText);
  let result: Pick<RebuildResult, "source" | "indexProblem" | "incidents" | "errors" | "unlisted" | "missingFolders">;
  if ("incidents" in index && !opts.fromFolders) {
    const listed = new Set(index.incidents.map((i) => i.path));
    const present = new Set(readmes.map((r) => r.dir));
    result = {
      source: "index",
      indexProblem: null,
      incidents: index.incidents,
      errors: [],
      unlisted: readmes.filter((r) => !listed.has(r.dir)).map((r) => r.dir),
      missingFolders: index.incidents.filter((i) => !present.has(i.path)).map((i) => i.path),
    };
  } else {
    const rebuilt = fromFolders(files, readmes);
    result = {
      source: "folders",
      indexProblem: "problem" in index ? index.problem : `${INDEX_PATH}: sound, but not read: a rebuild from the folders was asked for`,
      ...rebuilt,
      unlisted: [],
      missingFolders: [],
    };
  }
  // A person's correction in a README (feedback.actual_root_cause) reaches the index, the scorecards and the README's banner.
  const reviewed = result.incidents.map((i) => reviewOf(i, files));
  const ordered = orderIncidents(reviewed.map((r) => r.incident));
  // What a commit writes, with every month's scorecard; the renderers redact their pages, index.json
  // is redacted here as a commit would.
  const out: Files = indexFiles(ordered, patterns, monthsOf(ordered), opts.windows, unparsedFrom(files));
  out[INDEX_PATH] = redact(out[INDEX_PATH]!, patterns);
  for (const r of reviewed) if (r.readme) out[incidentFiles.readme(r.incident)] = r.readme;
  return { ...result, incidents: ordered, files: out };
}

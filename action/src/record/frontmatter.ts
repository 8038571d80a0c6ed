import { parse, parseDocument, stringify } from "yaml";
import { z } from "zod";
import { FixSchema, IncidentIdSchema, IncidentStatusSchema, LlmUsageSchema, SeveritySchema, TimestampSchema } from "../model/index.js";
import { quickYaml } from "./quick-yaml.js";

/**
 * An incident README's YAML frontmatter: the machine-readable record of the incident. Pipemedic
 * writes it; people edit `feedback`; memory reads it back to learn from past incidents.
 */
export const IncidentFrontmatterSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
  status: IncidentStatusSchema,
  severity: SeveritySchema,
  pipelines: z.array(z.string()).default([]),
  fingerprints: z.array(z.string()).default([]),
  alertnames: z.array(z.string()).default([]),
  opened_at: TimestampSchema,
  resolved_at: TimestampSchema.nullable().default(null),
  /** When the run that investigated the incident started (absent in records written before it was kept). */
  investigated_at: TimestampSchema.nullable().optional(),
  /** The closed incident this one recurs after (the same alert fired again once it had closed). */
  recurrence_of: IncidentIdSchema.optional(),
  /** Alerts whose claimed start lay after their receive time: how many, the furthest claim, where they were placed. */
  start_clamped: z.object({ alerts: z.number().int().positive(), claimed: TimestampSchema, placed: TimestampSchema }).optional(),
  /** `awaiting`: recorded, waiting for a manual trigger; `done`: investigated. */
  investigation: z.enum(["pending", "awaiting", "done"]),
  root_cause: z
    .object({
      id: z.string(),
      confidence: z.number().min(0).max(1),
      /** confirmed, likely, inconclusive, or `confirmed-by-review` once a person agreed. */
      status: z.string(),
    })
    .nullable()
    .default(null),
  chain: z.array(z.string()).default([]),
  fix: z
    .object({
      kind: FixSchema.shape.kind,
      pr: z.number().int().nullable().default(null),
      branch: z.string().nullable().default(null),
      state: FixSchema.shape.state,
    })
    .nullable()
    .default(null),
  feedback: z
    .object({
      actual_root_cause: z.string().nullable().default(null),
      notes: z.string().nullable().default(null),
    })
    .prefault({}),
  similar: z.array(z.string()).default([]),
  cost: z
    .object({ checks: z.number().int().nonnegative(), ms: z.number().nonnegative(), llm: LlmUsageSchema.nullable().default(null) })
    .prefault({ checks: 0, ms: 0 }),
});
export type IncidentFrontmatter = z.infer<typeof IncidentFrontmatterSchema>;

// The block between a `---` line at the very top (after an optional byte-order mark) and the next line
// that is only `---`; either fence may carry trailing blanks, and the block may be empty.
const FENCED = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/** The field a problem names when the frontmatter block as a whole cannot be read. */
export const WHOLE_FRONTMATTER = "(frontmatter)";

/** Why an incident README's frontmatter cannot be used: the field and a message that ends with the fix. */
export interface FrontmatterProblem {
  field: string;
  message: string;
}

/** Splits a README into the YAML between its two `---` lines and the body after them; null when it has no frontmatter. */
export function splitFrontmatter(markdown: string): { yaml: string; body: string } | null {
  const m = FENCED.exec(markdown);
  return m ? { yaml: m[1] ?? "", body: markdown.slice(m[0].length) } : null;
}

/** The frontmatter as YAML text (without the `---` fences), in a stable key order. */
export function frontmatterYaml(record: IncidentFrontmatter): string {
  return stringify(record, { lineWidth: 0 }).replace(/\n$/, "");
}

/** Reads and validates an incident README's frontmatter: the record, or the problem that names the field and the fix. */
export function readIncidentFrontmatter(readme: string): { record: IncidentFrontmatter } | { problem: FrontmatterProblem } {
  const split = splitFrontmatter(readme);
  if (!split) return { problem: { field: WHOLE_FRONTMATTER, message: "no YAML frontmatter between two `---` lines at the top; restore it from git history" } };
  // The fast path reads what Pipemedic writes; hand edits it does not recognise go to the full parser.
  let data: unknown = quickYaml(split.yaml);
  try {
    if (data === undefined) data = parse(split.yaml);
  } catch (err) {
    return {
      problem: {
        field: WHOLE_FRONTMATTER,
        message: `the frontmatter is not valid YAML (${(err as Error).message.split("\n")[0]}); fix the YAML between the \`---\` lines`,
      },
    };
  }
  const parsed = IncidentFrontmatterSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join(".") : "(top level)";
    return { problem: { field, message: `${issue.message}; correct that field (only \`feedback\` is meant to be edited by hand)` } };
  }
  return { record: parsed.data };
}

/** Like `readIncidentFrontmatter`, but throws an error that names `file`, the field and the fix. */
export function parseIncidentFrontmatter(readme: string, file = "README.md"): IncidentFrontmatter {
  const read = readIncidentFrontmatter(readme);
  if ("record" in read) return read.record;
  const { field, message } = read.problem;
  throw new Error(`${file}: ${field === WHOLE_FRONTMATTER ? "" : `frontmatter ${field}: `}${message}`);
}

/**
 * Reads an incident README's frontmatter leniently, for memory: whatever mapping the YAML yields,
 * errors and unknown shapes included, so old or hand-edited folders still count. Null when there is
 * no frontmatter or it is not a mapping.
 */
export function lenientFrontmatter(readme: string): Record<string, unknown> | null {
  const split = splitFrontmatter(readme);
  if (!split) return null;
  let data: unknown = quickYaml(split.yaml);
  try {
    // parseDocument keeps what it could read of a broken block; toJSON throws only on alias bombs.
    if (data === undefined) data = parseDocument(split.yaml).toJSON();
  } catch {
    return null;
  }
  return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/**
 * Updates fields (dotted paths for nested ones) of a README's YAML frontmatter in place, keeping
 * comments, key order and the body untouched (human edits such as `feedback` survive). A README
 * without frontmatter, or whose YAML is broken, is returned as it is: the index still records the
 * change, and `pipemedic index` names the broken file.
 */
export function updateFrontmatter(markdown: string, patch: Record<string, unknown>): string {
  const split = splitFrontmatter(markdown);
  if (!split) return markdown;
  const doc = parseDocument(split.yaml);
  if (doc.errors.length) return markdown;
  // A dotted key sets a nested field (`fix.state`), leaving its siblings as they were.
  for (const [k, v] of Object.entries(patch)) doc.setIn(k.split("."), v);
  const bom = markdown.startsWith("\uFEFF") ? "\uFEFF" : "";
  return `${bom}---\n${doc.toString().replace(/\n$/, "")}\n---\n${split.body}`;
}

/** The fix an incident's record names: its kind, pull request, branch and state. */
export type RecordedFix = NonNullable<IncidentFrontmatter["fix"]>;

/**
 * The fix a README's frontmatter records, when it records a real one (not `kind: none`); null when it
 * records none or cannot be read. A re-investigation that proposes no fix keeps it (report/readme.ts).
 */
export function recordedFix(readme: string): RecordedFix | null {
  const fix = IncidentFrontmatterSchema.shape.fix.safeParse(lenientFrontmatter(readme)?.fix ?? null);
  return fix.success && fix.data && fix.data.kind !== "none" ? fix.data : null;
}

/**
 * What a rebuilt README must carry over from the one it replaces: a re-investigation adds and updates,
 * but never erases a human's correction (`feedback` with any value) or the original opening time. The
 * patch for `updateFrontmatter`; empty when nothing needs keeping or the previous frontmatter cannot
 * be read. (A recorded fix is not patched in here: the README is built with it, `recordedFix`, so that
 * its Fix section and its record agree.)
 */
export function keptRecord(previous: string, rebuilt: string): Record<string, unknown> {
  const before = lenientFrontmatter(previous);
  if (!before) return {};
  const after = lenientFrontmatter(rebuilt) ?? {};
  const patch: Record<string, unknown> = {};
  const fb = before.feedback;
  if (fb && typeof fb === "object" && Object.values(fb).some((v) => v !== null && v !== undefined && v !== "")) patch.feedback = fb;
  const opened = before.opened_at instanceof Date ? before.opened_at.toISOString() : before.opened_at;
  if (typeof opened === "string" && !Number.isNaN(Date.parse(opened)) && opened !== after.opened_at) patch.opened_at = opened;
  return patch;
}

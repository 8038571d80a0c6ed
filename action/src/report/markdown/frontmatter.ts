import { parse, stringify } from "yaml";
import { z } from "zod";
import { FixSchema, IncidentStatusSchema, LlmUsageSchema, SeveritySchema, TimestampSchema } from "../../model/index.js";

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

/** The frontmatter as YAML text (without the `---` fences), in a stable key order. */
export function frontmatterYaml(record: IncidentFrontmatter): string {
  return stringify(record, { lineWidth: 0 }).replace(/\n$/, "");
}

const FENCED = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Reads and validates the frontmatter of an incident README. Throws an error naming `file`, the
 * field and how to fix it, so a bad human edit is easy to find.
 */
export function parseIncidentFrontmatter(readme: string, file = "README.md"): IncidentFrontmatter {
  const m = FENCED.exec(readme);
  if (!m) throw new Error(`${file}: no YAML frontmatter; the file must start with a block between two \`---\` lines (restore it from git history)`);
  let data: unknown;
  try {
    data = parse(m[1]!);
  } catch (err) {
    throw new Error(`${file}: frontmatter is not valid YAML (${(err as Error).message.split("\n")[0]}); fix the YAML between the \`---\` lines`);
  }
  const parsed = IncidentFrontmatterSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new Error(`${file}: frontmatter ${field}: ${issue.message}; correct that field (only \`feedback\` is meant to be edited by hand)`);
  }
  return parsed.data;
}

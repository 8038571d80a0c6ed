import { z } from "zod";
import { CheckSpecSchema, durationMs, type CheckSpec } from "../../model/index.js";
import { badName, badPattern, badSelector, badTemplate } from "./safe-query.js";
import { redactedLine } from "./text.js";
import { DATA_SOURCES, MAX_CHECKS, MAX_WINDOW_MS, PASS_IF_KEYS, PRIMITIVES, PRIMITIVE_SOURCES, type DataSource } from "./vocabulary.js";

/** A proposal that passed validation: its checks are runbook checks the deterministic runtime can run. */
export const LlmProposalSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  prior: z.number().min(0).max(1),
  checks: z.array(CheckSpecSchema).min(1).max(MAX_CHECKS),
  rationale: z.string(),
});
export type LlmProposal = z.infer<typeof LlmProposalSchema>;

const PROPOSAL_KEYS = new Set(["id", "title", "prior", "checks", "rationale"]);
const CHECK_KEYS = new Set(Object.keys(CheckSpecSchema.shape));
/** Keys that would decide instead of propose. */
const DECIDING = /verdict|confiden|status|conclu|resolv|root_?cause|certain|score|passed|failed|outcome|result/i;
/** Keys that would act instead of propose. */
const ACTING = /fix|patch|remediat|pull|branch|commit|file|path|workflow|command|exec|script/i;

const RawProposalSchema = z.object({
  id: z.string().max(64),
  title: z.string().min(1).max(300),
  prior: z.number().min(0).max(1),
  checks: z.array(z.unknown()).min(1),
  rationale: z.string().max(4000).default(""),
});

/** Why a key is not allowed in a proposal or check. */
function keyProblem(key: string, where: string): string {
  if (DECIDING.test(key)) return `${where} tries to set "${redactedLine(key, 40)}": the LLM never sets a verdict or confidence, it only proposes checks`;
  if (ACTING.test(key)) return `${where} tries to act ("${redactedLine(key, 40)}"): the LLM only proposes checks`;
  return `${where} has an unknown field "${redactedLine(key, 40)}"`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The first problem with one parsed check, or null. */
function checkProblem(c: CheckSpec, raw: Record<string, unknown>, capabilities: ReadonlySet<string>): string | null {
  // The alert's text is as untrusted as the model: a check over it would let one confirm the other.
  if (c.alert !== undefined) return "reads the incident's own alerts: only runbook checks may (alert text is untrusted)";
  if (c.signature !== undefined) return "sets `signature`: only runbooks choose their signatures";
  // a proposal that could mark its own checks optional could never be ruled out by them
  if (c.necessary === false) return "sets `necessary: false`: only runbooks mark alternative signs";
  const source = (Object.keys(DATA_SOURCES) as DataSource[]).find((k) => c[k] !== undefined)!;
  const capability = DATA_SOURCES[source];
  if (!capabilities.has(capability)) return `reads ${source}, but no telemetry with the "${capability}" capability is configured`;
  if (!PRIMITIVE_SOURCES[c.primitive].includes(source))
    return `primitive ${c.primitive} cannot read ${source} (it reads ${PRIMITIVE_SOURCES[c.primitive].join(", ")})`;
  if (c.primitive === "threshold" && source !== "metric" && !c.field) return "threshold over records needs `field`";
  if (c.primitive === "schema_diff" && c.warehouse?.kind !== "schemas") return "schema_diff reads warehouse: { kind: schemas }";
  if (c.field !== undefined) {
    const bad = badName(c.field);
    if (bad) return `field: ${bad}`;
  }
  const keys = Object.keys(c.pass_if);
  if (!keys.length) return "pass_if is empty";
  const allowed = PASS_IF_KEYS[c.primitive];
  const unknown = keys.find((k) => !allowed.includes(k));
  if (unknown !== undefined) return `pass_if.${redactedLine(unknown, 40)}: ${c.primitive} observes only ${allowed.join(", ")}`;
  const window = durationMs(c.window);
  if (window === null || window <= 0 || window > MAX_WINDOW_MS) return `window ${c.window}: expected a lookback above 0 and at most 7d`;
  if (c.metric !== undefined) {
    const bad = badSelector(c.metric);
    if (bad) return `metric: ${bad}`;
  }
  if (c.match !== undefined) {
    if (source === "metric") return "match applies to records (logs, events, changes, orchestrator, warehouse), not to metrics";
    const bad = badPattern(c.match);
    if (bad) return `match: ${bad}`;
  }
  const labelMaps: Array<[string, Record<string, string>]> = [];
  if (c.logs) {
    if (!Object.keys(c.logs).length) return "logs: a stream selector needs at least one label";
    labelMaps.push(["logs", c.logs]);
  }
  if (c.events) {
    const bad = badName(c.events.kind);
    if (bad) return `events.kind: ${bad}`;
    labelMaps.push(["events.labels", c.events.labels]);
  }
  for (const [where, map] of labelMaps) {
    for (const [k, v] of Object.entries(map)) {
      const bad = badName(k) ?? badTemplate(v) ?? (v.length > 200 ? "value longer than 200 characters" : null);
      if (bad) return `${where}.${redactedLine(k, 40)}: ${bad}`;
    }
  }
  if (c.changes) {
    if (c.changes.paths.length > 10) return "changes.paths: at most 10 globs";
    for (const p of c.changes.paths) {
      if (p.length > 200 || p.startsWith("/") || p.split("/").includes("..")) return `changes.paths: "${redactedLine(p, 60)}" is not a repository glob`;
      const bad = badTemplate(p);
      if (bad) return `changes.paths: ${bad}`;
    }
  }
  const where = c.orchestrator?.where ?? c.warehouse?.where;
  for (const [k, v] of Object.entries(where ?? {})) {
    const values = Array.isArray(v) ? v : [v];
    if (values.length > 20) return `where.${redactedLine(k, 40)}: at most 20 values`;
    const bad =
      badName(k) ??
      values.map((x) => (typeof x === "string" ? (badTemplate(x) ?? (x.length > 200 ? "value longer than 200 characters" : null)) : null)).find(Boolean) ??
      null;
    if (bad) return `where.${redactedLine(k, 40)}: ${bad}`;
  }
  if (typeof raw.title === "string" && raw.title.length > 300) return "title longer than 300 characters";
  return null;
}

/**
 * Validates one proposal as the LLM wrote it: shape, closed vocabulary, configured capabilities,
 * safe selectors and patterns. Returns the parsed proposal (id not yet mapped, prior not yet capped)
 * or the reason it is rejected.
 */
export function validateProposal(raw: unknown, capabilities: ReadonlySet<string>): { ok: true; proposal: LlmProposal } | { ok: false; reason: string } {
  if (!isRecord(raw)) return { ok: false, reason: "a proposal is not a JSON object" };
  const label = typeof raw.id === "string" ? `proposal "${redactedLine(raw.id, 64)}"` : "a proposal";
  const extra = Object.keys(raw).find((k) => !PROPOSAL_KEYS.has(k));
  if (extra !== undefined) return { ok: false, reason: keyProblem(extra, label) };
  const shape = RawProposalSchema.safeParse(raw);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    return { ok: false, reason: `${label}: ${issue.path.join(".") || "proposal"}: ${issue.message}` };
  }
  const p = shape.data;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(p.id)) return { ok: false, reason: `${label}: the id is not kebab-case` };
  if (p.checks.length > MAX_CHECKS) return { ok: false, reason: `${label}: ${p.checks.length} checks (at most ${MAX_CHECKS})` };
  const checks: CheckSpec[] = [];
  for (const [i, rawCheck] of p.checks.entries()) {
    const where = `${label}: checks[${i}]`;
    if (!isRecord(rawCheck)) return { ok: false, reason: `${where} is not a JSON object` };
    const extraKey = Object.keys(rawCheck).find((k) => !CHECK_KEYS.has(k));
    if (extraKey !== undefined) return { ok: false, reason: keyProblem(extraKey, where) };
    if (typeof rawCheck.primitive !== "string" || !PRIMITIVES.includes(rawCheck.primitive as never)) {
      return { ok: false, reason: `${where}: unknown primitive "${redactedLine(String(rawCheck.primitive), 40)}" (allowed: ${PRIMITIVES.join(", ")})` };
    }
    const parsed = CheckSpecSchema.safeParse(rawCheck);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { ok: false, reason: `${where}${issue.path.length ? `.${issue.path.join(".")}` : ""}: ${redactedLine(issue.message, 160)}` };
    }
    const problem = checkProblem(parsed.data, rawCheck, capabilities);
    if (problem) return { ok: false, reason: `${where}: ${problem}` };
    if (checks.some((c) => c.id === parsed.data.id)) return { ok: false, reason: `${where}: duplicate check id "${parsed.data.id}"` };
    checks.push(parsed.data);
  }
  return { ok: true, proposal: { id: p.id, title: p.title, prior: p.prior, checks, rationale: p.rationale } };
}

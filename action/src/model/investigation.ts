import { z } from "zod";
import type { CheckSpec, Primitive, Remediation, Weight } from "./runbook.js";
import type { AlertQuery, Capability, ChangeQuery, EventQuery, LogQuery, MetricQuery, RecordQuery } from "./telemetry.js";

export const VerdictSchema = z.enum(["pass", "fail", "inconclusive"]);
/** A check's outcome. Missing data and errors are `inconclusive`, never `pass`. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** Where a hypothesis came from. */
export type HypothesisOrigin = "runbook" | "memory" | "llm";

/** A check with its templates resolved against the problem: ready to run. */
export interface Check {
  /** `<hypothesis>/<check>`, unique within an investigation. */
  key: string;
  id: string;
  hypothesis: string;
  title: string;
  spec: CheckSpec;
  capability: Capability;
  query: MetricQuery | LogQuery | ChangeQuery | EventQuery | RecordQuery<string> | AlertQuery;
  primitive: Primitive;
  weight: Weight;
  role: "confirm" | "rule_out";
  /** Set when a template could not be resolved; the check is then inconclusive without running. */
  unresolved?: string;
  /**
   * Impacted pipelines' paths, services and repositories, for change filters scoped to the pipeline;
   * without knowledge, the subjects' names (a change that names the service, the DAG, the job).
   */
  scope?: { paths: string[]; services: string[]; repos: string[]; names?: string[] };
  /**
   * Subjects a template needed but nobody named: the check ran without narrowing to them (every
   * series or stream), so it weighs one step less, and the report says what knowledge would add.
   */
  unscoped?: string[];
  /** Onset in epoch ms, when known. */
  onset: number | null;
  /**
   * Set when the LLM wrote the check (not a runbook): it counts as evidence only where it is shown to
   * discriminate, passing in the incident's window and failing on a window before the onset.
   */
  proposedBy?: "llm";
}

/** A candidate cause with the checks that can confirm or rule it out. */
export interface Hypothesis {
  id: string;
  title: string;
  origin: HypothesisOrigin;
  prior: number;
  /** Why it is a candidate (which alert or component matched, which past incident). */
  reason: string;
  deeper: string[];
  /** The hypothesis that asked for this one as its deeper cause. */
  parent?: string;
  round: number;
  checks: Check[];
  remediation?: Remediation;
  runbookFile?: string;
  /** The past incident where review confirmed this cause ("seen before"): tested first. */
  seenBefore?: string;
  /** For a runbook no route led to: the keys of its signature checks, swept before round one; it is investigated only when one holds. */
  signatures?: string[];
}

/** The result of one check: its verdict, what it measured, the data it saw. */
export interface Evidence {
  key: string;
  check: string;
  hypothesis: string;
  verdict: Verdict;
  /** One line a human can read: what was measured against what threshold. */
  finding: string;
  /** The query as the backend saw it. */
  query: string;
  /** The numbers the primitive computed (ratio, count, changes, …). */
  observed: Record<string, number>;
  /** The data the check saw, cut to a reasonable size and redacted before writing. */
  data: unknown;
  weight: Weight;
  role: "confirm" | "rule_out";
  /** false: one of several alternative signs; failing it is not evidence against the cause. */
  necessary?: boolean;
  round: number;
  ms: number;
  /** For inconclusive results: why (no data, timeout, backend error, unresolved template). */
  reason?: string;
  /** Records a change-type check matched (for revert fixes and timelines). */
  matched?: Array<{ at: string; label: string; ref?: string; repo?: string; files?: string[] }>;
  /**
   * False when the check also passed on a baseline window before the onset: the signal is
   * background, not this incident, and weighs nothing. Absent when no baseline applies.
   */
  specific?: boolean;
  /** The check was written by the LLM: see Check.proposedBy. */
  proposedBy?: "llm";
}

export type CauseStatus = "confirmed" | "likely" | "possible" | "unlikely" | "ruled_out" | "untested";

/** A ranked cause with its confidence and the evidence for and against it. */
export interface RankedCause {
  id: string;
  title: string;
  confidence: number;
  status: CauseStatus;
  support: string[];
  against: string[];
  gaps: string[];
  /** From symptom-side mechanism to this cause, when this cause is a deeper one. */
  chain: string[];
  origin: HypothesisOrigin;
}

/** The investigation's conclusion. */
export interface Rca {
  conclusion: "confirmed" | "likely" | "inconclusive";
  /** The top cause id, or `unknown` when the evidence cannot decide. */
  rootCause: string;
  confidence: number;
  ranked: RankedCause[];
  chain: string[];
  /** What could not be checked and why. */
  gaps: string[];
  rounds: number;
  checksRun: number;
  budgetExhausted: boolean;
}

/** The confidence at or above which a cause is called confirmed. */
export const CONFIRMED_AT = 0.8;

export interface Investigation {
  hypotheses: Hypothesis[];
  evidence: Evidence[];
  rca: Rca;
  ms: number;
}

export const FixSchema = z.object({
  kind: z.enum(["config-patch", "revert", "none"]),
  path: z.string().nullable().default(null),
  description: z.string().default(""),
  branch: z.string().nullable().default(null),
  commit: z.string().nullable().default(null),
  pr: z.number().int().nullable().default(null),
  state: z.enum(["proposed", "open", "merged", "closed", "none"]).default("none"),
  reversible: z.boolean().default(true),
});
/** A proposed fix and where it lives. */
export type Fix = z.infer<typeof FixSchema>;

/** What one incident's LLM use cost; recorded in the incident frontmatter `cost.llm`. */
export const LlmUsageSchema = z.object({
  model: z.string(),
  calls: z.number().int().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  estimated_cost_usd: z.number().nonnegative(),
  /** Why calls failed or were refused, oldest first (already free of credentials). */
  errors: z.array(z.string()),
  /** True when some LLM task gave up: the report must say the LLM's part is missing. */
  degraded: z.boolean(),
});
export type LlmUsage = z.infer<typeof LlmUsageSchema>;

import { z } from "zod";
import { RE2_FIX, patternProblem } from "../patterns.js";
import { SeveritySchema, SourceSchema } from "./alert.js";
import { DurationSchema } from "./runbook.js";

/** The repository's policy file: every entry reads it from here, every error about it names it. */
export const CONFIG_PATH = ".github/pipemedic.yml";

/** One `investigate.auto` rule: every field given must match (severity and source as lists). */
export const AutoRuleSchema = z.object({
  severity: z.array(SeveritySchema).optional(),
  source: z.array(SourceSchema).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  pipelines: z.array(z.string()).optional(),
});
export type AutoRule = z.infer<typeof AutoRuleSchema>;

/** `.github/pipemedic.yml`: policy, budgets, redaction, store and remediation settings. */
export const ConfigSchema = z
  .object({
    investigate: z
      .object({
        /** An incident is investigated at once when any rule matches; otherwise it awaits a manual trigger. */
        auto: z.array(AutoRuleSchema).default([{ severity: ["critical", "high", "medium"] }]),
        /** Alerts on the same pipeline or a lineage neighbour within this window join one incident. */
        group_window: DurationSchema.default("30m"),
        /** A re-fire within this window after resolution reopens the incident; later ones open a new one. */
        reopen_window: DurationSchema.default("2h"),
        /**
         * An incident with no new alert for this long is closed, even if an alert never resolved; a later
         * alert of its fingerprint opens a new incident linked to it as a recurrence.
         */
        quiet_period: DurationSchema.default("24h"),
        /**
         * At most this many incidents are investigated in one run, the most severe first (then the
         * earliest); the others are recorded awaiting a manual trigger, so a flood of alerts cannot
         * outlast the job. Replay and eval investigate every incident whatever this says.
         */
        max_per_run: z.number().int().positive().max(1000).default(10),
      })
      .prefault({}),
    budgets: z
      .object({
        concurrency: z.number().int().positive().max(64).default(8),
        check_timeout: DurationSchema.default("10s"),
        total: DurationSchema.default("2m"),
        max_rounds: z.number().int().positive().max(10).default(3),
        max_checks: z.number().int().positive().max(2000).default(200),
        /**
         * For the whole run, under the job's own timeout: no investigation starts after it, the one under
         * way gets only what is left, and the incidents not reached are recorded awaiting a manual trigger.
         */
        run: DurationSchema.default("10m"),
      })
      .prefault({}),
    redaction: z
      .object({
        /** The repository's own patterns, run on RE2 over everything written or sent. */
        patterns: z
          .array(
            z.string().refine((p) => patternProblem(p) === null, {
              error: (i) => `the pattern ${JSON.stringify(i.input)} ${patternProblem(String(i.input))}; use ${RE2_FIX}`,
            }),
          )
          .default([]),
      })
      .prefault({}),
    store: z
      .object({
        /** The branch incidents are committed to; empty means the checked-out branch. */
        branch: z.string().default(""),
        /**
         * Spacing of GitHub write requests within one run. GitHub asks for one second; lower it only
         * where no secondary rate limit applies (a GitHub Enterprise Server without them, an emulator).
         */
        write_interval: DurationSchema.default("1s"),
      })
      .prefault({}),
    remediation: z
      .object({
        /** Globs of paths a fix may touch; workflows are never allowed whatever this says. */
        allowed_paths: z.array(z.string()).default(["**"]),
        /** Below this confidence a fix pull request is a draft. */
        draft_below: z.number().min(0).max(1).default(0.8),
        labels: z.array(z.string()).default(["pipemedic", "incident-fix"]),
      })
      .prefault({}),
    connectors: z.record(z.string(), z.unknown()).default({}),
    llm: z.record(z.string(), z.unknown()).default({}),
    autonomy: z.string().optional(),
    generic: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export type Config = z.infer<typeof ConfigSchema>;

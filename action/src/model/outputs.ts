import { z } from "zod";
import { IncidentIdSchema, IncidentStatusSchema } from "./incident.js";

/**
 * One incident as the Action's `incidents` output carries it: what a later workflow step (a Slack
 * message, a note on the pager's incident) needs, and nothing it must parse Markdown for.
 */
export const IncidentOutputSchema = z.object({
  id: IncidentIdSchema,
  title: z.string(),
  status: IncidentStatusSchema,
  /** The root cause id from the catalogue; `unknown` when the evidence cannot decide; null when not investigated. */
  root_cause: z.string().nullable(),
  /** `confirmed`, `likely`, `inconclusive`, or `not-investigated` (recorded, awaiting a manual trigger). */
  conclusion: z.enum(["confirmed", "likely", "inconclusive", "not-investigated"]),
  /** 0 to 1; null when not investigated. */
  confidence: z.number().min(0).max(1).nullable(),
  /** The incident's README.md on the forge, or its repository path when the run has no forge. */
  report_url: z.string(),
  /** The fix pull request, when one was opened or updated. */
  fix_pr_url: z.string().nullable(),
});
export type IncidentOutput = z.infer<typeof IncidentOutputSchema>;

/** The `incidents` output: a JSON array, one entry per incident this run touched. */
export const IncidentsOutputSchema = z.array(IncidentOutputSchema);

import type { Incident } from "../model/index.js";

/** The incident a fix branch belongs to: branches are `pipemedic/fix/<incident-id>`. */
export function incidentOfBranch(branch: string): string | null {
  const m = /^pipemedic\/fix\/([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9-]+)$/.exec(branch);
  return m ? m[1]! : null;
}

/** What review said about a fix pull request. */
export interface ReviewOutcome {
  number: number;
  merged: boolean;
  /** When the review happened (the pull request's closed_at). */
  at: string;
}

/**
 * Applies a fix pull request's review to an incident: a merged fix confirms the cause and resolves
 * the incident; a fix closed unmerged records the rejection and leaves the cause unconfirmed.
 * Returns the updated index entry and the frontmatter fields (dotted paths) to write into its README.
 */
export function applyReview(incident: Incident, review: ReviewOutcome): { incident: Incident; frontmatter: Record<string, unknown> } {
  const cause = incident.rootCause;
  if (review.merged) {
    const updated: Incident = {
      ...incident,
      status: "resolved",
      resolvedAt: incident.resolvedAt ?? review.at,
      updatedAt: review.at > incident.updatedAt ? review.at : incident.updatedAt,
      rootCause: cause ? { ...cause, status: "confirmed-by-review" } : null,
    };
    return {
      incident: updated,
      frontmatter: {
        status: "resolved",
        resolved_at: updated.resolvedAt,
        ...(cause ? { "root_cause.status": "confirmed-by-review" } : {}),
        "fix.pr": review.number,
        "fix.state": "merged",
      },
    };
  }
  const updated: Incident = {
    ...incident,
    rootCause: cause ? { ...cause, status: cause.status === "confirmed-by-review" ? cause.status : "fix-rejected" } : null,
  };
  return { incident: updated, frontmatter: { "fix.pr": review.number, "fix.state": "closed" } };
}

/** Where a person's correction goes into an incident README: a marked block under its title, replaced on every update. */
export const REVIEW_BANNER = { start: "<!-- pipemedic:review -->", end: "<!-- /pipemedic:review -->" } as const;

/**
 * Applies a person's correction (`feedback.actual_root_cause` in the README frontmatter) to the index
 * entry: the corrected cause becomes the incident's, as `corrected-by-review`, keeping the cause
 * Pipemedic named. A correction that names the cause already recorded, or none, changes nothing.
 */
export function applyCorrection(incident: Incident, actual: string | null | undefined): Incident {
  const id = typeof actual === "string" ? actual.trim() : "";
  const cause = incident.rootCause;
  if (!id || (cause?.status === "corrected-by-review" && cause.id === id)) return incident;
  const named = cause?.status === "corrected-by-review" ? (cause.named ?? "unknown") : (cause?.id ?? "unknown");
  return { ...incident, rootCause: { id, confidence: cause?.confidence ?? 0, status: "corrected-by-review", named } };
}

/** What review said about a cause, in words: only a merged fix is "confirmed by review". */
export function reviewWords(cause: { id: string; status: string; named?: string | undefined } | null): string | null {
  if (!cause) return null;
  if (cause.status === "confirmed-by-review") return "confirmed by review (its fix was merged)";
  if (cause.status === "corrected-by-review")
    return cause.named && cause.named !== cause.id
      ? `corrected by review to ${cause.id} (Pipemedic had named ${cause.named})`
      : `set by review to ${cause.id}, as Pipemedic named it`;
  return null;
}

/**
 * An incident README with the review banner for its cause: a quoted line under the title saying what
 * review decided, replaced when it changes and removed when there is nothing to say. The rest of the
 * file, the frontmatter included, is kept byte for byte.
 */
export function withReviewBanner(readme: string, cause: Incident["rootCause"]): string {
  const at = readme.indexOf(REVIEW_BANNER.start);
  const end = at < 0 ? -1 : readme.indexOf(`${REVIEW_BANNER.end}\n`, at);
  const without = at >= 0 && end >= 0 ? readme.slice(0, at) + readme.slice(end + REVIEW_BANNER.end.length + 1) : readme;
  if (cause?.status !== "corrected-by-review") return without;
  // The ids are a person's text: kept to the characters of an id, so the line stays one code span each.
  const id = (s: string) => `\`${s.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 80)}\``;
  const what =
    cause.named && cause.named !== cause.id
      ? `corrected by review to ${id(cause.id)} (Pipemedic had named ${id(cause.named)})`
      : `set by review to ${id(cause.id)}, as Pipemedic named it`;
  const banner = `${REVIEW_BANNER.start}\n> **Root cause ${what}.** Memory uses this cause for similar incidents; the analysis below is Pipemedic's own, unchanged.\n${REVIEW_BANNER.end}\n`;
  // Under the title; a README without one gets it after the frontmatter.
  const title = /^# .*\n/m.exec(without);
  const fm = /^---\n[\s\S]*?\n---\n/.exec(without);
  const put = title ? title.index + title[0].length : fm ? fm[0].length : 0;
  return `${without.slice(0, put)}${banner}${without.slice(put)}`;
}

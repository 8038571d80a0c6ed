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

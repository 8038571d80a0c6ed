import type { Problem } from "../../src/model/index.js";

/**
 * A framed problem holding only what a test gives it: no alerts, pipelines, subjects, changes or
 * history; the onset an hour before `now` unless the test says otherwise.
 */
export function problemOf(over: Partial<Problem> & Pick<Problem, "now">): Problem {
  return {
    incidentId: "t",
    title: "t",
    onset: over.now - 3_600_000,
    alerts: [],
    alertnames: [],
    labels: {},
    pipelines: [],
    upstream: [],
    downstream: [],
    components: [],
    subjects: {},
    metrics: [],
    changes: { commits: [], deployments: [] },
    similar: [],
    timeline: [],
    ...over,
  };
}

/** Knowledge with nothing in it. */
export const NO_KNOWLEDGE = { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } };

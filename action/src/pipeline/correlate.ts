import type { Alert, Config, Incident, LifecycleWindows } from "../model/index.js";
import { parseDuration } from "../model/index.js";
import { correlate, type Correlation } from "../ingest/correlate.js";
import { neighbours } from "../memory/knowledge.js";
import { INDEX_PATH } from "../record/index.js";
import type { Memory } from "./memory.js";

/** The policy's windows that decide when an incident closes. */
export function lifecycleWindows(config: Config): Required<LifecycleWindows> {
  return { reopenWindowMs: parseDuration(config.investigate.reopen_window), quietPeriodMs: parseDuration(config.investigate.quiet_period) };
}

/** Correlates the run's alerts with a state of the index; rerun on every commit attempt against the state it lands on. */
export type Correlator = (state: Incident[]) => Correlation;

/**
 * Stage 3, correlate: a correlator over the run's alerts, and the incidents this run touches.
 * `received` gives each delivery's receive time (epoch ms), which bounds an alert's start time.
 */
export function correlator(alerts: Alert[], ctx: { config: Config; memory: Memory; now: number; received?: ReadonlyMap<string, number> }): Correlator {
  const { config, memory, now, received } = ctx;
  return (state) =>
    correlate(state, alerts, {
      now,
      groupWindowMs: parseDuration(config.investigate.group_window),
      ...lifecycleWindows(config),
      receivedAt: (a) => received?.get(a.raw.delivery),
      pipelinesOf: (a) => memory.pipelinesOf(a).map((p) => p.id),
      neighboursOf: (p) => {
        const n = neighbours(memory.knowledge, p);
        return [...n.upstream, ...n.downstream];
      },
    });
}

/** The incidents a run touches: those its alerts joined, and the one a manual trigger names. */
export function touchedIncidents(correlation: Correlation, incidentId: string | undefined): string[] {
  const touched = new Set(correlation.touched);
  if (incidentId) {
    if (!correlation.incidents.some((i) => i.id === incidentId)) {
      throw new Error(`incident ${incidentId} is not in ${INDEX_PATH}; check the id (it is the incident folder's name)`);
    }
    touched.add(incidentId);
  }
  return [...touched];
}

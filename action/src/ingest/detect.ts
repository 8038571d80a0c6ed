import type { Source } from "../model/index.js";
import { airflow } from "./sources/airflow.js";
import { alertmanager } from "./sources/alertmanager.js";
import { cloudwatch } from "./sources/cloudwatch.js";
import { datadog } from "./sources/datadog.js";
import { dbtCloud } from "./sources/dbt-cloud.js";
import { generic } from "./sources/generic.js";
import { grafana } from "./sources/grafana.js";
import { opsgenie } from "./sources/opsgenie.js";
import { pagerduty } from "./sources/pagerduty.js";
import { sentry } from "./sources/sentry.js";
import type { SourceAdapter } from "./sources/types.js";

/**
 * Every adapter with a fixed shape, most specific first: Grafana's unified payload is
 * Alertmanager-shaped, so it is asked before Alertmanager; Datadog, whose payload is whatever the
 * customer templated, is asked last. `generic` is not here: it needs a mapping.
 */
export const ADAPTERS: readonly SourceAdapter[] = [grafana, alertmanager, sentry, pagerduty, opsgenie, cloudwatch, airflow, dbtCloud, datadog];

/** The adapter of a source (`generic` included), if Pipemedic has one. */
export function adapterFor(source: Source): SourceAdapter | undefined {
  return source === "generic" ? generic : ADAPTERS.find((a) => a.source === source);
}

/** The source whose adapter recognizes the body (and headers, names lower-cased), or null. Never throws. */
export function detectSource(body: unknown, headers: Record<string, string> = {}): Source | null {
  for (const adapter of ADAPTERS) {
    try {
      if (adapter.detect(body, headers)) return adapter.source;
    } catch {
      // A detector that trips over an odd body simply does not recognize it.
    }
  }
  return null;
}

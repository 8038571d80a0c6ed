import type { Alert, Config, Delivery, Progress, Unparsed } from "../model/index.js";
import { normalize } from "../ingest/normalize.js";
import type { GenericMappingInput } from "../ingest/sources/generic-mapping.js";
import { redact } from "../redact.js";
import type { Memory } from "./memory.js";

/** Stage 2, ingest: every delivery becomes alerts (each tagged with its pipeline) or an unparsed record with the reason. */
export function ingest(
  deliveries: Delivery[],
  ctx: { config: Config; memory: Memory; source?: Alert["source"]; redactPatterns: RegExp[]; progress: Progress },
): { alerts: Alert[]; unparsed: Unparsed[] } {
  const alerts: Alert[] = [];
  const unparsed: Unparsed[] = [];
  for (const d of deliveries) {
    const out = normalize(d, {
      ...(ctx.source ? { source: ctx.source } : {}),
      ...(ctx.config.generic ? { generic: ctx.config.generic as GenericMappingInput } : {}),
    });
    if (out.ok) {
      for (const a of out.alerts) alerts.push({ ...a, pipeline: a.pipeline ?? ctx.memory.pipelinesOf(a)[0]?.id ?? null });
      ctx.progress.info(`${d.id}: ${out.alerts.length} ${out.source} alert(s)`);
    } else {
      unparsed.push({ delivery: d.id, reason: out.reason, receivedAt: d.receivedAt, body: redact(d.body.slice(0, 65_536), ctx.redactPatterns) });
      ctx.progress.warn(`${d.id}: not recorded as an alert: ${out.reason}`);
    }
  }
  return { alerts, unparsed };
}

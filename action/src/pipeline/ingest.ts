import type { Pattern } from "../patterns.js";
import type { Alert, Config, Delivery, Progress, Unparsed } from "../model/index.js";
import { normalize } from "../ingest/normalize.js";
import type { GenericMappingInput } from "../ingest/sources/generic-mapping.js";
import { redact } from "../redact.js";
import type { Memory } from "./memory.js";

/** What an unparsed record of an inferred body says: that it was read by inference, from which fields, and how to map it. */
function inferredNote(alerts: number, inferred: { fields: string[]; list: string | null }): string {
  const where = inferred.list === null ? "" : inferred.list === "$" ? " of each entry of the array" : ` of each entry of ${inferred.list}`;
  return `no source recognizes this body; ${alerts} alert(s) were inferred from the fields ${inferred.fields.join(", ")}${where}; the body is kept so a human can map it with a generic mapping (docs/sources.md, "Your own JSON (inferred)")`;
}

/**
 * Stage 2, ingest: every delivery becomes alerts (each tagged with its pipeline) or an unparsed
 * record with the reason; a body whose alerts were inferred gives both.
 */
/** The most of a body kept under incidents/_unparsed/, in characters. */
export const UNPARSED_KEEP = 65_536;

/** A body as it is kept: redacted, cut to UNPARSED_KEEP characters, and marked when it was cut. */
function keptBody(body: string, patterns: Pattern[]): Pick<Unparsed, "body" | "truncated"> {
  const cut = body.length > UNPARSED_KEEP;
  return { body: redact(cut ? body.slice(0, UNPARSED_KEEP) : body, patterns), ...(cut ? { truncated: { length: body.length, kept: UNPARSED_KEEP } } : {}) };
}

export function ingest(
  deliveries: Delivery[],
  ctx: { config: Config; memory: Memory; source?: Alert["source"]; redactPatterns: Pattern[]; progress: Progress },
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
      ctx.progress.info(`${d.id}: ${out.alerts.length} ${out.source} alert(s)${out.inferred ? ` inferred from fields ${out.inferred.fields.join(", ")}` : ""}`);
      if (out.inferred) {
        const inferred = { alerts: out.alerts.length, ...out.inferred };
        const reason = inferredNote(out.alerts.length, out.inferred);
        unparsed.push({ delivery: d.id, reason, inferred, receivedAt: d.receivedAt, ...keptBody(d.body, ctx.redactPatterns) });
      }
    } else {
      unparsed.push({ delivery: d.id, reason: out.reason, receivedAt: d.receivedAt, ...keptBody(d.body, ctx.redactPatterns) });
      ctx.progress.warn(`${d.id}: not recorded as an alert: ${out.reason}`);
    }
  }
  return { alerts, unparsed };
}

import type { Alert } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { buildAlert } from "./build.js";
import { readPath } from "./field-path.js";
import { array, at, fill, optText, stringMap } from "./fields.js";
import type { GenericMapping } from "./generic-mapping.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/** True when a body fits the mapping: its `detect` rule holds, or (without one) its title path holds text. */
export function genericMatches(body: unknown, mapping: GenericMapping): boolean {
  try {
    if (mapping.detect) {
      const v = readPath(body, mapping.detect.path);
      return mapping.detect.equals === undefined ? v !== undefined && v !== null : v === mapping.detect.equals;
    }
    const root = mapping.alerts ? readPath(body, mapping.alerts) : body;
    const first: unknown = mapping.alerts ? (Array.isArray(root) ? root[0] : undefined) : root;
    const title = readPath(first, mapping.title);
    return typeof title === "string" && title.trim() !== "";
  } catch {
    return false;
  }
}

/** Labels or annotations: a path to an object of strings, or name → path. */
function readMap(entry: unknown, spec: GenericMapping["labels"], where: (p: string) => string): Record<string, string> {
  if (spec === undefined) return {};
  if (typeof spec === "string") return stringMap(readPath(entry, spec), where(spec));
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(spec)) fill(out, name, optText(readPath(entry, path), where(path)));
  return out;
}

function parseEntry(entry: unknown, m: GenericMapping, where: (p: string) => string, ctx: ParseContext, index: number): Alert {
  const read = (path: string | undefined) => (path === undefined ? undefined : readPath(entry, path));
  const title = optText(read(m.title), where(m.title));
  if (!title) throw new ParseError(where(m.title), "expected the alert's title (mapping `title`)");
  const status = m.status ? optText(read(m.status), where(m.status), false)?.toLowerCase() : undefined;
  const resolved = status !== undefined && m.resolved.some((r) => r.toLowerCase() === status);
  const labels = readMap(entry, m.labels, where);
  const severity = m.severity ? read(m.severity) : undefined;
  return buildAlert(
    "generic",
    {
      title,
      ...(m.alertname ? { alertname: optText(read(m.alertname), where(m.alertname), false) ?? title } : {}),
      severity: knownSeverity(typeof severity === "number" ? severity : optText(severity, where(m.severity ?? "severity"), false)) ?? "medium",
      status: resolved ? "resolved" : "firing",
      fingerprint: m.fingerprint ? (optText(read(m.fingerprint), where(m.fingerprint), false) ?? null) : null,
      ...(m.identity ? { identity: m.identity } : {}),
      labels,
      annotations: readMap(entry, m.annotations, where),
      startsAt: m.startsAt ? time(read(m.startsAt), where(m.startsAt)) : null,
      endsAt: m.endsAt ? time(read(m.endsAt), where(m.endsAt)) : null,
      links: link("source", read(m.url)),
    },
    ctx,
    index,
  );
}

/**
 * Any JSON body, read through the field mapping configured under `generic:` in the policy
 * (GenericMappingSchema). Never detected on its own: it is used when the mapping's `detect` rule
 * holds, when a dispatch or the caller names it, and otherwise only when no other source fits.
 */
export const generic: SourceAdapter = {
  source: "generic",
  detect() {
    return false;
  },
  parse(body, ctx) {
    const m = ctx.generic;
    if (!m) throw new ParseError("generic", "no field mapping is configured; add `generic:` to .github/pipemedic.yml (see docs/sources.md)");
    if (!m.alerts) return [parseEntry(body, m, (p) => p, ctx, 0)];
    const entries = array(readPath(body, m.alerts), m.alerts);
    if (!entries.length) throw new ParseError(m.alerts, "no alerts in the array");
    return entries.map((e, i) => parseEntry(e, m, (p) => `${at(m.alerts!, i)}.${p.replace(/^\$\.?/, "")}`, ctx, i));
  },
};

import type { Alert, Incident, Snapshot } from "../model/index.js";
import { incidentFiles } from "./paths.js";

/** alerts.jsonl of an incident: one normalized alert per line (an empty file for none). */
export function serializeAlerts(alerts: Alert[]): string {
  return alerts.map((a) => `${JSON.stringify(a)}\n`).join("");
}

/** One non-blank line of alerts.jsonl: its 1-based number and its JSON value, or why it is not JSON. */
export type AlertLine = { line: number; value: unknown } | { line: number; problem: string };

/** The non-blank lines of alerts.jsonl, each read as JSON or with the reason it could not be. */
export function alertLines(text: string): AlertLine[] {
  const out: AlertLine[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    try {
      out.push({ line: n + 1, value: JSON.parse(line) });
    } catch (err) {
      out.push({ line: n + 1, problem: (err as Error).message });
    }
  }
  return out;
}

/** Parses alerts.jsonl; a damaged line is skipped, never fatal (the other alerts stay readable). */
export function parseAlerts(text: string): Alert[] {
  return alertLines(text).flatMap((l) => ("value" in l ? [l.value as Alert] : []));
}

/** The alerts recorded for an incident at a head. */
export async function readAlerts(head: Snapshot, incident: Pick<Incident, "path">): Promise<Alert[]> {
  const text = await head.read(incidentFiles.alerts(incident));
  return text ? parseAlerts(text) : [];
}

/** Alerts without repeats of one id (a re-delivery), the first kept. */
export function dedupeAlerts<A extends Pick<Alert, "id">>(alerts: A[]): A[] {
  const seen = new Map<string, A>();
  for (const a of alerts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

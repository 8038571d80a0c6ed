import type { Alert, Incident, Snapshot } from "../model/index.js";
import { incidentFiles } from "./paths.js";

/** alerts.jsonl of an incident: one normalized alert per line. */
export function serializeAlerts(alerts: Alert[]): string {
  return alerts.map((a) => JSON.stringify(a)).join("\n") + "\n";
}

/** Parses alerts.jsonl; a damaged line is skipped, never fatal (the other alerts stay readable). */
export function parseAlerts(text: string): Alert[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Alert];
      } catch {
        return [];
      }
    });
}

/** The alerts recorded for an incident at a head. */
export async function readAlerts(head: Snapshot, incident: Pick<Incident, "path">): Promise<Alert[]> {
  const text = await head.read(incidentFiles.alerts(incident));
  return text ? parseAlerts(text) : [];
}

/** Alerts without repeats of one id (a re-delivery), the first kept. */
export function dedupeAlerts(alerts: Alert[]): Alert[] {
  const seen = new Map<string, Alert>();
  for (const a of alerts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

import { fieldText } from "../../model/index.js";
import type { PrimitiveImpl, TelemetryRecord } from "./types.js";

/** schema_diff: columns that disappear (`removed`) or appear (`added`) between a table's snapshots. */
export const schemaDiff: PrimitiveImpl = {
  input: "records",
  measure(records) {
    const byTable = new Map<string, TelemetryRecord[]>();
    for (const r of records) {
      const table = fieldText(r.fields.table);
      const list = byTable.get(table) ?? [];
      list.push(r);
      byTable.set(table, list);
    }
    let removed = 0;
    let added = 0;
    let compared = 0;
    const matched: TelemetryRecord[] = [];
    for (const [table, snaps] of byTable) {
      const ordered = snaps.filter((s) => s.at !== null).sort((a, b) => a.at! - b.at!);
      for (let i = 1; i < ordered.length; i++) {
        const before = columnsOf(ordered[i - 1]!);
        const after = columnsOf(ordered[i]!);
        compared++;
        const gone = [...before].filter((c) => !after.has(c));
        const fresh = [...after].filter((c) => !before.has(c));
        removed += gone.length;
        added += fresh.length;
        if (gone.length || fresh.length) {
          matched.push({
            ...ordered[i]!,
            label: `${table}: ${gone.length ? `-${gone.join(", -")}` : ""}${gone.length && fresh.length ? " " : ""}${fresh.length ? `+${fresh.join(", +")}` : ""}`,
          });
        }
      }
    }
    if (!compared) return { noData: "fewer than two schema snapshots of any table" };
    return { measurement: { subject: "schemas", observed: { removed, added } }, matched };
  },
};

function columnsOf(r: TelemetryRecord): Set<string> {
  const cols = r.fields.columns;
  return new Set(cols && typeof cols === "object" ? Object.keys(cols).map((c) => c.toLowerCase()) : []);
}

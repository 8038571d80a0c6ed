/**
 * The partner bulk import of loyalty-lag-partner-import, as the on-call saw it: one Alertmanager
 * notification carrying the group's summed-lag alert, the per-partition lag alert of partition 3,
 * and the app-facing points freshness alert of the same service. Same telemetry; three alerts that
 * must become one incident.
 */
export { build } from "./loyalty-lag-partner-import.js";
export const id = "loyalty-lag-alert-storm";

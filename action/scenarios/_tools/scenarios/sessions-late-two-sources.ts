/**
 * The late iOS events of sessions-late-app-events, as two sources reported them: the Alertmanager
 * volume alert and, two minutes later, a Grafana alert on the sessions dashboard's completeness
 * panel. Same telemetry; two files that must become one incident.
 */
export { build } from "./sessions-late-app-events.js";
export const id = "sessions-late-two-sources";

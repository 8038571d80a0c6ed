/**
 * The rewards-db slowdown of loyalty-lag-rewards-db-slow, in a notification grouped by severity:
 * the points-accrual summed-lag and partition-lag alerts, plus a short lag blip of the search
 * indexer's group (catalog.products, no pipeline in knowledge/, healthy in the data). Same
 * telemetry; the foreign alert must open its own incident.
 */
export { build } from "./loyalty-lag-rewards-db-slow.js";
export const id = "loyalty-lag-with-foreign-group";

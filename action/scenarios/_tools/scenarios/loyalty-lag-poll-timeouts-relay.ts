/**
 * The poll-timeout rebalance storm of loyalty-lag-poll-timeouts, alerted by the Grafana-managed
 * lag rule and delivered through the dispatch relay. Same telemetry, another source and shape.
 */
export { build } from "./loyalty-lag-poll-timeouts.js";
export const id = "loyalty-lag-poll-timeouts-relay";

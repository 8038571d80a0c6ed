/**
 * The lag alert fires at 16:22, but the kafka_exporter instance that scrapes the loyalty cluster
 * was rescheduled onto a node without network access to the brokers at 15:50: the group's series
 * stop being stored (the alert was evaluated by the cluster's own Prometheus agent and forwarded).
 * What is left: healthy background groups of other clusters, a fast rewards-db probe, consumer
 * logs that look normal. Whether the group is slow, flooded, skewed or rebalancing cannot be told.
 */
import { at } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-exporter-gap";

export function build() {
  return loyaltyTelemetry({
    id,
    seed: 8505,
    now: at("2026-12-09T16:40:00Z"),
    produce: () => 18,
    capacity: () => 410,
    dropGroupSeries: true,
  }).telemetry;
}

/**
 * Background every scenario of Shopfront's platform shares: healthy consumer groups on other
 * topics, blackbox probes of other endpoints, and log lines of services that have nothing to do
 * with the incident. They make a scenario's data look like a real scrape and give checks series
 * and lines they must *not* pick up.
 */
import { backgroundGroup } from "./kafka.js";
import { type Axis, type Labels, Logs, MIN, Rand, type Series, gauge, times } from "./lib.js";

export const PROBES = {
  customerProfile: "http://customer-profile-api.commerce.svc.cluster.local:8080/healthz",
  ledgerDb: "tcp://ledger-db.payments.svc.cluster.local:5432",
  recommendations: "http://recommendations-api.storefront.svc.cluster.local:8080/healthz",
  checkout: "http://checkout.storefront.svc.cluster.local:8080/healthz",
  erp: "https://erp-gateway.shopfront.example/api/health",
} as const;

/** Healthy consumer groups on topics that no pipeline in knowledge/ owns. */
export function backgroundKafka(ax: Axis, rand: Rand, skipTopics: string[] = []): Series[] {
  const groups: Array<[string, string, number, number, number, number]> = [
    ["catalog.products", "search-indexer", 6, 3, 35, 18_400_000],
    ["crm.email_events", "email-events-sink", 6, 2, 90, 402_000_000],
    ["inventory.movements", "stock-projector", 6, 2, 22, 6_900_000],
  ];
  return groups
    .filter(([topic]) => !skipTopics.includes(topic))
    .flatMap(([topic, group, parts, members, rate, offset]) => backgroundGroup(topic, group, parts, members, rate, ax, rand, offset));
}

/** Blackbox probes with their usual latency; `override` replaces one target's latency function. */
export function probes(ax: Axis, rand: Rand, override: Record<string, (t: number) => number> = {}): Series[] {
  const usual: Record<string, number> = {
    [PROBES.customerProfile]: 0.034,
    [PROBES.ledgerDb]: 0.0021,
    [PROBES.recommendations]: 0.051,
    [PROBES.checkout]: 0.027,
    [PROBES.erp]: 0.31,
  };
  return Object.entries(usual).flatMap(([target, base]) => {
    const job = target.startsWith("tcp") ? "blackbox-tcp" : "blackbox-http";
    const f = override[target] ?? (() => base);
    return [
      gauge({ __name__: "probe_duration_seconds", instance: target, job }, ax, (t) => Math.max(0.0005, rand.jitter(f(t), 0.12)), 4),
      gauge({ __name__: "probe_success", instance: target, job }, ax, () => 1, 0),
    ];
  });
}

/** Log lines of unrelated services, a few per minute. */
export function noiseLogs(ax: Axis, rand: Rand, logs: Logs): void {
  const sources: Array<{ labels: Labels; lines: Array<() => string> }> = [
    {
      labels: { service: "recommendations-api", namespace: "storefront", level: "info" },
      lines: [
        () => `GET /v2/recs/home status=200 dur_ms=${rand.int(18, 90)} items=24`,
        () => `GET /v2/recs/pdp/${rand.int(100000, 999999)} status=200 dur_ms=${rand.int(12, 70)} items=12`,
        () => `model cache refreshed version=2026-02-0${rand.int(1, 9)} entries=${rand.int(40000, 42000)}`,
      ],
    },
    {
      labels: { service: "checkout", namespace: "storefront", level: "info" },
      lines: [
        () => `order placed order_id=${rand.int(70000000, 79999999)} items=${rand.int(1, 6)} psp=adyen`,
        () => `payment authorised psp_ref=${rand.hex(16)} latency_ms=${rand.int(120, 480)}`,
      ],
    },
    {
      labels: { service: "search-indexer", namespace: "streaming", level: "info" },
      lines: [() => `indexed batch size=${rand.int(20, 200)} took_ms=${rand.int(40, 300)}`],
    },
    {
      labels: { service: "checkout", namespace: "storefront", level: "warn" },
      lines: [() => `psp timeout, retrying psp=adyen attempt=1 elapsed_ms=${rand.int(2000, 3000)}`],
    },
    {
      labels: { service: "recommendations-api", namespace: "storefront", level: "error" },
      lines: [() => `upstream feature-store returned 503, serving fallback recs`],
    },
  ];
  for (const t of times(ax)) {
    for (const [k, s] of sources.entries()) {
      const per = k >= 3 ? 0.04 : 0.45;
      const n = Math.floor(per) + (rand.chance(per - Math.floor(per)) ? 1 : 0);
      for (let j = 0; j < n; j++) logs.add(t + rand.uniform(0, MIN), s.labels, rand.pick(s.lines)());
    }
  }
}

/**
 * The day's other changes: commits to folders no pipeline owns and deploys of services outside
 * the data platform, spread over the 20 hours before `now` (one of them usually lands inside any
 * change window). GitHub always answers, so every scenario has a change history.
 */
export function backgroundChanges(now: number, rand: Rand): { commits: unknown[]; deployments: unknown[] } {
  const HOUR = 60 * MIN;
  const iso = (t: number) => new Date(t - (t % 1000)).toISOString().replace(".000Z", "Z");
  const commits = [
    { path: "docs/oncall.md", message: "docs: on-call handbook, escalation for the ERP gateway", author: "rnair" },
    { path: "dbt/models/marketing/fct_sessions.sql", message: "marketing: sessionise app and web together", author: "ssato" },
    { path: "terraform/snowflake/warehouses.tf", message: "snowflake: auto-suspend ADHOC_WH after 60s", author: "kwojcik" },
    { path: "dbt/models/marketing/schema.yml", message: "marketing: describe channel_group", author: "ssato" },
  ].map((c, i) => ({
    repo: "shopfront/data-platform",
    sha: rand.hex(40),
    at: iso(now - (2 + i * 4.5 + rand.uniform(0, 2)) * HOUR),
    author: c.author,
    message: c.message,
    files: [{ path: c.path, status: "modified", patch: "@@ -1,3 +1,4 @@\n-\n+\n" }],
  }));
  const deployments = [
    { repo: "shopfront/recommendations", service: "recommendations-api" },
    { repo: "shopfront/checkout", service: "checkout" },
    { repo: "shopfront/recommendations", service: "recommendations-api" },
    { repo: "shopfront/search", service: "search-indexer" },
  ].map((d, i) => ({
    ...d,
    environment: "production",
    ref: `v${rand.int(10, 60)}.${rand.int(0, 20)}.${rand.int(0, 9)}`,
    sha: rand.hex(40),
    at: iso(now - (0.4 + i * 5 + rand.uniform(0, 1.5)) * HOUR),
    status: "success",
  }));
  return { commits, deployments };
}

// The relay in a process of its own, for relay.bench.ts: its memory is measured apart from the
// senders'. The dispatcher accepts every body at once (the flood measures the relay, not GitHub).
// Messages: the parent receives { url } once listening; "mem" is answered with { rss, maxRss }
// (bytes); "close" closes the relay and exits.
import type { RelaySource } from "../src/relay/config.js";
import { startRelayServer } from "../src/relay/server.js";

const SECRET = process.env.BENCH_RELAY_SECRET ?? "bench-secret";
const SOURCES: RelaySource[] = ["sentry", "pagerduty", "dbt-cloud", "alertmanager"];

const config = {
  owner: "acme",
  repo: "data-ops",
  secrets: Object.fromEntries(SOURCES.map((s) => [s, [SECRET]])),
  maxBodyBytes: 2 * 1024 * 1024 + 1024,
  maxPending: Number(process.env.BENCH_RELAY_MAX_PENDING ?? 1000),
};
let dispatched = 0;
const relay = await startRelayServer({
  config,
  dispatcher: {
    dispatch: () => {
      dispatched++;
      return Promise.resolve();
    },
  },
  host: "127.0.0.1",
  port: 0,
  log: () => undefined,
});
const send = (m: unknown) => process.send?.(m);
process.on("message", (m) => {
  if (m === "mem") {
    globalThis.gc?.();
    send({ rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, dispatched });
  } else if (m === "close") void relay.close().then(() => process.exit(0));
});
send({ url: relay.url });

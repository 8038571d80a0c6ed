import { readFileSync } from "node:fs";
import { relayConfigFromEnv } from "./relay/config.js";
import { githubDispatcher } from "./relay/dispatch.js";
import { startRelayServer, stderrLog, type RelayLog, type RunningRelay } from "./relay/server.js";

/** Starts the webhook relay from environment variables (docs/relay.md); throws a RelayConfigError naming a bad variable. */
export async function startRelayFromEnv(env: Record<string, string | undefined> = process.env, log: RelayLog = stderrLog): Promise<RunningRelay> {
  const config = relayConfigFromEnv(env, (path) => readFileSync(path, "utf8"));
  const dispatcher = githubDispatcher({ config, warn: (msg) => log({ level: "warn", msg }) });
  const relay = await startRelayServer({ config, dispatcher, log, host: config.host, port: config.port });
  log({
    level: "info",
    msg: "relay listening",
    url: relay.url,
    repository: `${config.owner}/${config.repo}`,
    auth: config.auth.kind,
    sources: Object.keys(config.secrets),
  });
  return relay;
}

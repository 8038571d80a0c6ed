import { z } from "zod";
import type { Telemetry } from "../model/index.js";
import { combineTelemetry } from "./combine.js";
import { lokiTelemetry } from "./loki.js";
import { datadogTelemetry } from "./datadog.js";
import { airflowTelemetry } from "./airflow.js";
import { githubChangesTelemetry } from "./changes-github.js";
import type { GitHubClient } from "../store/octokit.js";
import { postgresTelemetry } from "./postgres.js";
import { prometheusTelemetry } from "./prometheus.js";

/**
 * Live telemetry from `.github/pipemedic.yml` `connectors`. URLs and options live in the file;
 * secrets never do: a connector names the environment variables that hold them.
 */
const HeadersFromEnv = z.record(z.string(), z.string()).default({});
export const ConnectorsSchema = z.looseObject({
  prometheus: z.object({ url: z.url(), headers_env: HeadersFromEnv }).optional(),
  /** Repositories whose commits and deployments count as changes; read with the Action's token. */
  github: z.object({ repos: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "owner/repo")).min(1) }).optional(),
  airflow: z
    .object({
      url: z.url(),
      version: z.union([z.literal(1), z.literal(2)]).default(2),
      /** Variables holding a bearer token, or a user name and password for basic auth. */
      token_env: z.string().optional(),
      username_env: z.string().optional(),
      password_env: z.string().optional(),
    })
    .optional(),
  datadog: z
    .object({
      url: z.url().default("https://api.datadoghq.com"),
      api_key_env: z.string().default("DD_API_KEY"),
      app_key_env: z.string().default("DD_APP_KEY"),
      group_by: z.array(z.string()).default([]),
    })
    .optional(),
  loki: z.object({ url: z.url(), headers_env: HeadersFromEnv, tenant: z.string().optional() }).optional(),
  postgres: z
    .object({
      /** The variable holding the connection string (it carries a password). */
      connection_env: z.string().default("PIPEMEDIC_WAREHOUSE_URL"),
      tables: z.array(z.string()).min(1),
      loaded_at_column: z.string().optional(),
      snapshots_table: z.string().optional(),
      query_errors_view: z.string().optional(),
    })
    .optional(),
});

/** Builds the telemetry port from the connectors; problems (a missing secret, an unknown connector) go to `warn`. */
export function telemetryFromConfig(
  connectors: Record<string, unknown>,
  env: Record<string, string | undefined>,
  warn: (message: string) => void,
  github?: GitHubClient,
): Telemetry {
  const parsed = ConnectorsSchema.safeParse(connectors);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    warn(`.github/pipemedic.yml: connectors.${issue.path.join(".")}: ${issue.message}; live telemetry is off`);
    return combineTelemetry([]);
  }
  const headers = (fromEnv: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fromEnv).flatMap(([header, variable]) => {
        const value = env[variable];
        if (!value) warn(`connectors: ${variable} (for the ${header} header) is not set`);
        return value ? [[header, value]] : [];
      }),
    );
  const parts: Telemetry[] = [];
  const c = parsed.data;
  if (c.prometheus) parts.push(prometheusTelemetry({ url: c.prometheus.url, headers: headers(c.prometheus.headers_env) }));
  if (c.github) {
    if (github) parts.push(githubChangesTelemetry({ octokit: github, repos: c.github.repos }));
    else warn("connectors.github: no GitHub token is available here; change checks will be inconclusive");
  }
  if (c.airflow) {
    const token = c.airflow.token_env ? env[c.airflow.token_env] : undefined;
    const username = c.airflow.username_env ? env[c.airflow.username_env] : undefined;
    const password = c.airflow.password_env ? env[c.airflow.password_env] : undefined;
    if (token) parts.push(airflowTelemetry({ url: c.airflow.url, version: c.airflow.version, auth: { token } }));
    else if (username && password) parts.push(airflowTelemetry({ url: c.airflow.url, version: c.airflow.version, auth: { basic: { username, password } } }));
    else warn("connectors.airflow: no credentials in the environment (token_env, or username_env and password_env); orchestrator checks will be inconclusive");
  }
  if (c.datadog) {
    const apiKey = env[c.datadog.api_key_env];
    const appKey = env[c.datadog.app_key_env];
    if (apiKey && appKey) parts.push(datadogTelemetry({ url: c.datadog.url, apiKey, appKey, groupBy: c.datadog.group_by }));
    else warn(`connectors.datadog: ${c.datadog.api_key_env} and ${c.datadog.app_key_env} must both be set`);
  }
  if (c.loki) parts.push(lokiTelemetry({ url: c.loki.url, headers: headers(c.loki.headers_env), ...(c.loki.tenant ? { tenant: c.loki.tenant } : {}) }));
  if (c.postgres) {
    const connectionString = env[c.postgres.connection_env];
    if (!connectionString) warn(`connectors.postgres: ${c.postgres.connection_env} is not set; warehouse checks will be inconclusive`);
    else
      parts.push(
        postgresTelemetry({
          connectionString,
          tables: c.postgres.tables,
          ...(c.postgres.loaded_at_column ? { loadedAtColumn: c.postgres.loaded_at_column } : {}),
          ...(c.postgres.snapshots_table ? { snapshotsTable: c.postgres.snapshots_table } : {}),
          ...(c.postgres.query_errors_view ? { queryErrorsView: c.postgres.query_errors_view } : {}),
        }),
      );
  }
  for (const name of Object.keys(connectors)) {
    if (!(name in ConnectorsSchema.shape)) warn(`connectors.${name}: no adapter by that name in this version; it is ignored`);
  }
  return combineTelemetry(parts);
}

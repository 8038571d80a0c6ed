import { z } from "zod";

/** The sources the relay accepts at `POST /hooks/<source>`; each needs its secret configured. */
export const RELAY_SOURCES = ["alertmanager", "grafana", "sentry", "pagerduty", "dbt-cloud"] as const;
export type RelaySource = (typeof RELAY_SOURCES)[number];

/** The environment variable holding each source's secret (also readable from `<NAME>_FILE`). */
export const SECRET_VARIABLES: Readonly<Record<RelaySource, string>> = {
  alertmanager: "PIPEMEDIC_RELAY_ALERTMANAGER_SECRET",
  grafana: "PIPEMEDIC_RELAY_GRAFANA_SECRET",
  sentry: "PIPEMEDIC_RELAY_SENTRY_SECRET",
  pagerduty: "PIPEMEDIC_RELAY_PAGERDUTY_SECRET",
  "dbt-cloud": "PIPEMEDIC_RELAY_DBT_CLOUD_SECRET",
};

/** How the relay authenticates to GitHub: a token, or a GitHub App installation. */
export type GitHubAuth = { kind: "token"; token: string } | { kind: "app"; appId: string; privateKey: string; installationId: string };

/** The relay's whole configuration. */
export interface RelayConfig {
  owner: string;
  repo: string;
  auth: GitHubAuth;
  apiUrl: string;
  host: string;
  port: number;
  /** Secrets per configured source; several, comma-separated, while one is being rotated. */
  secrets: Partial<Record<RelaySource, string[]>>;
  /** Request bodies over this many bytes are refused with 413 before they are read to the end. */
  maxBodyBytes: number;
  /** Webhooks waiting for GitHub beyond this many are refused with 503, which senders retry. Only authenticated webhooks count. */
  maxPending: number;
  /** Signed webhooks whose body is being read and not yet verified, beyond this many: 503 at once, without reading. */
  maxUnverified: number;
}

/** A configuration problem; the message names the variable and the fix. */
export class RelayConfigError extends Error {
  override name = "RelayConfigError";
}

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: `${name}: expected a positive integer, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const EnvSchema = z.object({
  PIPEMEDIC_REPOSITORY: z
    .string({ error: "PIPEMEDIC_REPOSITORY: set it to the repository that runs Pipemedic, as owner/repo" })
    .regex(/^[\w.-]+\/[\w.-]+$/, { error: "PIPEMEDIC_REPOSITORY: expected owner/repo, e.g. acme/data-ops" }),
  GITHUB_API_URL: z.url({ error: "GITHUB_API_URL: expected the REST API base URL, e.g. https://api.github.com" }).default("https://api.github.com"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return 8080;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: "custom", message: `PORT: expected a port number (0-65535), got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  PIPEMEDIC_RELAY_MAX_BODY_BYTES: positiveInt("PIPEMEDIC_RELAY_MAX_BODY_BYTES", 2 * 1024 * 1024),
  PIPEMEDIC_RELAY_MAX_PENDING: positiveInt("PIPEMEDIC_RELAY_MAX_PENDING", 1000),
  PIPEMEDIC_RELAY_MAX_UNVERIFIED: positiveInt("PIPEMEDIC_RELAY_MAX_UNVERIFIED", 8),
});

/** Reads a variable or, when only `<NAME>_FILE` is set, the file it names (container secrets). */
function secretValue(env: Record<string, string | undefined>, name: string, readFile: (path: string) => string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== "") return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFile(file).trim();
  } catch (err) {
    throw new RelayConfigError(`${name}_FILE: cannot read ${file} (${(err as Error).message}); mount the secret there or set ${name} instead`);
  }
}

/** A PEM key given in one line with literal `\n` (how most secret stores and .env files hold it) becomes a real PEM. */
function pem(value: string): string {
  return value.includes("\\n") && !value.includes("\n") ? value.replace(/\\n/g, "\n") : value;
}

function githubAuth(env: Record<string, string | undefined>, readFile: (path: string) => string): GitHubAuth {
  const appId = env.PIPEMEDIC_APP_ID;
  const key = secretValue(env, "PIPEMEDIC_APP_PRIVATE_KEY", readFile);
  const installationId = env.PIPEMEDIC_APP_INSTALLATION_ID;
  if (appId || key || installationId) {
    const missing = [!appId && "PIPEMEDIC_APP_ID", !key && "PIPEMEDIC_APP_PRIVATE_KEY", !installationId && "PIPEMEDIC_APP_INSTALLATION_ID"].filter(Boolean);
    if (missing.length) throw new RelayConfigError(`GitHub App: ${missing.join(", ")} not set; a GitHub App needs all three (or set GITHUB_TOKEN instead)`);
    if (!/^\d+$/.test(appId!)) throw new RelayConfigError(`PIPEMEDIC_APP_ID: expected the App's numeric id, got "${appId}"`);
    if (!/^\d+$/.test(installationId!))
      throw new RelayConfigError(`PIPEMEDIC_APP_INSTALLATION_ID: expected a numeric installation id, got "${installationId}"`);
    if (!pem(key!).includes("PRIVATE KEY-----"))
      throw new RelayConfigError("PIPEMEDIC_APP_PRIVATE_KEY: expected the App's PEM private key (-----BEGIN RSA PRIVATE KEY-----…)");
    return { kind: "app", appId: appId!, privateKey: pem(key!), installationId: installationId! };
  }
  const token = secretValue(env, "GITHUB_TOKEN", readFile);
  if (token) return { kind: "token", token };
  throw new RelayConfigError(
    "no GitHub credentials: set GITHUB_TOKEN (a fine-grained token with Contents: write on the repository) or PIPEMEDIC_APP_ID, PIPEMEDIC_APP_PRIVATE_KEY and PIPEMEDIC_APP_INSTALLATION_ID",
  );
}

/** The relay's configuration from environment variables (see docs/relay.md); throws a RelayConfigError naming the variable. */
export function relayConfigFromEnv(env: Record<string, string | undefined>, readFile: (path: string) => string): RelayConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new RelayConfigError(parsed.error.issues.map((i) => i.message).join("; "));
  const e = parsed.data;
  const secrets: Partial<Record<RelaySource, string[]>> = {};
  for (const source of RELAY_SOURCES) {
    const value = secretValue(env, SECRET_VARIABLES[source], readFile);
    const list =
      value
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    if (list.length) secrets[source] = list;
  }
  if (!Object.keys(secrets).length) {
    throw new RelayConfigError(
      `no source configured: set at least one of ${Object.values(SECRET_VARIABLES).join(", ")}; a source without a secret is refused (404)`,
    );
  }
  const [owner, repo] = e.PIPEMEDIC_REPOSITORY.split("/") as [string, string];
  return {
    owner,
    repo,
    auth: githubAuth(env, readFile),
    apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
    host: e.HOST,
    port: e.PORT,
    secrets,
    maxBodyBytes: e.PIPEMEDIC_RELAY_MAX_BODY_BYTES,
    maxPending: e.PIPEMEDIC_RELAY_MAX_PENDING,
    maxUnverified: e.PIPEMEDIC_RELAY_MAX_UNVERIFIED,
  };
}

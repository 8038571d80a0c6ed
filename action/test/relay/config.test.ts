import { describe, expect, it } from "vitest";
import { relayConfigFromEnv } from "../../src/relay/config.js";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};
const base = { PIPEMEDIC_REPOSITORY: "acme/data-ops", GITHUB_TOKEN: "ghs_x", PIPEMEDIC_RELAY_SENTRY_SECRET: "s1" };

describe("relay configuration from the environment", () => {
  it("defaults: loopback, port 8080, api.github.com, a 2 MiB body cap, only the sources with a secret", () => {
    const c = relayConfigFromEnv(base, noFiles);
    expect(c).toMatchObject({
      owner: "acme",
      repo: "data-ops",
      host: "127.0.0.1",
      port: 8080,
      apiUrl: "https://api.github.com",
      maxBodyBytes: 2 * 1024 * 1024,
      auth: { kind: "token", token: "ghs_x" },
    });
    expect(c.secrets).toEqual({ sentry: ["s1"] });
  });

  it("reads comma-separated secrets (rotation) and secrets from <NAME>_FILE", () => {
    const c = relayConfigFromEnv({ ...base, PIPEMEDIC_RELAY_PAGERDUTY_SECRET: "old, new", PIPEMEDIC_RELAY_DBT_CLOUD_SECRET_FILE: "/run/secrets/dbt" }, (p) =>
      p === "/run/secrets/dbt" ? "dbt-secret\n" : noFiles(p),
    );
    expect(c.secrets).toEqual({ sentry: ["s1"], pagerduty: ["old", "new"], "dbt-cloud": ["dbt-secret"] });
  });

  it("a GitHub App wins over GITHUB_TOKEN, and a one-line PEM with literal \\n becomes a real PEM", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----";
    const c = relayConfigFromEnv({ ...base, PIPEMEDIC_APP_ID: "12", PIPEMEDIC_APP_PRIVATE_KEY: key, PIPEMEDIC_APP_INSTALLATION_ID: "34" }, noFiles);
    expect(c.auth).toEqual({
      kind: "app",
      appId: "12",
      installationId: "34",
      privateKey: "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    });
  });

  it.each([
    [{ ...base, PIPEMEDIC_REPOSITORY: undefined }, /PIPEMEDIC_REPOSITORY: set it/],
    [{ ...base, PIPEMEDIC_REPOSITORY: "data-ops" }, /PIPEMEDIC_REPOSITORY: expected owner\/repo/],
    [{ ...base, PORT: "http" }, /PORT: expected a port number/],
    [{ ...base, GITHUB_TOKEN: undefined }, /no GitHub credentials: set GITHUB_TOKEN/],
    [{ ...base, PIPEMEDIC_RELAY_SENTRY_SECRET: undefined }, /no source configured: set at least one of PIPEMEDIC_RELAY_ALERTMANAGER_SECRET/],
    [{ ...base, PIPEMEDIC_APP_ID: "12" }, /PIPEMEDIC_APP_PRIVATE_KEY, PIPEMEDIC_APP_INSTALLATION_ID not set/],
    [
      { ...base, PIPEMEDIC_RELAY_SENTRY_SECRET_FILE: "/nope", PIPEMEDIC_RELAY_SENTRY_SECRET: undefined },
      /PIPEMEDIC_RELAY_SENTRY_SECRET_FILE: cannot read \/nope/,
    ],
    [{ ...base, PIPEMEDIC_RELAY_MAX_BODY_BYTES: "-1" }, /PIPEMEDIC_RELAY_MAX_BODY_BYTES: expected a positive integer/],
  ])("refuses %o naming the variable", (env, message) => {
    expect(() => relayConfigFromEnv(env as Record<string, string | undefined>, noFiles)).toThrow(message);
  });
});

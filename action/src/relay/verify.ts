import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { SECRET_VARIABLES, type RelaySource } from "./config.js";

/** Whether a webhook proved it knows the source's secret, and why not. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/** Header names lower-cased, single values (Node joins repeated headers). */
export type Headers = Record<string, string | undefined>;

/** Hex HMAC-SHA256 of the raw body: what Sentry, PagerDuty v3 and dbt Cloud sign with. */
export function hmacHex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** Constant-time equality of two strings of any length: both are hashed first so lengths leak nothing. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** Constant-time equality of a received hex signature and the expected one (case-insensitive). */
function sameHex(received: string, expected: string): boolean {
  const r = Buffer.from(received.trim().toLowerCase(), "utf8");
  const e = Buffer.from(expected, "utf8");
  return r.length === e.length && timingSafeEqual(r, e);
}

const mismatch = (source: RelaySource, header: string): Verdict => ({
  ok: false,
  reason: `${header} does not match the body: the body changed on the way, or ${SECRET_VARIABLES[source]} is not the secret the sender signs with`,
});

const missing = (header: string, how: string): Verdict => ({ ok: false, reason: `no ${header} header: ${how}` });

/** Sentry integration webhooks: `sentry-hook-signature` = hex HMAC-SHA256 of the body with the client secret. */
function sentry(body: Buffer, headers: Headers, secrets: string[]): Verdict {
  const sig = headers["sentry-hook-signature"];
  if (!sig) return missing("sentry-hook-signature", "send webhooks from a Sentry internal integration, which signs them");
  return secrets.some((s) => sameHex(sig, hmacHex(s, body))) ? { ok: true } : mismatch("sentry", "sentry-hook-signature");
}

/** PagerDuty webhooks v3: `x-pagerduty-signature: v1=<hex>[,v1=<hex>…]`, one per active secret; any may match. */
function pagerduty(body: Buffer, headers: Headers, secrets: string[]): Verdict {
  const header = headers["x-pagerduty-signature"];
  if (!header) return missing("x-pagerduty-signature", "use a v3 webhook subscription, which signs every delivery");
  const received = header
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("v1="))
    .map((s) => s.slice(3));
  if (!received.length) return { ok: false, reason: `x-pagerduty-signature holds no v1= signature ("${header.slice(0, 40)}")` };
  const expected = secrets.map((s) => hmacHex(s, body));
  return received.some((r) => expected.some((e) => sameHex(r, e))) ? { ok: true } : mismatch("pagerduty", "x-pagerduty-signature");
}

/** dbt Cloud: `authorization` = hex HMAC-SHA256 of the body with the webhook's secret (no scheme word). */
function dbtCloud(body: Buffer, headers: Headers, secrets: string[]): Verdict {
  const sig = headers.authorization;
  if (!sig) return missing("authorization", "dbt Cloud signs webhooks in the Authorization header; check the webhook's endpoint is this relay");
  return secrets.some((s) => sameHex(sig, hmacHex(s, body))) ? { ok: true } : mismatch("dbt-cloud", "authorization");
}

/**
 * Alertmanager and Grafana: a shared secret as `Authorization: Bearer <secret>` or as the password
 * of basic auth (any user name). They cannot sign bodies, so TLS must protect the secret on the way.
 */
function sharedSecret(source: RelaySource, headers: Headers, secrets: string[]): Verdict {
  const auth = headers.authorization;
  if (!auth) return missing("authorization", `configure the sender's http_config authorization (Bearer) or basic_auth with ${SECRET_VARIABLES[source]}`);
  const [scheme = "", ...rest] = auth.trim().split(/\s+/);
  const value = rest.join(" ");
  let presented: string | null = null;
  if (scheme.toLowerCase() === "bearer") presented = value;
  else if (scheme.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    presented = colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  if (presented === null) return { ok: false, reason: `authorization: expected "Bearer <secret>" or basic auth, got the scheme "${scheme.slice(0, 20)}"` };
  // Every candidate is compared, so timing does not tell which secret was close.
  const hits = secrets.map((s) => sameSecret(presented, s));
  return hits.includes(true) ? { ok: true } : { ok: false, reason: `authorization: the secret does not match ${SECRET_VARIABLES[source]}` };
}

/** Checks a webhook's signature or shared secret against the source's configured secrets. */
export function verifyWebhook(source: RelaySource, body: Buffer, headers: Headers, secrets: string[]): Verdict {
  switch (source) {
    case "sentry":
      return sentry(body, headers, secrets);
    case "pagerduty":
      return pagerduty(body, headers, secrets);
    case "dbt-cloud":
      return dbtCloud(body, headers, secrets);
    case "alertmanager":
    case "grafana":
      return sharedSecret(source, headers, secrets);
  }
}

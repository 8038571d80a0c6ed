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

const missing = (header: string, how: string): { ok: false; reason: string } => ({ ok: false, reason: `no ${header} header: ${how}` });

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

/** How far a vendor's signing time may be from the relay's clock (Slack's and Stripe's tolerance). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

/** What the headers alone say, before a byte of the body is read. */
export type HeaderVerdict =
  | { ok: false; reason: string }
  /** `authenticated`: the headers carry the credential itself (shared secret); otherwise the body must be read and its signature checked. */
  | { ok: true; authenticated: boolean };

const HEX64 = /^[0-9a-f]{64}$/i;

/** A signature header that cannot be a hex HMAC-SHA256 is refused without reading the body. */
function hexSignature(header: string, value: string | undefined, how: string): HeaderVerdict {
  if (!value) return missing(header, how);
  return HEX64.test(value.trim()) ? { ok: true, authenticated: false } : { ok: false, reason: `${header} is not a hex HMAC-SHA256 signature` };
}

/** `sentry-hook-timestamp` (Unix seconds when Sentry sent the webhook) within the tolerance of `now`, when present. */
function sentryTimestamp(headers: Headers, now: number): HeaderVerdict {
  const raw = headers["sentry-hook-timestamp"]?.trim();
  if (!raw) return { ok: true, authenticated: false };
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) return { ok: false, reason: `sentry-hook-timestamp is not a Unix time ("${raw.slice(0, 20)}")` };
  const at = seconds > 1e12 ? seconds : seconds * 1000; // seconds, as Sentry sends; milliseconds tolerated
  const skew = Math.abs(now - at);
  if (skew > TIMESTAMP_TOLERANCE_MS)
    return {
      ok: false,
      reason: `sentry-hook-timestamp is ${Math.round(skew / 1000)} s away from the relay's clock (tolerance ${TIMESTAMP_TOLERANCE_MS / 1000} s): a replayed webhook, or a clock to fix`,
    };
  return { ok: true, authenticated: false };
}

/**
 * Checks what can be checked from the headers alone, so nothing unauthenticated is read: the shared
 * secret of Alertmanager and Grafana (fully), and for signed sources that the signature header is
 * there and well-formed and, for Sentry, that its timestamp is recent.
 */
export function checkHeaders(source: RelaySource, headers: Headers, secrets: string[], now: number): HeaderVerdict {
  switch (source) {
    case "alertmanager":
    case "grafana": {
      const verdict = sharedSecret(source, headers, secrets);
      return verdict.ok ? { ok: true, authenticated: true } : verdict;
    }
    case "sentry": {
      const sig = hexSignature("sentry-hook-signature", headers["sentry-hook-signature"], "send webhooks from a Sentry internal integration, which signs them");
      return sig.ok ? sentryTimestamp(headers, now) : sig;
    }
    case "pagerduty": {
      const header = headers["x-pagerduty-signature"];
      if (!header) return missing("x-pagerduty-signature", "use a v3 webhook subscription, which signs every delivery");
      const any = header.split(",").some((s) => s.trim().startsWith("v1=") && HEX64.test(s.trim().slice(3)));
      return any ? { ok: true, authenticated: false } : { ok: false, reason: `x-pagerduty-signature holds no v1= signature ("${header.slice(0, 40)}")` };
    }
    case "dbt-cloud":
      return hexSignature(
        "authorization",
        headers.authorization,
        "dbt Cloud signs webhooks in the Authorization header; check the webhook's endpoint is this relay",
      );
  }
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

import { describe, expect, it } from "vitest";
import type { RelaySource } from "../../src/relay/config.js";
import { verifyWebhook } from "../../src/relay/verify.js";
import { SECRETS, signed } from "./harness.js";
import { stringContaining } from "../support/match.js";

const body = Buffer.from(JSON.stringify({ action: "triggered", data: { event: { title: "ZeroDivisionError", level: "error" } } }));
const SIGNED: RelaySource[] = ["sentry", "pagerduty", "dbt-cloud"];
const SHARED: RelaySource[] = ["alertmanager", "grafana"];
const secrets = (s: RelaySource) => [SECRETS[s]];

/** The body with one byte changed: what a replay with a tampered body looks like. */
function tampered(b: Buffer): Buffer {
  const copy = Buffer.from(b);
  copy[10] = copy[10]! ^ 0x01;
  return copy;
}

describe("signature verification", () => {
  for (const source of SIGNED) {
    describe(source, () => {
      it("accepts the sender's signature", () => {
        expect(verifyWebhook(source, body, signed(source, body), secrets(source))).toEqual({ ok: true });
      });
      it("refuses a signature made with another secret, naming the variable to check", () => {
        const v = verifyWebhook(source, body, signed(source, body, "another-secret"), secrets(source));
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.reason).toMatch(/PIPEMEDIC_RELAY_[A-Z_]+_SECRET/);
      });
      it("refuses a missing signature", () => {
        const v = verifyWebhook(source, body, {}, secrets(source));
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.reason).toMatch(/^no [a-z-]+ header/);
      });
      it("refuses a replayed signature over a body changed by one byte", () => {
        expect(verifyWebhook(source, tampered(body), signed(source, body), secrets(source)).ok).toBe(false);
      });
      it("accepts the old or the new secret while one is rotated", () => {
        expect(verifyWebhook(source, body, signed(source, body, "new-secret"), [SECRETS[source], "new-secret"]).ok).toBe(true);
      });
    });
  }

  it("PagerDuty: any one of several v1 signatures may match, and upper-case hex is fine", () => {
    const good = signed("pagerduty", body)["x-pagerduty-signature"]!.slice(3);
    const header = `v1=${"0".repeat(64)}, v1=${good.toUpperCase()}`;
    expect(verifyWebhook("pagerduty", body, { "x-pagerduty-signature": header }, secrets("pagerduty")).ok).toBe(true);
    expect(verifyWebhook("pagerduty", body, { "x-pagerduty-signature": `v1=${"0".repeat(64)}` }, secrets("pagerduty")).ok).toBe(false);
    const noV1 = verifyWebhook("pagerduty", body, { "x-pagerduty-signature": `v0=${good}` }, secrets("pagerduty"));
    expect(noV1).toMatchObject({ ok: false, reason: stringContaining("no v1= signature") });
  });

  it("a truncated signature does not match (lengths differ, no exception)", () => {
    const sig = signed("sentry", body)["sentry-hook-signature"]!;
    expect(verifyWebhook("sentry", body, { "sentry-hook-signature": sig.slice(0, 40) }, secrets("sentry")).ok).toBe(false);
  });

  for (const source of SHARED) {
    describe(`${source} (shared secret)`, () => {
      it("accepts Bearer <secret>", () => {
        expect(verifyWebhook(source, body, { authorization: `Bearer ${SECRETS[source]}` }, secrets(source)).ok).toBe(true);
      });
      it("accepts basic auth whose password is the secret, whatever the user name", () => {
        const basic = Buffer.from(`alertmanager:${SECRETS[source]}`).toString("base64");
        expect(verifyWebhook(source, body, { authorization: `Basic ${basic}` }, secrets(source)).ok).toBe(true);
      });
      it("refuses a wrong secret, a secret one character short, another scheme and no header", () => {
        expect(verifyWebhook(source, body, { authorization: "Bearer nope" }, secrets(source)).ok).toBe(false);
        expect(verifyWebhook(source, body, { authorization: `Bearer ${SECRETS[source].slice(0, -1)}` }, secrets(source)).ok).toBe(false);
        expect(verifyWebhook(source, body, { authorization: `Token ${SECRETS[source]}` }, secrets(source))).toMatchObject({
          ok: false,
          reason: stringContaining('scheme "Token"'),
        });
        expect(verifyWebhook(source, body, {}, secrets(source)).ok).toBe(false);
      });
    });
  }
});

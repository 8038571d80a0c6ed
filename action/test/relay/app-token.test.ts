import { generateKeyPairSync, verify } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appJwt, installationTokens } from "../../src/relay/app-token.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { startAppStub, type AppStub } from "./app-stub.js";
import { OWNER, REPO, signed, startRig, TOKEN, type RelayRig } from "./harness.js";
import { objectContaining, stringContaining } from "../support/match.js";

const APP_ID = "424242";
const INSTALLATION = "7777";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
// GitHub hands out PKCS#1 PEM files ("BEGIN RSA PRIVATE KEY").
const PEM = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const T0 = Date.parse("2026-03-14T01:00:00Z");

describe("App JWT", () => {
  it("is RS256, verifies with the App's public key, and carries iss, a backdated iat and an exp under 10 minutes", () => {
    const jwt = appJwt(APP_ID, PEM, T0);
    const [h, c, s] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(c, "base64url").toString())).toEqual({ iss: APP_ID, iat: T0 / 1000 - 60, exp: T0 / 1000 + 540 });
    expect(verify("sha256", Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, "base64url"))).toBe(true);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    expect(verify("sha256", Buffer.from(`${h}.${c}`), other, Buffer.from(s, "base64url"))).toBe(false);
  });
});

describe("installation token cache", () => {
  function cache(ttlMs: number) {
    let now = T0;
    const jwts: string[] = [];
    const tokens = installationTokens({
      appId: APP_ID,
      privateKey: PEM,
      installationId: INSTALLATION,
      now: () => now,
      exchange: async (jwt) => {
        jwts.push(jwt);
        await new Promise((r) => setTimeout(r, 5));
        return { token: `ghs_${jwts.length}`, expiresAt: now + ttlMs };
      },
    });
    return { tokens, jwts, advance: (ms: number) => (now += ms) };
  }

  it("concurrent callers share one exchange, and the token is reused until 5 minutes before it expires", async () => {
    const c = cache(60 * 60_000);
    expect(await Promise.all([c.tokens.get(), c.tokens.get(), c.tokens.get()])).toEqual(["ghs_1", "ghs_1", "ghs_1"]);
    c.advance(54 * 60_000);
    expect(await c.tokens.get()).toBe("ghs_1");
    c.advance(2 * 60_000); // 4 minutes left: renew
    expect(await c.tokens.get()).toBe("ghs_2");
    expect(c.jwts).toHaveLength(2);
  });

  it("invalidate forgets only the token it names", async () => {
    const c = cache(60 * 60_000);
    await c.tokens.get();
    c.tokens.invalidate("ghs_other");
    expect(await c.tokens.get()).toBe("ghs_1");
    c.tokens.invalidate("ghs_1");
    expect(await c.tokens.get()).toBe("ghs_2");
  });
});

describe("relay with a GitHub App installation", () => {
  let emu: GitHubEmulator;
  let stub: AppStub;
  let rig: RelayRig;

  async function start(stubOpts: { tokenTtlMs?: number; key?: string } = {}) {
    stub = await startAppStub({
      appId: APP_ID,
      installationId: INSTALLATION,
      publicKey,
      upstream: emu.url,
      upstreamToken: TOKEN,
      ...(stubOpts.tokenTtlMs ? { tokenTtlMs: stubOpts.tokenTtlMs } : {}),
    });
    rig = await startRig({
      emulator: emu,
      sources: ["alertmanager"],
      apiUrl: stub.url,
      auth: { kind: "app", appId: APP_ID, privateKey: stubOpts.key ?? PEM, installationId: INSTALLATION },
    });
  }
  const body = JSON.stringify({
    version: "4",
    groupKey: "{}:{}",
    status: "firing",
    receiver: "pipemedic",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "DagRunLate" },
        annotations: {},
        startsAt: "2026-03-14T01:00:00Z",
        endsAt: "0001-01-01T00:00:00Z",
        fingerprint: "f1",
      },
    ],
  });
  const post = () => rig.post("alertmanager", body, signed("alertmanager", body));

  beforeAll(async () => {
    emu = await startGitHubEmulator({ token: TOKEN });
    await emu.createRepo(OWNER, REPO);
  });
  afterEach(async () => {
    await rig?.close();
    await stub?.close();
    emu.assertNoViolations();
    emu.dispatches.length = 0;
  });
  afterAll(async () => {
    await emu?.close();
  });

  it("exchanges the App JWT once for an installation token and dispatches three webhooks with it", async () => {
    await start();
    expect((await Promise.all([post(), post(), post()])).map((r) => r.status)).toEqual([202, 202, 202]);
    expect(stub.exchanges).toHaveLength(1);
    expect(stub.exchanges[0]).toMatchObject({ installationId: INSTALLATION, claims: { iss: APP_ID } });
    expect(emu.dispatches).toHaveLength(3);
    expect(stub.problems).toEqual([]);
  });

  it("a token within 5 minutes of expiry is renewed before use", async () => {
    await start({ tokenTtlMs: 4 * 60_000 });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(202);
    expect(stub.exchanges).toHaveLength(2);
    expect(stub.problems).toEqual([]);
  });

  it("a revoked installation token is renewed once and the webhook still lands", async () => {
    await start();
    expect((await post()).status).toBe(202);
    stub.revoke(stub.exchanges[0]!.token);
    expect((await post()).status).toBe(202);
    expect(stub.exchanges).toHaveLength(2);
    expect(emu.dispatches).toHaveLength(2);
    expect(rig.logs).toContainEqual(objectContaining({ msg: stringContaining("renewing it once") }));
  });

  it("a JWT signed with the wrong key is refused: 503 to the sender, naming the App's settings", async () => {
    const wrong = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    await start({ key: wrong });
    const res = await post();
    expect(res.status).toBe(503);
    expect(res.body.error).toContain("PIPEMEDIC_APP_PRIVATE_KEY");
    expect(stub.problems).toEqual(["token exchange refused: signature does not verify with the App's public key"]);
    expect(emu.dispatches).toHaveLength(0);
  });
});

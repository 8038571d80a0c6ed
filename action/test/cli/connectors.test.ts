import { createServer } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../../src/cli/index.js";
import type { CliIo } from "../../src/cli/io.js";
import { startAirflowEmulator, type AirflowEmulator } from "../support/http-emulators/airflow.js";
import { startLokiEmulator } from "../support/http-emulators/loki.js";

let airflow: AirflowEmulator;
let loki: Awaited<ReturnType<typeof startLokiEmulator>>;
let repo: string;
let closedPort: number;

async function run(args: string[], env: Record<string, string> = {}) {
  const said = { out: "", err: "" };
  const io: CliIo = { out: (t) => void (said.out += t), err: (t) => void (said.err += t), env, tty: false, stopped: () => new Promise(() => undefined) };
  return { code: await cli(args, io), ...said };
}

/** A port nothing listens on: taken, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function policy(text: string) {
  await writeFile(join(repo, ".github", "pipemedic.yml"), text);
}

beforeAll(async () => {
  const now = new Date().toISOString();
  airflow = await startAirflowEmulator(
    { dag_runs: [], task_instances: [], import_errors: [], pools: [{ pool: "default_pool", slots: 128, occupied_slots: 3, at: now }] },
    "Bearer airflow-token",
  );
  loki = await startLokiEmulator([{ ts: now, labels: { app: "orders-enricher" }, line: "started" }]);
  closedPort = await freePort();
  repo = await mkdtemp(join(tmpdir(), "pipemedic-connectors-"));
  await mkdir(join(repo, ".github"));
});
afterAll(async () => {
  await airflow?.close();
  await loki?.close();
  await rm(repo, { recursive: true, force: true });
});

describe("pipemedic connectors check", () => {
  it("asks each configured backend one question and says what works, what fails and what is not set up", { timeout: 60_000 }, async () => {
    await policy(
      [
        "connectors:",
        "  airflow:",
        `    url: ${airflow.url}`,
        "    version: 2",
        "    token_env: AIRFLOW_TOKEN",
        "  loki:",
        `    url: ${loki.url}`,
        "  prometheus:",
        `    url: http://127.0.0.1:${closedPort}`,
        "  datadog:",
        "    url: https://api.datadoghq.eu",
        "    api_key_env: DD_API_KEY",
        "    app_key_env: DD_APP_KEY",
        "",
      ].join("\n"),
    );
    const out = await run(["connectors", "check", "--repo", repo, "--timeout", "5", "--json"], { AIRFLOW_TOKEN: "airflow-token" });
    expect(out.code, out.err).toBe(1);
    const reports = JSON.parse(out.out) as Array<{
      connector: string;
      state: string;
      probes: Array<{ capability: string; ok: boolean; detail: string }>;
      notes: string[];
    }>;
    const by = Object.fromEntries(reports.map((r) => [r.connector, r]));
    expect(by.airflow).toMatchObject({ state: "works", probes: [{ capability: "orchestrator", ok: true, detail: "1 pools" }] });
    expect(airflow.requests.some((r) => r.startsWith("/api/v2/pools"))).toBe(true);
    expect(by.loki!.state, JSON.stringify(by.loki)).toBe("works");
    expect(by.loki!.probes[0]).toMatchObject({ capability: "logs", ok: true });
    expect(by.prometheus).toMatchObject({ state: "failed", probes: [{ capability: "metrics", ok: false }] });
    expect(by.datadog).toMatchObject({ state: "not-set-up", probes: [] });
    expect(by.datadog!.notes.join(" ")).toContain("DD_API_KEY and DD_APP_KEY must both be set");
  });

  it("a wrong credential is a failure that names what the backend said; the text form says it too", { timeout: 60_000 }, async () => {
    await policy(["connectors:", "  airflow:", `    url: ${airflow.url}`, "    version: 2", "    token_env: AIRFLOW_TOKEN", ""].join("\n"));
    const out = await run(["connectors", "check", "--repo", repo], { AIRFLOW_TOKEN: "wrong" });
    expect(out.code).toBe(1);
    expect(out.out).toMatch(/^airflow: failed\n {2}failed {2}orchestrator: .*401/m);
    const good = await run(["connectors", "check", "--repo", repo], { AIRFLOW_TOKEN: "airflow-token" });
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(/^airflow: works\n {2}ok {6}orchestrator: 1 pools/m);
  });

  it("with no connectors it says so and exits 0; a wrong subcommand is a usage error", async () => {
    await policy("budgets:\n  max_rounds: 2\n");
    const none = await run(["connectors", "check", "--repo", repo]);
    expect(none).toMatchObject({ code: 0 });
    expect(none.out).toContain("no connectors in .github/pipemedic.yml");
    expect((await run(["connectors", "test", "--repo", repo])).code).toBe(2);
  });
});

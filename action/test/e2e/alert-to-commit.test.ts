import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/model/index.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { alertmanagerBinary, startAlertmanager } from "../support/alertmanager.js";
import { prometheusAvailable, startPrometheus } from "../support/prometheus.js";
import { REPO_ROOT, runAction } from "../support/runner.js";
import { freePort, requireService } from "../support/service.js";

const live = requireService(
  "Prometheus and Alertmanager",
  prometheusAvailable() && alertmanagerBinary() !== null,
  "apt-get install prometheus prometheus-alertmanager",
);
const TOKEN = "ghs_e2e_token";
const SECRET = "relay-shared-secret-e2e";
const cleanup: Array<() => unknown> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** A tiny exporter the test controls: an Airflow pool that is full while the executor has room. */
async function startExporter(): Promise<{ port: number; server: Server }> {
  let heartbeat = 1000;
  const server = createServer((_req, res) => {
    heartbeat += 5;
    res
      .writeHead(200, { "content-type": "text/plain; version=0.0.4" })
      .end(
        [
          "# TYPE airflow_pool_open_slots gauge",
          'airflow_pool_open_slots{pool="etl_pool"} 0',
          'airflow_pool_open_slots{pool="default_pool"} 24',
          "# TYPE airflow_pool_starving_tasks gauge",
          'airflow_pool_starving_tasks{pool="etl_pool"} 14',
          'airflow_pool_starving_tasks{pool="default_pool"} 0',
          "# TYPE airflow_executor_open_slots gauge",
          "airflow_executor_open_slots 28",
          "# TYPE airflow_executor_queued_tasks gauge",
          "airflow_executor_queued_tasks 1",
          "# TYPE airflow_scheduler_heartbeat counter",
          `airflow_scheduler_heartbeat ${heartbeat}`,
          "",
        ].join("\n"),
      );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, server };
}

describe.runIf(live)("end to end: a firing alert becomes a committed investigation", () => {
  it(
    "Prometheus → Alertmanager → relay → GitHub dispatch → the Action → the same Prometheus → a commit with the right cause",
    { timeout: 240_000 },
    async () => {
      const emu: GitHubEmulator = await startGitHubEmulator({ token: TOKEN });
      cleanup.push(() => emu.close());
      const bare = await emu.createRepo("acme", "data-ops", { files: { "README.md": "# data ops\n" } });

      const exporter = await startExporter();
      cleanup.push(() => new Promise((r) => exporter.server.close(r)));
      const relayPort = await freePort();
      const am = await startAlertmanager(
        [
          "route:",
          "  receiver: pipemedic",
          "  group_by: [alertname, pool]",
          "  group_wait: 1s",
          "  group_interval: 5s",
          "  repeat_interval: 1h",
          "receivers:",
          "  - name: pipemedic",
          "    webhook_configs:",
          `      - url: http://127.0.0.1:${relayPort}/hooks/alertmanager`,
          "        send_resolved: true",
          "        http_config:",
          "          authorization:",
          "            type: Bearer",
          `            credentials: ${SECRET}`,
          "",
        ].join("\n"),
      );
      cleanup.push(() => am.stop());
      const rules = [
        "groups:",
        "  - name: airflow",
        "    rules:",
        "      - alert: AirflowPoolQueuedTasks",
        "        expr: airflow_pool_starving_tasks > 0",
        "        labels: { severity: critical }",
        "        annotations: { summary: 'tasks wait for slots in pool {{ $labels.pool }}' }",
        "",
      ].join("\n");
      const prom = await startPrometheus([], {
        config: [
          "global: { scrape_interval: 1s, evaluation_interval: 1s }",
          "rule_files: [rules.yml]",
          `alerting: { alertmanagers: [ { static_configs: [ { targets: ['127.0.0.1:${am.port}'] } ] } ] }`,
          `scrape_configs: [ { job_name: airflow, static_configs: [ { targets: ['127.0.0.1:${exporter.port}'] } ] } ]`,
          "",
        ].join("\n"),
        files: { "rules.yml": rules },
      });
      cleanup.push(() => prom.stop());

      // The operations repository's workspace: knowledge of the pipeline, and Prometheus as a connector.
      const workspace = await mkdtemp(join(tmpdir(), "pipemedic-e2e-ws-"));
      cleanup.push(() => rm(workspace, { recursive: true, force: true }));
      await mkdir(join(workspace, "knowledge", "pipelines"), { recursive: true });
      await mkdir(join(workspace, ".github"), { recursive: true });
      await writeFile(
        join(workspace, "knowledge", "pipelines", "nightly-orders.md"),
        "---\nid: nightly-orders\ncomponents: [{kind: airflow, dag_id: nightly_orders, pool: etl_pool}]\nowners: ['@acme/data']\n---\n",
      );
      await writeFile(join(workspace, ".github", "pipemedic.yml"), `connectors:\n  prometheus:\n    url: ${prom.url}\n`);

      // The emulator starts the bundled Action for each dispatch, the way GitHub starts a workflow run.
      const runs: Array<Promise<unknown>> = [];
      emu.onDispatch((d) => {
        runs.push(
          runAction({
            workspace,
            eventName: "repository_dispatch",
            event: { action: d.event_type, client_payload: d.client_payload },
            env: { GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: "acme/data-ops", GITHUB_REF_NAME: "main", INPUT_TOKEN: TOKEN },
          }),
        );
      });

      const relay: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "action", "dist", "cli.js"), "relay"], {
        env: {
          PATH: process.env.PATH ?? "",
          HOST: "127.0.0.1",
          PORT: String(relayPort),
          PIPEMEDIC_REPOSITORY: "acme/data-ops",
          GITHUB_TOKEN: TOKEN,
          GITHUB_API_URL: emu.url,
          PIPEMEDIC_RELAY_ALERTMANAGER_SECRET: SECRET,
        },
        stdio: "ignore",
      });
      cleanup.push(() => relay.kill());

      // Wait for the incident commit.
      let index: { incidents: Incident[] } | null = null;
      for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
        try {
          index = JSON.parse(execFileSync("git", ["show", "main:incidents/index.json"], { cwd: bare, stdio: ["ignore", "pipe", "ignore"] }).toString()) as {
            incidents: Incident[];
          };
          if (index?.incidents.some((i) => i.investigation === "done")) break;
        } catch {
          // not committed yet
        }
      }
      await Promise.all(runs);
      expect(index, "no incident was committed").not.toBeNull();
      const incident = index!.incidents.find((i) => i.investigation === "done")!;
      expect(incident.pipelines).toEqual(["nightly-orders"]);
      expect(incident.rootCause?.id).toBe("af-pool-starvation");
      const committedAt = Date.parse(execFileSync("git", ["log", "-1", "--format=%cI", "main"], { cwd: bare }).toString().trim());
      const firedAt = Date.parse(incident.openedAt);
      console.log(
        `alert fired ${new Date(firedAt).toISOString()}, incident committed ${new Date(committedAt).toISOString()}: ${((committedAt - firedAt) / 1000).toFixed(1)} s from firing to commit`,
      );
      expect(emu.dispatches.length).toBeGreaterThanOrEqual(1);
      emu.assertNoViolations();
    },
  );
});

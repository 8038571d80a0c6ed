import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert, Source } from "../../src/model/index.js";
import { normalize } from "../../src/ingest/normalize.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { REPO_ROOT, runAction } from "../support/runner.js";
import { arrayContaining, stringMatching } from "../support/match.js";
import { dbtCloudRunErrored, dispatchViolations, OWNER, REPO, signed, startRig, TOKEN } from "./harness.js";
import { definition, evaluate, renderDatadog, renderPagerDuty, renderTree } from "./render.js";

const RECIPES = join(REPO_ROOT, "recipes");
const recipe = (path: string) => readFile(join(RECIPES, path), "utf8");
let emu: GitHubEmulator;

beforeAll(async () => {
  emu = await startGitHubEmulator({ token: TOKEN });
  await emu.createRepo(OWNER, REPO);
});
afterAll(async () => {
  emu.assertNoViolations();
  await emu?.close();
});

/** The alerts the Action makes of a dispatch body; fails the test with the reason when it is refused. */
function accepted(dispatch: unknown, source: Source): Alert[] {
  const out = normalize({ id: "recipe", body: JSON.stringify(dispatch), headers: {}, receivedAt: "2026-03-14T01:05:00Z" });
  if (!out.ok) expect.fail(`refused: ${out.reason}`);
  expect(out.source).toBe(source);
  return out.alerts;
}

/** Posts a dispatch body to the emulator, which holds it to GitHub's OpenAPI description; checks the 64 KB rule too. */
async function githubAccepts(dispatch: { event_type: string; client_payload: Record<string, unknown> }): Promise<void> {
  expect(dispatchViolations(dispatch.client_payload, dispatch.event_type)).toEqual([]);
  const res = await fetch(`${emu.url}/repos/${OWNER}/${REPO}/dispatches`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, accept: "application/vnd.github+json", "content-type": "application/json" },
    body: JSON.stringify(dispatch),
  });
  expect(res.status, await res.text()).toBe(204);
}

/** Alertmanager's template data (`toJson .`): the v4 body without version and groupKey, which belong to the webhook envelope. */
function alertmanagerData(n: number, extra = 0) {
  return {
    receiver: "pipemedic",
    status: "firing",
    alerts: Array.from({ length: n }, (_, i) => ({
      status: "firing",
      labels: {
        alertname: "KafkaConsumerLagHigh",
        severity: i === 0 ? "critical" : "warning",
        consumergroup: "orders-enricher",
        partition: String(i),
        pipeline: "orders-streaming",
      },
      annotations: { summary: `Consumer lag on orders-enricher partition ${i}`, description: "d".repeat(extra) },
      startsAt: "2026-03-14T01:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph?g0.expr=kafka_consumergroup_lag",
      fingerprint: `a1b2c3d4e5f6${String(i).padStart(4, "0")}`,
    })),
    groupLabels: { alertname: "KafkaConsumerLagHigh", pipeline: "orders-streaming" },
    commonLabels: { alertname: "KafkaConsumerLagHigh", consumergroup: "orders-enricher", pipeline: "orders-streaming" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
  };
}

describe("recipe: Alertmanager 0.32+ straight to the dispatches API", () => {
  async function config() {
    const doc = parseYaml(await recipe("alertmanager/alertmanager.yml")) as { receivers: Array<{ webhook_configs: Array<Record<string, unknown>> }> };
    return doc.receivers[0]!.webhook_configs[0]!;
  }

  it("posts with a Bearer token to /repos/{owner}/{repo}/dispatches and caps the alerts per body", async () => {
    const wc = await config();
    expect(wc.url).toMatch(/\/repos\/OWNER\/REPO\/dispatches$/);
    expect(wc.http_config).toMatchObject({ authorization: { type: "Bearer" } });
    expect(wc.max_alerts).toBe(40);
  });

  it("renders a dispatch GitHub accepts and the Action reads as alertmanager alerts with their titles and severities", async () => {
    const dispatch = renderTree((await config()).payload, alertmanagerData(3)) as { event_type: string; client_payload: Record<string, unknown> };
    expect(dispatch.event_type).toBe("pipemedic-alert");
    await githubAccepts(dispatch);
    const alerts = accepted(dispatch, "alertmanager");
    expect(alerts.map((a) => [a.title, a.severity, a.status])).toEqual([
      ["Consumer lag on orders-enricher partition 0", "critical", "firing"],
      ["Consumer lag on orders-enricher partition 1", "medium", "firing"],
      ["Consumer lag on orders-enricher partition 2", "medium", "firing"],
    ]);
  });

  it("max_alerts: 40 keeps a notification of alerts with 1 KB of annotations under 64 KB", async () => {
    const dispatch = renderTree((await config()).payload, alertmanagerData(40, 1024)) as { event_type: string; client_payload: Record<string, unknown> };
    await githubAccepts(dispatch);
    expect(accepted(dispatch, "alertmanager")).toHaveLength(40);
  });

  it("the rendered dispatch, run through the bundled Action as the runner does, is committed as an incident", async () => {
    const dispatch = renderTree((await config()).payload, alertmanagerData(2)) as { event_type: string; client_payload: unknown };
    const tmp = await mkdtemp(join(tmpdir(), "pipemedic-recipe-"));
    try {
      const remote = join(tmp, "remote.git");
      const workspace = join(tmp, "workspace");
      const git = (cwd: string, ...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd })
          .toString()
          .trim();
      execFileSync("git", ["init", "-q", "--bare", "-b", "main", remote]);
      execFileSync("git", ["init", "-q", "-b", "main", workspace]);
      await writeFile(join(workspace, "README.md"), "# data ops\n");
      git(workspace, "add", "-A");
      git(workspace, "commit", "-qm", "ops repo");
      git(workspace, "remote", "add", "origin", remote);
      git(workspace, "push", "-q", "origin", "main");
      const run = await runAction({
        workspace,
        eventName: "repository_dispatch",
        event: { action: dispatch.event_type, client_payload: dispatch.client_payload },
      });
      expect(run.code, run.stdout.slice(-2000) + run.stderr).toBe(0);
      expect(run.outputs["incident-id"]).toBeTruthy();
      const files = git(remote, "ls-tree", "-r", "--name-only", "main").split("\n");
      const alertFiles = files.filter((f) => f.endsWith("/alerts.jsonl"));
      expect(alertFiles.length).toBeGreaterThan(0);
      const lines = alertFiles.flatMap((f) =>
        git(remote, "show", `main:${f}`)
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Alert),
      );
      expect(lines.map((a) => [a.source, a.title]).sort()).toEqual([
        ["alertmanager", "Consumer lag on orders-enricher partition 0"],
        ["alertmanager", "Consumer lag on orders-enricher partition 1"],
      ]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("recipe: Grafana custom payload template", () => {
  /** Grafana's notification data as `data.ToJSON` serializes it (the default webhook body's fields). */
  const grafanaData = {
    receiver: "pipemedic",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "Orders freshness", grafana_folder: "data-platform", severity: "warning", pipeline: "orders-marts" },
        annotations: { summary: "orders mart is 3h stale" },
        startsAt: "2026-03-14T01:00:00Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "https://grafana.example/alerting/grafana/f3c1/view",
        fingerprint: "6f7d0f2b9b3a1c55",
        silenceURL: "https://grafana.example/alerting/silence/new",
        dashboardURL: "",
        panelURL: "",
        values: { B: 3.2, C: 1 },
        valueString: "[ var='B' value=3.2 ], [ var='C' value=1 ]",
      },
    ],
    groupLabels: { alertname: "Orders freshness" },
    commonLabels: { alertname: "Orders freshness", severity: "warning" },
    commonAnnotations: { summary: "orders mart is 3h stale" },
    externalURL: "https://grafana.example/",
  };

  it("the contact point calls the template; the template renders a dispatch the Action reads as grafana", async () => {
    const point = parseYaml(await recipe("grafana/contact-point.yaml")) as {
      contactPoints: Array<{ receivers: Array<{ type: string; settings: Record<string, unknown> }> }>;
    };
    const settings = point.contactPoints[0]!.receivers[0]!.settings;
    expect(settings).toMatchObject({
      url: stringMatching(/\/repos\/OWNER\/REPO\/dispatches$/),
      authorization_scheme: "Bearer",
      payload: { template: '{{ template "pipemedic.payload" . }}' },
    });
    const body = definition(await recipe("grafana/pipemedic.tmpl"), "pipemedic.payload");
    const rendered = evaluate(body.replace(/^\{\{\s*|\s*\}\}$/g, ""), grafanaData) as string;
    const dispatch = JSON.parse(rendered) as { event_type: string; client_payload: Record<string, unknown> };
    await githubAccepts(dispatch);
    expect(accepted(dispatch, "grafana").map((a) => [a.title, a.severity, a.fingerprint])).toEqual([["orders mart is 3h stale", "medium", "6f7d0f2b9b3a1c55"]]);
  });
});

describe("recipe: Datadog webhook", () => {
  it("renders a dispatch the Action reads as datadog, with the monitor's title and the priority's severity", async () => {
    const hook = JSON.parse(await recipe("datadog/webhook.json")) as { url: string; payload: string; custom_headers: string; encode_as: string };
    expect(hook.encode_as).toBe("json");
    expect(JSON.parse(hook.custom_headers)).toMatchObject({ Authorization: "Bearer $PIPEMEDIC_GITHUB_TOKEN" });
    const rendered = renderDatadog(hook.payload, {
      ID: "7285403126925146427",
      EVENT_TITLE: "[Triggered on {consumer_group:orders-enricher}] Kafka lag on orders",
      ALERT_TITLE: "Kafka lag on orders",
      ALERT_TRANSITION: "Triggered",
      ALERT_TYPE: "error",
      ALERT_PRIORITY: "P2",
      ALERT_ID: "309811",
      ALERT_CYCLE_KEY: "7285403126925146427",
      ALERT_SCOPE: "consumer_group:orders-enricher",
      ALERT_METRIC: "kafka.consumer_lag",
      ALERT_QUERY: "avg(last_5m):avg:kafka.consumer_lag{consumer_group:orders-enricher} > 100000",
      ALERT_STATUS: 'Value: 250000 "over" the threshold',
      EVENT_MSG: "%%%\nLag is **250000** on orders.\n%%%",
      DATE: "1773450000000",
      LAST_UPDATED: "1773450000000",
      TAGS: "env:prod,service:orders-enricher,monitor",
      HOSTNAME: "",
      LINK: "https://app.datadoghq.example/monitors/309811",
      ORG_ID: "6585",
      ORG_NAME: "Acme",
    });
    const dispatch = JSON.parse(rendered) as { event_type: string; client_payload: Record<string, unknown> };
    await githubAccepts(dispatch);
    const [alert, ...rest] = accepted(dispatch, "datadog");
    expect(rest).toEqual([]);
    expect(alert!.title).toContain("Kafka lag on orders");
    expect([alert!.severity, alert!.status, alert!.environment]).toEqual(["high", "firing", "prod"]);
  });
});

describe("recipe: PagerDuty incident workflow webhook", () => {
  it("renders a dispatch the Action reads as pagerduty, with the incident's title and its P1 as critical", async () => {
    const action = JSON.parse(await recipe("pagerduty/workflow-webhook.json")) as { url: string; headers: Record<string, string>; body: unknown };
    expect(action.url).toMatch(/\/repos\/OWNER\/REPO\/dispatches$/);
    const rendered = renderPagerDuty(JSON.stringify(action.body), {
      "incident.id": "Q0RIJJZL24RC6W",
      "incident.number": "1234",
      "incident.title": 'orders-enricher "lag" above 100k',
      "incident.status": "triggered",
      "incident.urgency": "high",
      "incident.html_url": "https://acme.pagerduty.example/incidents/Q0RIJJZL24RC6W",
      "incident.created_at": "2026-03-14T01:00:00Z",
      "incident.incident_key": "orders-enricher-lag",
      "incident.service.id": "PF9KMXH",
      "incident.service.name": "orders-enricher",
      "incident.priority.name": "P1",
    });
    const dispatch = JSON.parse(rendered) as { event_type: string; client_payload: Record<string, unknown> };
    await githubAccepts(dispatch);
    expect(accepted(dispatch, "pagerduty").map((a) => [a.title, a.severity, a.status, a.fingerprint])).toEqual([
      ['orders-enricher "lag" above 100k', "critical", "firing", "Q0RIJJZL24RC6W"],
    ]);
  });
});

describe("recipe: Airflow on_failure_callback", () => {
  // The JSON pipemedic_callback.py posts for a failed task (its pipemedic_payload), reproduced field by field.
  const payload = {
    event: "task_failure",
    dag_id: "orders_daily",
    task_id: "load_orders",
    run_id: "scheduled__2026-03-14T00:00:00+00:00",
    map_index: -1,
    try_number: 2,
    state: "failed",
    operator: "PythonOperator",
    hostname: "worker-3",
    logical_date: "2026-03-14T00:00:00+00:00",
    start_date: "2026-03-14T01:00:00+00:00",
    end_date: "2026-03-14T01:02:00+00:00",
    log_url: "http://airflow.example:8080/dags/orders_daily/grid?task_id=load_orders",
    exception: "KeyError: 'customer_id'",
    labels: { pipeline: "orders_daily" },
  };
  const dispatch = { event_type: "pipemedic-alert", client_payload: { source: "airflow", payload } };

  it("the reproduction has exactly the keys the Python callback sends", async () => {
    const python = await recipe("airflow/pipemedic_callback.py");
    const fn = /def pipemedic_payload\(context\):[\s\S]*?return \{([\s\S]*?)\n {4}\}/.exec(python)?.[1] ?? "";
    const keys = [...fn.matchAll(/^\s+"(\w+)":/gm)].map((m) => m[1]);
    expect(keys).toEqual(Object.keys(payload));
  });

  it("is a dispatch GitHub accepts and the Action reads as a high-severity airflow failure of the task", async () => {
    await githubAccepts(dispatch);
    expect(accepted(dispatch, "airflow").map((a) => [a.title, a.severity, a.status])).toEqual([["orders_daily.load_orders failed", "high", "firing"]]);
  });

  const python3 = spawnSync("python3", ["--version"]).status === 0;
  it.skipIf(!python3)("the real callback, given an Airflow-like context, posts that same JSON to the dispatches API", async () => {
    const before = emu.dispatches.length;
    const script = `
import datetime, sys, types
sys.path.insert(0, ${JSON.stringify(join(RECIPES, "airflow"))})
from pipemedic_callback import pipemedic_on_failure_callback
tz = datetime.timezone.utc
ti = types.SimpleNamespace(dag_id="orders_daily", task_id="load_orders", run_id="scheduled__2026-03-14T00:00:00+00:00", map_index=-1, try_number=2,
    operator="PythonOperator", hostname="worker-3", start_date=datetime.datetime(2026, 3, 14, 1, 0, tzinfo=tz), end_date=datetime.datetime(2026, 3, 14, 1, 2, tzinfo=tz),
    log_url="http://airflow.example:8080/dags/orders_daily/grid?task_id=load_orders")
dag_run = types.SimpleNamespace(run_id="scheduled__2026-03-14T00:00:00+00:00", logical_date=datetime.datetime(2026, 3, 14, tzinfo=tz))
pipemedic_on_failure_callback({"ti": ti, "dag_run": dag_run, "exception": KeyError("customer_id")})
`;
    // Asynchronously: the emulator answering the callback runs in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        GITHUB_API_URL: emu.url,
        PIPEMEDIC_REPOSITORY: `${OWNER}/${REPO}`,
        PIPEMEDIC_GITHUB_TOKEN: TOKEN,
      };
      execFile("python3", ["-c", script], { env, encoding: "utf8" }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    expect(emu.dispatches.slice(before)).toEqual([{ owner: OWNER, repo: REPO, ...dispatch }]);
  });
});

describe("recipe: dbt Cloud through the relay", () => {
  it("a signed job.run.errored webhook reaches GitHub and the Action reads it as a high-severity dbt-cloud failure", async () => {
    const env = (await recipe("dbt-cloud/relay.env"))
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split("=")[0]);
    expect(env).toEqual(arrayContaining(["PIPEMEDIC_REPOSITORY", "PIPEMEDIC_RELAY_DBT_CLOUD_SECRET_FILE", "HOST", "PORT"]));
    const rig = await startRig({ emulator: emu, sources: ["dbt-cloud"] });
    try {
      const before = emu.dispatches.length;
      const body = JSON.stringify(dbtCloudRunErrored());
      const res = await rig.post("dbt-cloud", body, signed("dbt-cloud", body));
      expect(res.status).toBe(202);
      const [d] = emu.dispatches.slice(before);
      const [alert, ...rest] = accepted({ event_type: d!.event_type, client_payload: d!.client_payload }, "dbt-cloud");
      expect(rest).toEqual([]);
      expect(alert!.title).toContain("orders marts");
      expect([alert!.severity, alert!.status]).toEqual(["high", "firing"]);
    } finally {
      await rig.close();
    }
  });
});

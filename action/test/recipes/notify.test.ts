import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { IncidentOutput } from "../../src/model/index.js";
import { REPO_ROOT } from "../support/runner.js";

const exec = promisify(execFile);

interface Step {
  name: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

let doc: string;
let steps: Step[];
let outputs: string[];
let tmp: string;

const incidents: IncidentOutput[] = [
  {
    id: "2026-03-14-orders-consumer-lag-7f3a",
    title: "KafkaConsumerGroupLag orders-consumer $(touch /tmp/pwned) `id`",
    status: "open",
    root_cause: "kafka-lag-slow-consumer",
    conclusion: "confirmed",
    confidence: 0.87,
    report_url: "https://github.com/acme/data-ops/blob/main/incidents/2026/03/2026-03-14-orders-consumer-lag-7f3a/README.md",
    fix_pr_url: "https://github.com/acme/data-ops/pull/42",
  },
  {
    id: "2026-03-14-disk-9c8d",
    title: "Disk full",
    status: "open",
    root_cause: null,
    conclusion: "not-investigated",
    confidence: null,
    report_url: "https://github.com/acme/data-ops/blob/main/incidents/2026/03/2026-03-14-disk-9c8d/README.md",
    fix_pr_url: null,
  },
];

beforeAll(async () => {
  doc = await readFile(join(REPO_ROOT, "docs", "recipes", "notify.md"), "utf8");
  steps = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) => parse(m[1]!) as Step[]);
  outputs = Object.keys((parse(await readFile(join(REPO_ROOT, "action.yml"), "utf8")) as { outputs: Record<string, unknown> }).outputs);
  tmp = await mkdtemp(join(tmpdir(), "pipemedic-recipes-"));
  // A curl that records its arguments and the body it was given, in place of the pager's API.
  await writeFile(join(tmp, "curl"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${tmp}/curl.args"\ncat > "${tmp}/curl.body"\n`);
  await chmod(join(tmp, "curl"), 0o755);
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

/** Runs a documented `run:` script in bash with the step's env (the expressions replaced by test values). */
async function runStep(step: Step, env: Record<string, string>) {
  await rm(join(tmp, "curl.args"), { force: true });
  const { stdout } = await exec("bash", ["-e", "-o", "pipefail", "-c", step.run!], { env: { PATH: `${tmp}:${process.env.PATH}`, ...env } });
  const args = await readFile(join(tmp, "curl.args"), "utf8").catch(() => null);
  return {
    stdout,
    args: args?.split("\n").filter(Boolean) ?? null,
    body: args ? (JSON.parse(await readFile(join(tmp, "curl.body"), "utf8")) as unknown) : null,
  };
}

const step = (name: RegExp) => {
  const s = steps.find((x) => name.test(x.name));
  if (!s) throw new Error(`docs/recipes/notify.md has no step named ${String(name)}`);
  return s;
};

describe("docs/recipes/notify.md", () => {
  it("reads only outputs the Action declares, through env (never ${{ }} inside a script)", () => {
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const read = [...doc.matchAll(/steps\.pipemedic\.outputs\.([a-z-]+)/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(outputs, name).toContain(name);
    for (const s of steps.filter((x) => x.run)) expect(s.run, s.name).not.toContain("${{");
  });

  it("posts to Slack with the official action, from the file the CLI renders", () => {
    const render = step(/Render the Slack message/);
    expect(render.run).toMatch(/cli\.js notify slack --incidents "\$INCIDENTS"/);
    const post = step(/Post to Slack/);
    expect(post.uses).toMatch(/^slackapi\/slack-github-action@v\d+$/);
    expect(post.with!["payload-file-path"]).toContain("slack-message.json");
    expect(render.run).toContain("slack-message.json");
  });

  it("the PagerDuty step posts a note with the cause and the links, never the alert's own text", { timeout: 30_000 }, async () => {
    const s = step(/PagerDuty/);
    const out = await runStep(s, { INCIDENTS: JSON.stringify(incidents), PD_INCIDENT: "Q1ABC23", PD_API_KEY: "k", PD_FROM: "oncall@example.com" });
    expect(out.args).toContain("https://api.pagerduty.com/incidents/Q1ABC23/notes");
    expect(out.args).toContain("Authorization: Token token=k");
    expect(out.args).toContain("From: oncall@example.com");
    const content = (out.body as { note: { content: string } }).note.content;
    expect(content).toBe(
      [
        `Pipemedic: root cause kafka-lag-slow-consumer (confirmed, confidence 0.87). Report: ${incidents[0]!.report_url}. Fix: ${incidents[0]!.fix_pr_url}`,
        `Pipemedic: root cause not investigated (not-investigated). Report: ${incidents[1]!.report_url}`,
      ].join("\n"),
    );
    // An event without a PagerDuty incident id (or with a crafted one) posts nothing and does not fail the job.
    const none = await runStep(s, { INCIDENTS: "[]", PD_INCIDENT: "x/../../users", PD_API_KEY: "k", PD_FROM: "a@b" });
    expect(none.args).toBeNull();
    expect(none.stdout).toContain("no PagerDuty incident id");
  });

  it("the Opsgenie step adds a note to the alert with the cause and the links", { timeout: 30_000 }, async () => {
    const s = step(/Opsgenie/);
    const out = await runStep(s, { INCIDENTS: JSON.stringify(incidents.slice(0, 1)), OG_ALERT: "70413a06-38d6-4c85-92b8-5ebc900d42e2", OG_API_KEY: "g" });
    expect(out.args).toContain("https://api.opsgenie.com/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/notes?identifierType=id");
    expect(out.args).toContain("Authorization: GenieKey g");
    expect(out.body).toEqual({
      user: "Pipemedic",
      source: "Pipemedic",
      note: `Pipemedic: root cause kafka-lag-slow-consumer (confirmed, confidence 0.87). Report: ${incidents[0]!.report_url}. Fix: ${incidents[0]!.fix_pr_url}`,
    });
  });
});

import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "../../src/cli/index.js";
import type { CliIo } from "../../src/cli/io.js";
import { ConfigSchema } from "../../src/model/index.js";
import { LlmPolicySchema } from "../../src/llm/policy.js";
import { ConnectorsSchema } from "../../src/telemetry/from-config.js";
import { SCHEMA_BASE_URL } from "../../src/schemas.js";
import { startAirflowEmulator, type AirflowEmulator } from "../support/http-emulators/airflow.js";
import { REPO_ROOT } from "../support/runner.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function emptyRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-init-"));
  dirs.push(dir);
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  return dir;
}

async function run(...args: string[]) {
  const said = { out: "", err: "" };
  const io: CliIo = { out: (t) => void (said.out += t), err: (t) => void (said.err += t), env: {}, tty: false, stopped: () => new Promise(() => undefined) };
  return { code: await cli(args, io), ...said };
}

/** The commented policy with its example keys uncommented (prose comments stay comments). */
function uncommented(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/^# (?=[a-z_]+:|\s)/, ""))
    .join("\n");
}

describe("pipemedic init", () => {
  it("writes the workflows, a commented policy and a knowledge/ skeleton that lint accepts", async () => {
    const dir = await emptyRepo();
    const out = await run("init", dir);
    expect(out.code, out.err).toBe(0);
    expect(out.out).toContain("wrote .github/workflows/investigate.yml");

    const workflow = parse(await readFile(join(dir, ".github/workflows/investigate.yml"), "utf8")) as {
      on: { repository_dispatch: { types: string[] }; workflow_dispatch: { inputs: Record<string, unknown> } };
      jobs: { investigate: { steps: Array<{ uses?: string; id?: string }> } };
    };
    expect(workflow.on.repository_dispatch.types).toEqual(["pipemedic-alert"]);
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).toEqual(["incident-id", "alert"]);
    const step = workflow.jobs.investigate.steps.find((s) => s.uses?.startsWith("pipemedic/"));
    expect(step).toMatchObject({ uses: "pipemedic/pipemedic@v1", id: "pipemedic" });
    const learn = parse(await readFile(join(dir, ".github/workflows/learn.yml"), "utf8")) as { jobs: { learn: { steps: Array<{ uses?: string }> } } };
    expect(learn.jobs.learn.steps.map((s) => s.uses)).toContain("pipemedic/pipemedic@v1");

    const policy = await readFile(join(dir, ".github/pipemedic.yml"), "utf8");
    expect(policy.split("\n")[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_BASE_URL}/pipemedic.schema.json`);
    // As written, every key is a comment: the defaults apply.
    expect(parse(policy)).toBeNull();
    // Uncommented, the examples are a policy a run accepts.
    const example = parse(uncommented(policy)) as Record<string, unknown>;
    expect(Object.keys(example)).toEqual(expect.arrayContaining(["investigate", "budgets", "redaction", "remediation", "connectors"]));
    expect(ConfigSchema.safeParse(example).error).toBeUndefined();
    expect(ConnectorsSchema.safeParse(example.connectors).error).toBeUndefined();
    expect(LlmPolicySchema.safeParse(example.llm ?? {}).error).toBeUndefined();

    expect(await readFile(join(dir, "knowledge/README.md"), "utf8")).toContain("pipelines/<id>.md");
    // The workflow templates other features ship are written beside (the eval workflow, issue #19).
    for (const name of await readdir(join(REPO_ROOT, "action", "templates", "workflows"))) {
      expect(out.out).toContain(`wrote .github/workflows/${name}`);
      expect(await readFile(join(dir, ".github/workflows", name), "utf8")).toBe(
        await readFile(join(REPO_ROOT, "action", "templates", "workflows", name), "utf8"),
      );
    }
    expect(out.out).toContain("wrote .github/workflows/eval.yml");
    const lint = await run("lint", dir);
    expect(lint.code, lint.out + lint.err).toBe(0);
  });

  it("the knowledge README's example pipeline is one lint accepts", async () => {
    const dir = await emptyRepo();
    expect((await run("init", dir)).code).toBe(0);
    const readme = await readFile(join(dir, "knowledge/README.md"), "utf8");
    const example = /```markdown\n([\s\S]*?)```/.exec(readme)![1]!;
    await writeFile(join(dir, "knowledge/pipelines/orders-daily.md"), example);
    const lint = await run("lint", dir);
    expect(lint.code, lint.out).toBe(0);
    // And a broken one is caught, so the check above can fail.
    await writeFile(join(dir, "knowledge/pipelines/broken.md"), example.replace("id: orders-daily", "id: Orders Daily"));
    expect((await run("lint", dir)).code).toBe(1);
  });

  it("refuses to overwrite what exists, naming each file and writing nothing; --force overwrites", async () => {
    const dir = await emptyRepo();
    expect((await run("init", dir)).code).toBe(0);
    await writeFile(join(dir, ".github/pipemedic.yml"), "budgets:\n  max_rounds: 2\n");
    await rm(join(dir, "knowledge/README.md"));
    const again = await run("init", dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain("  .github/pipemedic.yml\n");
    expect(again.err).toContain("  .github/workflows/investigate.yml\n");
    expect(again.err).not.toContain("knowledge/README.md");
    expect(again.err).toContain("--force");
    expect(await readFile(join(dir, ".github/pipemedic.yml"), "utf8")).toBe("budgets:\n  max_rounds: 2\n");
    await expect(readFile(join(dir, "knowledge/README.md"), "utf8")).rejects.toThrow();
    const forced = await run("init", dir, "--force");
    expect(forced.code).toBe(0);
    expect(forced.out).toContain("overwrote .github/pipemedic.yml");
    expect(forced.out).toContain("wrote knowledge/README.md");
    expect(await readFile(join(dir, ".github/pipemedic.yml"), "utf8")).toMatch(/^# yaml-language-server/);
  });

  it("a folder that does not exist is a usage error", async () => {
    const out = await run("init", join(tmpdir(), "pipemedic-no-such-folder-4d1c"));
    expect(out.code).toBe(2);
    expect(out.err).toContain("no such directory");
  });
});

describe("pipemedic init --propose", () => {
  let airflow: AirflowEmulator;
  beforeAll(async () => {
    const at = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const run = (dag: string, h: number) => ({
      dag_id: dag,
      dag_run_id: `scheduled__${at(h + 24)}`,
      run_type: "scheduled",
      logical_date: at(h + 24),
      state: "success",
      start_date: at(h),
      end_date: at(h - 0.5),
    });
    airflow = await startAirflowEmulator(
      {
        dag_runs: [run("orders_daily", 30), run("orders_daily", 6), run("dbt.finance_daily", 10), run("Marketing Attribution", 3)],
        task_instances: [],
        import_errors: [],
        pools: [],
      },
      "Bearer t",
    );
  });
  afterAll(async () => airflow?.close());

  it("writes a pipeline file per DAG discovery finds, skipping what knowledge/ describes; lint accepts them", { timeout: 60_000 }, async () => {
    const dir = await emptyRepo();
    expect((await run("init", dir)).code).toBe(0);
    await writeFile(join(dir, ".github/pipemedic.yml"), `connectors:\n  airflow:\n    url: ${airflow.url}\n    version: 2\n    token_env: AIRFLOW_TOKEN\n`);
    // The orders DAG is described already, under another id.
    await writeFile(join(dir, "knowledge/pipelines/orders.md"), "---\nid: orders\ncomponents:\n  - { kind: airflow, dag_id: orders_daily }\n---\n");
    const said = { out: "", err: "" };
    const io: CliIo = {
      out: (t) => void (said.out += t),
      err: (t) => void (said.err += t),
      env: { AIRFLOW_TOKEN: "t" },
      tty: false,
      stopped: () => new Promise(() => undefined),
    };
    expect(await cli(["init", "--propose", dir], io), said.err).toBe(0);
    expect(said.out).toContain("proposed knowledge/pipelines/dbt-finance-daily.md from Airflow DAG dbt.finance_daily");
    expect(said.out).toContain("proposed knowledge/pipelines/marketing-attribution.md from Airflow DAG Marketing Attribution");
    expect(said.out).not.toContain("orders");
    const proposal = await readFile(join(dir, "knowledge/pipelines/dbt-finance-daily.md"), "utf8");
    expect(proposal).toContain("dag_id: dbt.finance_daily");
    expect(proposal).toContain("Proposed by `pipemedic init --propose`");
    expect((await run("lint", dir)).code).toBe(0);
    // Again: nothing is overwritten, nothing new is proposed.
    const again = { out: "", err: "" };
    const io2: CliIo = { ...io, out: (t) => void (again.out += t) };
    await writeFile(join(dir, "knowledge/pipelines/dbt-finance-daily.md"), proposal.replace("owners: []", 'owners: ["@acme/finance"]'));
    expect(await cli(["init", "--propose", dir], io2)).toBe(0);
    expect(again.out).toContain("nothing new to propose");
    expect(await readFile(join(dir, "knowledge/pipelines/dbt-finance-daily.md"), "utf8")).toContain("@acme/finance");
  });

  it("needs connectors to discover from", async () => {
    const dir = await emptyRepo();
    expect((await run("init", dir)).code).toBe(0);
    const out = await run("init", "--propose", dir);
    expect(out.code).toBe(2);
    expect(out.err).toContain("init --propose needs connectors in .github/pipemedic.yml");
  });
});

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { cli } from "../../src/cli/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { captureIo } from "../support/cli-io.js";

/**
 * The Eval workflow template (action/templates/workflows/eval.yml, written by pipemedic init): its
 * triggers, and its two commands run as written (npx's package spec aside) against a base and a pull
 * request checkout, one of which lowers the decisive checks of a runbook.
 */

const TEMPLATE = join(PACKAGE_ROOT, "action", "templates", "workflows", "eval.yml");
const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

interface Workflow {
  on: { pull_request: { paths: string[] } };
  permissions: Record<string, string>;
  jobs: { eval: { steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> } };
}

describe("the Eval workflow template", () => {
  it("runs on pull requests that change runbooks, knowledge, the policy or scenarios, read-only", async () => {
    const wf = parseYaml(await readFile(TEMPLATE, "utf8")) as Workflow;
    expect(wf.on.pull_request.paths).toEqual(["runbooks/**", "knowledge/**", ".github/pipemedic.yml", "scenarios/**"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    const checkouts = wf.jobs.eval.steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.map((s) => s.with?.path)).toEqual(["head", "base"]);
    expect(checkouts[1]!.with?.ref).toBe("${{ github.event.pull_request.base.sha }}");
  });

  it("its commands, as written, pass an unchanged pull request and fail one that weakens the decisive checks", { timeout: 120_000 }, async () => {
    const wf = parseYaml(await readFile(TEMPLATE, "utf8")) as Workflow;
    const runs = wf.jobs.eval.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.startsWith("npx --yes pipemedic@1 eval "))).toBe(true);

    const work = await mkdtemp(join(tmpdir(), "pipemedic-eval-workflow-"));
    tmp.push(work);
    for (const side of ["base", "head"]) {
      await cp(join(PACKAGE_ROOT, "knowledge"), join(work, side, "knowledge"), { recursive: true });
      await cp(join(PACKAGE_ROOT, "action", "scenarios", "loyalty-lag-poll-timeouts"), join(work, side, "scenarios", "loyalty-lag-poll-timeouts"), {
        recursive: true,
      });
    }
    const summary = join(work, "summary.md");
    /** One `run:` line executed by the CLI: paths relative to the job's workspace, `> file` as stdout. */
    const run = async (line: string): Promise<{ code: number; stderr: string }> => {
      const [command, redirect] = line.replace("npx --yes pipemedic@1 ", "").split(" > ");
      const args = command!.split(" ").map((a) => (a === '"$GITHUB_STEP_SUMMARY"' ? summary : /^(head|base|baseline\.json)/.test(a) ? join(work, a) : a));
      const t = captureIo();
      const code = await cli(args, t);
      if (redirect) await writeFile(join(work, redirect.trim()), t.stdout);
      return { code, stderr: t.stderr };
    };

    expect((await run(runs[0]!)).code).toBe(0);
    expect((await run(runs[1]!)).code).toBe(0);
    expect(await readFile(summary, "utf8")).toContain("0 newly wrong, 0 no longer confirmed");

    let runbook = await readFile(join(PACKAGE_ROOT, "runbooks", "kafka-lag-rebalance-storm.md"), "utf8");
    for (const check of ["members-oscillate", "rebalance-logs"])
      runbook = runbook.replace(new RegExp(`(  - id: ${check}\\n(?:    .*\\n)*?    weight: )strong`), "$1weak");
    await mkdir(join(work, "head", "runbooks"), { recursive: true });
    await writeFile(join(work, "head", "runbooks", "kafka-lag-rebalance-storm.md"), runbook);
    await writeFile(summary, "");
    const failed = await run(runs[1]!);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("regression: loyalty-lag-poll-timeouts");
    expect(await readFile(summary, "utf8")).toMatch(/No longer confirmed \(regressions\)[\s\S]*\| `loyalty-lag-poll-timeouts` \|/);
  });
});

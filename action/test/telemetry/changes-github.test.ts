import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckSpecSchema, silentProgress } from "../../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../../src/checks/runtime.js";
import { resolveChecks } from "../../src/checks/template.js";
import { githubChangesTelemetry } from "../../src/telemetry/changes-github.js";
import { githubStore } from "../../src/store/github.js";
import { createOctokit } from "../../src/store/octokit.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { objectContaining } from "../support/match.js";
import { problemOf } from "../support/problem.js";

const TOKEN = "ghs_changes";
let emu: GitHubEmulator;
beforeAll(async () => {
  emu = await startGitHubEmulator({ token: TOKEN });
});
afterAll(async () => emu?.close());

describe("GitHub changes adapter against the GitHub emulator", () => {
  it("reads commits with their patches and deployments with their latest status, and a change check finds them", async () => {
    await emu.createRepo("acme", "pipelines", { files: { "pipelines/orders/consumer.yaml": "max.poll.records: 500\n", "docs/README.md": "# docs\n" } });
    const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined } });
    await githubStore({ octokit, owner: "acme", repo: "pipelines", branch: "main" }).commit("raise batch size", async () => ({
      "pipelines/orders/consumer.yaml": "max.poll.records: 5000\n",
    }));
    const head = (await octokit.rest.git.getRef({ owner: "acme", repo: "pipelines", ref: "heads/main" })).data.object.sha;
    const dep = await octokit.rest.repos.createDeployment({
      owner: "acme",
      repo: "pipelines",
      ref: head,
      environment: "production",
      auto_merge: false,
      required_contexts: [],
      payload: { service: "orders-enricher" },
    });
    const id = (dep.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({ owner: "acme", repo: "pipelines", deployment_id: id, state: "success" });

    const telemetry = githubChangesTelemetry({ request: octokit.request, repos: ["acme/pipelines"] });
    const now = Date.now() + 60_000;
    const changes = await telemetry.changes({ start: now - 3_600_000, end: now }, AbortSignal.timeout(10_000));
    const tuning = changes.commits.find((c) => c.message === "raise batch size")!;
    expect(tuning.files.map((f) => f.path)).toEqual(["pipelines/orders/consumer.yaml"]);
    expect(tuning.files[0]!.patch).toMatch(/-max\.poll\.records: 500\n\+max\.poll\.records: 5000/);
    expect(changes.deployments).toEqual([
      objectContaining({ repo: "acme/pipelines", service: "orders-enricher", environment: "production", status: "success", sha: head }),
    ]);

    const problem = problemOf({
      now,
      onset: now - 60_000,
      pipelines: [
        { id: "orders", components: [], upstream: [], downstream: [], owners: [], config: {}, paths: ["pipelines/orders/**"], services: ["orders-enricher"] },
      ],
    });
    const spec = CheckSpecSchema.parse({
      id: "pipeline-change",
      changes: { kind: "commits", scope: "pipeline" },
      primitive: "change_in_window",
      window: "2h",
      pass_if: { count: ">= 1" },
    });
    const [e] = await new CheckRunner(telemetry, DEFAULT_BUDGET, silentProgress).run(
      resolveChecks({ id: "deploy", checks: [spec] }, problem, { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } }),
      1,
    );
    expect(e!.verdict).toBe("pass");
    expect(e!.matched?.map((m) => m.ref)).toContain(tuning.sha);
    emu.assertNoViolations();
  });

  it("dates a deployment by its first success, reports its latest status, and marks commits past the detail cap", async () => {
    await emu.createRepo("acme", "deploys", { files: { "a.txt": "a\n" } });
    // Quick successive commits may race the branch head (the store retries); keep its log quiet.
    const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined, error: () => undefined } });
    const store = githubStore({ octokit, owner: "acme", repo: "deploys", branch: "main" });
    for (const n of [1, 2, 3]) await store.commit(`change ${n}`, async () => ({ "a.txt": `${n}\n` }));
    const head = (await octokit.rest.git.getRef({ owner: "acme", repo: "deploys", ref: "heads/main" })).data.object.sha;
    const dep = await octokit.rest.repos.createDeployment({
      owner: "acme",
      repo: "deploys",
      ref: head,
      environment: "production",
      auto_merge: false,
      required_contexts: [],
    });
    const id = (dep.data as { id: number }).id;
    for (const state of ["in_progress", "success", "inactive"] as const)
      await octokit.rest.repos.createDeploymentStatus({ owner: "acme", repo: "deploys", deployment_id: id, state });
    const statuses = (await octokit.rest.repos.listDeploymentStatuses({ owner: "acme", repo: "deploys", deployment_id: id })).data;
    const success = statuses.find((x) => x.state === "success")!;

    const t = githubChangesTelemetry({ request: octokit.request, repos: ["acme/deploys", "acme/pipelines"], maxCommitDetails: 2 });
    const now = Date.now() + 60_000;
    const changes = await t.changes({ start: now - 3_600_000, end: now, repos: ["acme/deploys"] }, AbortSignal.timeout(10_000));
    expect(changes.deployments).toEqual([
      {
        repo: "acme/deploys",
        service: "deploys",
        environment: "production",
        ref: head,
        sha: head,
        at: new Date(success.created_at).toISOString(),
        status: "inactive",
      },
    ]);
    const mine = changes.commits.filter((c) => c.message.startsWith("change "));
    expect(mine.map((c) => c.message)).toEqual(["change 3", "change 2", "change 1"]);
    // Newest first: the first two carry their files; the third is reported, marked, not dropped.
    expect(mine.map((c) => c.files.map((f) => f.path))).toEqual([["a.txt"], ["a.txt"], []]);
    expect(mine[2]).toMatchObject({ files_truncated: true });
    expect(changes.commits.every((c) => c.repo === "acme/deploys")).toBe(true);
    emu.assertNoViolations();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/model/index.js";
import { CheckSpecSchema, silentProgress } from "../../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../../src/checks/runtime.js";
import { resolveChecks } from "../../src/checks/template.js";
import { githubChangesTelemetry } from "../../src/telemetry/changes-github.js";
import { githubStore } from "../../src/store/github.js";
import { createOctokit } from "../../src/store/octokit.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";

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
    await githubStore({ octokit, owner: "acme", repo: "pipelines", branch: "main" }).commit("raise batch size", async () => ({ "pipelines/orders/consumer.yaml": "max.poll.records: 5000\n" }));
    const head = (await octokit.rest.git.getRef({ owner: "acme", repo: "pipelines", ref: "heads/main" })).data.object.sha;
    const dep = await octokit.rest.repos.createDeployment({ owner: "acme", repo: "pipelines", ref: head, environment: "production", auto_merge: false, required_contexts: [], payload: { service: "orders-enricher" } });
    const id = (dep.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({ owner: "acme", repo: "pipelines", deployment_id: id, state: "success" });

    const telemetry = githubChangesTelemetry({ request: octokit.request, repos: ["acme/pipelines"] });
    const now = Date.now() + 60_000;
    const changes = await telemetry.changes({ start: now - 3_600_000, end: now }, AbortSignal.timeout(10_000));
    const tuning = changes.commits.find((c) => c.message === "raise batch size")!;
    expect(tuning.files.map((f) => f.path)).toEqual(["pipelines/orders/consumer.yaml"]);
    expect(tuning.files[0]!.patch).toMatch(/-max\.poll\.records: 500\n\+max\.poll\.records: 5000/);
    expect(changes.deployments).toEqual([expect.objectContaining({ repo: "acme/pipelines", service: "orders-enricher", environment: "production", status: "success", sha: head })]);

    const problem = {
      incidentId: "t", title: "t", now, onset: now - 60_000, alerts: [], alertnames: [], labels: {}, components: [], upstream: [], downstream: [],
      pipelines: [{ id: "orders", components: [], upstream: [], downstream: [], owners: [], config: {}, paths: ["pipelines/orders/**"], services: ["orders-enricher"] }],
      changes: { commits: [], deployments: [] }, similar: [], timeline: [],
    } as Problem;
    const spec = CheckSpecSchema.parse({ id: "pipeline-change", changes: { kind: "commits", scope: "pipeline" }, primitive: "change_in_window", window: "2h", pass_if: { count: ">= 1" } });
    const [e] = await new CheckRunner(telemetry, DEFAULT_BUDGET, silentProgress).run(resolveChecks({ id: "deploy", checks: [spec] }, problem, { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } }), 1);
    expect(e!.verdict).toBe("pass");
    expect(e!.matched?.map((m) => m.ref)).toContain(tuning.sha);
    emu.assertNoViolations();
  });
});

import { describe, expect, it } from "vitest";
import { refusedPath } from "../../src/llm/tasks/fix.js";
import { ConfigSchema, type Hypothesis, type Problem } from "../../src/model/index.js";
import { allowedPath, proposeFix } from "../../src/remediate/propose.js";
import { confirmedInvestigation } from "../support/investigation.js";
import { problemOf } from "../support/problem.js";

/** Paths that decide what runs with the repository's secrets, who reviews, and what Pipemedic may do. */
const DENIED = [
  ".github/workflows/ci.yml",
  ".github/actions/setup/action.yml",
  ".github/pipemedic.yml",
  ".github/CODEOWNERS",
  ".github/dependabot.yml",
  "CODEOWNERS",
  "docs/CODEOWNERS",
  ".gitmodules",
  "action.yml",
  "action.yaml",
  "tools/deploy/action.yml",
  ".git/config",
  ".GIT/config",
  "a/.Git/hooks/pre-commit",
  ".GitHub/workflows/ci.yml",
  "Codeowners",
];

// A policy that would allow everything, these paths included, by name.
const permissive = ConfigSchema.parse({
  remediation: { allowed_paths: ["**", ".github/**", "CODEOWNERS", "docs/CODEOWNERS", ".gitmodules", "action.yml", ".git/**", "**/.Git/**"] },
});

describe("always-denied fix paths", () => {
  it.each(DENIED)("%s is refused even when remediation.allowed_paths names it", (path) => {
    expect(allowedPath(path, permissive)).toMatch(/never touch/);
    expect(allowedPath(path, ConfigSchema.parse({}))).toMatch(/never touch/);
    expect(refusedPath(path, () => true)).toMatch(/never touch/);
  });

  it("ordinary config files stay allowed, including names that merely contain a denied one", () => {
    for (const path of ["pipelines/orders/consumer.yaml", "flink/flink-conf.yaml", "docs/github.md", "my.github/x.yml", "gitmodules.md", "a/.gitkeep"]) {
      expect(allowedPath(path, permissive)).toBeNull();
    }
  });

  it("a runbook whose knowledge points its fix at .github/pipemedic.yml gets no pull request", async () => {
    const problem: Problem = {
      ...problemOf({ now: Date.parse("2026-03-14T02:00:00Z") }),
      incidentId: "2026-03-14-lag",
      subjects: { "config.consumer": [{ value: ".github/pipemedic.yml", origin: "knowledge", from: "knowledge/pipelines/orders.md" }] },
    };
    const hypothesis = {
      id: "kafka-lag-rebalance-storm",
      title: "Rebalance storm",
      remediation: { kind: "config-patch", path: "{{pipeline.config.consumer}}", set: { autonomy: "auto" }, reversible: true },
    } as unknown as Hypothesis;
    const investigation = confirmedInvestigation(hypothesis);
    const head = { read: async () => "autonomy: propose\n", list: async () => [".github/pipemedic.yml"] };
    const out = await proposeFix({ problem, investigation, head, config: permissive });
    expect(out.proposal).toBeNull();
    expect(out.note).toMatch(/\.github\/pipemedic\.yml.*never touch/);
  });
});

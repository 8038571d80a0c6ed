import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { initFiles } from "../../src/init/templates.js";
import { REPO_ROOT } from "../support/runner.js";

type Workflow = { on: Record<string, unknown>; concurrency?: { group?: string; "cancel-in-progress"?: boolean; queue?: string } };
const own = (name: string) => parse(readFileSync(join(REPO_ROOT, ".github", "workflows", name), "utf8")) as Workflow;
const written = initFiles();
const template = (name: string) => parse(written[`.github/workflows/${name}`]!) as Workflow;

// This repository's workflows, and the copies `pipemedic init` writes into a user's repository.
describe.each([
  ["this repository", own],
  ["pipemedic init", template],
])("the workflows' concurrency (%s)", (_, workflow) => {
  const investigate = workflow("investigate.yml");
  const learn = workflow("learn.yml");

  it("Learn (closed pull requests, corrections pushed) has a group of its own, so a burst of them never queues ahead of alerts", () => {
    expect(Object.keys(learn.on)).toEqual(["pull_request", "push"]);
    // A push teaches only when it changes an incident README (a correction), never on every commit.
    expect(learn.on.push).toEqual({ paths: ["incidents/*/*/*/README.md"] });
    expect(investigate.on).toHaveProperty("repository_dispatch");
    expect(learn.concurrency?.group).toBeTruthy();
    expect(investigate.concurrency?.group).toBeTruthy();
    expect(learn.concurrency?.group).not.toBe(investigate.concurrency?.group);
  });

  it("neither cancels a run: each alert and each closed pull request is queued", () => {
    for (const w of [investigate, learn]) expect(w.concurrency).toMatchObject({ "cancel-in-progress": false, queue: "max" });
  });
});

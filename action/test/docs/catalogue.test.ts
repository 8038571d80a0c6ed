import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { HELP } from "../../src/cli/help.js";
import { loadRunbooks } from "../../src/memory/runbooks.js";
import { REPO_ROOT } from "../support/runner.js";

// Issue #17, item 10: the project carries its own cause catalogue and scenario format under docs/, and
// what a user reads (docs/, README.md, --help, error messages) cites those, never files outside it.

async function textFiles(dir: string, ext: RegExp): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && ext.test(e.name)).map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)).split("\\").join("/"));
}

describe("docs/root-causes.md", () => {
  it("lists exactly the causes the built-in runbooks recognise", async () => {
    const page = await readFile(join(REPO_ROOT, "docs", "root-causes.md"), "utf8");
    const start = page.indexOf("## Confusable pairs");
    const catalogue = [...page.slice(0, start).matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!).sort();
    const files: Record<string, string> = {};
    for (const f of await textFiles("runbooks", /\.md$/)) files[f] = await readFile(join(REPO_ROOT, f), "utf8");
    const { runbooks, errors } = loadRunbooks(files);
    expect(errors.filter((e) => e.severity === "error")).toEqual([]);
    expect(catalogue.length).toBeGreaterThanOrEqual(40);
    expect(runbooks.map((r) => r.id).sort()).toEqual(catalogue);
    // The confusable pairs name catalogue ids only.
    const named = [...page.slice(start).matchAll(/`([a-z]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!);
    expect(named.filter((id) => !catalogue.includes(id))).toEqual([]);
  });
});

describe("what users read cites the project's own pages", () => {
  it("docs/, README.md, --help and the source's messages name no spec/ or reference/ file, and every docs/ page they name exists", async () => {
    const sources = ["README.md", ...(await textFiles("docs", /\.md$/)), ...(await textFiles("action/src", /\.ts$/))];
    const texts = await Promise.all(sources.map(async (f) => ({ f, text: await readFile(join(REPO_ROOT, f), "utf8") })));
    texts.push({ f: "--help", text: Object.values(HELP).join("\n") });
    const foreign = texts.flatMap(({ f, text }) => [...text.matchAll(/\b(?:spec|reference)\/[a-z-]+\.md/g)].map((m) => `${f}: ${m[0]}`));
    expect(foreign).toEqual([]);
    const cited = new Set(texts.flatMap(({ text }) => [...text.matchAll(/\bdocs\/[a-z0-9/-]+\.md\b/g)].map((m) => m[0])));
    expect(cited).toContain("docs/scenario-format.md");
    expect(cited).toContain("docs/root-causes.md");
    const missing: string[] = [];
    for (const path of cited) if (!(await stat(join(REPO_ROOT, path)).catch(() => null))) missing.push(path);
    expect(missing).toEqual([]);
  });
});

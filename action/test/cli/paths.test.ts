import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, type CliIo } from "../../src/cli/index.js";

// Issue #17, item 3: a path that does not exist is a usage mistake (exit 2) naming the path, never
// "0 files checked" or a folder created from a typo.

async function pipemedic(...argv: string[]) {
  const io = { out: "", err: "" };
  const deps: CliIo = { out: (t) => void (io.out += t), err: (t) => void (io.err += t), env: {}, tty: false, stopped: () => new Promise(() => undefined) };
  const code = await cli(argv, deps);
  return { code, ...io };
}

let root = "";
let file = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipemedic-paths-"));
  file = join(root, "body.json");
  await writeFile(file, "{}");
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe("missing paths are usage errors", () => {
  const cases: Array<[string, (missing: string) => string[], string]> = [
    ["lint <dir>", (m) => ["lint", m], "lint"],
    ["index <dir>", (m) => ["index", m], "index"],
    ["investigate --repo <dir>", (m) => ["investigate", "--alert", file, "--repo", m], "--repo"],
    ["investigate --alert <file>", (m) => ["investigate", "--alert", m, "--repo", root], "--alert"],
    ["investigate --replay <dir>", (m) => ["investigate", "--alert", file, "--repo", root, "--replay", m], "--replay"],
    ["replay <dir>", (m) => ["replay", m], "replay"],
    ["eval <dir>", (m) => ["eval", m], "eval"],
    ["normalize <file>", (m) => ["normalize", m], "normalize"],
  ];
  it.each(cases)("%s: exit 2, the path named, nothing created", async (_name, argv, what) => {
    const missing = join(root, "no-such-thing");
    const r = await pipemedic(...argv(missing));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${what} ${missing}: no such`);
    expect(r.out).not.toMatch(/files checked/);
    expect((await readdir(root)).sort()).toEqual(["body.json"]);
  });

  it("a file where a folder is expected is named as such", async () => {
    const r = await pipemedic("lint", file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`lint ${file}: not a directory`);
  });
});

// Issue #17, item 4: `pipemedic lint` reads the policy file with the schemas the run uses.
describe("lint checks the policy file as a run reads it", () => {
  it("reports a bad connector URL, an unknown connector and a pasted LLM key, and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-lint-config-"));
    try {
      await mkdir(join(dir, ".github"));
      const config = "connectors:\n  prometheus:\n    url: not a url\n  promethues: {}\nllm:\n  api_key: sk-proj-abcdefghijklmnopqrstuvwxyz123456\n";
      await writeFile(join(dir, ".github", "pipemedic.yml"), config);
      const r = await pipemedic("lint", dir);
      expect(r.code).toBe(1);
      expect(r.out.split("\n").map((l) => l.split(" (fix:")[0])).toEqual([
        ".github/pipemedic.yml:3: connectors.prometheus.url: Invalid URL",
        '.github/pipemedic.yml:4: connectors.promethues: no connector is named "promethues" in this version; a run ignores it',
        '.github/pipemedic.yml:6: llm.api_key: "api_key" is not a setting of llm; a run does not read it',
        ".github/pipemedic.yml:6: llm.api_key: looks like a credential; this file is committed and readable by everyone with access to the repository",
        "1 file checked: 4 errors, 0 warnings",
        "",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { initFiles } from "../init/templates.js";
import { PACKAGE_ROOT } from "../paths.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

/** Workflow templates that other features ship (action/templates/workflows/*.yml), written beside the two of init. */
async function shippedWorkflows(): Promise<Record<string, string>> {
  const dir = join(PACKAGE_ROOT, "action", "templates", "workflows");
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Record<string, string> = {};
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) out[name] = await readFile(join(dir, name), "utf8");
  return out;
}

/** `pipemedic init [dir] [--force]`: writes the workflows, a commented policy file and a knowledge/ skeleton. */
export async function init(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return help(io, "init");
  if (positionals.length > 1) throw new UsageError(`init takes one folder, got ${positionals.length}: ${positionals.join(" ")}`);
  const dir = resolve(await existingPath(positionals[0] ?? ".", "directory", "init"));
  const files = initFiles(await shippedWorkflows());
  const existing: string[] = [];
  for (const path of Object.keys(files)) if (await stat(join(dir, path)).catch(() => null)) existing.push(path);
  if (existing.length && !values.force) {
    io.err(
      `pipemedic init: ${existing.length === 1 ? "this file exists" : "these files exist"} and would be overwritten:\n` +
        existing.map((p) => `  ${p}\n`).join("") +
        "Nothing was written. Move them aside, or run again with --force to overwrite them.\n",
    );
    return 1;
  }
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    io.out(`${existing.includes(path) ? "overwrote" : "wrote"} ${path}\n`);
  }
  io.out(
    [
      "",
      "Next:",
      "  1. Describe a pipeline in knowledge/pipelines/<id>.md (optional; knowledge/README.md shows one).",
      "  2. npx pipemedic lint  (checks knowledge/, runbooks/ and .github/pipemedic.yml)",
      "  3. Commit and push, then point an alert source at POST /repos/{owner}/{repo}/dispatches",
      '     with {"event_type": "pipemedic-alert", "client_payload": {"source": "<source>", "payload": <body>}}.',
      "",
    ].join("\n"),
  );
  return 0;
}

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_PATH } from "../model/index.js";
import { lint as lintFiles } from "../memory/lint.js";
import { formatLintError } from "../memory/runbooks.js";
import { readOptional, readTree } from "../store/workspace.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath } from "./usage.js";

/** `pipemedic lint [dir]`: validates knowledge/, runbooks/ and the policy file; exits 1 on errors. */
export async function lint(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: "boolean" } } });
  if (values.help) return help(io, "lint");
  const dir = resolve(await existingPath(positionals[0] ?? ".", "directory", "lint"));
  const files = await readTree(dir, ["knowledge", "runbooks"]);
  const config = await readOptional(join(dir, CONFIG_PATH));
  if (config !== null) files[CONFIG_PATH] = config;
  const errors = lintFiles(files);
  for (const e of errors) io.out(`${formatLintError(e)}\n`);
  const count = errors.filter((e) => e.severity === "error").length;
  io.out(`${Object.keys(files).length} files checked: ${count} error(s), ${errors.length - count} warning(s)\n`);
  return count ? 1 : 0;
}

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_PATH } from "../model/index.js";
import { lint as lintFiles } from "../memory/lint.js";
import { formatLintError } from "../memory/runbooks.js";
import { LlmPolicySchema } from "../llm/policy.js";
import { ConnectorsSchema } from "../telemetry/from-config.js";
import { count } from "../report/markdown/format.js";
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
  // The policy file as a run reads it: the model's schema, then the connectors' and the LLM's.
  const errors = lintFiles(files, { connectors: ConnectorsSchema, llm: LlmPolicySchema });
  for (const e of errors) io.out(`${formatLintError(e)}\n`);
  const failed = errors.filter((e) => e.severity === "error").length;
  io.out(`${count(Object.keys(files).length, "file")} checked: ${count(failed, "error")}, ${count(errors.length - failed, "warning")}\n`);
  return failed ? 1 : 0;
}

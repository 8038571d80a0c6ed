import { stat } from "node:fs/promises";
import { SourceSchema, type Source } from "../model/index.js";

/** A mistake in the command line: the CLI prints it with the command's help and exits 2. */
export class UsageError extends Error {}

/** The `--source` option, checked against the known sources. */
export function sourceOption(value: string | undefined): Source | undefined {
  if (value === undefined) return undefined;
  const parsed = SourceSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--source: unknown source "${value}"; one of ${SourceSchema.options.join(", ")}`);
  return parsed.data;
}

/**
 * A path the command reads, which must exist and be of the kind named: a typo is a usage error (exit 2),
 * never an empty result or a folder created on the spot. `what` names the argument (`--repo`, `dir`).
 */
export async function existingPath(path: string, kind: "directory" | "file", what: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new UsageError(`${what} ${path}: no such ${kind}; check the path`);
  if (kind === "directory" && !info.isDirectory()) throw new UsageError(`${what} ${path}: not a directory; give the folder`);
  if (kind === "file" && !info.isFile()) throw new UsageError(`${what} ${path}: not a file; give the file`);
  return path;
}

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

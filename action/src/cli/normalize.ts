import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { readPolicy } from "../entries/compose.js";
import { normalize as normalizeDelivery } from "../ingest/normalize.js";
import type { GenericMappingInput } from "../ingest/sources/generic-mapping.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, sourceOption, UsageError } from "./usage.js";

/** The --headers file: a JSON object of header names (lowercased) to values. */
async function headersFrom(path: string): Promise<Record<string, string>> {
  try {
    const raw = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), String(v)]));
  } catch (err) {
    throw new UsageError(`--headers ${path}: expected a JSON object of header names to values (${(err as Error).message})`);
  }
}

/** `pipemedic normalize <file>`: prints the alerts a webhook body normalizes to, or why it is rejected. */
export async function normalize(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { headers: { type: "string" }, source: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "normalize");
  const file = positionals[0];
  if (!file) throw new UsageError("normalize needs a file: pipemedic normalize <file>");
  const body = await readFile(await existingPath(file, "file", "normalize"), "utf8");
  const headers = values.headers ? await headersFrom(await existingPath(values.headers, "file", "--headers")) : {};
  const source = sourceOption(values.source);
  // The generic source's field mapping lives in the repository's policy file (in the current directory).
  const generic = (await readPolicy({ dir: "." })).generic as GenericMappingInput | undefined;
  const out = normalizeDelivery(
    { id: file, body, headers, receivedAt: new Date().toISOString() },
    { ...(source ? { source } : {}), ...(generic ? { generic } : {}) },
  );
  if (values.json) {
    // Each inferred alert carries its `inferred` marker; the outcome's says what a generic mapping would read.
    io.out(
      `${JSON.stringify(out.ok ? { alerts: out.alerts, ...(out.inferred ? { inferred: out.inferred } : {}) } : { error: out.reason, unparsed: true }, null, 2)}\n`,
    );
  } else if (out.ok) {
    for (const a of out.alerts) {
      io.out(
        `${a.status.padEnd(8)} ${a.severity.padEnd(8)} ${a.source} ${a.title}\n         fingerprint ${a.fingerprint}${a.fingerprintComputed ? " (computed)" : ""} · starts ${a.startsAt ?? "unknown"}\n`,
      );
      if (a.inferred) io.out(`         inferred from fields ${a.inferred.fields.join(", ")}\n`);
    }
    if (out.inferred) {
      io.out(
        "no source recognizes this body: the alerts above were inferred, and the Action also keeps the body under incidents/_unparsed/; a generic mapping reads it exactly (docs/sources.md)\n",
      );
    }
  } else {
    io.out(`rejected: ${out.reason}\n`);
  }
  return out.ok ? 0 : 1;
}

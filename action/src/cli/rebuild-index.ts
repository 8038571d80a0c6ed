import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPolicy } from "../entries/compose.js";
import { lifecycleWindows } from "../pipeline/correlate.js";
import { compilePatterns } from "../redact.js";
import { rebuildHistory } from "../report/rebuild.js";
import { readTree } from "../store/workspace.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath } from "./usage.js";

/** `pipemedic index [dir]`: rebuilds incidents/index.json, incidents/README.md and the scorecards in the work tree, uncommitted. */
export async function rebuildIndex(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "from-folders": { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "index");
  const dir = resolve(await existingPath(positionals[0] ?? ".", "directory", "index"));
  const files = await readTree(dir, ["incidents"]);
  const config = await readPolicy({ dir });
  const result = rebuildHistory(files, {
    fromFolders: Boolean(values["from-folders"]),
    redactPatterns: compilePatterns(config.redaction.patterns),
    windows: lifecycleWindows(config),
  });
  for (const [path, content] of Object.entries(result.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const written = Object.keys(result.files).sort();
  if (values.json) {
    const { files: _files, incidents, ...rest } = result;
    io.out(`${JSON.stringify({ ...rest, incidents: incidents.length, written, committed: false }, null, 2)}\n`);
  } else {
    if (result.indexProblem) io.out(`${result.indexProblem}: rebuilt from the incident folders\n`);
    for (const e of result.errors) io.out(`error: ${e.path}: ${e.field}: ${e.message}\n`);
    for (const d of result.unlisted)
      io.out(`note: ${d} is not in incidents/index.json and was left out (--from-folders rebuilds the index from every folder)\n`);
    for (const d of result.missingFolders) io.out(`note: ${d} is in incidents/index.json but has no README.md\n`);
    const scorecards = written.filter((p) => p.startsWith("incidents/scorecards/")).length;
    io.out(
      `${result.incidents.length} incident(s) from ${result.source === "index" ? "incidents/index.json" : "the incident folders"}, ${scorecards} scorecard(s), ${result.errors.length} error(s)\n` +
        `wrote ${written.length} file(s) into ${dir} (not committed): review them with git diff, then commit them\n`,
    );
    // The index just written leaves the broken folders out; only a rebuild from the folders brings them back.
    if (result.errors.length && result.source === "folders") io.out("fix the files named above, then run `pipemedic index --from-folders` to include them\n");
  }
  return result.errors.length ? 1 : 0;
}

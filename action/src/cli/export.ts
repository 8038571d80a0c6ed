import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { ExportError, exportIncident } from "../eval/export.js";
import { IncidentIdSchema, type Snapshot } from "../model/index.js";
import { incidentPath } from "../record/index.js";
import { readOptional } from "../store/workspace.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage.js";

/** The files under a directory as a read-only snapshot (paths with `/`, relative to it). */
function folderSnapshot(root: string): Snapshot {
  return {
    read: (path) => readOptional(join(root, ...path.split("/"))),
    list: () => Promise.resolve([]),
  };
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** `pipemedic export <incident-id|folder>`: writes the incident as a replay scenario (format v1). */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      repo: { type: "string" },
      id: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "export");
  const target = positionals[0];
  if (!target) throw new UsageError("export needs an incident: pipemedic export <incident-id|incident-folder>");
  if (positionals.length > 1) throw new UsageError(`export takes one incident, got ${positionals.length}: ${positionals.join(" ")}`);
  if (values.id !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(values.id)) throw new UsageError(`--id ${values.id}: a scenario id is kebab-case (a-z, 0-9, -)`);

  // A folder on disk (incidents/YYYY/MM/<id>), or an incident id looked up in the repository's incidents/.
  let root: string;
  let folder: string;
  if (await isDir(target)) {
    root = resolve(target, "..");
    folder = relative(root, resolve(target)).split(sep).join("/");
  } else {
    if (!IncidentIdSchema.safeParse(target).success) {
      throw new UsageError(`${target}: neither an incident folder nor an incident id (an id looks like 2026-03-14-orders-consumer-lag-7f3a)`);
    }
    root = resolve(values.repo ?? ".");
    if (!(await isDir(root))) throw new UsageError(`--repo ${values.repo}: no such directory`);
    folder = incidentPath(target);
    if (!(await isDir(join(root, folder))))
      throw new UsageError(
        `${target}: no incident folder ${folder} in ${values.repo ?? "the current directory"} (fix: pass --repo <your repository>, or the folder itself)`,
      );
  }

  let exported;
  try {
    exported = await exportIncident(folderSnapshot(root), folder, values.id ? { id: values.id } : {});
  } catch (err) {
    if (err instanceof ExportError) {
      io.err(`pipemedic export: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const out = resolve(values.out ?? join("scenarios", exported.id));
  const existing = await readdir(out).catch(() => null);
  if (existing?.length) {
    if (!values.force)
      throw new UsageError(
        `--out ${values.out ?? join("scenarios", exported.id)}: the folder is not empty (fix: choose another folder, or pass --force to replace the scenario in it)`,
      );
    // A re-export replaces what an export writes, so no alert or telemetry file of the old one lingers.
    for (const part of ["scenario.yaml", "alerts", "telemetry"]) await rm(join(out, part), { recursive: true, force: true });
  }
  for (const [path, content] of Object.entries(exported.files)) {
    const abs = join(out, ...path.split("/"));
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  const shown = relative(process.cwd(), out) || ".";
  if (values.json) {
    io.out(`${JSON.stringify({ scenario: exported.id, out: shown, files: Object.keys(exported.files).sort(), notes: exported.notes }, null, 2)}\n`);
  } else {
    io.out(`Exported ${folder} as scenario ${exported.id} into ${shown} (${Object.keys(exported.files).length} files)\n`);
    for (const n of exported.notes) io.out(`note: ${n}\n`);
    io.out(`Replay it: pipemedic replay ${shown}\n`);
  }
  return 0;
}

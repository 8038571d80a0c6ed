import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { composeRun } from "../entries/compose.js";
import { runPipeline } from "../pipeline/index.js";
import { IncidentIdSchema } from "../model/index.js";
import { dryRunStore, type DryRunRecord } from "../store/dry-run.js";
import { LocalGitStore } from "../store/local.js";
import { loadScenario } from "../telemetry/replay/load.js";
import { findIncident, readIncidents } from "./feedback.js";
import { gitRepo } from "./git-repo.js";
import { help } from "./help.js";
import { progressFor, type CliIo } from "./io.js";
import { printResult } from "./result.js";
import { existingPath, sourceOption, UsageError } from "./usage.js";

/** `pipemedic investigate --alert <file>`: investigates one webhook body and commits the incident into a local repository. */
export async function investigate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      alert: { type: "string" },
      source: { type: "string" },
      replay: { type: "string" },
      repo: { type: "string" },
      incident: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "investigate");
  if (!values.alert && !values.incident) throw new UsageError("investigate needs --alert <file>, or --incident <id> to investigate a recorded incident now");
  if (values.incident && !IncidentIdSchema.safeParse(values.incident).success)
    throw new UsageError(
      `--incident ${values.incident}: not an incident id (YYYY-MM-DD-words, the folder name under incidents/; pipemedic incidents list shows them)`,
    );
  const source = sourceOption(values.source);
  const body = values.alert ? await readFile(await existingPath(values.alert, "file", "--alert"), "utf8") : null;
  if (values.replay) await existingPath(values.replay, "directory", "--replay");
  let dryRun: DryRunRecord | null = null;
  const repo = await gitRepo(await existingPath(values.repo ?? ".", "directory", "--repo"));
  // A recorded incident must exist before anything runs: a typo is a usage error, not an empty run.
  if (values.incident) findIncident(await readIncidents(repo), values.incident);
  const { ports, options } = await composeRun({
    workspace: { dir: repo },
    env: io.env,
    warn: (m) => io.err(`warning: ${m}\n`),
    progress: progressFor(io, Boolean(values.json)),
    git: () => {
      const local = new LocalGitStore({ dir: repo, warn: (m) => io.err(`warning: ${m}\n`) });
      if (!values["dry-run"]) return { store: local };
      const store = dryRunStore(local);
      dryRun = store.record;
      return { store };
    },
    ...(values.replay ? { replay: await loadScenario(resolve(values.replay)) } : {}),
    ...(source ? { source } : {}),
    ...(values.incident ? { incidentId: values.incident } : {}),
  });
  const deliveries =
    values.alert && body !== null ? [{ id: `cli-${basename(values.alert)}`, body, headers: {}, receivedAt: new Date(ports.clock.now()).toISOString() }] : [];
  const result = await runPipeline(deliveries, ports, options);
  printResult(io, result, Boolean(values.json), { repository: repo });
  const record = dryRun as DryRunRecord | null;
  if (record) {
    const files = [...new Set(record.commits.flatMap((c) => c.files))].sort();
    io.err(
      `dry run: nothing was committed. Would have made ${record.commits.length} commit(s) of ${files.length} file(s)` +
        (record.branches.length ? ` and pushed ${record.branches.map((b) => b.branch).join(", ")}` : "") +
        (files.length ? `:\n${files.map((f) => `  ${f}\n`).join("")}` : ".\n"),
    );
  }
  return result.unparsed.length && !result.alerts.length ? 1 : 0;
}

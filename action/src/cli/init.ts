import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPolicy } from "../entries/compose.js";
import { proposePipelines } from "../init/propose.js";
import { initFiles } from "../init/templates.js";
import { loadKnowledge } from "../memory/knowledge.js";
import { CONFIG_PATH } from "../model/index.js";
import { createOctokit } from "../store/octokit.js";
import { readTree } from "../store/workspace.js";
import { telemetryFromConfig } from "../telemetry/from-config.js";
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

/**
 * `pipemedic init --propose [dir]`: pipeline files from what the configured connectors' discovery finds
 * (Airflow DAGs, Kafka consumer groups), written for review under knowledge/pipelines/, never over a file.
 */
async function propose(dir: string, io: CliIo): Promise<number> {
  const config = await readPolicy({ dir });
  if (!Object.keys(config.connectors).length)
    throw new UsageError(`init --propose needs connectors in ${CONFIG_PATH} (Airflow, Prometheus) to discover pipelines from; see docs/configuration.md`);
  const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
  const github = token
    ? createOctokit({ token, ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}), log: { warn: () => undefined } })
    : undefined;
  const telemetry = telemetryFromConfig(config.connectors, io.env, (m) => io.err(`warning: ${m}\n`), github);
  const { knowledge } = loadKnowledge(await readTree(dir, ["knowledge"]));
  const existing = new Set<string>();
  for (const p of knowledge.pipelines) {
    existing.add(p.id);
    for (const c of p.components) for (const key of ["dag_id", "consumer_group"]) if (typeof c[key] === "string") existing.add(c[key]);
  }
  const proposals = await proposePipelines(telemetry, { now: Date.now(), existing, signal: AbortSignal.timeout(60_000) });
  let written = 0;
  for (const p of proposals) {
    if (await stat(join(dir, p.path)).catch(() => null)) {
      io.out(`kept ${p.path} (exists; the proposal from ${p.from} was not written)\n`);
      continue;
    }
    await mkdir(dirname(join(dir, p.path)), { recursive: true });
    await writeFile(join(dir, p.path), p.content);
    io.out(`proposed ${p.path} from ${p.from}\n`);
    written++;
  }
  io.out(
    written
      ? `${written} pipeline file(s) proposed: review each (owners, lineage, config files), keep or delete it, then npx pipemedic lint and commit\n`
      : "nothing new to propose: discovery found no DAG or consumer group that knowledge/ does not already describe\n",
  );
  return 0;
}

/** `pipemedic init [dir] [--force]`: writes the workflows, a commented policy file and a knowledge/ skeleton. */
export async function init(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: "boolean" }, propose: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "init");
  if (positionals.length > 1) throw new UsageError(`init takes one folder, got ${positionals.length}: ${positionals.join(" ")}`);
  const dir = resolve(await existingPath(positionals[0] ?? ".", "directory", "init"));
  if (values.propose) return propose(dir, io);
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

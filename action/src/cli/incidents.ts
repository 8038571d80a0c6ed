import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Incident } from "../model/index.js";
import { readIncidentFrontmatter } from "../record/frontmatter.js";
import { incidentFiles } from "../record/paths.js";
import { oneLine } from "../untrusted-text.js";
import { colorsFor, type Colors } from "./color.js";
import { findIncident, readIncidents } from "./feedback.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

/** What an incident's cause reads as in a list: the cause and its status, awaiting a trigger, or unknown. */
function causeOf(i: Incident, c: Colors): string {
  if (i.investigation !== "done") return c.yellow("awaiting a manual trigger");
  if (!i.rootCause || i.rootCause.id === "unknown") return c.yellow("root cause unknown");
  const text = `${i.rootCause.id} (${i.rootCause.status}, ${i.rootCause.confidence.toFixed(2)})`;
  return i.rootCause.status.startsWith("confirmed") ? c.green(text) : text;
}

/** `pipemedic incidents list|show <id>`: the recorded incidents from incidents/index.json. */
export async function incidents(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { repo: { type: "string" }, status: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "incidents");
  const [action, ...rest] = positionals;
  if (action !== "list" && action !== "show") throw new UsageError(`incidents: expected "list" or "show <id>", got "${positionals.join(" ")}"`);
  if (values.status !== undefined && !["open", "resolved"].includes(values.status))
    throw new UsageError(`--status: expected open or resolved, got "${values.status}"`);
  const dir = resolve(await existingPath(values.repo ?? ".", "directory", "--repo"));
  const all = await readIncidents(dir);
  const c = colorsFor(io);

  if (action === "list") {
    if (rest.length) throw new UsageError(`incidents list takes no arguments, got "${rest.join(" ")}"`);
    const shown = all.filter((i) => !values.status || i.status === values.status).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    if (values.json) {
      io.out(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    for (const i of shown) {
      const status = i.status === "open" ? c.red("open    ") : c.dim("resolved");
      io.out(`${c.bold(i.id)}  ${status}  ${i.severity.padEnd(8)}  ${causeOf(i, c)}\n    ${oneLine(i.title, 120)}\n`);
    }
    io.out(`${shown.length} incident${shown.length === 1 ? "" : "s"}${values.status ? ` ${values.status}` : ""} of ${all.length}\n`);
    return 0;
  }

  const [id, ...extra] = rest;
  if (!id || extra.length) throw new UsageError("incidents show needs one incident id: pipemedic incidents show <id>");
  const incident = findIncident(all, id);
  const readmePath = incidentFiles.readme(incident);
  const readme = await readFile(join(dir, readmePath), "utf8").catch(() => null);
  const read = readme === null ? null : readIncidentFrontmatter(readme);
  const record = read && "record" in read ? read.record : null;
  if (values.json) {
    io.out(`${JSON.stringify({ ...incident, report: readmePath, frontmatter: record }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${c.bold(incident.id)}  ${oneLine(incident.title, 200)}`,
    `status      ${incident.status}${incident.resolvedAt ? ` (resolved ${incident.resolvedAt})` : ""}`,
    `severity    ${incident.severity}`,
    `opened      ${incident.openedAt}`,
    `pipelines   ${incident.pipelines.join(", ") || "none named"}`,
    `root cause  ${causeOf(incident, c)}`,
  ];
  const correction = record?.feedback.actual_root_cause;
  if (correction) lines.push(`corrected   ${c.green(oneLine(correction, 120))}${record.feedback.notes ? ` — ${oneLine(record.feedback.notes, 200)}` : ""}`);
  if (record?.fix && record.fix.kind !== "none")
    lines.push(`fix         ${record.fix.kind}${record.fix.pr !== null ? ` #${record.fix.pr}` : ""} (${record.fix.state})`);
  lines.push(`alerts      ${incident.alerts.length}`, `report      ${readmePath}`);
  if (read && "problem" in read) lines.push(c.red(`${readmePath}: ${read.problem.field}: ${read.problem.message}`));
  if (readme === null) lines.push(c.red(`${readmePath}: missing`));
  io.out(`${lines.join("\n")}\n`);
  return 0;
}

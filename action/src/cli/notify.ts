import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { IncidentsOutputSchema, type IncidentOutput } from "../model/index.js";
import { slackMessage } from "../report/slack.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

/** The --incidents value: the Action's `incidents` output as JSON text, or `@file` holding it. */
async function incidentsFrom(value: string): Promise<IncidentOutput[]> {
  const where = value.startsWith("@") ? `--incidents ${value}` : "--incidents";
  const text = value.startsWith("@") ? await readFile(await existingPath(value.slice(1), "file", "--incidents"), "utf8") : value;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not JSON (${(err as Error).message}); pass the Action's incidents output, e.g. --incidents "$INCIDENTS"`);
  }
  const parsed = IncidentsOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("") : "(the whole value)";
    throw new UsageError(`${where}: ${field}: ${issue.message}; expected the Action's incidents output (a JSON array of incidents)`);
  }
  return parsed.data;
}

/** `pipemedic notify slack --incidents <json|@file>`: prints a Slack Block Kit message (JSON) for the Action's outputs. */
export async function notify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      incidents: { type: "string" },
      "unparsed-count": { type: "string" },
      "run-url": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "notify");
  const [target, ...extra] = positionals;
  if (target !== "slack" || extra.length)
    throw new UsageError(`notify: the one target is slack (pipemedic notify slack --incidents <json>), got "${positionals.join(" ")}"`);
  if (values.incidents === undefined) throw new UsageError("notify slack needs --incidents: the Action's incidents output (JSON) or @file");
  const incidents = await incidentsFrom(values.incidents);
  const count = z.coerce
    .number()
    .int()
    .nonnegative()
    .safeParse(values["unparsed-count"] ?? "0");
  if (!count.success) throw new UsageError(`--unparsed-count: expected a whole number, got "${values["unparsed-count"]}"`);
  const runUrl = values["run-url"];
  if (runUrl !== undefined && !/^https?:\/\/\S+$/i.test(runUrl)) throw new UsageError(`--run-url: expected an http(s) URL, got "${runUrl}"`);
  io.out(`${JSON.stringify(slackMessage(incidents, { unparsedCount: count.data, ...(runUrl ? { runUrl } : {}) }), null, 2)}\n`);
  return 0;
}

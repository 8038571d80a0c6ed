import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPolicy } from "../entries/compose.js";
import { CONFIG_PATH } from "../model/index.js";
import { compilePatterns, redact } from "../redact.js";
import { createOctokit } from "../store/octokit.js";
import { telemetryFromConfig } from "../telemetry/from-config.js";
import { probeTelemetry, type ProbeResult } from "../telemetry/probe.js";
import { colorsFor } from "./color.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

interface ConnectorReport {
  connector: string;
  /** works: every question answered; failed: one or more did not; not-set-up: no credentials or an unusable entry. */
  state: "works" | "failed" | "not-set-up";
  probes: ProbeResult[];
  notes: string[];
}

/** `pipemedic connectors check`: asks each configured backend one question per kind of data and says what works. */
export async function connectors(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { repo: { type: "string" }, json: { type: "boolean" }, timeout: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "connectors");
  if (positionals.length !== 1 || positionals[0] !== "check") throw new UsageError(`connectors: expected "connectors check", got "${positionals.join(" ")}"`);
  const timeoutS = Number(values.timeout ?? "10");
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError(`--timeout: expected seconds, got "${values.timeout}"`);
  const dir = resolve(await existingPath(values.repo ?? ".", "directory", "--repo"));
  const config = await readPolicy({ dir });
  const patterns = compilePatterns(config.redaction.patterns);
  const names = Object.keys(config.connectors);
  if (!names.length) {
    io.out(`no connectors in ${CONFIG_PATH}: checks that need live data are reported as "could not check" (docs/configuration.md)\n`);
    return 0;
  }
  const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
  const github = token
    ? createOctokit({ token, ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}), log: { warn: () => undefined } })
    : undefined;
  const reports: ConnectorReport[] = [];
  for (const connector of names) {
    const notes: string[] = [];
    const telemetry = telemetryFromConfig({ [connector]: config.connectors[connector] }, io.env, (m) => notes.push(redact(m, patterns)), github);
    const probes = (await probeTelemetry(telemetry, { now: Date.now(), timeoutMs: timeoutS * 1000 })).map((p) => ({
      ...p,
      detail: redact(p.detail, patterns),
    }));
    const state = !probes.length ? "not-set-up" : probes.every((p) => p.ok) ? "works" : "failed";
    reports.push({ connector, state, probes, notes });
  }
  if (values.json) io.out(`${JSON.stringify(reports, null, 2)}\n`);
  else {
    const c = colorsFor(io);
    for (const r of reports) {
      const state = r.state === "works" ? c.green("works") : r.state === "failed" ? c.red("failed") : c.yellow("not set up");
      io.out(`${c.bold(r.connector)}: ${state}\n`);
      for (const p of r.probes) io.out(`  ${p.ok ? "ok    " : "failed"}  ${p.capability}: ${p.detail} (${p.ms} ms)\n`);
      for (const n of r.notes) io.out(`  note    ${n}\n`);
    }
  }
  return reports.every((r) => r.state === "works") ? 0 : 1;
}

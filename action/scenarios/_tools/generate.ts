/**
 * Writes telemetry/ for the replay scenarios whose stories live in ./scenarios/.
 *
 *   npx tsx action/scenarios/_tools/generate.ts            # every scenario
 *   npx tsx action/scenarios/_tools/generate.ts <id> ...   # only these
 *
 * Each scenario module exports `id` (its folder) and `build()`, which returns the telemetry;
 * alerts/, scenario.yaml, repo/ and knowledge/ are written by hand. A story at
 * scenarios/<company>/<id>.ts writes action/scenarios/<company>/<id>/ (one folder per organisation,
 * with the company's README beside its scenarios); one at scenarios/<id>.ts writes
 * action/scenarios/<id>/. The output is deterministic (seeded), so regenerating an unchanged story
 * changes no file.
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeTelemetry, type Telemetry } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const stories = readdirSync(join(here, "scenarios"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .sort();
for (const file of stories) {
  const path = join(here, "scenarios", file);
  const mod = (await import(pathToFileURL(path).href)) as { id: string; build(): Telemetry };
  if (only.length && !only.includes(mod.id)) continue;
  const company = relative(join(here, "scenarios"), dirname(path));
  process.stdout.write(`${join(company, mod.id)}\n`);
  const written = writeTelemetry(join(here, "..", company, mod.id), mod.build());
  process.stdout.write(`  wrote telemetry/${written.join(", telemetry/")}\n`);
}

/**
 * Writes telemetry/ for the replay scenarios whose stories live in ./scenarios/.
 *
 *   npx tsx action/scenarios/_tools/generate.ts            # every scenario
 *   npx tsx action/scenarios/_tools/generate.ts <id> ...   # only these
 *
 * Each scenario module exports `id` (its folder under action/scenarios/) and `build()`, which
 * returns the telemetry; alerts/, scenario.yaml, repo/ and knowledge/ are written by hand. The
 * output is deterministic (seeded), so regenerating an unchanged story changes no file.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeTelemetry, type Telemetry } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(join(here, "scenarios")).filter((f) => f.endsWith(".ts")).sort()) {
  const mod = (await import(pathToFileURL(join(here, "scenarios", file)).href)) as { id: string; build(): Telemetry };
  if (only.length && !only.includes(mod.id)) continue;
  process.stdout.write(`${mod.id}\n`);
  const written = writeTelemetry(join(here, "..", mod.id), mod.build());
  process.stdout.write(`  wrote telemetry/${written.join(", telemetry/")}\n`);
}

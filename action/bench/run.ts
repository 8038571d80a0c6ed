// Runs every benchmark in this folder (or those named on the command line), one process each.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
  .sort();
for (const f of benches) {
  process.stdout.write(`\n=== ${f}\n`);
  execFileSync(process.execPath, ["--import", "tsx", `${here}${f}`], { stdio: "inherit" });
}

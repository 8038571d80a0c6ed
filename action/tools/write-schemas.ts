// Writes schemas/*.schema.json from the zod schemas (npm run schemas); a test checks they are current.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemas, SCHEMAS_DIR } from "../src/schemas.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
await mkdir(join(root, SCHEMAS_DIR), { recursive: true });
for (const [file, text] of Object.entries(jsonSchemas())) {
  await writeFile(join(root, SCHEMAS_DIR, file), text);
  process.stdout.write(`${SCHEMAS_DIR}/${file}\n`);
}

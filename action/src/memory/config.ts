import { parseDocument } from "yaml";
import { CONFIG_PATH, ConfigSchema, type Config } from "../model/index.js";

/** Parses `.github/pipemedic.yml`; a missing file is the default policy. Errors name the file, the field and the fix. */
export function parseConfig(text: string | null, file = CONFIG_PATH): Config {
  if (text === null || !text.trim()) return ConfigSchema.parse({});
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new Error(`${file}:${e.linePos?.[0]?.line ?? "?"}: not valid YAML: ${e.message.split("\n")[0]} (fix the YAML syntax)`);
  }
  const parsed = ConfigSchema.safeParse(doc.toJSON() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(top level)";
    throw new Error(`${file}: ${field}: ${issue.message} (see docs/configuration.md for the accepted values)`);
  }
  return parsed.data;
}

import { z } from "zod";
import { LlmPolicySchema } from "./llm/policy.js";
import { AliasesSchema, ConfigSchema, PipelineSchema, RunbookSchema, ServiceSchema } from "./model/index.js";
import { ConnectorsSchema } from "./telemetry/from-config.js";

/** Where the JSON Schemas are committed, relative to the repository root. */
export const SCHEMAS_DIR = "schemas";

/** Where editors fetch them: the published repository at the major version `uses:` names. */
export const SCHEMA_BASE_URL = "https://raw.githubusercontent.com/pipemedic/pipemedic/v1/schemas";

/** The files a user writes, each with the zod schema a run validates it with. */
const SOURCES: Record<string, { title: string; description: string; schema: z.ZodType }> = {
  "pipemedic.schema.json": {
    title: "Pipemedic policy (.github/pipemedic.yml)",
    description: "What auto-investigates, budgets, redaction, the store, connectors and the LLM. docs/configuration.md explains each key.",
    // The policy file as a run reads it: the model's schema, with the connectors' and the LLM's own.
    schema: ConfigSchema.extend({ connectors: ConnectorsSchema.optional(), llm: LlmPolicySchema.optional() }),
  },
  "runbook.schema.json": {
    title: "Pipemedic runbook frontmatter (runbooks/*.md)",
    description: "One failure mode: where it applies, its checks with pass/fail criteria, and an optional safe fix. docs/runbooks.md explains each key.",
    schema: RunbookSchema,
  },
  "knowledge-pipeline.schema.json": {
    title: "Pipemedic pipeline frontmatter (knowledge/pipelines/*.md)",
    description: "A pipeline: its components, lineage, owners, config files and paths. docs/knowledge.md explains each key.",
    schema: PipelineSchema,
  },
  "knowledge-service.schema.json": {
    title: "Pipemedic service frontmatter (knowledge/services/*.md)",
    description: "A service: its owners, repository and paths. docs/knowledge.md explains each key.",
    schema: ServiceSchema,
  },
  "knowledge-aliases.schema.json": {
    title: "Pipemedic aliases frontmatter (knowledge/aliases.md)",
    description: "This company's names for standard metrics and labels. docs/knowledge.md explains each key.",
    schema: AliasesSchema,
  },
};

/**
 * The JSON Schemas of the files users write, generated from the zod schemas the code validates them
 * with (the input side: a key with a default may be left out). File name → JSON text, as committed
 * under schemas/; `npm run schemas` writes them and a test checks the committed ones are these.
 */
export function jsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SOURCES).map(([file, s]) => {
      const generated = z.toJSONSchema(s.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      const { $schema, ...rest } = generated;
      const doc = { $schema, $id: `${SCHEMA_BASE_URL}/${file}`, title: s.title, description: s.description, ...rest };
      return [file, `${JSON.stringify(doc, null, 2)}\n`];
    }),
  );
}

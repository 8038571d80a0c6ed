import { z } from "zod";
import { CheckSpecSchema, WeightSchema } from "../../model/index.js";
import { MAX_CHECKS, ORCHESTRATOR_KINDS, PRIMITIVES, WAREHOUSE_KINDS } from "./vocabulary.js";

/**
 * JSON Schemas of the replies, sent as `response_format` and quoted in the stable system prompt.
 * Written compactly by hand (they are prompt tokens), with every enum read from the model so they
 * follow the runtime; a test checks they name exactly CheckSpecSchema's fields.
 */

/** The values of an enum field of the model, through its default/optional wrappers. */
function enumOf(schema: z.ZodType): string[] {
  let s: z.ZodType = schema;
  for (let i = 0; i < 4 && !(s instanceof z.ZodEnum); i++) {
    const inner = (s.def as { innerType?: z.ZodType }).innerType;
    if (!inner) break;
    s = inner;
  }
  if (!(s instanceof z.ZodEnum)) throw new Error("llm/schemas.ts: expected an enum field in CheckSpecSchema");
  return s.options as string[];
}

const shape = CheckSpecSchema.shape;
const changesShape = (shape.changes.def.innerType as z.ZodObject).shape as Record<string, z.ZodType>;
const str = { type: "string" } as const;
const strMap = { type: "object", additionalProperties: str } as const;

/** One check, as CheckSpecSchema accepts it. */
export const CHECK_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["id", "primitive", "pass_if"],
  properties: {
    id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
    title: str,
    metric: str,
    rate: { type: "boolean" },
    aggregate: { enum: enumOf(shape.aggregate) },
    logs: strMap,
    changes: {
      type: "object",
      additionalProperties: false,
      properties: { kind: { enum: enumOf(changesShape.kind!) }, paths: { type: "array", items: str }, scope: { enum: enumOf(changesShape.scope!) } },
    },
    events: { type: "object", additionalProperties: false, required: ["kind"], properties: { kind: str, labels: strMap } },
    orchestrator: {
      type: "object",
      additionalProperties: false,
      required: ["kind"],
      properties: { kind: { enum: [...ORCHESTRATOR_KINDS] }, where: { type: "object" } },
    },
    warehouse: {
      type: "object",
      additionalProperties: false,
      required: ["kind"],
      properties: { kind: { enum: [...WAREHOUSE_KINDS] }, where: { type: "object" } },
    },
    match: str,
    primitive: { enum: [...PRIMITIVES] },
    field: str,
    window: { type: "string", pattern: "^\\d+(m|h|d)$" },
    anchor: { enum: enumOf(shape.anchor) },
    reduce: { enum: enumOf(shape.reduce) },
    across: { enum: enumOf(shape.across) },
    pass_if: { type: "object", additionalProperties: { type: "string", pattern: "^(>=|<=|==|!=|>|<) ?-?\\d+(\\.\\d+)?$" } },
    weight: { enum: [...WeightSchema.options] },
    role: { enum: enumOf(shape.role) },
  },
} as const;

/** The reply to a hypotheses request. */
export const PROPOSALS_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["proposals"],
  properties: {
    proposals: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "title", "prior", "checks", "rationale"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
          title: str,
          prior: { type: "number", minimum: 0.01, maximum: 0.5 },
          checks: { type: "array", minItems: 1, maxItems: MAX_CHECKS, items: CHECK_JSON_SCHEMA },
          rationale: str,
        },
      },
    },
  },
} as const;

/** The reply to a narrative request. */
export const NARRATIVE_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["narrative"],
  properties: { narrative: str },
} as const;

/** The reply to a fix request: the whole new content of the one file, or a refusal. */
export const FIX_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["path", "content", "explanation"],
  properties: { path: str, content: { type: ["string", "null"] }, explanation: str },
} as const;

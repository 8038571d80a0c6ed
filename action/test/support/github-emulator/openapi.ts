import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * GitHub's official REST description (`@octokit/openapi`, api.github.com) as a request/response
 * contract. The JSON is ~13 MB: it is parsed once per process, its operations are indexed by
 * method and path template, and a validator is compiled only when an operation is first used.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One documented REST operation. */
export interface Operation {
  operationId: string;
  method: string;
  template: string;
  literalSegments: number;
  exact: RegExp;
  /** The same template with its last parameter allowed to span slashes (refs, file paths). */
  greedy: RegExp | null;
  paramNames: string[];
  raw: JsonObject;
}

interface OperationValidators {
  path: ValidateFunction;
  query: ValidateFunction;
  queryNames: Set<string>;
  body: ValidateFunction | null;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction | null>;
}

interface Contract {
  operations: Map<string, Operation[]>;
  ajv: Ajv;
  coercing: Ajv;
  validators: Map<string, OperationValidators>;
  spec: JsonObject;
}

let contract: Contract | null = null;

// ajv-formats ships as CommonJS with a default export; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const DROPPED_KEYS = new Set(["description", "example", "examples", "externalDocs", "discriminator", "xml", "readOnly", "writeOnly", "deprecated", "title"]);

/** Turns an OpenAPI 3.0 schema into JSON Schema: `nullable` becomes a null branch, refs point into the shared document. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(/^#\//, "github#/");
    else if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
      // property names are data here, never keywords
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else out[key] = toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    // enum and type both exclude null, so a separate branch is the only faithful translation
    return { anyOf: [out, { type: "null" }] };
  }
  delete out.nullable;
  return out;
}

function specPath(): string {
  return createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
}

function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? "array" : false, logger: false });
  addFormats(ajv);
  // GitHub-specific formats carry no checkable syntax beyond their type
  for (const name of ["repo.nwo", "timestamp"]) ajv.addFormat(name, true);
  return ajv;
}

function compileTemplate(template: string): Pick<Operation, "exact" | "greedy" | "paramNames" | "literalSegments"> {
  const segments = template.split("/").filter(Boolean);
  const paramNames: string[] = [];
  let literalSegments = 0;
  const parts = segments.map((seg) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    if (m) {
      paramNames.push(m[1]!);
      return "([^/]+)";
    }
    literalSegments++;
    return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  const exact = new RegExp(`^/${parts.join("/")}$`);
  const last = segments[segments.length - 1] ?? "";
  const greedy = /^\{[^}]+\}$/.test(last) ? new RegExp(`^/${[...parts.slice(0, -1), "(.+)"].join("/")}$`) : null;
  return { exact, greedy, paramNames, literalSegments };
}

/** Loads and indexes the description; later calls reuse it. */
export function loadContract(): Contract {
  if (contract) return contract;
  const spec = JSON.parse(readFileSync(specPath(), "utf8")) as JsonObject;
  const operations = new Map<string, Operation[]>();
  for (const [template, item] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, op] of Object.entries(item as JsonObject)) {
      if (!op || typeof op !== "object" || Array.isArray(op) || typeof op.operationId !== "string") continue;
      const entry: Operation = { operationId: op.operationId, method: method.toUpperCase(), template, raw: op, ...compileTemplate(template) };
      const list = operations.get(entry.method) ?? [];
      list.push(entry);
      operations.set(entry.method, list);
    }
  }
  // more literal segments first: `/git/refs/{ref}` must win over a template with a parameter there
  for (const list of operations.values()) list.sort((a, b) => b.literalSegments - a.literalSegments);
  const components = { $id: "github", components: { schemas: toJsonSchema((spec.components as JsonObject).schemas ?? {}) } };
  const ajv = newAjv(false);
  ajv.addSchema(components);
  const coercing = newAjv(true);
  coercing.addSchema(components);
  contract = { operations, ajv, coercing, validators: new Map(), spec };
  return contract;
}

/** Finds the documented operation for a method and a raw (still percent-encoded) path. */
export function findOperation(method: string, pathname: string): { op: Operation; params: Record<string, string> } | null {
  const list = loadContract().operations.get(method.toUpperCase()) ?? [];
  for (const pass of ["exact", "greedy"] as const) {
    for (const op of list) {
      const re = op[pass];
      const m = re?.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      op.paramNames.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { op, params };
    }
  }
  return null;
}

function resolveRef(node: Json): JsonObject {
  const spec = loadContract().spec;
  let current = node;
  for (let depth = 0; depth < 8 && current && typeof current === "object" && !Array.isArray(current) && typeof current.$ref === "string"; depth++) {
    let target: Json = spec;
    for (const key of current.$ref.replace(/^#\//, "").split("/")) {
      target = target && typeof target === "object" && !Array.isArray(target) ? (target[key] ?? null) : null;
    }
    current = target;
  }
  return current && typeof current === "object" && !Array.isArray(current) ? current : {};
}

function jsonSchemaOf(container: JsonObject): Json | undefined {
  const content = container.content as JsonObject | undefined;
  const json = content?.["application/json"] as JsonObject | undefined;
  return json?.schema;
}

function validatorsFor(op: Operation): OperationValidators {
  const c = loadContract();
  const cached = c.validators.get(op.operationId);
  if (cached) return cached;
  const params = ((op.raw.parameters as Json[] | undefined) ?? []).map(resolveRef);
  const group = (where: string) => {
    // every parameter of GitHub's description is named; the type guard says so to the compiler
    const list = params.filter((p): p is JsonObject & { name: string } => p.in === where && typeof p.name === "string");
    return {
      type: "object",
      properties: Object.fromEntries(list.map((p) => [p.name, toJsonSchema(p.schema ?? {})])),
      required: list.filter((p) => p.required === true).map((p) => p.name),
    };
  };
  const requestBody = op.raw.requestBody ? resolveRef(op.raw.requestBody) : null;
  const bodySchema = requestBody ? jsonSchemaOf(requestBody) : undefined;
  const responses = new Map<string, ValidateFunction | null>();
  for (const [status, response] of Object.entries((op.raw.responses as JsonObject | undefined) ?? {})) {
    const schema = jsonSchemaOf(resolveRef(response));
    responses.set(status, schema === undefined || schema === null ? null : c.ajv.compile(toJsonSchema(schema) as object));
  }
  const query = group("query");
  const made: OperationValidators = {
    path: c.coercing.compile(group("path")),
    query: c.coercing.compile(query),
    queryNames: new Set(Object.keys(query.properties)),
    body: bodySchema === undefined ? null : c.ajv.compile(toJsonSchema(bodySchema) as object),
    bodyRequired: requestBody?.required === true,
    responses,
  };
  c.validators.set(op.operationId, made);
  return made;
}

/** Formats ajv errors the way a person reads them: where, then what. */
export function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${where}${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params && "allowedValues" in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ""}`,
    )
    .join("; ");
}

/** Query values after validation: each string coerced to its documented scalar type. */
export type CoercedQuery = Record<string, string | number | boolean | null>;

/** A validated request: coerced path and query values, or the reason it breaks the contract. */
export type RequestCheck = { ok: true; query: CoercedQuery } | { ok: false; message: string };

/** Validates path parameters, query parameters and the JSON body of a request against its operation. */
export function validateRequest(op: Operation, params: Record<string, string>, query: Record<string, string>, body: unknown): RequestCheck {
  const v = validatorsFor(op);
  const path: Record<string, unknown> = { ...params };
  if (!v.path(path)) return { ok: false, message: describeErrors("path", v.path.errors) };
  const unknown = Object.keys(query).filter((k) => !v.queryNames.has(k));
  if (unknown.length) return { ok: false, message: `query: unknown parameter(s) ${unknown.join(", ")} for ${op.operationId}` };
  const coerced: Record<string, unknown> = { ...query };
  if (!v.query(coerced)) return { ok: false, message: describeErrors("query", v.query.errors) };
  if (v.body) {
    if (body === undefined) {
      if (v.bodyRequired) return { ok: false, message: `body: ${op.operationId} requires a JSON body` };
    } else if (!v.body(body)) return { ok: false, message: describeErrors("body", v.body.errors) };
  } else if (body !== undefined && body !== null && !(typeof body === "object" && Object.keys(body).length === 0)) {
    return { ok: false, message: `body: ${op.operationId} takes no request body` };
  }
  return { ok: true, query: coerced as CoercedQuery };
}

/** The documented response statuses of an operation. */
export function documentedStatuses(op: Operation): string[] {
  return [...validatorsFor(op).responses.keys()];
}

/** Checks a response against the schema documented for its status; null when it conforms. */
export function validateResponse(op: Operation, status: number, body: unknown): string | null {
  const v = validatorsFor(op);
  if (!v.responses.has(String(status))) {
    // GitHub may answer any endpoint with these, documented or not
    if ([401, 403, 404, 429].includes(status) || status >= 500) return null;
    return `status ${status} is not documented for ${op.operationId} (documented: ${[...v.responses.keys()].join(", ")})`;
  }
  const validate = v.responses.get(String(status));
  if (!validate) return null;
  return validate(body) ? null : describeErrors("response", validate.errors);
}

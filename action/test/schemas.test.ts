import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseFrontmatter } from "../src/memory/frontmatter.js";
import { jsonSchemas, SCHEMAS_DIR } from "../src/schemas.js";
import { REPO_ROOT } from "./support/runner.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const generated = jsonSchemas();

function validator(file: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(generated[file]!) as object);
}

async function frontmatters(dir: string): Promise<Array<[string, unknown]>> {
  const names = (await readdir(join(REPO_ROOT, dir))).filter((n) => n.endsWith(".md"));
  return Promise.all(
    names.map(async (n): Promise<[string, unknown]> => {
      const fm = parseFrontmatter(await readFile(join(REPO_ROOT, dir, n), "utf8"), `${dir}/${n}`);
      if (!fm.ok) throw new Error(`${dir}/${n}: ${fm.error.message}`);
      return [`${dir}/${n}`, fm.value.data];
    }),
  );
}

describe("the JSON Schemas under schemas/", () => {
  it("are the ones generated from the zod schemas the code validates with (else run npm run schemas)", async () => {
    const committed = (await readdir(join(REPO_ROOT, SCHEMAS_DIR))).filter((n) => n.endsWith(".json")).sort();
    expect(committed).toEqual(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) {
      expect(await readFile(join(REPO_ROOT, SCHEMAS_DIR, file), "utf8"), `${SCHEMAS_DIR}/${file} is stale: run npm run schemas`).toBe(text);
    }
  });

  it("accept every runbook and knowledge file of this repository", async () => {
    const checks: Array<[string, string]> = [
      ["runbooks", "runbook.schema.json"],
      ["knowledge/pipelines", "knowledge-pipeline.schema.json"],
      ["knowledge/services", "knowledge-service.schema.json"],
    ];
    let files = 0;
    for (const [dir, schema] of checks) {
      const validate = validator(schema);
      for (const [file, data] of await frontmatters(dir)) {
        files++;
        expect(validate(data) ? [] : validate.errors, file).toEqual([]);
      }
    }
    expect(files).toBeGreaterThan(40);
  });

  it("refuse what the run refuses: a policy key of the wrong type, a connector URL that is not one, a runbook without checks", () => {
    const policy = validator("pipemedic.schema.json");
    expect(policy(parse("investigate:\n  group_window: 30m\nconnectors:\n  prometheus:\n    url: http://prometheus:9090\n"))).toBe(true);
    expect(policy(parse("investigate:\n  group_window: half an hour\n"))).toBe(false);
    expect(policy(parse("connectors:\n  prometheus:\n    url: not a url\n"))).toBe(false);
    expect(policy(parse("budgets:\n  max_rounds: 99\n"))).toBe(false);
    const runbook = validator("runbook.schema.json");
    expect(runbook({ id: "x-y", title: "X", applies_to: {}, checks: [] })).toBe(false);
    expect(runbook({ id: "Not Kebab", title: "X", applies_to: {}, checks: [{ id: "c", metric: "up", primitive: "threshold" }] })).toBe(false);
  });

  it("each name the URL editors fetch it from", () => {
    for (const [file, text] of Object.entries(generated))
      expect((JSON.parse(text) as { $id: string }).$id).toMatch(new RegExp(`/${SCHEMAS_DIR}/${file.replace(/\./g, "\\.")}$`));
  });
});

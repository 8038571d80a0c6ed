import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatLintError, lint } from "../../src/memory/lint.js";
import { parseFrontmatter } from "../../src/memory/frontmatter.js";
import { LlmPolicySchema } from "../../src/llm/policy.js";
import { ConnectorsSchema } from "../../src/telemetry/from-config.js";
import { stringMatching } from "../support/match.js";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function projectMemory(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const folder of ["knowledge", "runbooks"]) {
    for (const e of await readdir(join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (e.isFile()) {
        const abs = join(e.parentPath, e.name);
        out[
          abs
            .slice(REPO_ROOT.length + 1)
            .split("\\")
            .join("/")
        ] = await readFile(abs, "utf8");
      }
    }
  }
  return out;
}

describe("lint", () => {
  it("finds no error in the project's own knowledge/ and runbooks/", async () => {
    const errors = lint(await projectMemory());
    expect(errors.filter((e) => e.severity === "error").map(formatLintError)).toEqual([]);
  });

  it("reports lineage ids that do not exist and self-references", () => {
    const errors = lint({
      "knowledge/pipelines/a.md": "---\nid: a\nupstream: [ghost]\ndownstream: [a, b]\n---\n",
      "knowledge/pipelines/b.md": "---\nid: b\n---\n",
    });
    expect(errors.map(formatLintError)).toEqual([
      'knowledge/pipelines/a.md:3: upstream[0]: no pipeline has id "ghost" (fix: write knowledge/pipelines/ghost.md, or correct the id)',
      "knowledge/pipelines/a.md:4: downstream[0]: a pipeline cannot be its own neighbour (fix: remove the id)",
    ]);
  });

  it("reports duplicate pipeline ids", () => {
    const errors = lint({ "knowledge/pipelines/a.md": "---\nid: a\n---\n", "knowledge/pipelines/z.md": "---\nid: a\n---\n" });
    expect(errors.filter((e) => e.severity === "error").map((e) => `${e.file}: ${e.message}`)).toEqual([
      'knowledge/pipelines/z.md: pipeline id "a" is already used by another file',
    ]);
  });

  it("accepts a valid config and warns about unknown top-level keys", () => {
    const config = "investigate:\n  group_window: 15m\nbudgets:\n  concurrency: 4\nllm: {}\nautonomy: suggest\nfrobnicate: true\n";
    expect(lint({ ".github/pipemedic.yml": config }).map(formatLintError)).toEqual([
      '.github/pipemedic.yml:7: frobnicate: unknown top-level key "frobnicate" is ignored (fix: use one of investigate, autonomy, connectors, budgets, redaction, store, remediation, llm, generic) [warning]',
    ]);
  });

  it("reports a config that is not YAML, not a mapping, or breaks the schema", () => {
    expect(lint({ ".github/pipemedic.yml": "budgets: [1,\n" }).map((e) => `${e.field}: ${e.message}`)).toEqual([stringMatching(/^\(file\): not valid YAML: /)]);
    expect(lint({ ".github/pipemedic.yml": "- a\n- b\n" }).map(formatLintError)).toEqual([
      ".github/pipemedic.yml:1: (file): the top level is not a mapping (fix: write top-level keys such as `investigate:` and `budgets:`)",
    ]);
    expect(lint({ ".github/pipemedic.yml": "budgets:\n  check_timeout: soon\n" }).map(formatLintError)).toEqual([
      '.github/pipemedic.yml:2: budgets.check_timeout: expected a duration such as "30s", "5m", "2h", got "soon" (fix: rewrite `check_timeout` in the expected format)',
    ]);
    expect(lint({ ".github/pipemedic.yml": "" })).toEqual([]);
  });

  // Issue #17, item 4: the policy file as a run reads it, and no credential in it.
  describe("the policy file as a run reads it", () => {
    const sections = { connectors: ConnectorsSchema, llm: LlmPolicySchema };
    const lintConfig = (text: string) => lint({ ".github/pipemedic.yml": text }, sections).map(formatLintError);

    it("rejects a connector URL that is not one and a connector name the run has no adapter for", () => {
      const errors = lintConfig("connectors:\n  prometheus:\n    url: not a url\n  promethues:\n    url: http://prom:9090\n");
      expect(errors).toEqual([
        ".github/pipemedic.yml:3: connectors.prometheus.url: Invalid URL (fix: rewrite `url` in the expected format)",
        '.github/pipemedic.yml:4: connectors.promethues: no connector is named "promethues" in this version; a run ignores it (fix: use one of prometheus, github, airflow, datadog, loki, postgres)',
      ]);
    });

    it("rejects a pasted LLM key twice over: an unknown llm field, and a credential", () => {
      const errors = lintConfig("llm:\n  model: gpt-4o-mini\n  api_key: sk-proj-abcdefghijklmnopqrstuvwxyz123456\n");
      expect(errors).toEqual([
        '.github/pipemedic.yml:3: llm.api_key: "api_key" is not a setting of llm; a run does not read it (fix: use one of enabled, model, api_key_env, base_url_env, model_env, structured_output, max_tokens_field, temperature, budget, price_per_1k, proposals, narrative, fix)',
        stringMatching(/^\.github\/pipemedic\.yml:3: llm\.api_key: looks like a credential; .*\(fix: remove it, rotate it, store it as a repository secret/),
      ]);
      // The value itself is never printed back.
      expect(errors.join("\n")).not.toContain("sk-proj-");
    });

    it("flags credential-looking values anywhere, and never the variable names of `…_env` keys", () => {
      const text = [
        "connectors:",
        "  loki:",
        "    url: https://admin:hunter22@loki.example.com",
        "  prometheus:",
        "    url: http://prom:9090",
        "    headers_env:",
        "      Authorization: PROM_AUTHORIZATION",
        "investigate:",
        "  auto:",
        "    - labels:",
        "        team: data",
        "        password: hunter22hunter22",
        "generic:",
        "  note: 'Bearer abcdefghijklmnop0123456789'",
        "",
      ].join("\n");
      expect(lintConfig(text).map((e) => e.split(": looks like")[0])).toEqual([
        ".github/pipemedic.yml:3: connectors.loki.url",
        ".github/pipemedic.yml:12: investigate.auto[0].labels.password",
        ".github/pipemedic.yml:14: generic.note",
      ]);
    });

    it("accepts a sound policy with connectors and an LLM named by variables", () => {
      const text = [
        "connectors:",
        "  prometheus:",
        "    url: https://prometheus.example.com",
        "    headers_env: { Authorization: PROM_AUTHORIZATION }",
        "  datadog:",
        "    api_key_env: DD_API_KEY",
        "    app_key_env: DD_APP_KEY",
        "llm:",
        "  model: gpt-4o-mini",
        "  api_key_env: PIPEMEDIC_LLM_API_KEY",
        "",
      ].join("\n");
      expect(lintConfig(text)).toEqual([]);
    });
  });

  it("warns when a runbook template names a component field no pipeline has", () => {
    const runbook = `---
id: x
title: X
applies_to: { components: [kafka] }
checks:
  - id: a
    metric: m{g="{{pipeline.kafka.consumer_grp}}", t="{{pipeline.kafka.topic}}"}
    primitive: threshold
    pass_if: { value: "> 1" }
---
`;
    const errors = lint({
      "runbooks/x.md": runbook,
      "knowledge/pipelines/p.md": "---\nid: p\ncomponents: [{kind: kafka, topic: t, consumer_group: g}]\n---\n",
    });
    expect(errors.map(formatLintError)).toEqual([
      'runbooks/x.md: checks[0].metric: no pipeline in knowledge/ has a kafka component with a "consumer_grp" field, so {{pipeline.kafka.consumer_grp}} is always missing (fix: add consumer_grp to a kafka component in knowledge/pipelines/, or correct the template) [warning]',
    ]);
  });

  it("includes runbook errors", () => {
    const errors = lint({ "runbooks/x.md": "---\nid: x\n---\n" });
    expect(errors.map((e) => e.field)).toEqual(["title", "applies_to", "checks"]);
  });
});

describe("parseFrontmatter", () => {
  it("returns data, body and the line of each top-level key", () => {
    const r = parseFrontmatter("---\nid: a\n\n# comment\ntitle: T\nchecks:\n  - id: c\n    metric: up\n---\nBody\n", "x.md");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.data).toEqual({ id: "a", title: "T", checks: [{ id: "c", metric: "up" }] });
    expect(r.value.body).toBe("Body\n");
    expect(r.value.lines).toEqual({ id: 2, title: 5, checks: 6 });
    expect(r.value.lineOf(["checks", 0, "metric"])).toBe(8);
    expect(r.value.lineOf(["checks", 3, "metric"])).toBe(6);
  });

  it("refuses an unclosed block and non-YAML languages", () => {
    const open = parseFrontmatter("---\nid: a\n", "x.md");
    expect(open.ok ? null : open.error.message).toBe("the frontmatter is never closed");
    const coffee = parseFrontmatter("---coffee\nid: 'a'\n---\n", "x.md");
    expect(coffee.ok ? null : coffee.error.message).toBe('frontmatter language "coffee" is not supported');
    for (const yaml of ["- id: a\n", "just text\n", "42\n"]) {
      const notMap = parseFrontmatter(`---\n${yaml}---\n`, "x.md");
      expect(notMap.ok ? null : notMap.error).toMatchObject({ line: 1, message: "the frontmatter is not a YAML mapping" });
    }
  });

  it("accepts an explicit yaml language, CRLF line ends and a BOM", () => {
    const r = parseFrontmatter("\uFEFF---yaml\r\nid: a\r\n---\r\nBody", "x.md");
    expect(r.ok && r.value.data).toEqual({ id: "a" });
  });

  it("refuses duplicate keys", () => {
    const r = parseFrontmatter("---\nid: a\nid: b\n---\n", "x.md");
    expect(r.ok ? null : r.error).toMatchObject({ line: 3, message: "not valid YAML: Map keys must be unique" });
  });
});

import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Nodes, Root } from "mdast";
import { remark } from "remark";
import remarkGfm from "remark-gfm";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { EVENT_TYPE } from "../../src/relay/wrap.js";
import { REPO_ROOT } from "../support/runner.js";

// Issue #17, items 1 and 2: what a user copies from README.md, docs/ and recipes/ must work in their
// repository. A dispatch body with another event type than the workflow listens to is answered 204 by
// GitHub and runs nothing; `uses: ./` works only inside this repository.

/** A piece of text a user copies: a code block or code span of a Markdown page, or a whole recipe file. */
interface Snippet {
  file: string;
  line: number;
  text: string;
  /** A code span in prose (`uses: ./` said of this repository), not a block or file to copy whole. */
  inline: boolean;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.parentPath.includes("__pycache__"))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

async function snippets(): Promise<Snippet[]> {
  const files = ["README.md", ...(await filesUnder("docs")), ...(await filesUnder("recipes"))];
  const out: Snippet[] = [];
  for (const file of files) {
    const text = await readFile(join(REPO_ROOT, file), "utf8");
    if (!file.endsWith(".md")) {
      out.push({ file, line: 1, text, inline: false });
      continue;
    }
    const tree: Root = remark().use(remarkGfm).parse(text);
    const walk = (n: Nodes) => {
      if (n.type === "code" || n.type === "inlineCode") out.push({ file, line: n.position?.start.line ?? 1, text: n.value, inline: n.type === "inlineCode" });
      if ("children" in n) n.children.forEach(walk);
    };
    walk(tree);
  }
  return out;
}

/**
 * The text with the value of `client_payload` cut out, so that a source's own `event_type` inside it
 * (PagerDuty's `incident.triggered`) is not taken for the dispatch's: an inline value to its matching
 * bracket (JSON, Python, a Go template's `(coll.Dict …)`), or a YAML block to the end of its indentation.
 */
function outsidePayload(text: string): string {
  let out = text;
  for (;;) {
    const inline = /client_payload\\?["']?\s*[:=]?\s*(?=[{(])/.exec(out);
    if (inline) {
      let depth = 0;
      let end = out.length;
      for (let i = inline.index + inline[0].length; i < out.length; i++) {
        const c = out[i]!;
        if (c === "{" || c === "(") depth++;
        if (c === "}" || c === ")") depth--;
        if (depth === 0) {
          end = i + 1;
          break;
        }
      }
      out = out.slice(0, inline.index) + out.slice(end);
      continue;
    }
    const block = /^( *)client_payload:\s*\n((?:\1 +\S.*(?:\n|$))*)/m.exec(out);
    if (!block) return out;
    out = out.slice(0, block.index) + out.slice(block.index + block[0].length);
  }
}

/** The event types a dispatch snippet posts: `"event_type": "x"`, `event_type: x`, `\"event_type\": \"x\"`, `"event_type" "x"`, `event_type="x"`. */
function eventTypes(text: string): string[] {
  const re = /\\?["']?\bevent_type\\?["']?\s*[:=]?\s*\\?["']?([A-Za-z0-9_.${}-]+)/g;
  return [...outsidePayload(text).matchAll(re)].map((m) => m[1]!);
}

async function workflowTypes(): Promise<string[]> {
  const workflow = parse(await readFile(join(REPO_ROOT, ".github/workflows/investigate.yml"), "utf8")) as {
    on: { repository_dispatch: { types: string[] } };
  };
  return workflow.on.repository_dispatch.types;
}

describe("copyable snippets", () => {
  it("every repository_dispatch body posts an event type the Investigate workflow listens to", async () => {
    const types = await workflowTypes();
    expect(types).toEqual([EVENT_TYPE]);
    // A body (client_payload beside an event_type), or a request to the dispatches endpoint; a mere mention of client_payload is neither.
    const dispatches = (await snippets()).filter((s) => s.text.includes("client_payload") && /event_type|\/dispatches\b/.test(s.text));
    // The examples of every source: README, docs/sources.md, docs/recipes/, recipes/ (Airflow, Alertmanager, Grafana, Datadog, PagerDuty).
    expect(dispatches.length).toBeGreaterThanOrEqual(12);
    for (const f of ["README.md", "docs/sources.md", "recipes/airflow/pipemedic_callback.py", "recipes/pagerduty/workflow-webhook.json"]) {
      expect(dispatches.map((d) => d.file)).toContain(f);
    }
    const wrong = dispatches
      .map((s) => ({ at: `${s.file}:${s.line}`, types: eventTypes(s.text) }))
      .filter((s) => !s.types.length || s.types.some((t) => !types.includes(t)));
    expect(wrong).toEqual([]);
  });

  it("the check itself tells a wrong event type, a source's own event_type, and the forms the snippets use", () => {
    expect(eventTypes('{"event_type": "alert", "client_payload": {"source": "airflow"}}')).toEqual(["alert"]);
    expect(eventTypes('{"event_type": "pipemedic-alert", "client_payload": {"event": {"event_type": "incident.triggered"}}}')).toEqual(["pipemedic-alert"]);
    expect(eventTypes("# posts client_payload {{ x }}\nevent_type: pipemedic-alert\nclient_payload:\n  event_type: other\n  payload: x\n")).toEqual([
      "pipemedic-alert",
    ]);
    expect(eventTypes('{{ coll.Dict "event_type" "pipemedic-alert" "client_payload" (coll.Dict "payload" .) }}')).toEqual(["pipemedic-alert"]);
    expect(eventTypes('"{\\"event_type\\": \\"pipemedic-alert\\", \\"client_payload\\": {}}"')).toEqual(["pipemedic-alert"]);
  });

  it("every workflow snippet names a released Action, never `uses: ./`", async () => {
    const uses = (await snippets())
      .filter((s) => !s.inline)
      .flatMap((s) => [...s.text.matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map((m) => ({ at: `${s.file}:${s.line}`, ref: m[1]! })));
    const ours = uses.filter((u) => u.ref.startsWith(".") || /pipemedic/i.test(u.ref));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(ours.filter((u) => u.ref !== "pipemedic/pipemedic@v1")).toEqual([]);
  });
});

import type { Pattern } from "../../patterns.js";
import type { Llm } from "../../model/index.js";
import { redact } from "../../redact.js";
import { deniedPath } from "../../remediate/denied.js";
import { fixMessages } from "./prompts.js";
import { askJson } from "./reply.js";
import { FIX_JSON_SCHEMA } from "./schemas.js";
import { redactedLine } from "./text.js";

/** The verified cause a fix is asked for. */
export interface FixCause {
  id: string;
  title: string;
  /** Findings of the checks that supported it. */
  findings: string[];
  description?: string;
}

/** A full replacement of one file; the caller opens it as a draft pull request, always. */
export interface FixPatch {
  path: string;
  content: string;
  explanation: string;
  draft: true;
}

/** Files larger than this are not sent: a config fix does not need a big file, and it costs tokens. */
const MAX_FILE_CHARS = 32_000;
/** Characters that hide text from a reviewer (bidirectional overrides, zero-width). */
const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** Why a path may not be edited, or null. */
export function refusedPath(path: string, allowed: (path: string) => boolean): string | null {
  if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").some((s) => s === ".." || s === "." || s === ""))
    return `"${redactedLine(path, 120)}" is not a relative path inside the repository`;
  if (deniedPath(path)) return `"${redactedLine(path, 120)}" is a workflow, action or git path, a CODEOWNERS file or the policy; fixes never touch those`;
  if (!allowed(path)) return `"${redactedLine(path, 120)}" is not allowed by remediation.allowed_paths`;
  return null;
}

/** Lines of `after` that are not in `before` (as a multiset): the size of an edit, roughly. */
function changedLines(before: string, after: string): number {
  const pool = new Map<string, number>();
  for (const l of before.split("\n")) pool.set(l, (pool.get(l) ?? 0) + 1);
  let changed = 0;
  for (const l of after.split("\n")) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else changed++;
  }
  return changed;
}

/** Why a proposed content is not a small, clean edit of the original, or null. */
function badEdit(before: string, after: string, patterns: Pattern[]): string | null {
  if (after === before) return "the proposed content changes nothing";
  if (after.length > Math.max(2 * before.length, before.length + 4096)) return "the proposed content is far larger than the file";
  const lines = before.split("\n").length;
  const changed = Math.max(changedLines(before, after), changedLines(after, before));
  if (changed > Math.max(10, Math.ceil(lines / 4))) return `the edit changes ${changed} lines; a fix here stays small`;
  if (redact(after, patterns) !== after) return "the proposed content contains credential-like text";
  if (HIDDEN.test(after) && !HIDDEN.test(before)) return "the proposed content adds invisible characters";
  return null;
}

/**
 * Asks the LLM for a full replacement of ONE allowed file that fixes a verified cause, or null.
 * Workflow paths are refused here whatever `allowed` says; a file holding credential-like text is
 * never sent. The caller opens the result as a draft pull request. Never throws.
 */
export async function proposeFixPatch(
  llm: Llm,
  cause: FixCause,
  file: { path: string; content: string },
  allowed: (path: string) => boolean,
): Promise<FixPatch | null> {
  if (!llm.tasks.fix) return null;
  const patterns = llm.redactPatterns;
  const refused =
    refusedPath(file.path, allowed) ??
    (file.content.length > MAX_FILE_CHARS ? `${file.path} is larger than ${MAX_FILE_CHARS} characters` : null) ??
    (redact(file.content, patterns) !== file.content ? `${file.path} contains credential-like text and is not sent to the LLM` : null);
  if (refused) {
    llm.note(`fix: refused: ${refused}`);
    return null;
  }
  const doc = {
    cause: {
      id: cause.id,
      title: redactedLine(cause.title, 200, patterns),
      ...(cause.description ? { description: redactedLine(cause.description, 600, patterns) } : {}),
      findings: cause.findings.slice(0, 10).map((f) => redactedLine(f, 240, patterns)),
    },
    file: { path: file.path, content: file.content },
  };
  const reply = await askJson<{ refused: string } | { patch: FixPatch }>(
    llm,
    { task: "fix", messages: fixMessages(doc, patterns), schema: { name: "pipemedic_fix", schema: FIX_JSON_SCHEMA } },
    (value) => {
      if (typeof value.path !== "string" || (value.content !== null && typeof value.content !== "string")) {
        return { ok: false, reason: 'schema violation: expected {"path", "content", "explanation"}' };
      }
      const explanation = typeof value.explanation === "string" ? redactedLine(value.explanation, 300, patterns) : "";
      // A reply about another file is an attempt to widen the edit, not a formatting slip: refused, not re-asked.
      if (value.path !== file.path) return { ok: true, value: { refused: `the reply edits "${redactedLine(value.path, 120)}" instead of ${file.path}` } };
      if (value.content === null) return { ok: true, value: { refused: `the LLM found no safe edit${explanation ? `: ${explanation}` : ""}` } };
      const bad = badEdit(file.content, value.content, patterns);
      if (bad) return { ok: true, value: { refused: bad } };
      return { ok: true, value: { patch: { path: file.path, content: value.content, explanation, draft: true as const } } };
    },
  );
  if (!reply.ok) return null;
  if ("refused" in reply.value) {
    llm.note(`fix: refused: ${reply.value.refused}`);
    return null;
  }
  return reply.value.patch;
}

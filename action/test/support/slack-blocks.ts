import { join } from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./runner.js";

/** Slack's published limits that the SDK's types cannot express (Block Kit reference). */
const LIMITS = { blocks: 50, header: 150, section: 3000, contextElements: 10, text: 40_000 };

/**
 * Type-checks JSON messages, as written, against the official Node Slack SDK's Block Kit types
 * (`@slack/types`): each is compiled as an object literal typed `{ text: string; blocks: KnownBlock[] }`,
 * so an unknown block type, a misspelt or extra field, or a wrong text object is a compile error.
 * Returns the compiler's messages (none when every message is valid).
 */
export function slackTypeErrors(messages: unknown[]): string[] {
  const file = join(REPO_ROOT, "action", "test", "support", "__slack_message_check__.ts");
  const source = [
    `import type { KnownBlock } from "@slack/types";`,
    `type Message = { text: string; blocks: KnownBlock[] };`,
    ...messages.map((m, n) => `export const m${n}: Message = ${JSON.stringify(m, null, 2)};`),
  ].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  // The checked file lives only in memory, at a path under the repository so `@slack/types` resolves.
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
}

interface Text {
  type: string;
  text: string;
}

/** Violations of Slack's length and count limits in one message. */
export function slackLimitErrors(message: { text: string; blocks: Array<{ type: string; text?: Text; elements?: Text[] }> }): string[] {
  const errors: string[] = [];
  if (message.blocks.length > LIMITS.blocks) errors.push(`${message.blocks.length} blocks > ${LIMITS.blocks}`);
  if (message.text.length > LIMITS.text) errors.push(`text ${message.text.length} > ${LIMITS.text}`);
  message.blocks.forEach((b, n) => {
    if (b.type === "header" && b.text!.text.length > LIMITS.header) errors.push(`block ${n}: header text > ${LIMITS.header}`);
    if (b.type === "section" && b.text && (b.text.text.length > LIMITS.section || b.text.text.length === 0))
      errors.push(`block ${n}: section text length ${b.text.text.length}`);
    if (b.type === "context" && (b.elements!.length > LIMITS.contextElements || b.elements!.length === 0))
      errors.push(`block ${n}: ${b.elements!.length} context elements`);
  });
  return errors;
}

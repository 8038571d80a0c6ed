import type { Progress } from "../model/index.js";
import { count } from "./markdown/format.js";

/** Plain-line progress over an injected writer: the terminal when not a TTY, and the Actions log. */
export function lineProgress(write: (line: string) => void, opts: { group?: (name: string) => void } = {}): Progress {
  return {
    phase: (name) => (opts.group ? opts.group(name) : write(`── ${name}`)),
    info: (m) => write(`   ${m}`),
    warn: (m) => write(`   warning: ${m}`),
    check: (c) => write(`   ${c.verdict === "pass" ? "✔" : c.verdict === "fail" ? "✘" : "?"} ${c.key} (${c.ms} ms) ${c.finding}`),
  };
}

/** Returns the cursor to the start of the line and erases it: the live status line goes before anything else is printed. */
export const CLEAR_LINE = "\r\x1b[2K";

/** A single live status line for a TTY, rewritten in place; finished checks scroll above it. */
export function liveProgress(write: (text: string) => void): Progress {
  let done = 0;
  let phase = "";
  const status = () => write(`${CLEAR_LINE}${phase} · ${count(done, "check")} done`);
  return {
    phase: (name) => {
      phase = name;
      status();
    },
    info: () => status(),
    warn: (m) => {
      write(`\r\x1b[2K   warning: ${m}\n`);
      status();
    },
    check: (c) => {
      done++;
      if (c.verdict === "pass") write(`\r\x1b[2K   ✔ ${c.key}: ${c.finding}\n`);
      status();
    },
  };
}

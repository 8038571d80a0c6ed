import type { CliIo } from "./io.js";

/** ANSI styles for the terminal; plain text when output is not a terminal, NO_COLOR is set (no-color.org) or TERM is dumb. */
export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

/** The styles for this output: colour only on a terminal, and never when the user asked for none. */
export function colorsFor(io: Pick<CliIo, "tty" | "env">): Colors {
  const on = io.tty && !io.env.NO_COLOR && io.env.TERM !== "dumb";
  if (!on) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

import { silentProgress, type Progress } from "../model/index.js";
import { lineProgress, liveProgress } from "../report/progress.js";

/** What the CLI reads and writes through; tests pass a fake that records the output. */
export interface CliIo {
  /** Standard output: results and --json documents. */
  out(text: string): void;
  /** Standard error: progress, warnings and errors. */
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Whether standard output is a terminal: live progress instead of lines. */
  tty: boolean;
  /** Resolves with the signal's name when the process is asked to stop (SIGTERM, SIGINT). */
  stopped(): Promise<string>;
}

/** The process's own streams, environment and signals. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  tty: Boolean(process.stdout.isTTY),
  stopped: () =>
    new Promise((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
    }),
};

/** Progress on standard error: a live line on a terminal, plain lines otherwise, nothing with --json. */
export function progressFor(io: CliIo, json: boolean): Progress {
  if (json) return silentProgress;
  return io.tty ? liveProgress((t) => io.err(t)) : lineProgress((l) => io.err(`${l}\n`));
}

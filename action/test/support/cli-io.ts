import type { CliIo } from "../../src/cli/io.js";

/** The CLI's I/O for a test: what it prints is kept in `stdout` and `stderr`; no terminal, no environment. */
export function captureIo(): CliIo & { stdout: string; stderr: string } {
  const r = {
    stdout: "",
    stderr: "",
    out: (t: string) => void (r.stdout += t),
    err: (t: string) => void (r.stderr += t),
    env: {},
    tty: false,
    stopped: () => new Promise<string>(() => undefined),
  };
  return r;
}

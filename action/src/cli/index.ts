import { connectors } from "./connectors.js";
import { demo } from "./demo.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";
import { evaluate } from "./eval.js";
import { exportCommand } from "./export.js";
import { feedback } from "./feedback.js";
import { HELP, help } from "./help.js";
import { incidents } from "./incidents.js";
import { init } from "./init.js";
import { investigate } from "./investigate.js";
import { processIo, type CliIo } from "./io.js";
import { lint } from "./lint.js";
import { normalize } from "./normalize.js";
import { notify } from "./notify.js";
import { rebuildIndex } from "./rebuild-index.js";
import { relay } from "./relay.js";
import { replay } from "./replay.js";
import { UsageError } from "./usage.js";
import { CLEAR_LINE } from "../report/progress.js";

export type { CliIo } from "./io.js";

/** A command: its arguments after the command name in, an exit code out. */
type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo,
  replay,
  eval: evaluate,
  export: exportCommand,
  investigate,
  normalize,
  lint,
  index: rebuildIndex,
  relay,
  notify,
  init,
  feedback,
  incidents,
  connectors,
};

/** The package's version, from its package.json (beside action/ in the repository and in the npm package alike). */
async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** Runs the CLI with the given arguments and returns the exit code: 0 done, 1 failed, 2 a usage mistake. */
export async function cli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") return help(io, "main");
  if (command === "--version" || command === "-V") {
    io.out(`pipemedic ${await version()}\n`);
    return 0;
  }
  // No command is a usage mistake: the command list goes to stderr, and a script sees exit 2.
  if (!command) {
    io.err(`${HELP.main}\n`);
    return 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`unknown command "${command}"\n\n${HELP.main}\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    // On a terminal the live progress line may still stand: the error starts on a clean line.
    io.err(`${io.tty ? CLEAR_LINE : ""}pipemedic ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (usage) io.err(`\n${HELP[command]}\n`);
    return usage ? 2 : 1;
  }
}

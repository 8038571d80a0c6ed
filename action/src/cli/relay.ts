import { parseArgs } from "node:util";
import { startRelayFromEnv } from "../relay.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";

/** `pipemedic relay`: serves the webhook relay until asked to stop, then finishes the webhooks in progress. */
export async function relay(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { help: { type: "boolean" } } });
  if (values.help) return help(io, "relay");
  const server = await startRelayFromEnv(io.env);
  // Finish the webhooks in progress before exiting: a container stop must not drop an accepted one.
  const signal = await io.stopped();
  io.err(`pipemedic relay: ${signal}, finishing the webhooks in progress\n`);
  await server.close();
  return 0;
}

// The CLI's entry (`npx pipemedic`, bundled as action/dist/cli.js): the process's arguments, streams and exit code.
import { cli } from "./cli/index.js";

process.exitCode = await cli(process.argv.slice(2));

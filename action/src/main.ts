// The Action's entry, as the runner starts it (action.yml `main`): the real toolkit, environment and files.
import * as core from "@actions/core";
import { run } from "./entries/action.js";
import { readOptional } from "./store/workspace.js";

await run({ core, env: process.env, readFile: readOptional });

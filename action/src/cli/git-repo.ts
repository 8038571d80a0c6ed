import { execFileSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Files, Store } from "../model/index.js";

/** The absolute path of a git repository at `dir`, initialised (branch main) when it is not one yet. */
export async function gitRepo(dir: string): Promise<string> {
  const abs = resolve(dir);
  const exists = await stat(join(abs, ".git")).then(
    () => true,
    () => false,
  );
  if (!exists) execFileSync("git", ["init", "-q", "-b", "main", abs]);
  return abs;
}

/** Commits a scenario's starting files into a store, so a replay begins where the incident did. */
export async function seed(store: Store, files: Files, message: string): Promise<void> {
  if (Object.keys(files).length) await store.commit(message, () => Promise.resolve(files));
}

import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Files } from "../model/index.js";

/** Reads every file under the given folders of a directory into a path → content map (paths with `/`). */
export async function readTree(root: string, folders: string[]): Promise<Files> {
  const out: Files = {};
  for (const folder of folders) {
    let entries;
    try {
      entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
    } catch {
      continue; // an absent folder holds nothing
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const abs = join(e.parentPath, e.name);
      out[relative(root, abs).split(sep).join("/")] = await readFile(abs, "utf8");
    }
  }
  return out;
}

/** Reads one file, or null when it does not exist. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return null;
  }
}

import { afterAll, afterEach, beforeAll } from "vitest";
import { startGitHubEmulator, type GitHubEmulator, type GitHubEmulatorOptions } from "./github-emulator/index.js";
import { current } from "./current.js";

/**
 * One GitHub emulator for the test file (or describe block) that calls this: started before its
 * first test, checked for contract violations after every test (then cleared), closed after the last.
 * The returned object stands for the running emulator.
 */
export function useGitHubEmulator(opts: GitHubEmulatorOptions = {}): GitHubEmulator {
  let emu: GitHubEmulator | undefined;
  beforeAll(async () => {
    emu = await startGitHubEmulator(opts);
  });
  afterEach(() => {
    if (!emu) return;
    try {
      emu.assertNoViolations();
    } finally {
      emu.violations.length = 0;
    }
  });
  afterAll(async () => {
    await emu?.close();
    emu = undefined;
  });
  return current(() => emu, "the GitHub emulator");
}

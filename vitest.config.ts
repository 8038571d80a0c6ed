import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["action/test/**/*.test.ts"],
    // One printed fast-check seed per run (FC_SEED replays it): a failing property is reproducible.
    globalSetup: ["action/test/support/global-seed.ts"],
    setupFiles: ["action/test/support/fast-check-seed.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Service harnesses (Prometheus, PostgreSQL, the GitHub emulator) start once per file; keep files parallel but bounded.
    maxWorkers: 2,
  },
});

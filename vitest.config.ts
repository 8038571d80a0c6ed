import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["action/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Service harnesses (Prometheus, PostgreSQL, the GitHub emulator) start once per file; keep files parallel but bounded.
    maxWorkers: 2,
  },
});

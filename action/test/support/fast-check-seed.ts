/**
 * One fast-check seed per test run, printed, so a failing property is replayed exactly:
 * `FC_SEED=<seed> npm test`. The global setup picks it; every test file's setup applies it.
 */
import fc from "fast-check";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    fcSeed: number;
  }
}

fc.configureGlobal({ seed: inject("fcSeed") });

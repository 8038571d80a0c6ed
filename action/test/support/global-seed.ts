import type { TestProject } from "vitest/node";

/** Picks the run's fast-check seed (FC_SEED, or a fresh one) and says how to replay it. */
export default function setup(project: TestProject): void {
  const fromEnv = process.env.FC_SEED;
  if (fromEnv !== undefined && !/^-?\d+$/.test(fromEnv)) throw new Error(`FC_SEED: expected an integer seed, got "${fromEnv}"`);
  const seed = fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31) * (Math.random() < 0.5 ? -1 : 1);
  project.provide("fcSeed", seed);
  process.stdout.write(`fast-check seed ${seed}: replay a failing property with FC_SEED=${seed} npm test\n`);
}

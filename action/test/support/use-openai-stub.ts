import { afterEach, beforeEach, expect } from "vitest";
import { startOpenAiStub, type OpenAiStub } from "./openai-stub.js";
import { current } from "./current.js";

/**
 * A fresh OpenAI-compatible stub for every test of the file (or describe block) that calls this:
 * started before the test; after it, the test fails if any request carried a secret or went
 * unscripted, and the stub is closed either way. The returned object stands for the running stub.
 */
export function useOpenAiStub(): OpenAiStub {
  let stub: OpenAiStub | undefined;
  beforeEach(async () => {
    stub = await startOpenAiStub();
  });
  afterEach(async () => {
    const done = stub;
    stub = undefined;
    try {
      expect(done?.violations).toEqual([]);
    } finally {
      await done?.close();
    }
  });
  return current(() => stub, "the OpenAI stub");
}

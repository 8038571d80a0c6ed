import { expect } from "vitest";

/**
 * vitest's asymmetric matchers, typed as the value they stand for in an expected object. vitest types
 * them `any`, which the compiler and the lint rules on `any` would have to take on trust wherever
 * one sits inside a typed value.
 */

/** Any string. */
export const anyString = (): string => expect.any(String) as string;

/** Any number. */
export const anyNumber = (): number => expect.any(Number) as number;

/** A string that contains `text`. */
export const stringContaining = (text: string): string => expect.stringContaining(text) as string;

/** A string that `pattern` matches. */
export const stringMatching = (pattern: string | RegExp): string => expect.stringMatching(pattern) as string;

/** An object with at least these properties. */
export const objectContaining = <T extends object>(shape: T): T => expect.objectContaining<object>(shape) as T;

/** An array with at least these items, in any order. */
export const arrayContaining = <T>(items: readonly T[]): T[] => expect.arrayContaining<unknown>([...items]) as T[];

import type { Alert, Source } from "../../model/index.js";

/** What every adapter knows about the delivery it parses. */
export interface ParseContext {
  delivery: string;
  receivedAt: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
}

/** One source: detects its own payload from the body (and headers) and maps it to alerts. */
export interface SourceAdapter {
  source: Source;
  detect(body: unknown, headers: Record<string, string>): boolean;
  /** Throws a ParseError naming the field when the payload is its own but malformed. */
  parse(body: unknown, ctx: ParseContext): Alert[];
}

/** A payload problem at a named field. */
export class ParseError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

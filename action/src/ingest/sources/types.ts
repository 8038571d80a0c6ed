import type { Alert, Source } from "../../model/index.js";
import type { GenericMapping } from "./generic-mapping.js";

/** What every adapter knows about the delivery it parses. */
export interface ParseContext {
  delivery: string;
  receivedAt: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The field mapping of the `generic` source (policy `generic:`), when one is configured. */
  generic?: GenericMapping;
}

/** One source: detects its own payload from the body (and headers) and maps it to alerts. */
export interface SourceAdapter {
  source: Source;
  /** True when the body (or a header) is unmistakably this source's; never throws. */
  detect(body: unknown, headers: Record<string, string>): boolean;
  /** Alerts, validated; throws only a ParseError naming the field when the payload is malformed or holds no alert. */
  parse(body: unknown, ctx: ParseContext): Alert[];
}

/** A payload problem at a named field. The message names the field and, where it helps, the fix. */
export class ParseError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
    this.name = "ParseError";
  }
}

import { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { redact } from "../redact.js";

/** Longest provider message kept in a reason: enough to act on, too short to carry a payload. */
const MAX_MESSAGE = 160;

/**
 * A one-line, credential-free reason for a failed call. Provider messages are redacted because some
 * echo part of the key ("Incorrect API key provided: sk-…").
 */
export function describeFailure(err: unknown, task: string): string {
  const text = (s: string) => redact(s.replace(/\s+/g, " ").trim()).slice(0, MAX_MESSAGE);
  if (err instanceof APIUserAbortError) return `${task}: stopped: the wall-time budget was spent`;
  if (err instanceof APIConnectionTimeoutError) return `${task}: timed out`;
  if (err instanceof APIError) {
    if (err.status === undefined) return `${task}: connection failed: ${text(err.message)}`;
    const what =
      err.status === 429
        ? "rate limited"
        : err.status === 401 || err.status === 403
          ? "not authorized (check the API key variable)"
          : err.status >= 500
            ? "provider error"
            : "request rejected";
    return `${task}: ${what} (HTTP ${err.status}): ${text(err.message)}`;
  }
  if (err instanceof SyntaxError) return `${task}: malformed reply: the body is not JSON`;
  if (err instanceof Error) return `${task}: ${text(err.name === "Error" ? err.message : `${err.name}: ${err.message}`)}`;
  return `${task}: ${text(String(err))}`;
}

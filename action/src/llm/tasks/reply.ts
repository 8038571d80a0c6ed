import type { ChatMessage, CompletionRequest, Llm } from "../../model/index.js";

/** A parser of one reply's JSON: a value, or why it is unusable. */
export type ReplyParser<T> = (value: Record<string, unknown>) => { ok: true; value: T } | { ok: false; reason: string };

/** Parses a reply's text as one JSON object; models in JSON mode still sometimes wrap it in a code fence. */
export function jsonObjectOf(content: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*\n?/i, "")
    .replace(/\n?```\s*$/, "");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "malformed reply: not JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, reason: "schema violation: the reply is not a JSON object" };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Asks for a JSON reply and parses it, re-asking within the budget when the reply is malformed,
 * oversized or violates the schema. Gives up (usage.degraded) with the last reason; never throws.
 */
export async function askJson<T>(llm: Llm, request: CompletionRequest, parse: ReplyParser<T>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  let messages: ChatMessage[] = request.messages;
  let reason = `${request.task}: no reply`;
  for (let attempt = 0; attempt <= llm.budget.repairs; attempt++) {
    const reply = await llm.complete({ ...request, messages });
    let repairable: boolean;
    if (reply.ok) {
      const json = jsonObjectOf(reply.content);
      const parsed = json.ok ? parse(json.value) : json;
      if (parsed.ok) return parsed;
      reason = `${request.task}: ${parsed.reason}`;
      repairable = true;
    } else {
      reason = reply.reason;
      repairable = reply.repairable;
    }
    if (!repairable || attempt === llm.budget.repairs) break;
    llm.note(reason);
    // The stable prefix stays first (cached); the correction goes last. The bad reply is not echoed back:
    // it may be large, and it is model output we do not want to feed on.
    messages = [
      ...request.messages,
      {
        role: "user",
        content: `Your previous reply could not be used (${reason}). Reply again with exactly one JSON object that matches the schema, and nothing else.`,
      },
    ];
  }
  llm.giveUp(reason);
  return { ok: false, reason };
}

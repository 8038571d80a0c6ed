/**
 * A local OpenAI-compatible server (POST /v1/chat/completions, GET /v1/models) driven by the real
 * `openai` SDK in tests and benchmarks. Replies come from a script (JSON content, status codes with
 * Retry-After, delays, malformed bodies); every request is recorded. A request that carries any
 * secret of the shared corpus is recorded as a violation, which every test checks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRET_SAMPLES } from "../report/secret-corpus.js";

/** One scripted reply. With neither `content`, `json` nor `body`, a 200 carries `{"proposals": []}`. */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant message content as an object (serialized to JSON). */
  json?: unknown;
  /** The assistant message content as text. */
  content?: string;
  /** A raw response body sent as is with a JSON content type: for malformed replies. */
  body?: string;
  /** Wait this long before answering (a slow provider, a timeout). */
  delayMs?: number;
  /** The usage to report; null omits it; by default prompt ≈ request characters / 4. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  finishReason?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The parsed body, when it is JSON. */
  json: Record<string, unknown> | null;
}

export interface OpenAiStub {
  /** The base URL to give the SDK (ends in /v1). */
  baseURL: string;
  requests: RecordedRequest[];
  /** Secrets seen in requests and requests nobody scripted. Tests assert this stays empty. */
  violations: string[];
  /** Appends replies to the script; each chat request takes the next one. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Answers chat requests when the script is empty (benchmarks). */
  respondWith(fn: (request: RecordedRequest) => ScriptedReply): void;
  /** The recorded chat completion requests. */
  chats(): RecordedRequest[];
  close(): Promise<void>;
}

/** Every string leaf of a JSON value: JSON escaping must not hide a secret from the scan. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) strings(x, out);
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function completion(reply: ScriptedReply, request: RecordedRequest): string {
  const content = reply.content ?? (reply.json !== undefined ? JSON.stringify(reply.json) : JSON.stringify({ proposals: [] }));
  const usage =
    reply.usage === null ? undefined : (reply.usage ?? { prompt_tokens: Math.ceil(request.body.length / 4), completion_tokens: Math.ceil(content.length / 4) });
  return JSON.stringify({
    id: `chatcmpl-stub-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: typeof request.json?.model === "string" ? request.json.model : "stub",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: reply.finishReason ?? "stop" }],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  });
}

/** Starts the stub on 127.0.0.1 and a free port. `secrets` defaults to the shared secret corpus. */
export async function startOpenAiStub(options: { secrets?: string[] } = {}): Promise<OpenAiStub> {
  const secrets = options.secrets ?? [...new Set(SECRET_SAMPLES.map((s) => s.secret))];
  const kindOf = new Map(SECRET_SAMPLES.map((s) => [s.secret, s.kind]));
  const script: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let responder: ((r: RecordedRequest) => ScriptedReply) | null = null;

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    let json: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = null;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
    const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers, body, json };
    const n = requests.push(recorded);
    const haystacks = [recorded.path, body, ...Object.values(headers), ...strings(json)];
    for (const secret of secrets) {
      if (haystacks.some((h) => h.includes(secret))) violations.push(`request ${n} carries a secret of kind ${kindOf.get(secret) ?? "custom"}`);
    }

    if (req.method === "GET" && req.url === "/v1/models") {
      send(res, 200, JSON.stringify({ object: "list", data: [{ id: "stub-model", object: "model", created: 0, owned_by: "pipemedic-test" }] }));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: "not_found" } }));
      return;
    }
    const reply = script.shift() ?? responder?.(recorded);
    if (!reply) {
      violations.push(`request ${n} was not scripted`);
      send(res, 500, JSON.stringify({ error: { message: "unscripted request", type: "stub" } }), { "x-should-retry": "false" });
      return;
    }
    if (reply.delayMs) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
    }
    const status = reply.status ?? 200;
    if (reply.body !== undefined) send(res, status, reply.body, reply.headers);
    else if (status !== 200) send(res, status, JSON.stringify({ error: { message: `scripted ${status}`, type: "stub_error" } }), reply.headers);
    else send(res, 200, completion(reply, recorded), reply.headers);
  };

  // node's server ignores what a handler returns: a failure is answered and recorded here, as the GitHub emulator does
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`the stub failed on ${req.method ?? ""} ${req.url ?? ""}: ${error instanceof Error ? error.message : String(error)}`);
      send(res, 500, JSON.stringify({ error: { message: "stub failure", type: "stub" } }), { "x-should-retry": "false" });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    violations,
    enqueue: (...replies) => void script.push(...replies),
    respondWith: (fn) => {
      responder = fn;
    },
    chats: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

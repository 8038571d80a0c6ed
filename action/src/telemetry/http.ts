/** A bounded JSON GET for telemetry backends: the caller's deadline, a cap on bytes, 429/5xx retried within the deadline. */
export async function getJson(
  url: URL,
  opts: { signal: AbortSignal; headers?: Record<string, string>; maxBytes?: number; backend: string; retries?: number },
): Promise<{ status: number; body: unknown }> {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  const where = `${opts.backend} ${url.pathname}`;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { headers: { accept: "application/json", ...opts.headers }, signal: opts.signal });
    if ((res.status === 429 || res.status >= 500) && attempt < (opts.retries ?? 2)) {
      const retryAfter = Number(res.headers.get("retry-after"));
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt;
      await res.body?.cancel();
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, wait);
        opts.signal.addEventListener("abort", () => (clearTimeout(t), reject(opts.signal.reason)), { once: true });
      });
      continue;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`${where}: response larger than ${maxBytes} bytes; narrow the query or raise the limit`);
      }
      chunks.push(chunk as Uint8Array);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      throw new Error(`${where}: HTTP ${res.status}, not JSON (${text.slice(0, 120).replace(/\s+/g, " ")})`);
    }
  }
}

import { plainText } from "./fields.js";

/** A link as Alert.links holds it. */
export interface Link {
  title: string;
  url: string;
}

/**
 * A link safe to render: absolute http(s) only, credentials dropped. A relative URL (Grafana test
 * alerts, empty Alertmanager generatorURL) is resolved against the source's base URL when it has one
 * and dropped otherwise, because a relative link in a committed Markdown file would point into the
 * repository instead of the monitoring system.
 */
export function link(title: string, value: unknown, base?: unknown): Link[] {
  if (typeof value !== "string" || !value.trim()) return [];
  const b = typeof base === "string" ? base : "";
  // The alerts of one notification usually share their URLs; parsing a URL is the costly part.
  // Looked up by base, then by value: no key is built per call.
  let byValue = resolved.get(b);
  const known = byValue?.get(value);
  if (known !== undefined) return known === null ? [] : [{ title, url: known }];
  const url = resolve(value, base);
  if (cached >= 1000) {
    resolved.clear();
    cached = 0;
    byValue = undefined;
  }
  if (b.length + value.length < 2048) {
    if (!byValue) resolved.set(b, (byValue = new Map<string, string | null>()));
    byValue.set(value, url);
    cached++;
  }
  return url === null ? [] : [{ title, url }];
}

/** Resolved URLs (null: not a link to keep) by base URL ("" for none), then by the URL as sent; at most 1000 in all. */
const resolved = new Map<string, Map<string, string | null>>();
let cached = 0;

function resolve(value: string, base: unknown): string | null {
  if (!plainText(value)) return null;
  let url: URL;
  try {
    url = typeof base === "string" && /^https?:\/\//i.test(base) ? new URL(value.trim(), base) : new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.username = "";
  url.password = "";
  return url.toString();
}

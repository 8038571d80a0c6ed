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
  const key = `${typeof base === "string" ? base : ""}\u0000${value}`;
  // The alerts of one notification usually share their URLs; parsing a URL is the costly part.
  const known = resolved.get(key);
  if (known !== undefined) return known === null ? [] : [{ title, url: known }];
  const url = resolve(value, base);
  if (resolved.size >= 1000) resolved.clear();
  if (key.length <= 2048) resolved.set(key, url);
  return url === null ? [] : [{ title, url }];
}

const resolved = new Map<string, string | null>();

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

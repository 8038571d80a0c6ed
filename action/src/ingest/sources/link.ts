import { cleanText } from "./fields.js";

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
  try {
    cleanText(value, "url", false);
  } catch {
    return [];
  }
  let url: URL;
  try {
    url = typeof base === "string" && /^https?:\/\//i.test(base) ? new URL(value.trim(), base) : new URL(value.trim());
  } catch {
    return [];
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return [];
  url.username = "";
  url.password = "";
  return [{ title, url: url.toString() }];
}

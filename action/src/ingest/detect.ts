import type { Source } from "../model/index.js";
import { alertmanager } from "./sources/alertmanager.js";
import { grafana } from "./sources/grafana.js";
import type { SourceAdapter } from "./sources/types.js";

/** Every adapter, most specific first: detection is by the body (and headers), never by a file name. */
export const ADAPTERS: SourceAdapter[] = [grafana, alertmanager];

/** The source whose adapter recognizes the body, or null. */
export function detectSource(body: unknown, headers: Record<string, string>): Source | null {
  return ADAPTERS.find((a) => a.detect(body, headers))?.source ?? null;
}

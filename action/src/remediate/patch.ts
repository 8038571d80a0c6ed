import { parseDocument, isMap, isScalar } from "yaml";

/**
 * Sets keys in a YAML or JSON file and keeps everything else as it was: comments, order and
 * formatting in YAML (the `yaml` Document API), indentation in JSON. A dotted key addresses nested
 * maps unless the file already has the key with its dots (Kafka-style `max.poll.interval.ms`).
 */
export function patchConfig(
  path: string,
  content: string,
  set: Record<string, unknown>,
): { content: string; changes: Array<{ key: string; from: unknown; to: unknown }> } {
  return /\.json$/i.test(path) ? patchJson(content, set) : patchYaml(path, content, set);
}

function keyPath(has: (p: string[]) => boolean, key: string): string[] {
  if (has([key]) || !key.includes(".")) return [key];
  const nested = key.split(".");
  return has(nested.slice(0, -1)) || has(nested) ? nested : [key];
}

/** Where a key already lives deeper in a YAML document (a Helm values file's `kafka.consumer."max.poll.interval.ms"`), when it lives in one place only. */
function nestedKey(doc: ReturnType<typeof parseDocument>, key: string): string[] | null {
  const found: string[][] = [];
  const walk = (node: unknown, at: string[]) => {
    if (!isMap(node) || at.length > 8) return;
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : null;
      if (k === null) continue;
      if (k === key && at.length) found.push([...at, k]);
      walk(pair.value, [...at, k]);
    }
  };
  walk(doc.contents, []);
  return found.length === 1 ? found[0]! : null;
}

function patchYaml(path: string, content: string, set: Record<string, unknown>) {
  const doc = parseDocument(content);
  if (doc.errors.length) throw new Error(`${path}: not valid YAML (${doc.errors[0]!.message}); fix the file before a patch can be proposed`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error(`${path}: expected a mapping at the top level`);
  const changes: Array<{ key: string; from: unknown; to: unknown }> = [];
  for (const [key, to] of Object.entries(set)) {
    const top = keyPath((k) => doc.hasIn(k), key);
    const p = doc.hasIn(top) ? top : (nestedKey(doc, key) ?? top);
    const from = doc.getIn(p) ?? null;
    doc.setIn(p, to);
    changes.push({ key, from: from && typeof from === "object" && "toJSON" in from ? (from as { toJSON(): unknown }).toJSON() : from, to });
  }
  return { content: doc.toString(), changes };
}

function patchJson(content: string, set: Record<string, unknown>) {
  const data = JSON.parse(content) as Record<string, unknown>;
  const indent = /^[ \t]+/m.exec(content)?.[0] ?? "  ";
  const changes: Array<{ key: string; from: unknown; to: unknown }> = [];
  const get = (p: string[]) => p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), data);
  for (const [key, to] of Object.entries(set)) {
    const p = keyPath((k) => get(k) !== undefined, key);
    const from = get(p) ?? null;
    let cur = data;
    for (const k of p.slice(0, -1)) {
      if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    cur[p[p.length - 1]!] = to;
    changes.push({ key, from, to });
  }
  return { content: `${JSON.stringify(data, null, indent)}\n`, changes };
}

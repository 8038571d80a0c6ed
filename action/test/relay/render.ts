/**
 * Just enough of the recipes' template languages to render them in tests: Go templates (the
 * actions the recipes use, and nothing else: anything unknown throws, so a recipe that outgrows
 * this renderer fails its test instead of passing untested), Datadog's `$VARIABLES` and
 * PagerDuty's `{{incident.field}}` placeholders.
 */

type Value = unknown;

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  // Alertmanager
  toJson: (v) => JSON.stringify(v),
  // Grafana (gomplate-style namespaces)
  "coll.Dict": (...kv) => {
    if (kv.length % 2) throw new Error("coll.Dict: odd number of arguments");
    const out: Record<string, Value> = {};
    for (let i = 0; i < kv.length; i += 2) out[String(kv[i])] = kv[i + 1];
    return out;
  },
  "data.ToJSON": (v) => JSON.stringify(v),
};

function tokenize(expr: string): string[] {
  return [...expr.matchAll(/\s*("(?:[^"\\]|\\.)*"|\(|\)|\||[^\s()|]+)/g)].map((m) => m[1]!);
}

/** Evaluates one Go template pipeline (`f a b | g`) against the dot. */
export function evaluate(expr: string, dot: Value): Value {
  const tokens = tokenize(expr);
  let i = 0;
  const operand = (): Value => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`template: unexpected end in "${expr}"`);
    if (t === "(") {
      const v = pipeline();
      if (tokens[i++] !== ")") throw new Error(`template: missing ) in "${expr}"`);
      return v;
    }
    if (t.startsWith('"')) return JSON.parse(t) as Value;
    if (t === ".") return dot;
    if (t.startsWith(".")) {
      let v: Value = dot;
      for (const key of t.slice(1).split(".")) v = (v as Record<string, Value>)[key];
      return v;
    }
    throw new Error(`template: unsupported operand "${t}" in "${expr}"`);
  };
  const command = (piped: Value[]): Value => {
    const name = tokens[i];
    if (name && Object.hasOwn(FUNCTIONS, name)) {
      i++;
      const args: Value[] = [];
      while (i < tokens.length && tokens[i] !== "|" && tokens[i] !== ")") args.push(operand());
      return FUNCTIONS[name]!(...args, ...piped);
    }
    if (name && !name.startsWith('"') && !name.startsWith(".") && name !== "(") throw new Error(`template: unsupported function "${name}"`);
    if (piped.length) throw new Error(`template: cannot pipe into an operand in "${expr}"`);
    return operand();
  };
  const pipeline = (): Value => {
    let v = command([]);
    while (tokens[i] === "|") {
      i++;
      v = command([v]);
    }
    return v;
  };
  const v = pipeline();
  if (i !== tokens.length) throw new Error(`template: trailing "${tokens.slice(i).join(" ")}" in "${expr}"`);
  return v;
}

/** Renders a Go template string whose actions are pipelines (no range/if); comments are dropped. */
export function renderGo(template: string, dot: Value): string {
  return template.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, "").replace(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g, (_, expr: string) => {
    const v = evaluate(expr, dot);
    return typeof v === "string" ? v : String(v);
  });
}

/** The body of `{{ define "name" }}…{{ end }}` in a template file. */
export function definition(file: string, name: string): string {
  const m = new RegExp(`\\{\\{-?\\s*define\\s+"${name.replace(/\./g, "\\.")}"\\s*-?\\}\\}([\\s\\S]*?)\\{\\{-?\\s*end\\s*-?\\}\\}`).exec(file);
  if (!m) throw new Error(`template: no define "${name}"`);
  return m[1]!.trim();
}

/** Every string leaf of a YAML/JSON tree rendered as a Go template (Alertmanager's `payload`). */
export function renderTree(tree: Value, dot: Value): Value {
  if (typeof tree === "string") return renderGo(tree, dot);
  if (Array.isArray(tree)) return tree.map((t) => renderTree(t, dot));
  if (tree && typeof tree === "object") return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, renderTree(v, dot)]));
  return tree;
}

/** JSON string escaping of a value placed between quotes in a JSON template. */
const jsonEscaped = (v: string) => JSON.stringify(v).slice(1, -1);

/** Datadog: `$VARIABLE` replaced by its value, JSON-escaped; an unknown variable throws. */
export function renderDatadog(template: string, vars: Record<string, string>): string {
  return template.replace(/\$([A-Z][A-Z0-9_]*)/g, (_, name: string) => {
    if (!Object.hasOwn(vars, name)) throw new Error(`datadog: no value for $${name}`);
    return jsonEscaped(vars[name]!);
  });
}

/** PagerDuty workflow placeholders `{{incident.a.b}}` replaced by values, JSON-escaped; `{{secret: …}}` is left alone. */
export function renderPagerDuty(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(incident\.[\w.]+)\}\}/g, (_, path: string) => {
    if (!Object.hasOwn(vars, path)) throw new Error(`pagerduty: no value for {{${path}}}`);
    return jsonEscaped(vars[path]!);
  });
}

import { ParseError } from "./types.js";

/** The steps of a field path (`data.items[0].name`, `$.labels`): property names and array indexes. */
export function pathSteps(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const re = /\[(\d+)\]|\.?([A-Za-z0-9_@-]+)/gy;
  const body = path.replace(/^\$\.?/, "");
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(body))) {
    steps.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
    end = re.lastIndex;
  }
  if (end !== body.length || !steps.length) throw new ParseError(path, 'expected a field path such as "data.alert.title" or "items[0].name"');
  return steps;
}

/** The value at a field path, reading own properties only; undefined when any step is missing. */
export function readPath(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const step of pathSteps(path)) {
    if (typeof step === "number") {
      if (!Array.isArray(v) || step >= v.length) return undefined;
      v = v[step];
    } else {
      if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, step)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
  }
  return v;
}

import picomatch from "picomatch";

/** Where GitHub looks for CODEOWNERS, in its order. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/** A CODEOWNERS pattern as a glob: anchored with a leading slash, a folder owns everything below it, a bare name matches anywhere. */
function toGlob(pattern: string): string {
  let p = pattern;
  const anchored = p.startsWith("/");
  if (anchored) p = p.slice(1);
  if (p.endsWith("/")) p = `${p}**`;
  else if (!p.includes("*")) p = `${p}{,/**}`;
  return anchored || p.includes("/") ? p : `**/${p}`;
}

/** The owners of a path under a CODEOWNERS file: the last matching rule wins, as on GitHub. */
export function codeOwners(file: string, path: string): string[] {
  let owners: string[] = [];
  for (const raw of file.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const [pattern, ...who] = line.split(/\s+/);
    if (pattern && picomatch(toGlob(pattern), { dot: true })(path)) owners = who.filter((w) => w.startsWith("@"));
  }
  return owners;
}

/**
 * Paths a fix never touches, whatever `remediation.allowed_paths` says: what runs with the
 * repository's secrets or decides who reviews and what Pipemedic may do.
 * - `.github/**`: workflows, actions, CODEOWNERS, and Pipemedic's own policy `.github/pipemedic.yml`;
 * - `CODEOWNERS` in any folder (GitHub reads it at the root, in `docs/` and in `.github/`);
 * - `.gitmodules`, and any `.git` path segment;
 * - `action.yml` / `action.yaml` in any folder: an action's own definition runs in workflows.
 * Compared case-insensitively: a case-insensitive checkout (macOS, Windows) reads `.GIT/config` as `.git/config`.
 */
const DENIED_NAMES = new Set(["codeowners", ".gitmodules", "action.yml", "action.yaml"]);

/** Why a path is never edited by a fix, or null. */
export function deniedPath(path: string): string | null {
  const segments = path.toLowerCase().split("/");
  if (segments.includes(".git")) return `"${path}" is a git path; fixes never touch those`;
  if (segments[0] === ".github") return `"${path}" is under .github/ (workflows, actions, CODEOWNERS, Pipemedic's policy); fixes never touch those`;
  const name = segments[segments.length - 1] ?? "";
  if (DENIED_NAMES.has(name))
    return `"${path}" is ${name === "codeowners" ? "a CODEOWNERS file" : name === ".gitmodules" ? "the submodule list" : "an action definition"}; fixes never touch those`;
  return null;
}

import { normalize, relative } from "node:path/posix";

/**
 * A link target for a repository path, as seen from a folder: the store's own link when it is a URL
 * (GitHub), else a path relative to the folder, so links work when browsing the repository. Null for
 * any other scheme, which is then shown as text rather than linked.
 */
export function hrefFrom(fromFolder: string, repoPath: string, link: (repoPath: string) => string = (p) => p): string | null {
  const target = link(repoPath);
  if (/^https?:\/\//i.test(target)) return target;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const rel = relative(normalize(fromFolder || "."), normalize(target.replace(/^\/+/, "")));
  return rel || ".";
}

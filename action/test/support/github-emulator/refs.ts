import { Buffer } from "node:buffer";
import type { RepoState } from "./state.js";
import type { EmulatorWorld } from "./world.js";

/** What a ref move decides once it sees the ref's current value under the repository's ref lock. */
export type RefDecision = { next: string } | { refuse: string };

/**
 * Moves a ref with compare-and-swap under the repository's ref lock. A foreign commit queued by
 * `moveHeadBeforeNextUpdate` lands first, so the caller's decision sees a head it did not expect,
 * exactly as when another writer wins a real race.
 */
export async function moveRef(
  world: EmulatorWorld,
  repo: RepoState,
  ref: string,
  decide: (current: string | null) => Promise<RefDecision>,
): Promise<{ ok: true; sha: string; previous: string | null } | { ok: false; reason: string }> {
  return repo.git.withRefLock(async () => {
    if (ref.startsWith("refs/heads/")) {
      const race = world.takeRace(repo, ref.slice("refs/heads/".length));
      if (race) await landForeignCommit(world, repo, ref, race.files);
    }
    const current = await repo.git.readRef(ref);
    const decision = await decide(current);
    if ("refuse" in decision) return { ok: false, reason: decision.refuse };
    const swapped = await repo.git.casRef(ref, decision.next, current);
    // the lock makes a lost swap impossible from inside the emulator; a failure means someone wrote the bare repo directly
    if (!swapped) return { ok: false, reason: "Reference update failed" };
    return { ok: true, sha: decision.next, previous: current };
  });
}

let foreignCount = 0;

/** Commits files on top of a branch as "another writer" (must run under the ref lock). */
async function landForeignCommit(world: EmulatorWorld, repo: RepoState, ref: string, files: Record<string, string>): Promise<void> {
  const head = await repo.git.readRef(ref);
  if (!head) return;
  const n = ++foreignCount;
  const content = Object.keys(files).length ? files : { [`.emulator/foreign-${n}.txt`]: `foreign write ${n}\n` };
  const changes = [];
  for (const [path, text] of Object.entries(content)) {
    changes.push({ path, mode: "100644" as const, sha: await repo.git.writeBlob(Buffer.from(text, "utf8")) });
  }
  const base = await repo.git.resolve(head, "tree");
  const tree = await repo.git.buildTree(base, changes);
  const who = { name: "foreign-writer", email: "foreign-writer@example.invalid", date: world.identity().date };
  const sha = await repo.git.commitTree({ tree, parents: [head], message: `foreign write ${n}\n`, author: who, committer: who });
  await repo.git.casRef(ref, sha, head);
}

import type { GitPerson } from "./git.js";
import type { World } from "./shapes.js";
import { isoNow, type DispatchEvent, type RepoState, type UserState, type Violation } from "./state.js";

/** A pending foreign commit: lands on `branch` right before the next update of that ref. */
export interface PendingRace {
  owner: string;
  repo: string;
  branch: string;
  files: Record<string, string>;
}

/** The emulator's whole mutable state, shared by every route. */
export class EmulatorWorld implements World {
  baseUrl = "";
  readonly repos = new Map<string, RepoState>();
  readonly dispatches: DispatchEvent[] = [];
  readonly dispatchHandlers = new Set<(event: DispatchEvent) => unknown>();
  readonly races: PendingRace[] = [];
  readonly violations: Violation[] = [];
  private readonly users = new Map<string, UserState>();
  private ids = 1000;
  readonly viewer: UserState;

  constructor(viewerLogin: string) {
    this.viewer = this.user(viewerLogin);
  }

  /** Returns the user with this login, registering it on first sight. */
  user(login: string): UserState {
    const key = login.toLowerCase();
    let u = this.users.get(key);
    if (!u) {
      u = { login, id: this.nextId(), type: login.endsWith("[bot]") ? "Bot" : "User" };
      this.users.set(key, u);
    }
    return u;
  }

  /** The user behind a noreply address (`<id>+<login>@users.noreply.github.com`), if known. */
  userByEmail(email: string): UserState | null {
    const m = /^(\d+)\+([^@]+)@users\.noreply\.github\.com$/.exec(email);
    if (!m) return null;
    const u = this.users.get(m[2]!.toLowerCase());
    return u && u.id === Number(m[1]) ? u : null;
  }

  /** A fresh database id. */
  nextId(): number {
    return ++this.ids;
  }

  /** The repository, or undefined. Lookups ignore case, as GitHub's do. */
  repo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** The git identity GitHub uses for commits made through the API by the authenticated user. */
  identity(): GitPerson {
    return { name: this.viewer.login, email: `${this.viewer.id}+${this.viewer.login}@users.noreply.github.com`, date: isoNow() };
  }

  /** Takes the race queued for this branch, if any. */
  takeRace(r: RepoState, branch: string): PendingRace | undefined {
    const i = this.races.findIndex(
      (x) => x.owner.toLowerCase() === r.owner.toLowerCase() && x.repo.toLowerCase() === r.name.toLowerCase() && x.branch === branch,
    );
    return i >= 0 ? this.races.splice(i, 1)[0] : undefined;
  }
}

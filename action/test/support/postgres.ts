import { spawnSync } from "node:child_process";
import { chmod, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./service.js";

/** Where Debian installs PostgreSQL server versions side by side. */
const DEBIAN_ROOT = "/usr/lib/postgresql";

/** Debian's server binaries (initdb, pg_ctl) of the newest installed version, found at run time, or null. */
export function postgresBin(): string | null {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(join(DEBIAN_ROOT, v, "bin", "initdb")) && existsSync(join(DEBIAN_ROOT, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(DEBIAN_ROOT, versions[0], "bin") : null;
}

export interface RunningPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/** The uid and gid of the `postgres` user (Debian's package creates it). */
function postgresUser(): { uid: number; gid: number } {
  const r = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) throw new Error("startPostgres: running as root needs the `postgres` user (apt-get install postgresql creates it)");
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Runs a server command, as the `postgres` user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(cmd: string, args: string[]): void {
  const r = isRoot() ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0] ?? ""} failed (exit ${r.status}): ${(r.stderr || r.stdout || r.error?.message || "").trim()}`);
}

/**
 * A throwaway PostgreSQL server from Debian's package: initdb into a temporary folder owned by the
 * server's user, trust auth, the unix socket in that folder, TCP on a free loopback port only,
 * started with pg_ctl until `stop`.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error(`startPostgres: no PostgreSQL server under ${DEBIAN_ROOT}/<version>/bin (apt-get install postgresql, or .ci/services.sh)`);
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  let started = false;
  const stop = async () => {
    try {
      if (started) asPostgres(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]);
    } finally {
      started = false;
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o700);
    asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const port = await freePort();
    started = true;
    try {
      asPostgres(join(bin, "pg_ctl"), [
        "start",
        "-D",
        data,
        "-l",
        log,
        "-w",
        "-t",
        "60",
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      ]);
    } catch (e) {
      const tail = await readFile(log, "utf8").catch(() => "");
      throw new Error(`${(e as Error).message}\n${tail.slice(-2000)}`);
    }
    return { connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

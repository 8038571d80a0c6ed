import { execFileSync } from "node:child_process";
import { createServer } from "node:net";

/** True when a command is on the PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a test needing a service runs: always when the service is there; under CI=true a missing
 * service is a failure (thrown here), never a silent skip; elsewhere the test is skipped with the reason.
 */
export function requireService(name: string, available: boolean, install: string): boolean {
  if (available) return true;
  const message = `${name} is not installed: ${install}`;
  if (process.env.CI === "true") throw new Error(`${message} (CI needs it: .ci/services.sh installs it)`);
  console.warn(`skipping: ${message}`);
  return false;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

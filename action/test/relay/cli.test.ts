import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/runner.js";

const CLI = join(REPO_ROOT, "action", "src", "cli.ts");

/** Runs `pipemedic relay` from source with only the given environment; resolves on exit. */
function relay(env: Record<string, string>, onLine?: (line: string, stop: () => void) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "relay"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    const text = d.toString();
    stderr += text;
    for (const line of text.split("\n")) if (line) onLine?.(line, () => child.kill("SIGTERM"));
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("pipemedic relay (the CLI command)", () => {
  it("starts from the environment, answers /healthz, and exits 0 after SIGTERM", async () => {
    let health: unknown = null;
    const run = await relay(
      { PIPEMEDIC_REPOSITORY: "acme/data-ops", GITHUB_TOKEN: "ghs_x", PIPEMEDIC_RELAY_SENTRY_SECRET: "s", HOST: "127.0.0.1", PORT: "0" },
      (line, stop) => {
        if (!line.includes('"relay listening"')) return;
        const { url } = JSON.parse(line) as { url: string };
        void fetch(`${url}/healthz`)
          .then((r) => r.text())
          .then((body) => (health = body))
          .finally(stop);
      },
    );
    expect(health).toBe("ok\n");
    expect(run.stderr).toContain("SIGTERM, finishing the webhooks in progress");
    expect(run.code).toBe(0);
  }, 60_000);

  it("a configuration error exits 1 naming the variable", async () => {
    const run = await relay({ GITHUB_TOKEN: "ghs_x", PIPEMEDIC_RELAY_SENTRY_SECRET: "s" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("pipemedic relay: PIPEMEDIC_REPOSITORY: set it to the repository that runs Pipemedic, as owner/repo");
  }, 60_000);
});

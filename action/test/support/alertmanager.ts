import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, hasCommand } from "./service.js";

/** Debian ships Alertmanager as `prometheus-alertmanager`; upstream calls it `alertmanager`. */
export function alertmanagerBinary(): string | null {
  return hasCommand("prometheus-alertmanager") ? "prometheus-alertmanager" : hasCommand("alertmanager") ? "alertmanager" : null;
}

/** A real Alertmanager on loopback with the given configuration (YAML), until `stop`. */
export async function startAlertmanager(config: string): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const bin = alertmanagerBinary();
  if (!bin) throw new Error("Alertmanager is not installed");
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-am-"));
  await writeFile(join(dir, "alertmanager.yml"), config);
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}: ${stderr}`);
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`alertmanager did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    async stop() {
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { spawn, execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Series } from "../../src/model/index.js";
import { quotedValue } from "../../src/telemetry/escape.js";
import { freePort, hasCommand } from "./service.js";

const exec = promisify(execFile);

export const prometheusAvailable = () => hasCommand("prometheus") && hasCommand("promtool");

/** Series as OpenMetrics text, families contiguous, samples in time order, timestamps in seconds. */
export function openMetrics(series: Series[]): string {
  const byName = new Map<string, Series[]>();
  for (const s of series) {
    const name = s.labels.__name__ ?? "";
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== "__name__")
        .map(([k, v]) => `${k}="${quotedValue(v)}"`)
        .join(",");
      for (const [t, v] of [...s.points].sort((a, b) => a[0] - b[0])) {
        if (v === null) continue;
        lines.push(`${name}${labels ? `{${labels}}` : ""} ${v} ${t / 1000}`);
      }
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus from Debian's package with the series backfilled into its TSDB by
 * `promtool tsdb create-blocks-from openmetrics`, listening on loopback until `stop`. With `live`,
 * it runs the given configuration (scrape jobs, rule files named relative to its folder) too.
 */
export async function startPrometheus(series: Series[], live?: { config: string; files?: Record<string, string> }): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-prom-"));
  const data = join(dir, "data");
  await writeFile(join(dir, "prometheus.yml"), live?.config ?? "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
  for (const [name, content] of Object.entries(live?.files ?? {})) await writeFile(join(dir, name), content);
  if (series.length) {
    await writeFile(join(dir, "series.om"), openMetrics(series));
    await exec("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "series.om"), data], { maxBuffer: 64 * 1024 * 1024 });
  }
  const port = await freePort();
  const child = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=100y",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`prometheus did not become ready in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

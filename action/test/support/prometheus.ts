import { spawn, execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Series } from "../../src/model/index.js";
import { isLabelName, isMetricName } from "../../src/telemetry/escape.js";
import { freePort, hasCommand } from "./service.js";

const exec = promisify(execFile);

/** Whether Debian's `prometheus` and `promtool` are on the PATH. */
export const prometheusAvailable = () => hasCommand("prometheus") && hasCommand("promtool");

/** An OpenMetrics label value: only backslash, double quote and newline have escapes in that format. */
function openMetricsLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** An OpenMetrics sample value: JavaScript's Infinity is spelled +Inf there. */
function openMetricsNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/**
 * Series as OpenMetrics text: one family per metric name (contiguous, `# TYPE … gauge`), samples
 * in time order with timestamps in seconds, null points left out (a gap), ending with `# EOF`.
 */
export function openMetrics(series: Array<Pick<Series, "labels" | "points">>): string {
  const byName = new Map<string, Array<Pick<Series, "labels" | "points">>>();
  for (const s of series) {
    const name = s.labels.__name__;
    if (!name || !isMetricName(name)) throw new Error(`openMetrics: series ${JSON.stringify(s.labels)} needs a valid __name__`);
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== "__name__")
        .map(([k, v]) => {
          if (!isLabelName(k)) throw new Error(`openMetrics: ${JSON.stringify(k)} is not a label name`);
          return `${k}="${openMetricsLabelValue(v)}"`;
        })
        .join(",");
      for (const [t, v] of [...s.points].sort((a, b) => a[0] - b[0])) {
        if (v === null) continue;
        lines.push(`${name}${labels ? `{${labels}}` : ""} ${openMetricsNumber(v)} ${(t / 1000).toFixed(3)}`);
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

/** Asks the server which series it holds in the data's time span; the backfilled blocks must all be there. */
async function assertBackfilled(url: string, series: Array<Pick<Series, "labels" | "points">>): Promise<void> {
  const withData = series.filter((s) => s.points.some(([, v]) => v !== null));
  if (!withData.length) return;
  // A loop, not Math.min(...times): a whole golden suite holds millions of samples, too many arguments for one call.
  let first = Infinity;
  let last = -Infinity;
  for (const s of withData) {
    for (const [t, v] of s.points) {
      if (v === null) continue;
      if (t < first) first = t;
      if (t > last) last = t;
    }
  }
  const expected = new Set(withData.map((s) => JSON.stringify(Object.entries(s.labels).sort())));
  const q = new URL(`${url}/api/v1/series`);
  q.searchParams.append("match[]", '{__name__=~".+"}');
  q.searchParams.set("start", String(first / 1000));
  q.searchParams.set("end", String(last / 1000));
  const res = await fetch(q, { method: "POST", body: q.searchParams });
  const body = (await res.json()) as { status: string; data?: Array<Record<string, string>> };
  const found = new Set((body.data ?? []).map((l) => JSON.stringify(Object.entries(l).sort())));
  const missing = [...expected].filter((k) => !found.has(k));
  if (body.status !== "success" || missing.length) {
    throw new Error(`prometheus: ${missing.length} of ${expected.size} backfilled series are not queryable (first: ${missing[0] ?? body.status})`);
  }
}

/**
 * The TSDB block span promtool writes when asked for long blocks: the largest of Prometheus' compaction
 * ranges (2h × 3^k) within the server's own maximum (10 % of its retention, at most 31 days), so the
 * server never compacts the backfilled blocks again. Chunks never cross a block boundary.
 */
export const BACKFILL_BLOCK_MS = 486 * 3_600_000;

/**
 * A real Prometheus from Debian's package with the series backfilled into its TSDB by
 * `promtool tsdb create-blocks-from openmetrics`, listening on loopback until `stop`. Retention is
 * 100 years so old (or future) scenario times stay queryable; startup fails unless the server
 * returns every backfilled series. With `live`, it runs the given configuration (scrape jobs, rule
 * files named relative to its folder) too.
 *
 * `series` may also be batches, each backfilled by its own promtool run into the same TSDB: promtool
 * re-reads its whole input once per block span between the first and the last sample, so series
 * spread over years (scenarios in their own time slots) are written batch by batch, each batch in
 * blocks of `BACKFILL_BLOCK_MS`. Batches must not share a block span.
 */
export async function startPrometheus(
  series: Array<Pick<Series, "labels" | "points">> | { batches: Array<Array<Pick<Series, "labels" | "points">>> },
  live?: { config: string; files?: Record<string, string> },
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-prom-"));
  const data = join(dir, "data");
  let child: ReturnType<typeof spawn> | null = null;
  const cleanup = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, "prometheus.yml"), live?.config ?? "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
    for (const [name, content] of Object.entries(live?.files ?? {})) await writeFile(join(dir, name), content);
    const batched = "batches" in series;
    const batches = (batched ? series.batches : [series]).filter((b) => b.length);
    // Two promtool runs at a time: each spends ~0.15 s starting and writing its blocks, a whole suite's worth adds up.
    const backfill = async (i: number) => {
      const file = join(dir, `series-${i}.om`);
      await writeFile(file, openMetrics(batches[i]!));
      const blocks = batched ? [`--max-block-duration=${BACKFILL_BLOCK_MS / 3_600_000}h`] : [];
      await exec("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--quiet", ...blocks, file, data], { maxBuffer: 64 * 1024 * 1024 });
      await rm(file);
    };
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await backfill(next++);
    };
    await Promise.all([worker(), worker()]);
    const port = await freePort();
    const proc = spawn(
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
    child = proc;
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`${url}/-/ready`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`prometheus did not become ready in 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await assertBackfilled(url, "batches" in series ? series.batches.flat() : series);
    return { url, stop: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

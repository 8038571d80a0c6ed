import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, type CliIo } from "../../src/cli/index.js";
import type { Alert } from "../../src/model/index.js";

const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs `pipemedic <argv>` in-process and returns what it printed. */
async function pipemedic(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const io: CliIo = { out: (t) => void (out += t), err: () => undefined, env: {}, tty: false, stopped: () => new Promise(() => undefined) };
  const code = await cli(argv, io);
  return { code, out };
}

describe("pipemedic normalize on a body no source recognizes", () => {
  it("shows the inferred alert and the fields it was read from, in text and in --json", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-inferred-"));
    tmp.push(dir);
    const file = join(dir, "callback.json");
    await writeFile(file, JSON.stringify({ dag_id: "orders_daily", task_id: "load_orders", exception: "boom", start_date: "2026-03-14T01:47:12Z" }));

    const text = await pipemedic("normalize", file);
    expect(text.code).toBe(0);
    expect(text.out).toContain("firing   high     generic orders_daily.load_orders failed");
    expect(text.out).toContain("inferred from fields dag_id, task_id, exception, start_date");
    expect(text.out).toContain("incidents/_unparsed/");

    const json = await pipemedic("normalize", file, "--json");
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.out) as { alerts: Alert[]; inferred?: { fields: string[]; list: string | null } };
    expect(printed.alerts[0]!.inferred).toEqual({ fields: ["dag_id", "task_id", "exception", "start_date"] });
    expect(printed.inferred).toEqual({ fields: ["dag_id", "task_id", "exception", "start_date"], list: null });
  });
});

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Matcher } from "../../src/model/index.js";
import {
  logqlLabelValue,
  logqlLineFilter,
  promqlLabelValue,
  promqlRegexValue,
  re2QuoteMeta,
  renderLogSelector,
  renderSelector,
} from "../../src/telemetry/escape.js";
import { prometheusTelemetry } from "../../src/telemetry/prometheus.js";
import { prometheusAvailable, startPrometheus, type RunningPrometheus } from "../support/prometheus.js";
import { requireService } from "../support/service.js";
import { readGoString, readLogSelector, readVectorSelector } from "../support/http-emulators/query-reader.js";
import { arrayContaining } from "../support/match.js";

/** Values an alert label could carry to break out of its literal, plus look-alikes that must stay apart. */
const HOSTILE = [
  '"} or vector(1) #',
  '|~ ".*"',
  '"',
  "\\",
  "a\\",
  '\\"}',
  "line\nbreak",
  "cr\rtab\t",
  "nul\u0000byte",
  '{job="other"}',
  "}{",
  "ünïcødé 🚒",
  "\u2028\u2029\ufeff",
  "\u007f\u0085\u009f",
  "{{alert.labels.x}}",
  "x' or '1'='1",
  "`backtick`",
  "\\x41",
  "\\u0041",
  "",
  " ",
  "a.b",
  "axb",
  "(?i).*",
  "$1 ^[a-z]+$",
];
/** The subset a TSDB label can hold through OpenMetrics backfill (no raw control characters, not empty). */
// eslint-disable-next-line no-control-regex -- control characters are what this filter removes
const STORABLE = HOSTILE.filter((v) => v !== "" && !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(v));

const hasLoneSurrogate = (s: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe("query escaping (pure)", () => {
  it("escapes backslash, quote, line breaks and control characters, and nothing else", () => {
    expect(promqlLabelValue('a"b\\c')).toBe('a\\"b\\\\c');
    expect(promqlLabelValue("x\ny\rz\tw")).toBe("x\\ny\\rz\\tw");
    expect(promqlLabelValue("\u0000\u001b\u007f\u0085")).toBe("\\u0000\\u001b\\u007f\\u0085");
    expect(promqlLabelValue("ünïcødé 🚒")).toBe("ünïcødé 🚒");
    expect(logqlLabelValue('"} |~ ".*"')).toBe('\\"} |~ \\".*\\"');
    expect(promqlRegexValue("a.b(c)")).toBe("a\\\\.b\\\\(c\\\\)");
    expect(re2QuoteMeta("^a.b$|[x]{2}*+?\\")).toBe("\\^a\\.b\\$\\|\\[x\\]\\{2\\}\\*\\+\\?\\\\");
    expect(logqlLineFilter('CommitFailed|"poll"')).toBe('|~ "(?i)CommitFailed|\\"poll\\""');
    expect(logqlLineFilter("x", { caseSensitive: true })).toBe('|~ "x"');
  });

  it("refuses names outside their grammar instead of quoting them into shape", () => {
    expect(() => renderSelector("up or vector(1)", [])).toThrow(/not a valid metric name/);
    expect(() => renderSelector("rate(x[5m])", [])).toThrow(/not a valid metric name/);
    expect(() => renderSelector("9lives", [])).toThrow(/not a valid metric name/);
    expect(() => renderSelector("up", [{ label: 'job"}', op: "=", value: "x" }])).toThrow(/not a valid label name/);
    expect(() => renderSelector("up", [{ label: "job", op: "==" as Matcher["op"], value: "x" }])).toThrow(/not a matcher operator/);
    expect(() => renderLogSelector({ "app-name": "x" })).toThrow(/not a valid label name/);
    expect(() => renderLogSelector({})).toThrow(/at least one stream label/);
  });

  it("refuses a value with a lone UTF-16 surrogate (it has no exact UTF-8 form)", () => {
    expect(() => promqlLabelValue("a\ud800b")).toThrow(/lone UTF-16 surrogate at index 1/);
    expect(() => logqlLabelValue("\udc00")).toThrow(/lone UTF-16 surrogate/);
    expect(promqlLabelValue("\ud83d\ude92")).toBe("🚒");
  });

  it("renders each hostile value as exactly one selector holding exactly that value", () => {
    for (const v of HOSTILE) {
      for (const op of ["=", "!=", "=~", "!~"] as const) {
        const read = readVectorSelector(
          renderSelector("kafka_consumergroup_lag", [
            { label: "consumergroup", op, value: v },
            { label: "topic", op: "=", value: "orders" },
          ]),
        );
        expect(read, JSON.stringify(v)).toEqual({
          name: "kafka_consumergroup_lag",
          matchers: [
            { label: "consumergroup", op, value: v },
            { label: "topic", op: "=", value: "orders" },
          ],
        });
      }
      const log = readLogSelector(renderLogSelector({ app: v, namespace: "streaming" }, v));
      expect(log, JSON.stringify(v)).toEqual({
        selector: [
          { label: "app", op: "=", value: v },
          { label: "namespace", op: "=", value: "streaming" },
        ],
        filter: v ? `(?i)${v}` : null,
      });
    }
  });

  it("selects a name the PromQL lexer reads as a keyword through __name__", () => {
    expect(renderSelector("sum", [{ label: "job", op: "=", value: "x" }])).toBe('{__name__="sum", job="x"}');
    expect(renderSelector("Inf", [])).toBe('{__name__="Inf"}');
    expect(renderSelector("summary_total", [])).toBe("summary_total");
  });

  it("round-trips any string through a Go-rules decoder (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme-composite", maxLength: 10 }), (a, b) => {
        for (const v of [a, b, a + b]) {
          if (hasLoneSurrogate(v)) {
            expect(() => promqlLabelValue(v)).toThrow(/surrogate/);
            continue;
          }
          expect(readGoString(`"${promqlLabelValue(v)}"`, 0)).toEqual([v, promqlLabelValue(v).length + 2]);
          expect(readGoString(`"${promqlRegexValue(v)}"`, 0)?.[0]).toBe(re2QuoteMeta(v));
          expect(new RegExp(`^(?:${re2QuoteMeta(v)})$`, "su").test(v)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

const live = requireService("Prometheus", prometheusAvailable(), "apt-get install prometheus (or run .ci/services.sh)");
const AT = Date.parse("2026-03-14T00:00:00Z");
let prom: RunningPrometheus;

/** What the real parser made of a selector: via /api/v1/parse_query (AST) where the server has it, else /api/v1/format_query. */
async function parsedByPrometheus(
  url: string,
  query: string,
): Promise<{ name: string | null; matchers: Array<{ label: string; op: string; value: string }> } | null> {
  const body = new URLSearchParams({ query });
  const ast = await fetch(`${url}/api/v1/parse_query`, { method: "POST", body });
  if (ast.status !== 404) {
    const json = (await ast.json()) as {
      status: string;
      data?: { type?: string; name?: string; matchers?: Array<{ type: string; name: string; value: string }> };
    };
    if (json.status !== "success" || json.data?.type !== "vectorSelector") return null;
    const matchers = (json.data.matchers ?? []).filter((m) => !(m.name === "__name__" && m.type === "=" && m.value === json.data?.name));
    return { name: json.data.name || null, matchers: matchers.map((m) => ({ label: m.name, op: m.type, value: m.value })) };
  }
  // Older servers (Debian bookworm's 2.42) only format: the canonical text of the parsed AST.
  const formatted = (await (await fetch(`${url}/api/v1/format_query`, { method: "POST", body })).json()) as { status: string; data?: string };
  if (formatted.status !== "success" || typeof formatted.data !== "string") return null;
  return readVectorSelector(formatted.data);
}

describe.runIf(live)("query escaping against the real PromQL parser and TSDB (Debian Prometheus)", () => {
  beforeAll(async () => {
    const series = STORABLE.map((job, i) => ({ labels: { __name__: "up", job }, points: [[AT, i] as [number, number]] }));
    series.push({ labels: { __name__: "up", job: "other" }, points: [[AT, 99]] });
    series.push({ labels: { __name__: "sum", job: "x" }, points: [[AT, 7]] });
    prom = await startPrometheus(series);
  });
  afterAll(async () => prom?.stop());

  it("parses every rendered hostile selector into one vector selector with exactly the intended matchers", async () => {
    for (const v of HOSTILE) {
      for (const op of ["=", "!=", "=~", "!~"] as const) {
        const value = op.endsWith("~") ? re2QuoteMeta(v) : v;
        const q = renderSelector("up", [
          { label: "job", op, value },
          { label: "env", op: "=", value: "prod" },
        ]);
        const got = await parsedByPrometheus(prom.url, q);
        expect(got, `${JSON.stringify(v)} ${op}: ${q}`).not.toBeNull();
        expect(got!.name).toBe("up");
        const sorted = (ms: Array<{ label: string; op: string; value: string }>) => [...ms].sort((a, b) => a.label.localeCompare(b.label));
        expect(sorted(got!.matchers), `${JSON.stringify(v)} ${op}`).toEqual(
          sorted([
            { label: "job", op, value },
            { label: "env", op: "=", value: "prod" },
          ]),
        );
      }
    }
    const reserved = await parsedByPrometheus(prom.url, renderSelector("sum", [{ label: "job", op: "=", value: "x" }]));
    expect(reserved?.matchers).toEqual(
      arrayContaining([
        { label: "__name__", op: "=", value: "sum" },
        { label: "job", op: "=", value: "x" },
      ]),
    );
  });

  it("selects exactly the intended stored series with equality and with a regex-quoted literal", async () => {
    const telemetry = prometheusTelemetry({ url: prom.url });
    const range = { start: AT, end: AT + 60_000, stepMs: 60_000 };
    for (const [i, job] of STORABLE.entries()) {
      for (const matcher of [
        { label: "job", op: "=", value: job },
        { label: "job", op: "=~", value: re2QuoteMeta(job) },
      ] satisfies Matcher[]) {
        const got = await telemetry.metrics({ name: "up", matchers: [matcher], ...range }, AbortSignal.timeout(10_000));
        expect(
          got.map((g) => g.labels.job),
          `${JSON.stringify(job)} ${matcher.op}`,
        ).toEqual([job]);
        expect(got[0]!.points[0]).toEqual([AT, i]);
      }
    }
    const reserved = await telemetry.metrics({ name: "sum", matchers: [{ label: "job", op: "=", value: "x" }], ...range }, AbortSignal.timeout(10_000));
    expect(reserved.map((s) => s.points[0]![1])).toEqual([7]);
    // Control characters no exporter stores still parse as one literal that matches nothing.
    const odd = await telemetry.metrics(
      { name: "up", matchers: [{ label: "job", op: "=", value: "nul\u0000\ttab\rcr" }], ...range },
      AbortSignal.timeout(10_000),
    );
    expect(odd).toEqual([]);
  });
});

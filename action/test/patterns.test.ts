import { describe, expect, it } from "vitest";
import { CheckSpecSchema, ConfigSchema, ScenarioTelemetrySchema, silentProgress, type Check } from "../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../src/checks/runtime.js";
import { resolveChecks } from "../src/checks/template.js";
import { matchesAll } from "../src/checks/adapt.js";
import { badPattern, badSelector } from "../src/llm/tasks/safe-query.js";
import { formatLintError, lint } from "../src/memory/lint.js";
import { PatternError, compilePattern, patternProblem } from "../src/patterns.js";
import { compilePatterns, redact } from "../src/redact.js";
import { replayTelemetry } from "../src/telemetry/replay/telemetry.js";
import { NO_KNOWLEDGE, problemOf } from "./support/problem.js";

/** A 50 KB log line on which a backtracking engine runs `(a+)+$` for longer than the universe has existed. */
const HOSTILE = `${"a".repeat(50_000)}!`;
const CATASTROPHIC = ["(a|a)*$", "(a+)+$"];

describe("outside patterns run on RE2", () => {
  it("answers catastrophic patterns over a hostile line: (a|a)*$ matches (empty at the end), (a+)+$ does not", () => {
    expect(compilePattern("(a|a)*$", "test").test(HOSTILE)).toBe(true);
    expect(compilePattern("(a+)+$", "test").test(HOSTILE)).toBe(false);
    expect(compilePattern("(a+)+!$", "test").test(HOSTILE)).toBe(true);
    expect(compilePattern("(a|aa)+b", "test", { ignoreCase: true }).test(HOSTILE)).toBe(false);
  });

  it("case-insensitive on request; whole-value anchoring for label matchers, dot matching newlines", () => {
    expect(compilePattern("commitfailed", "t", { ignoreCase: true }).test("CommitFailedException")).toBe(true);
    expect(compilePattern("commitfailed", "t").test("CommitFailedException")).toBe(false);
    expect(compilePattern("orders.*", "t", { whole: true }).test("orders-enricher\nx")).toBe(true);
    expect(compilePattern("orders", "t", { whole: true }).test("orders-enricher")).toBe(false);
    // An alternation cannot escape the anchoring the way `^(?:a)|(b)$` text-pasting could.
    expect(compilePattern("a|b", "t", { whole: true }).test("ab")).toBe(false);
  });

  it("exec gives groups, replace takes the replacement literally", () => {
    const m = compilePattern("id=(\\d+)", "t").exec("x id=42 y");
    expect([m?.[0], m?.[1], m?.index]).toEqual(["id=42", "42", 2]);
    expect(compilePattern("ACME-\\d+", "t").replace("ACME-1 and ACME-22", "$&[x]")).toBe("$&[x] and $&[x]");
  });

  it("refuses lookaround and backreferences, naming the pattern, its origin and the fix", () => {
    const refused = (source: string): PatternError => {
      try {
        compilePattern(source, "runbooks/lag.md checks[0].match");
      } catch (err) {
        if (err instanceof PatternError) return err;
        throw err;
      }
      throw new Error(`${source} was accepted`);
    };
    expect(refused("(?<=user=)\\w+").message).toBe(
      'runbooks/lag.md checks[0].match: the pattern "(?<=user=)\\\\w+" uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support; use RE2 syntax: no lookaround or backreferences',
    );
    expect(refused("x(?!y)").detail).toMatch(/lookaround/);
    expect(refused("(a)\\1").detail).toMatch(/backreference/);
    expect(refused("a(").detail).toMatch(/^is not valid RE2 syntax \(missing closing \)/);
    expect(patternProblem("timeout|deadline")).toBeNull();
  });
});

describe("the check runtime and replay run hostile patterns to the end", () => {
  const NOW = Date.parse("2026-03-14T02:00:00Z");
  const problem = problemOf({ now: NOW, onset: NOW - 1_800_000 });
  const telemetry = replayTelemetry(
    ScenarioTelemetrySchema.parse({
      logs: [
        { ts: new Date(NOW - 600_000).toISOString(), labels: { app: "x" }, line: HOSTILE },
        { ts: new Date(NOW - 300_000).toISOString(), labels: { app: "x" }, line: "consumer started" },
      ],
    }),
    ["logs"],
  );
  const check = (match: string): Check[] =>
    resolveChecks(
      { id: "h", checks: [CheckSpecSchema.parse({ id: "hostile", logs: { app: "x" }, match, primitive: "count", pass_if: { count: ">= 2" } })] },
      problem,
      NO_KNOWLEDGE,
    );

  it.each(CATASTROPHIC)("a check matching %s over a 50 KB line gets its verdict", async (match) => {
    const [e] = await new CheckRunner(telemetry, DEFAULT_BUDGET, silentProgress).run(check(match), 1);
    // (a|a)*$ matches every line (both: pass); (a+)+$ none (fail).
    expect(e!.verdict).toBe(match === "(a|a)*$" ? "pass" : "fail");
    expect(e!.observed.count).toBe(match === "(a|a)*$" ? 2 : 0);
  });

  it.each(CATASTROPHIC)("replayed logs filter a 50 KB line with %s", async (pattern) => {
    const lines = await telemetry.logs({ selector: { app: "x" }, pattern, limit: 10, start: NOW - 3_600_000, end: NOW }, new AbortController().signal);
    expect(lines.map((l) => l.line.length)).toEqual(pattern === "(a|a)*$" ? [HOSTILE.length, "consumer started".length] : []);
  });

  it("label matchers =~ in replay and adaptation are anchored and linear on a hostile label value", () => {
    expect(matchesAll({ topic: HOSTILE }, [{ label: "topic", op: "=~", value: "(a+)+$" }])).toBe(false);
    expect(matchesAll({ topic: HOSTILE }, [{ label: "topic", op: "!~", value: "(a|a)*" }])).toBe(true);
    expect(matchesAll({ topic: "aaa" }, [{ label: "topic", op: "=~", value: "(a+)+" }])).toBe(true);
  });
});

describe("patterns from outside are checked where they enter", () => {
  it("lint reports a lookbehind in a runbook check as an error with file and field", () => {
    const runbook = [
      "---",
      "id: lag",
      "title: Lag",
      "applies_to: { alerts: [KafkaConsumerGroupLag*], components: [kafka] }",
      "checks:",
      "  - id: rebalance",
      "    title: the consumer rebalanced",
      "    logs: { app: orders }",
      '    match: "(?<=consumer )rebalanc"',
      "    primitive: count",
      '    pass_if: { count: ">= 1" }',
      "remediation:",
      "  kind: none",
      "---",
      "",
    ].join("\n");
    const errors = lint({ "runbooks/lag.md": runbook }).filter((e) => e.severity === "error");
    expect(errors.map((e) => [e.file, e.field, e.message, e.fix])).toEqual([
      [
        "runbooks/lag.md",
        "checks[0].match",
        'the pattern "(?<=consumer )rebalanc" uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support',
        "use RE2 syntax: no lookaround or backreferences; escape special characters such as ( [ { with a backslash",
      ],
    ]);
    expect(formatLintError(errors[0]!)).toMatch(/^runbooks\/lag\.md:\d+: /);
  });

  it("an LLM proposal's pattern or label matcher is judged by RE2: catastrophic ones pass (they are harmless), lookaround does not", () => {
    expect(badPattern("(a|a)*$")).toBeNull();
    expect(badPattern("(a+)+$")).toBeNull();
    expect(badPattern("(?<!x)error")).toMatch(/lookaround.*RE2 syntax: no lookaround or backreferences/);
    expect(badSelector('lag{topic=~"(?=o)orders"}')).toMatch(/label "topic".*lookaround/);
  });

  it("a redaction pattern RE2 refuses is a config error naming its key; a good one redacts", () => {
    const parsed = ConfigSchema.safeParse({ redaction: { patterns: ["ACME-\\d+", "(?<=key=)\\w+"] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [
        "redaction.patterns.1",
        'the pattern "(?<=key=)\\\\w+" uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support; use RE2 syntax: no lookaround or backreferences',
      ],
    ]);
    expect(() => compilePatterns(["(a)\\1"])).toThrow(/^\.github\/pipemedic\.yml redaction\.patterns\[0\]: the pattern .* backreference/);
    expect(redact(`customer ACME-12345 ${HOSTILE}`, compilePatterns(["ACME-\\d+", "(a+)+!"]))).toBe("customer [REDACTED:custom] [REDACTED:custom]");
  });
});

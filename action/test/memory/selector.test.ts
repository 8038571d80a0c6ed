import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SelectorError, parseSelector } from "../../src/memory/selector.js";

describe("parseSelector", () => {
  it("reads a name and matchers of every operator", () => {
    expect(parseSelector('kafka_consumergroup_lag{consumergroup="orders", topic=~"ord.*", partition!="0", env!~"dev|test"}')).toEqual({
      name: "kafka_consumergroup_lag",
      matchers: [
        { label: "consumergroup", op: "=", value: "orders" },
        { label: "topic", op: "=~", value: "ord.*" },
        { label: "partition", op: "!=", value: "0" },
        { label: "env", op: "!~", value: "dev|test" },
      ],
    });
  });

  it("accepts a bare name, empty braces, whitespace, single quotes and a trailing comma", () => {
    expect(parseSelector("up")).toEqual({ name: "up", matchers: [] });
    expect(parseSelector("  up { }  ")).toEqual({ name: "up", matchers: [] });
    expect(parseSelector("ns:metric:rate5m{ a = 'x' , }")).toEqual({ name: "ns:metric:rate5m", matchers: [{ label: "a", op: "=", value: "x" }] });
  });

  it("keeps templates verbatim, in equality and regex matchers", () => {
    expect(parseSelector('m{group="{{alert.labels.consumergroup}}", topic=~"{{ pipeline.kafka.topic }}|x"}').matchers).toEqual([
      { label: "group", op: "=", value: "{{alert.labels.consumergroup}}" },
      { label: "topic", op: "=~", value: "{{ pipeline.kafka.topic }}|x" },
    ]);
  });

  it("unescapes quotes and backslashes, and keeps regex escapes as written", () => {
    expect(parseSelector('m{a="say \\"hi\\"", b="back\\\\slash", c=~"\\d+\\.log", d="}{,="}').matchers.map((m) => m.value)).toEqual([
      'say "hi"',
      "back\\slash",
      "\\d+\\.log",
      "}{,=",
    ]);
  });

  it.each([
    ["sum(rate(x[5m]))", /got "sum\(rate\(x\[5m\]\)\)": functions are not supported \(found "\(" at column 4\)/],
    ["rate(x[5m])", /functions are not supported/],
    ['x{a="b"}[5m]', /range vectors are not supported \(found "\[" at column 9\)/],
    ['x{a="b"} > 3', /operators are not supported \(found ">" at column 10\); compare with `pass_if`/],
    ["x / y", /operators are not supported/],
    ["x offset 5m", /"offset" is not supported/],
    ['{a="b"}', /the metric name is missing/],
    ["x{a=b}", /the value of label "a" must be quoted/],
    ['x{a="b"', /the selector is not closed with "}"/],
    ['x{a="b}', /the value of label "a" is not closed with "/],
    ['x{a=="b"}', /the value of label "a" must be quoted/],
    ['x{a~"b"}', /expected =, !=, =~ or !~ after label "a"/],
    ['x{a="b" c="d"}', /expected "," or "}" at column 9/],
    ['x{a=~"("}', /the regular expression of label "a" is not valid RE2 syntax/],
    ["", /the selector is empty/],
    ["9lives", /a metric name starts with a letter/],
    ['x{"a"="b"}', /expected a label name at column 3/],
  ])("refuses %j with a precise message", (text, message) => {
    expect(() => parseSelector(text)).toThrow(SelectorError);
    expect(() => parseSelector(text)).toThrow(message);
  });

  it("starts every error with the expected form and the offending text", () => {
    expect(() => parseSelector("sum(x)")).toThrow(/^expected a metric selector name\{label="value"\}, got "sum\(x\)": /);
  });

  it("round-trips any label value, however hostile, through PromQL quoting", () => {
    const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseSelector(`m{a=${quote(value)}}`);
        expect(parsed.matchers).toEqual([{ label: "a", op: "=", value }]);
      }),
    );
  });

  it("never throws anything but a SelectorError on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseSelector(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorError);
        }
      }),
    );
  });
});

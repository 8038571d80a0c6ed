import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  frontmatterYaml,
  lenientFrontmatter,
  parseIncidentFrontmatter,
  readIncidentFrontmatter,
  splitFrontmatter,
  updateFrontmatter,
  type IncidentFrontmatter,
} from "../../src/record/frontmatter.js";
import { quickYaml } from "../../src/record/quick-yaml.js";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { fixture } from "../report/fixture.js";
import { stringMatching } from "../support/match.js";

const README = buildIncidentFiles(fixture())["README.md"]!;

describe("splitFrontmatter", () => {
  it("cuts a README at the two `---` lines at the top", () => {
    expect(splitFrontmatter("---\nid: a\n---\n# Body\n")).toEqual({ yaml: "id: a", body: "# Body\n" });
    expect(splitFrontmatter("---\nid: a\n---")).toEqual({ yaml: "id: a", body: "" });
    expect(splitFrontmatter("---\n---\nbody")).toEqual({ yaml: "", body: "body" });
  });

  it("takes a byte-order mark, Windows line ends and blanks after a fence", () => {
    expect(splitFrontmatter("\uFEFF---\r\nid: a\r\ntitle: t\r\n--- \r\nbody")).toEqual({ yaml: "id: a\r\ntitle: t", body: "body" });
  });

  it("finds none unless the file starts with a fence and a line of only `---` closes it", () => {
    for (const text of ["# no record\n", "\n---\nid: a\n---\n", "---\nid: a\n", "---\nid: a\n---- \n", "---\nid: a\n---x\n", "---js\nid: a\n---\n"]) {
      expect(splitFrontmatter(text), JSON.stringify(text)).toBeNull();
    }
    // A `---` inside a value's line is not a fence.
    expect(splitFrontmatter("---\ntitle: a --- b\n---\n")!.yaml).toBe("title: a --- b");
  });
});

describe("readIncidentFrontmatter", () => {
  it("reads back the record Pipemedic writes", () => {
    const read = readIncidentFrontmatter(README);
    expect("record" in read && read.record.id).toBe(fixture().incident.id);
  });

  it("names the field and the fix for a bad record, and the block for a missing or broken one", () => {
    expect(readIncidentFrontmatter(README.replace("severity: high", "severity: urgent"))).toEqual({
      problem: { field: "severity", message: stringMatching(/correct that field/) },
    });
    expect(readIncidentFrontmatter("# no record\n")).toEqual({
      problem: { field: "(frontmatter)", message: stringMatching(/^no YAML frontmatter.*restore it/) },
    });
    expect(readIncidentFrontmatter("---\nid: [unclosed\n---\n")).toEqual({
      problem: { field: "(frontmatter)", message: stringMatching(/not valid YAML.*fix the YAML/) },
    });
    expect(readIncidentFrontmatter("---\n- a\n---\n")).toEqual({ problem: { field: "(top level)", message: stringMatching(/correct that field/) } });
  });

  it("reads a hand edit the fast path declines with the full parser", () => {
    const edited = README.replace("\nseverity: high\n", "\nseverity: high # raised by hand\n");
    expect(parseIncidentFrontmatter(edited).severity).toBe("high");
  });
});

describe("lenientFrontmatter", () => {
  it("keeps what it can of a broken or odd record", () => {
    expect(lenientFrontmatter("---\nid: a\nfingerprints: [f1\n---\n")).toMatchObject({ id: "a" });
    expect(lenientFrontmatter("---\nid: a\nstatus: whatever\n---\n")).toEqual({ id: "a", status: "whatever" });
    expect(lenientFrontmatter("\uFEFF---\r\nid: a\r\n---\r\n")).toEqual({ id: "a" });
  });

  it("is null without a mapping to read", () => {
    expect(lenientFrontmatter("# no record\n")).toBeNull();
    expect(lenientFrontmatter("---\n- a\n---\n")).toBeNull();
    expect(lenientFrontmatter("---\n---\n")).toBeNull();
  });
});

describe("updateFrontmatter", () => {
  it("sets top-level and dotted fields, keeping comments, order and the body", () => {
    const text = "---\nid: a\n# kept\nfix:\n  pr: 3\n  state: open\nstatus: open\n---\n# Body\n\n---\nnot a fence\n";
    expect(updateFrontmatter(text, { status: "resolved", "fix.state": "merged" })).toBe(
      "---\nid: a\n# kept\nfix:\n  pr: 3\n  state: merged\nstatus: resolved\n---\n# Body\n\n---\nnot a fence\n",
    );
  });

  it("keeps a byte-order mark", () => {
    expect(updateFrontmatter("\uFEFF---\nid: a\n---\nbody", { status: "open" })).toBe("\uFEFF---\nid: a\nstatus: open\n---\nbody");
  });

  it("leaves a README without frontmatter, or with broken YAML, as it is", () => {
    for (const text of ["# no record\n", "---\nid: [unclosed\n---\nbody\n"]) expect(updateFrontmatter(text, { status: "resolved" })).toBe(text);
  });

  it("writes what the strict reader reads back", () => {
    const updated = updateFrontmatter(README, { status: "resolved", resolved_at: "2026-03-14T11:00:00Z", "feedback.notes": "seen by hand" });
    const fm = parseIncidentFrontmatter(updated);
    expect(fm).toMatchObject({ status: "resolved", resolved_at: "2026-03-14T11:00:00Z", feedback: { notes: "seen by hand" } });
    expect(splitFrontmatter(updated)!.body).toBe(splitFrontmatter(README)!.body);
  });
});

describe("quickYaml", () => {
  /** quickYaml either declines or reads exactly what the YAML parser reads. */
  function agrees(text: string): boolean {
    const quick = quickYaml(text);
    if (quick === undefined) return true;
    expect(quick).toStrictEqual(parse(text));
    return false;
  }

  // Strings YAML reads as something else, or that need quoting, plus the odd characters inert.ts worries about.
  const TRICKY = [
    "null",
    "Null",
    "~",
    "true",
    "FALSE",
    "yes",
    "1e3",
    "-0",
    "+12",
    "007",
    "5.",
    ".5",
    "0x1F",
    "0o17",
    ".inf",
    "-.Inf",
    ".NaN",
    "12345678901234567890",
    "1_000",
    "a: b",
    "a #b",
    "a#b",
    "#x",
    "- x",
    "-x",
    "[x]",
    "{x}",
    "x]",
    "'q'",
    '"q"',
    "x'y",
    " lead",
    "trail ",
    "",
    "@x",
    "`x",
    "|",
    ">",
    "%YAML",
    "---",
    "...",
    "*a",
    "&a",
    "!tag",
    "?x",
    ":x",
    "x:",
    "\u2028",
    "\u0085",
    "\ufeff",
    "\ud800",
    "😀",
    "é",
    "2026-03-01T00:00:00.000Z",
    "tab\there",
    "new\nline",
    "back\\slash",
    'q"uote',
  ];
  const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "binary", maxLength: 30 }), fc.string({ maxLength: 30 }));

  it("reads frontmatterYaml's output as the YAML parser does, whatever the strings and numbers", () => {
    let fast = 0;
    fc.assert(
      fc.property(
        text,
        fc.array(text, { maxLength: 4 }),
        text,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        fc.option(text, { nil: null }),
        (title, list, cause, confidence, ms, notes) => {
          const record = {
            id: "2026-03-14-orders-lag-7f3a",
            title,
            status: "open",
            severity: "high",
            // Copies: one array written twice becomes a YAML anchor and alias, which quickYaml leaves to the parser.
            pipelines: [...list],
            fingerprints: [...list],
            alertnames: [title],
            opened_at: "2026-03-14T10:02:00.000Z",
            resolved_at: null,
            investigation: "done",
            root_cause: { id: cause, confidence, status: "likely" },
            chain: [],
            fix: { kind: "none", pr: null, branch: null, state: "none" },
            feedback: { actual_root_cause: notes, notes },
            similar: [...list],
            cost: { checks: ms, ms: ms / 7, llm: { calls: 1, input_tokens: ms, output_tokens: 2 } },
          } as unknown as IncidentFrontmatter;
          if (!agrees(frontmatterYaml(record))) fast += 1;
        },
      ),
      { numRuns: 2000 },
    );
    // The comparison means something only if the fast path ran for a good share of the records.
    expect(fast).toBeGreaterThan(200);
  });

  it("takes the fast path for the records Pipemedic writes", () => {
    const readme = buildIncidentFiles(fixture())["README.md"]!;
    const yaml = splitFrontmatter(readme)!.yaml;
    expect(agrees(yaml)).toBe(false);
  });

  it("declines, or agrees, on hand edits", () => {
    const edits = [
      "id: x\n# a comment",
      "id: x\n\nstatus: open",
      "id: &a x",
      "id: !!str 5",
      "title: |\n  block",
      "title: >\n  folded",
      "fp: [a, b]",
      "m: {a: 1}",
      "a:\n- x",
      "a:\n   - x",
      "a: x\n  b: y",
      '"quoted key": 1',
      "a: 'it''s'",
      'a: "\\x41"',
      "a: 1.50",
      "a:",
      "a: ",
      "a: b\na: c",
      "__proto__: 1",
      "a: x:y",
      "a: x: y",
      'a: "x" y',
      "a:  two spaces",
      "A: upper",
      "a: 0x1F",
      "a: 0o17",
      "a: .inf",
      "a: .NaN",
      "a: 12345678901234567890",
      "a:\n  - x\n  - - y",
      "a:\n  - k: v",
      "a:\n  b:\n    c: 1\n  d: 2",
      "a: x\r\nb: y",
      "a: x\n b: y",
      "- a\n- b",
      "a:\n  - x\n  b: y",
    ];
    for (const e of edits) {
      let parsedOk = true;
      try {
        parse(e);
      } catch {
        parsedOk = false;
      }
      if (!parsedOk) expect(quickYaml(e), e).toBeUndefined();
      else agrees(e);
    }
    // Plain scalars of every core-schema type, read on the fast path.
    expect(agrees("a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\ng: null\nh: Null\ni: NULL\nj: ~\nk: tRUE\nl: nULL")).toBe(false);
    expect(agrees("a: 1\nb: -0\nc: +12\nd: 007\ne: 5.\nf: .5\ng: 1e3\nh: -1.5E-3\nm: 1_000\no: 1.2.3\np: 2026-03-01")).toBe(false);
    expect(quickYaml("a:\n  b:\n    c: 1\n  d: 2")).toStrictEqual({ a: { b: { c: 1 }, d: 2 } });
    expect(quickYaml("id: x\n# a comment")).toBeUndefined();
  });
});

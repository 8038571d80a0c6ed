import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { breakReferences, cut, oneLine, visible } from "../src/untrusted-text.js";

// The one list of characters that hide text from a reader, used by the report and the LLM tasks alike
// (they had a copy each, and the copies disagreed about the carriage return).
const HIDDEN = [
  ...Array.from({ length: 0x20 }, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a), // C0 controls, CR included
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), // DEL and the C1 controls
  ...[0x200b, 0x200c, 0x200d, 0x200e, 0x200f], // zero-width characters and directional marks
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e], // bidirectional embeddings and overrides
  ...[0x2060, 0x2061, 0x2062, 0x2063, 0x2064], // word joiner and invisible operators
  ...[0x2066, 0x2067, 0x2068, 0x2069], // bidirectional isolates
  0xfeff, // byte order mark
].map((c) => String.fromCharCode(c));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("visible", () => {
  it("drops every control, zero-width, directional and invisible character, the carriage return included", () => {
    for (const ch of HIDDEN) expect(visible(`a${ch}b`), `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`).toBe("ab");
  });

  it("keeps tabs, newlines and every other character, emoji and accents included", () => {
    expect(visible("a\tb\nc")).toBe("a\tb\nc");
    expect(visible("a\r\nb")).toBe("a\nb");
    expect(visible("données 📉 <b>@channel</b> \u00a0 \u2028")).toBe("données 📉 <b>@channel</b> \u00a0 \u2028");
    expect(visible("\u202Egnp.exe")).toBe("gnp.exe");
  });
});

describe("oneLine and cut", () => {
  it("collapse whitespace to one line and mark a cut with an ellipsis", () => {
    expect(oneLine("  a\r\n\tb  \n\n c ")).toBe("a b c");
    expect(oneLine("abcdef", 4)).toBe("abc…");
    expect(cut("abcdef", 6)).toBe("abcdef");
  });

  it("never cut a character in half: a pair of UTF-16 surrogates stays whole or goes", () => {
    expect(cut("ab📉cd", 4)).toBe("ab…");
    expect(oneLine("ab📉cd", 5)).toBe("ab📉…");
  });

  it("for any text: one line of visible characters, at most `max` long, with no lone surrogate", () => {
    const hidden = new RegExp(`[${HIDDEN.join("")}]`);
    const piece = fc.constantFrom(...HIDDEN, " ", "\n", "\t", "a", "é", "📉", "👩‍👩‍👧");
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: piece, maxLength: 80 }));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 60 }), (text, max) => {
        fc.pre(!LONE_SURROGATE.test(text));
        const line = oneLine(text, max);
        expect(line.length).toBeLessThanOrEqual(max);
        expect(line).not.toMatch(/[\n\t]/);
        expect(line).not.toMatch(hidden);
        expect(line).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 500 },
    );
  });
});

describe("breakReferences", () => {
  // What GitHub reads as a reference (it cross-references the issue) or a closing keyword (it closes the issue on merge).
  const GITHUB_REFERENCE = /(?<![\w/])(?:[\w.-]+(?:\/[\w.-]+)?)?#\d|\bgh-\d/i;
  const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+(?:#|gh-|[\w.-]+(?:\/[\w.-]+)?#|https?:\/\/)/i;
  const HOSTILE = [
    "closes #12",
    "Fixes victim/repo#3",
    "resolves: #4",
    "FIXED victim#5",
    "see GH-6 and gh-7",
    "victim/repo#8",
    "#9",
    "Closed https://github.com/victim/repo/issues/10",
    "fix:\t#11",
  ];

  it.each(HOSTILE)("%s: no reference or closing keyword GitHub would act on, and the same characters once the joiners are removed", (text) => {
    const out = breakReferences(text);
    expect(out).not.toMatch(GITHUB_REFERENCE);
    expect(out).not.toMatch(CLOSING);
    expect(out.replace(/\u200d/g, "")).toBe(text);
  });

  it("leaves ordinary text alone and is idempotent", () => {
    for (const text of ["fixed in 2.3", "C# consumer", "issue 12", "closes the window", "resolved", "#hashtag", "a#b"])
      expect(breakReferences(text)).toBe(text);
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(breakReferences(breakReferences(s))).toBe(breakReferences(s));
      }),
    );
  });
});

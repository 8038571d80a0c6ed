import { describe, expect, it } from "vitest";
import { entryFromIncident, historyEntryFromReadme } from "../../src/memory/history.js";
import { applyCorrection, withReviewBanner } from "../../src/memory/learn.js";
import type { Incident } from "../../src/model/index.js";
import { similarList } from "../../src/report/markdown/shared-sections.js";
import { toMarkdown } from "../../src/report/markdown/serialize.js";

// Issue #17, item 6: a person's correction is worded as one; "confirmed by review" only where a fix was merged.

const readme = (feedback: string, fixState = "none", status = "inconclusive") =>
  `---\nid: 2026-03-14-x\nroot_cause:\n  id: unknown\n  confidence: 0\n  status: ${status}\nfix:\n  state: ${fixState}\nfeedback:\n  actual_root_cause: ${feedback}\n---\n\n# X\n\nbody\n`;

describe("a correction in memory", () => {
  it("is a correction without a merged fix, and a confirmation with one", () => {
    expect(historyEntryFromReadme("incidents/2026/03/x", readme("kafka-lag-slow-consumer"))).toMatchObject({
      rootCause: "kafka-lag-slow-consumer",
      confirmed: true,
      corrected: true,
    });
    const merged = historyEntryFromReadme("incidents/2026/03/x", readme("kafka-lag-slow-consumer", "merged"));
    expect(merged?.corrected).toBeUndefined();
    expect(historyEntryFromReadme("incidents/2026/03/x", readme("null"))?.confirmed).toBe(false);
  });

  it("is listed among similar incidents as 'corrected by review', never 'confirmed by review'", () => {
    const md = (corrected: boolean) =>
      toMarkdown({
        type: "root",
        children: [
          similarList(
            [{ id: "x", path: "incidents/2026/03/x", rootCause: "c", confirmed: true, ...(corrected ? { corrected } : {}), reason: "same fingerprint" }],
            "incidents/2026/03/y",
            (p) => p,
          ),
        ],
      });
    expect(md(true)).toContain("root cause `c` (corrected by review)");
    expect(md(true)).not.toContain("confirmed by review");
    expect(md(false)).toContain("root cause `c` (confirmed by review)");
  });

  it("updates an index entry once, keeping the cause Pipemedic named, and memory reads it as corrected", () => {
    const incident = { id: "x", rootCause: { id: "unknown", confidence: 0.1, status: "inconclusive" } } as Incident;
    const once = applyCorrection(incident, "kafka-lag-slow-consumer");
    expect(once.rootCause).toEqual({ id: "kafka-lag-slow-consumer", confidence: 0.1, status: "corrected-by-review", named: "unknown" });
    expect(applyCorrection(once, "kafka-lag-slow-consumer")).toBe(once);
    expect(applyCorrection(once, "dq-volume-drop").rootCause?.named).toBe("unknown");
    expect(applyCorrection(incident, "  ")).toBe(incident);
    expect(entryFromIncident({ ...once, path: "p", fingerprints: [], pipelines: [], alertnames: [], openedAt: "" })).toMatchObject({
      rootCause: "kafka-lag-slow-consumer",
      corrected: true,
    });
  });

  it("puts one banner under the title, replaces it, and removes it, leaving the rest byte for byte", () => {
    const text = readme("kafka-lag-slow-consumer");
    const cause = { id: "kafka-lag-slow-consumer", confidence: 0, status: "corrected-by-review", named: "unknown" };
    const once = withReviewBanner(text, cause);
    expect(once.split("\n").slice(12, 16)).toEqual([
      "# X",
      "<!-- pipemedic:review -->",
      "> **Root cause corrected by review to `kafka-lag-slow-consumer` (Pipemedic had named `unknown`).** Memory uses this cause for similar incidents; the analysis below is Pipemedic's own, unchanged.",
      "<!-- /pipemedic:review -->",
    ]);
    expect(withReviewBanner(once, cause)).toBe(once);
    expect(withReviewBanner(once, { ...cause, id: "dq`evil`" })).toContain("corrected by review to `dq-evil-`");
    expect(withReviewBanner(once, { id: "unknown", confidence: 0, status: "inconclusive" })).toBe(text);
  });
});

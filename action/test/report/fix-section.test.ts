import { describe, expect, it } from "vitest";
import { parseIncidentFrontmatter } from "../../src/record/frontmatter.js";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { fixture } from "./fixture.js";
import { parsed, textOf } from "./mdast-helpers.js";

/**
 * The README's Fix section and its record's `fix` come from one decision (readme.ts, incidentFix): a
 * re-investigation that proposes no fix keeps the one an earlier investigation recorded, in both.
 */
describe("the Fix section after a re-investigation", () => {
  const recordedFix = { kind: "revert" as const, pr: 12, branch: "pipemedic/fix/2026-03-14-orders-consumer-lag-7f3a", state: "merged" as const };
  /** The README's Fix section as text, and its frontmatter record. */
  const fixOf = (readme: string) => {
    const { nodes } = parsed(readme);
    const at = nodes.findIndex((n) => n.type === "heading" && n.depth === 2 && textOf(n) === "Fix");
    const end = nodes.findIndex((n, i) => i > at && n.type === "heading" && n.depth === 2);
    const section = nodes.slice(at + 1, end).filter((n) => n.type === "paragraph" || n.type === "list");
    return { text: section.map((n) => textOf(n)).join("\n"), record: parseIncidentFrontmatter(readme).fix };
  };

  it("shows the fix an earlier investigation recorded when this one proposed none, as its record keeps it", () => {
    const input = fixture();
    input.fix = {
      ...input.fix!,
      kind: "none",
      path: null,
      description: "no fix: pipelines/orders/consumer.yaml already has the proposed values",
      branch: null,
      pr: null,
      state: "none",
    };
    const { text, record } = fixOf(buildIncidentFiles({ ...input, recordedFix })["README.md"]!);
    expect(record).toEqual(recordedFix);
    expect(text).toContain(
      "Revert, proposed by an earlier investigation of this incident; this one proposed none (no fix: pipelines/orders/consumer.yaml already has the proposed values).",
    );
    expect(text).toContain("branch pipemedic/fix/2026-03-14-orders-consumer-lag-7f3a");
    expect(text).toContain("pull request #12 (merged)");
    // Merged: nothing waits for a review any more.
    expect(text).not.toMatch(/No fix was proposed|No safe automatic fix|Nothing changes until/);
  });

  it("also when this run has no fix at all, and says an open one still waits for a review", () => {
    const input = fixture();
    input.fix = null;
    const { text, record } = fixOf(buildIncidentFiles({ ...input, recordedFix: { ...recordedFix, state: "open" } })["README.md"]!);
    expect(record).toEqual({ ...recordedFix, state: "open" });
    expect(text).toContain("Revert, proposed by an earlier investigation of this incident.\n");
    expect(text).toContain("pull request #12 (open)");
    expect(text).toContain("Nothing changes until a person reviews and merges it.");
    expect(text).not.toContain("No fix was proposed");
  });

  it("shows this run's fix when it proposed one, and no earlier one over none", () => {
    const input = fixture();
    const ours = fixOf(buildIncidentFiles({ ...input, recordedFix })["README.md"]!);
    expect(ours.record).toEqual({ kind: "config-patch", pr: 128, branch: input.fix!.branch, state: "open" });
    expect(ours.text).toContain("pull request #128 (open)");
    expect(ours.text).not.toContain("earlier");
    input.fix = { ...input.fix!, kind: "none", path: null, description: "", branch: null, pr: null, state: "none" };
    const none = fixOf(buildIncidentFiles({ ...input, recordedFix: null })["README.md"]!);
    expect(none.record).toMatchObject({ kind: "none", state: "none" });
    expect(none.text).toContain("No safe automatic fix.");
  });
});

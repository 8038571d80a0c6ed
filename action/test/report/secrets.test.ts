import { describe, expect, it } from "vitest";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { renderIncidentIndex } from "../../src/report/index.js";
import { renderJobSummary } from "../../src/report/summary.js";
import { alert, fixture } from "./fixture.js";
import { visibleText } from "./mdast-helpers.js";
import { SECRET_SAMPLES } from "./secret-corpus.js";
import { compilePatterns } from "../../src/redact.js";

/** The fixture with every corpus sample planted where alert, log and commit text reach the report. */
function leakyInput() {
  const all = SECRET_SAMPLES.map((s) => s.text).join("\n");
  const alerts = SECRET_SAMPLES.map((s, i) =>
    alert({
      id: `am-${i}`,
      title: s.text,
      fingerprint: `fp-${i}`,
      labels: { alertname: "Leak", detail: s.text },
      annotations: { description: s.text },
      links: [{ title: "runbook", url: `https://grafana.example.com/d/x?${s.text}` }],
    }),
  );
  const input = fixture({
    alerts,
    title: SECRET_SAMPLES[0]!.text,
    labels: { log: all, note: all },
    commitMessage: all,
    findings: Object.fromEntries(["members", "logs", "lag", "broker", "deploy"].map((k, i) => [k, SECRET_SAMPLES[i % SECRET_SAMPLES.length]!.text])),
  });
  input.problem.timeline.push(...SECRET_SAMPLES.map((s) => ({ at: "2026-03-14T10:20:00Z", kind: "event" as const, text: s.text })));
  input.fix!.description = all;
  input.investigation!.rca.gaps.push(...SECRET_SAMPLES.map((s) => `x/y: ${s.text}`));
  input.investigation!.evidence[0]!.data = { records: SECRET_SAMPLES.map((s) => ({ at: null, label: s.text })), env: { password: "plain-hunter2" } };
  input.investigation!.evidence[0]!.query = all;
  return input;
}

function expectNoSecret(path: string, content: string) {
  const seen = path.endsWith(".md") ? `${content}\n${visibleText(content)}` : content;
  for (const s of SECRET_SAMPLES) expect(seen, `${path} leaks a ${s.kind}`).not.toContain(s.secret);
  expect(seen, `${path} leaks a keyed password`).not.toContain("plain-hunter2");
}

describe("no credential reaches an artifact", () => {
  const input = leakyInput();

  it("incident files", () => {
    const files = buildIncidentFiles(input);
    expect(Object.keys(files).length).toBeGreaterThan(5);
    for (const [path, content] of Object.entries(files)) expectNoSecret(path, content);
    expect(files["README.md"]).toContain("[REDACTED:");
    // Redaction keeps the data files parseable.
    for (const [path, content] of Object.entries(files).filter(([p]) => p.endsWith(".json"))) expect((): unknown => JSON.parse(content), path).not.toThrow();
    for (const line of files["alerts.jsonl"]!.trimEnd().split("\n")) expect((): unknown => JSON.parse(line)).not.toThrow();
  });

  it("the job summary and the index", () => {
    expectNoSecret("summary", renderJobSummary({ ...input, reportPath: `${input.incident.path}/README.md` }));
    expectNoSecret("incidents/README.md", renderIncidentIndex(SECRET_SAMPLES.map((s, i) => ({ ...input.incident, id: `2026-03-14-x-${i}`, title: s.text }))));
  });

  it("a repository's own patterns", () => {
    const own = fixture({ title: "customer ACME-99812 lag" });
    const files = buildIncidentFiles(own, { redactPatterns: compilePatterns(["ACME-\\d+"]) });
    for (const content of Object.values(files)) expect(content).not.toContain("ACME-99812");
    expect(files["README.md"]).toContain("[REDACTED:custom]");
  });
});

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { firstSeverity, knownSeverity, SEVERITY_WORDS, severityOf } from "../../src/ingest/severity.js";

describe("severity", () => {
  it.each([
    ["P1", "critical"],
    ["p2", "high"],
    ["P3", "medium"],
    ["P4", "low"],
    ["P5", "info"],
    ["SEV1", "critical"],
    ["sev-2", "high"],
    ["Sev 3", "medium"],
    ["SEV_4", "low"],
    ["critical", "critical"],
    ["fatal", "critical"],
    ["page", "critical"],
    ["error", "high"],
    ["Error", "high"],
    ["major", "high"],
    ["ALARM", "high"],
    ["warning", "medium"],
    ["warn", "medium"],
    ["Warning", "medium"],
    ["No Data", "medium"],
    ["minor", "low"],
    ["INSUFFICIENT_DATA", "low"],
    ["cancelled", "low"],
    ["info", "info"],
    ["OK", "info"],
    ["success", "info"],
    ["debug", "info"],
    ["P1 - Critical", "critical"],
    ["SEV2 (major)", "high"],
    // Zabbix, ServiceNow/Netcool, CAP and java.util.logging words, as relays forward them.
    ["Disaster", "critical"],
    ["High", "high"],
    ["Average", "medium"],
    ["Information", "info"],
    ["Not classified", "info"],
    ["not_classified", "info"],
    ["Major", "high"],
    ["Minor", "low"],
    ["Clear", "info"],
    ["Extreme", "critical"],
    ["Severe", "high"],
    ["SEVERE", "high"],
    ["Moderate", "medium"],
  ] as const)("maps %s to %s", (word, expected) => {
    expect(severityOf(word)).toBe(expected);
  });

  it("maps numbers 0..5 as priorities and everything else unknown to medium", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => severityOf(n))).toEqual(["critical", "critical", "high", "medium", "low", "info"]);
    expect(severityOf("2")).toBe("high");
    for (const unknown of ["spicy", "", 7, -1, 2.5, null, undefined, {}, ["critical"], "P12", "constructor", "__proto__"]) {
      expect(severityOf(unknown)).toBe("medium");
      expect(knownSeverity(unknown)).toBeNull();
    }
  });

  it("takes the first known severity of several candidates", () => {
    expect(firstSeverity(undefined, "", "spicy", "P2", "critical")).toBe("high");
    expect(firstSeverity()).toBe("medium");
  });

  it("only holds compact lower-case words, so lookups can find them", () => {
    for (const word of Object.keys(SEVERITY_WORDS)) expect(word).toMatch(/^[a-z0-9]+$/);
  });

  it("reads a word of the table as it stands exactly as after compacting it (its fast path)", () => {
    for (const [word, severity] of Object.entries(SEVERITY_WORDS)) {
      // A bare digit is read as a priority before the table: none may be a word of it.
      expect(word).not.toMatch(/^[0-5]$/);
      expect(knownSeverity(word)).toBe(severity);
      expect(knownSeverity(` ${word.toUpperCase()} `)).toBe(severity);
    }
  });

  it("is the table docs/sources.md shows, word for word", () => {
    const docs = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/sources.md"), "utf8");
    const section = docs.slice(docs.indexOf("### Severity"), docs.indexOf("## repository_dispatch"));
    const documented = new Map<string, string>();
    for (const row of section.split("\n").filter((l) => /^\| (critical|high|medium|low|info) \|/.test(l))) {
      const [, severity, words] = row.split("|").map((c) => c.trim());
      for (const [, w] of words!.matchAll(/`([^`]+)`/g)) documented.set(w!.toLowerCase().replace(/[\s_-]+/g, ""), severity!);
    }
    for (const [word, severity] of Object.entries(SEVERITY_WORDS)) expect(documented.get(word), word).toBe(severity);
    for (const [word, severity] of documented) expect(severityOf(word), word).toBe(severity);
  });

  it("places other tools' scales as docs/sources.md says (Zabbix, ServiceNow, CAP, syslog, java.util.logging)", () => {
    const docs = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/sources.md"), "utf8");
    const section = docs.slice(docs.indexOf("| scale |"), docs.indexOf("## repository_dispatch"));
    const rows = section.split("\n").filter((l) => l.startsWith("| ") && l.includes("→"));
    expect(rows.map((r) => r.split("|")[1]!.trim())).toEqual([
      "Zabbix",
      "ServiceNow, IBM Netcool",
      "CAP (weather and public alerts)",
      "syslog",
      "java.util.logging",
    ]);
    let checked = 0;
    for (const row of rows) {
      // "Emergency → critical, Alert → high, …, Notice, Informational, Debug → info": words gather until an arrow names their severity.
      let pending: string[] = [];
      for (const part of row
        .split("|")[2]!
        .split(",")
        .map((p) => p.trim())) {
        const [word, severity] = part.split(" → ");
        pending.push(word!);
        if (severity === undefined) continue;
        for (const w of pending) expect(severityOf(w), `${row.split("|")[1]!.trim()}: ${w}`).toBe(severity);
        checked += pending.length;
        pending = [];
      }
      expect(pending, row).toEqual([]);
    }
    expect(checked).toBeGreaterThan(20);
  });
});

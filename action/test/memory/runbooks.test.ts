import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatLintError, loadRunbooks, mergeRunbooks } from "../../src/memory/runbooks.js";
import { objectContaining, stringMatching } from "../support/match.js";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const GOOD = `---
id: kafka-lag-rebalance-storm
title: Consumer group rebalance storm
applies_to: { alerts: ["KafkaConsumerGroupLag*"], components: [kafka] }
prior: 0.2
deeper: [kafka-lag-slow-consumer]
checks:
  - id: members-oscillate
    metric: kafka_consumergroup_members{consumergroup="{{pipeline.kafka.consumer_group}}"}
    primitive: oscillation
    window: -2h
    pass_if: { changes: ">= 3" }
    weight: strong
  - id: commit-failed-logs
    logs: {service: "{{pipeline.service}}"}
    match: "CommitFailedException|maximum poll interval"
    primitive: count
    window: 1h
    pass_if: { count: ">= 1" }
remediation:
  kind: config-patch
  path: "{{pipeline.config.consumer}}"
  set: { max.poll.interval.ms: 600000 }
---
## Why it happens
Prose.
`;

const SLOW = `---
id: kafka-lag-slow-consumer
title: Slow consumer
applies_to: { components: [kafka] }
checks:
  - id: deploy
    changes: { scope: pipeline }
    primitive: change_in_window
    window: 3h
    pass_if: { count: ">= 1" }
---
`;

/** A runbook with one check replaced by the given YAML lines (indented as a list item). */
function withCheck(check: string, extra = ""): string {
  return `---
id: x
title: X
applies_to: { alerts: ["A*"] }
${extra}checks:
${check}
---
`;
}

function errorsOf(text: string, file = "runbooks/x.md"): string[] {
  const r = loadRunbooks({ [file]: text });
  return r.errors.map(formatLintError);
}

describe("loadRunbooks", () => {
  it("loads meta, file and body, with defaults applied", () => {
    const { runbooks, errors } = loadRunbooks({
      "runbooks/kafka-lag-rebalance-storm.md": GOOD,
      "runbooks/kafka-lag-slow-consumer.md": SLOW,
      "runbooks/README.md": "# index",
    });
    expect(errors).toEqual([]);
    expect(runbooks.map((r) => r.id)).toEqual(["kafka-lag-rebalance-storm", "kafka-lag-slow-consumer"]);
    const storm = runbooks[0]!;
    expect(storm.file).toBe("runbooks/kafka-lag-rebalance-storm.md");
    expect(storm.body).toBe("## Why it happens\nProse.\n");
    expect(storm.checks[1]).toMatchObject({ id: "commit-failed-logs", anchor: "now", rate: false, aggregate: "none", weight: "moderate", role: "confirm" });
  });

  it("loads every runbook the project ships without an error", async () => {
    const names = (await readdir(join(REPO_ROOT, "runbooks"))).filter((n) => n.endsWith(".md"));
    const files = Object.fromEntries(
      await Promise.all(names.map(async (n): Promise<[string, string]> => [`runbooks/${n}`, await readFile(join(REPO_ROOT, "runbooks", n), "utf8")])),
    );
    const { runbooks, errors } = loadRunbooks(files);
    expect(errors.filter((e) => e.severity === "error").map(formatLintError)).toEqual([]);
    expect(runbooks).toHaveLength(names.length);
  });

  it("names the selector error with file, line, field and what to write instead", () => {
    const text = withCheck(`  - id: a
    logs: { service: x }
    primitive: count
    pass_if: { count: ">= 1" }
  - id: b
    metric: sum(rate(x[5m]))
    primitive: threshold
    pass_if: { value: "> 1" }`);
    expect(errorsOf(text)).toEqual([
      'runbooks/x.md:11: checks[1].metric: expected a metric selector name{label="value"}, got "sum(rate(x[5m]))" (fix: functions are not supported (found "(" at column 4); name the bare metric and use the check\'s `rate` and `aggregate` fields)',
    ]);
  });

  it("leaves a broken runbook out and keeps the good ones", () => {
    const broken = withCheck(`  - id: a
    metric: x > 1
    primitive: threshold
    pass_if: { value: "> 1" }`);
    const { runbooks, errors } = loadRunbooks({ "runbooks/x.md": broken, "runbooks/kafka-lag-slow-consumer.md": SLOW });
    expect(runbooks.map((r) => r.id)).toEqual(["kafka-lag-slow-consumer"]);
    expect(errors).toEqual([objectContaining({ file: "runbooks/x.md", field: "checks[0].metric", severity: "error" })]);
  });

  it("reports schema errors by field with a fix", () => {
    const text = `---
id: x
applies_to: {}
checks:
  - id: a
    metric: up
    primitive: thresold
    window: 5 minutes
    pass_if: { value: "about 3" }
---
`;
    expect(errorsOf(text)).toEqual([
      "runbooks/x.md:2: title: Required (fix: add a one-line title)",
      'runbooks/x.md:7: checks[0].primitive: expected one of "threshold", "step_change", "oscillation", "growth", "skew", "count", "change_in_window", "schema_diff", got "thresold" (fix: use one of threshold, step_change, oscillation, growth, skew, count, change_in_window, schema_diff)',
      'runbooks/x.md:8: checks[0].window: expected a duration such as "30s", "5m", "2h", got "5 minutes" (fix: write a duration such as "15m" or "2h")',
      'runbooks/x.md:9: checks[0].pass_if.value: expected a comparison such as ">= 3", got "about 3" (fix: write a comparison such as ">= 1", "< 0.5" or "== 0")',
    ]);
  });

  it("requires exactly one data source per check", () => {
    const text = withCheck(`  - id: a
    metric: up
    logs: { service: x }
    primitive: threshold
    pass_if: { value: "> 1" }`);
    expect(errorsOf(text)).toEqual([
      "runbooks/x.md:6: checks[0]: a check reads exactly one of metric, logs, changes, events, orchestrator, warehouse, alert; got metric, logs (fix: give the check exactly one of metric, logs, changes, events, orchestrator, warehouse, alert)",
    ]);
  });

  it.each([
    [
      "threshold on logs",
      "logs: { service: x }\n    primitive: threshold\n    pass_if: { value: '> 1' }",
      "checks[0].primitive: threshold reads a metric, or orchestrator/warehouse records with `field`; this check reads logs",
    ],
    [
      "threshold on records without field",
      "orchestrator: { kind: pools }\n    primitive: threshold\n    pass_if: { value: '> 1' }",
      "checks[0].primitive: threshold over orchestrator records needs `field`",
    ],
    [
      "step_change on events",
      "events: { kind: k8s.pod.oomkilled }\n    primitive: step_change\n    pass_if: { ratio: '> 1' }",
      "checks[0].primitive: step_change reads a metric, or orchestrator/warehouse records with `field`; this check reads events",
    ],
    [
      "count on a metric",
      "metric: up\n    primitive: count\n    pass_if: { count: '> 1' }",
      "checks[0].primitive: count reads records (logs, events, changes, orchestrator, warehouse or the alert); this check reads a metric",
    ],
    [
      "change_in_window on logs",
      "logs: { service: x }\n    primitive: change_in_window\n    pass_if: { count: '> 1' }",
      "checks[0].primitive: change_in_window reads changes or events; this check reads logs",
    ],
    [
      "schema_diff on query errors",
      "warehouse: { kind: query_errors }\n    primitive: schema_diff\n    pass_if: { removed: '>= 1' }",
      "checks[0].primitive: schema_diff reads warehouse schema snapshots",
    ],
    [
      "a pass_if key the primitive does not produce",
      "metric: up\n    primitive: growth\n    pass_if: { value: '> 1' }",
      'checks[0].pass_if.value: growth produces no "value" (fix: compare one of rising, increase, ratio)',
    ],
    [
      "an empty pass_if",
      "metric: up\n    primitive: threshold\n    pass_if: {}",
      "checks[0].pass_if: pass_if has no comparison, so the check could never fail (fix: add a comparison on value)",
    ],
    [
      "a regex that does not compile",
      "logs: { service: x }\n    match: 'a(b'\n    primitive: count\n    pass_if: { count: '> 1' }",
      'checks[0].match: the pattern "a(b" is not valid RE2 syntax',
    ],
    [
      "an unknown template",
      "metric: up{a=\"{{alert.label.x}}\"}\n    primitive: threshold\n    pass_if: { value: '> 1' }",
      'checks[0].metric: unknown template "{{alert.label.x}}"',
    ],
    [
      "an unclosed template",
      "logs: { service: \"{{pipeline.id\" }\n    primitive: count\n    pass_if: { count: '> 1' }",
      'checks[0].logs.service: unknown template "{{pipeline.id"',
    ],
    [
      "a template with an expression",
      "events: { kind: x, labels: { pod: \"{{ alert.labels.pod | upper }}\" } }\n    primitive: count\n    pass_if: { count: '> 1' }",
      "checks[0].events.labels.pod: unknown template",
    ],
  ])("refuses %s", (_name, check, expected) => {
    const errors = errorsOf(withCheck(`  - id: a\n    ${check}`));
    expect(errors.some((e) => e.includes(expected))).toBe(true);
    expect(errors.every((e) => e.startsWith("runbooks/x.md:"))).toBe(true);
  });

  it.each([
    'metric: m{a="{{alert.labels.consumergroup}}", b="{{alert.annotations.summary}}", c="{{pipeline.id}}"}\n    primitive: threshold\n    pass_if: { value: \'> 1\' }',
    'logs: { service: "{{pipeline.service}}", path: "{{pipeline.config.consumer}}", d: "{{ pipeline.airflow.dag_id }}" }\n    primitive: count\n    pass_if: { count: \'> 1\' }',
    "orchestrator: { kind: pools, where: { name: \"{{pipeline.airflow.pool}}\" } }\n    primitive: threshold\n    field: open_slots\n    pass_if: { value: '<= 0' }",
    "warehouse: { kind: schemas, where: { table: \"{{pipeline.warehouse.table}}\" } }\n    primitive: schema_diff\n    pass_if: { removed: '>= 1' }",
    'events: { kind: "k8s.*" }\n    match: "evict|a{2}"\n    primitive: change_in_window\n    pass_if: { count: \'>= 1\' }',
  ])("accepts %s", (check) => {
    expect(errorsOf(withCheck(`  - id: a\n    ${check}`))).toEqual([]);
  });

  it("refuses duplicate check ids and a revert naming no check", () => {
    const text = withCheck(
      `  - id: a
    metric: up
    primitive: threshold
    pass_if: { value: "> 1" }
  - id: a
    metric: up
    primitive: threshold
    pass_if: { value: "> 1" }`,
    ).replace(/---\n$/, "remediation: { kind: revert, from_check: deploy }\n---\n");
    expect(errorsOf(text)).toEqual([
      'runbooks/x.md:10: checks[1].id: check id "a" is used twice (fix: give every check of a runbook its own id)',
      'runbooks/x.md:14: remediation.from_check: no check has id "deploy" (fix: name one of a, a)',
    ]);
  });

  // Issue #16, section 6: an alert must not choose the file a fix edits.
  it("refuses a remediation.path templated from the alert or from a subject, naming the file and the field, and leaves the runbook out", () => {
    const check = "  - id: a\n    metric: up\n    primitive: threshold\n    pass_if: { value: '> 1' }";
    for (const path of ["{{alert.labels.config_file}}", "configs/{{ alert.annotations.file }}.yaml", "pipelines/{{kafka.consumer_group}}/consumer.yaml"]) {
      const text = withCheck(check).replace(/---\n$/, `remediation: { kind: config-patch, path: "${path}", set: { a: 1 } }\n---\n`);
      const { runbooks, errors } = loadRunbooks({ "runbooks/x.md": text });
      expect(runbooks).toEqual([]);
      expect(errors.map(formatLintError)).toEqual([
        stringMatching(/^runbooks\/x\.md:\d+: remediation\.path: remediation\.path may be templated from knowledge only, never from the alert: \{\{/),
      ]);
    }
    const knowledge = withCheck(check).replace(/---\n$/, 'remediation: { kind: config-patch, path: "{{pipeline.config.consumer}}", set: { a: 1 } }\n---\n');
    expect(errorsOf(knowledge)).toEqual([]);
  });

  it("warns about deeper ids that do not exist, and keeps the runbook", () => {
    const { runbooks, errors } = loadRunbooks({ "runbooks/kafka-lag-rebalance-storm.md": GOOD });
    expect(runbooks).toHaveLength(1);
    expect(errors.map(formatLintError)).toEqual([
      'runbooks/kafka-lag-rebalance-storm.md:6: deeper[0]: no runbook has id "kafka-lag-slow-consumer" (fix: write that runbook, or remove the id) [warning]',
    ]);
  });

  // Issue #17, item 7: two files with one id are an error naming both; the file named after the id is the one used.
  it("uses the file named after the id when two runbooks share it, and names both files in the error", () => {
    const { runbooks, errors } = loadRunbooks({ "runbooks/a.md": SLOW.replace("Slow consumer", "Copy"), "runbooks/kafka-lag-slow-consumer.md": SLOW });
    expect(runbooks.map((r) => [r.file, r.title])).toEqual([["runbooks/kafka-lag-slow-consumer.md", "Slow consumer"]]);
    expect(errors.filter((e) => e.severity === "error").map(formatLintError)).toEqual([
      'runbooks/a.md:2: id: runbook id "kafka-lag-slow-consumer" is used by both runbooks/kafka-lag-slow-consumer.md and runbooks/a.md; runbooks/kafka-lag-slow-consumer.md is used and runbooks/a.md is ignored (fix: give each runbook its own id (the file name without .md): rename the id in runbooks/a.md or in runbooks/kafka-lag-slow-consumer.md)',
    ]);
  });

  it("uses the first by path when neither file is named after the shared id", () => {
    const { runbooks, errors } = loadRunbooks({ "runbooks/b.md": SLOW.replace("Slow consumer", "B"), "runbooks/a.md": SLOW.replace("Slow consumer", "A") });
    expect(runbooks.map((r) => r.title)).toEqual(["A"]);
    expect(errors.filter((e) => e.severity === "error").map((e) => `${e.file}: ${e.message}`)).toEqual([
      'runbooks/b.md: runbook id "kafka-lag-slow-consumer" is used by both runbooks/a.md and runbooks/b.md; runbooks/a.md is used and runbooks/b.md is ignored',
    ]);
  });

  it("merges: the same id replaces, new ids are added", () => {
    const base = loadRunbooks({ "runbooks/kafka-lag-rebalance-storm.md": GOOD, "runbooks/kafka-lag-slow-consumer.md": SLOW }).runbooks;
    const over = loadRunbooks({
      "runbooks/kafka-lag-slow-consumer.md": SLOW.replace("Slow consumer", "Scenario's own"),
      "runbooks/x.md": withCheck("  - id: a\n    metric: up\n    primitive: threshold\n    pass_if: { value: '> 1' }"),
    }).runbooks;
    const merged = mergeRunbooks(base, over);
    expect(merged.map((r) => `${r.id}:${r.title}`)).toEqual([
      "kafka-lag-rebalance-storm:Consumer group rebalance storm",
      "kafka-lag-slow-consumer:Scenario's own",
      "x:X",
    ]);
  });
});

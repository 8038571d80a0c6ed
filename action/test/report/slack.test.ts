import { describe, expect, it } from "vitest";
import { cli } from "../../src/cli/index.js";
import type { CliIo } from "../../src/cli/io.js";
import type { IncidentOutput } from "../../src/model/index.js";
import { mrkdwnText, slackMessage, type SlackMessage } from "../../src/report/slack.js";
import { slackLimitErrors, slackTypeErrors } from "../support/slack-blocks.js";

const confirmed: IncidentOutput = {
  id: "2026-03-14-orders-consumer-lag-7f3a",
  title: "KafkaConsumerGroupLag orders-consumer",
  status: "open",
  root_cause: "kafka-lag-slow-consumer",
  conclusion: "confirmed",
  confidence: 0.87,
  report_url: "https://github.com/acme/data-ops/blob/main/incidents/2026/03/2026-03-14-orders-consumer-lag-7f3a/README.md",
  fix_pr_url: "https://github.com/acme/data-ops/pull/42",
};
const inconclusive: IncidentOutput = {
  ...confirmed,
  id: "2026-03-14-dag-late-1a2b",
  root_cause: "unknown",
  conclusion: "inconclusive",
  confidence: 0.31,
  fix_pr_url: null,
};
const awaiting: IncidentOutput = {
  ...confirmed,
  id: "2026-03-14-disk-9c8d",
  root_cause: null,
  conclusion: "not-investigated",
  confidence: null,
  fix_pr_url: null,
  status: "resolved",
};
const local: IncidentOutput = { ...confirmed, report_url: "incidents/2026/03/x/README.md", fix_pr_url: null };
const hostile: IncidentOutput = {
  ...confirmed,
  title: "<!here> @channel *urgent* <https://evil.example|click me> & `rm -rf` @\u200bhere\u0007",
  root_cause: "x`<!channel>`&",
  report_url: "https://github.com/acme/data-ops/blob/main/a|b>c&d",
};

/** Every mrkdwn string of a message. */
function mrkdwns(m: SlackMessage): string[] {
  const out: string[] = [];
  for (const b of m.blocks as Array<{ text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> }>) {
    for (const t of [b.text, ...(b.elements ?? [])]) if (t?.type === "mrkdwn") out.push(t.text);
  }
  return out;
}

describe("the Slack message for the Action's outputs", () => {
  const cases: Record<string, SlackMessage> = {
    confirmed: slackMessage([confirmed]),
    mixed: slackMessage([confirmed, inconclusive, awaiting], { unparsedCount: 2, runUrl: "https://github.com/acme/data-ops/actions/runs/1" }),
    local: slackMessage([local]),
    empty: slackMessage([]),
    unparsedOnly: slackMessage([], { unparsedCount: 1 }),
    storm: slackMessage(Array.from({ length: 30 }, (_, n) => ({ ...confirmed, id: `2026-03-14-storm-${n}` }))),
    hostile: slackMessage([hostile]),
  };

  it("type-checks against the official Slack SDK's Block Kit types, every variant", () => {
    expect(slackTypeErrors(Object.values(cases))).toEqual([]);
  });

  it("the type check refuses what Slack would refuse (an unknown block, a mrkdwn header, a missing text)", () => {
    const errors = slackTypeErrors([
      { text: "x", blocks: [{ type: "headr", text: { type: "plain_text", text: "x" } }] },
      { text: "x", blocks: [{ type: "header", text: { type: "mrkdwn", text: "x" } }] },
      { blocks: [{ type: "divider" }] },
    ]);
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps within Slack's block count and text lengths, counting what it does not show", () => {
    for (const [name, m] of Object.entries(cases)) expect(slackLimitErrors(m as never), name).toEqual([]);
    expect(cases.storm!.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(cases.storm)).toContain("and 20 more incidents");
  });

  it("says the cause, the conclusion, the confidence and links the report and the fix", () => {
    const text = mrkdwns(cases.confirmed!).join("\n");
    expect(text).toContain("*Root cause:* `kafka-lag-slow-consumer` — *confirmed*, confidence 0.87.");
    expect(text).toContain(`<${confirmed.report_url}|Report>`);
    expect(text).toContain(`<${confirmed.fix_pr_url}|Fix pull request>`);
    expect(cases.confirmed!.text).toBe("Pipemedic: 1 incident: kafka-lag-slow-consumer (confirmed)");
    const mixed = mrkdwns(cases.mixed!).join("\n");
    expect(mixed).toContain("*Root cause: unknown* (inconclusive, confidence 0.31).");
    expect(mixed).toContain("*Not investigated:* recorded and awaiting a manual trigger");
    expect(mixed).toContain("The alert has resolved.");
    expect(mixed).toContain("2 alert bodies could not be parsed");
    expect(mixed).toContain("<https://github.com/acme/data-ops/actions/runs/1|Workflow run>");
  });

  it("shows a repository path (a local run) as code, not as a link", () => {
    expect(mrkdwns(cases.local!).join("\n")).toContain("Report: `incidents/2026/03/x/README.md`");
  });

  it("never lets alert text become a mention, a link or formatting", () => {
    const m = cases.hostile!;
    // The title is plain text (shown as is), and its broadcast words are broken.
    const title = (m.blocks[1] as { text: { type: string; text: string } }).text;
    expect(title.type).toBe("plain_text");
    expect(title.text).not.toMatch(/@(channel|here)\b/);
    expect(title.text).toContain("@\u2060channel");
    // A zero-width character cannot hide a broadcast word from the check, nor a control character reach Slack.
    expect(title.text).toContain("@\u2060here");
    expect([...title.text].filter((ch) => ch.charCodeAt(0) < 0x20 || ch === "\u200b")).toEqual([]);
    // No mrkdwn string holds an unescaped control sequence from the alert.
    for (const t of mrkdwns(m)) {
      expect(t).not.toMatch(/<!|<@|<https:\/\/evil/);
      expect(t).not.toContain("`<");
    }
    const all = mrkdwns(m).join("\n");
    expect(all).toContain("`x'&lt;!channel&gt;'&amp;`");
    expect(all).toContain("<https://github.com/acme/data-ops/blob/main/a%7Cb%3Ec&amp;d|Report>");
    expect(m.text).not.toContain("<!");
    expect(m.text).not.toContain("urgent");
  });

  it("escapes Slack's control characters and breaks broadcast words in mrkdwn", () => {
    expect(mrkdwnText("a < b && c > d <!everyone> @here")).toBe("a &lt; b &amp;&amp; c &gt; d &lt;!everyone&gt; @\u2060here");
  });
});

function io() {
  const said = { out: "", err: "" };
  const fake: CliIo = {
    out: (t) => void (said.out += t),
    err: (t) => void (said.err += t),
    env: {},
    tty: false,
    stopped: () => new Promise(() => undefined),
  };
  return { fake, said };
}

describe("pipemedic notify slack", () => {
  it("prints the message for the incidents output", async () => {
    const { fake, said } = io();
    expect(await cli(["notify", "slack", "--incidents", JSON.stringify([confirmed]), "--unparsed-count", "1"], fake)).toBe(0);
    const message = JSON.parse(said.out) as SlackMessage;
    expect(message).toEqual(slackMessage([confirmed], { unparsedCount: 1 }));
    expect(slackTypeErrors([message])).toEqual([]);
  });

  it("refuses input that is not the incidents output, naming the field, with exit 2", async () => {
    const bad = io();
    expect(await cli(["notify", "slack", "--incidents", JSON.stringify([{ ...confirmed, conclusion: "sure" }])], bad.fake)).toBe(2);
    expect(bad.said.err).toContain("--incidents: [0].conclusion:");
    const notJson = io();
    expect(await cli(["notify", "slack", "--incidents", "{oops"], notJson.fake)).toBe(2);
    expect(notJson.said.err).toContain("--incidents: not JSON");
    const target = io();
    expect(await cli(["notify", "teams", "--incidents", "[]"], target.fake)).toBe(2);
    expect(target.said.err).toContain("the one target is slack");
    const missing = io();
    expect(await cli(["notify", "slack", "--incidents", "@/nonexistent/incidents.json"], missing.fake)).toBe(2);
    expect(missing.said.err).toContain("no such file");
  });
});

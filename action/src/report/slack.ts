import type { ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { IncidentOutput } from "../model/index.js";
import { oneLine, visible } from "../untrusted-text.js";
import { count } from "./markdown/format.js";

/** A Slack message: `text` for notifications and screen readers, `blocks` for the message itself. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Slack's published limits (Block Kit reference): blocks per message, header and section text lengths. */
export const SLACK_LIMITS = { blocks: 50, header: 150, section: 3000, contextElements: 10 } as const;

/** Incidents shown one by one; the rest are counted in one line, so a storm stays one readable message. */
const SHOWN = 10;

/**
 * Text for a `mrkdwn` object: Slack's three control characters escaped (so `<!here>`, `<@U123>` and
 * `<url|label>` cannot be written by an alert), and broadcast words (@channel, @here, @everyone) broken
 * with a word joiner so they never notify anyone.
 */
export function mrkdwnText(text: string): string {
  return quietBroadcasts(visible(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/** Breaks @channel, @here and @everyone with a word joiner: shown the same, never a mention. */
function quietBroadcasts(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, "@\u2060$1");
}

/** Text for a `plain_text` object (shown as is, no formatting): visible characters on one line, cut to `max`, broadcast words broken. */
function plain(text: string, max: number): string {
  // Invisible and control characters dropped first, so none can hide a word from the reader.
  return quietBroadcasts(oneLine(text, max));
}

/** An id shown in a code span: escaped, and without the backticks that would end the span. */
function codeSpan(id: string): string {
  return `\`${mrkdwnText(id.replace(/`/g, "'").slice(0, 120))}\``;
}

/** A mrkdwn link to an http(s) URL; anything else (a repository path on a local run) is shown as code. */
function linkTo(url: string, label: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return `${label}: ${codeSpan(url)}`;
  // In `<url|label>` the first `|` ends the URL: encode it, and escape the control characters.
  return `<${url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C")}|${label}>`;
}

function causeLine(i: IncidentOutput): string {
  const status = i.status === "resolved" ? " The alert has resolved." : "";
  if (i.conclusion === "not-investigated") return `*Not investigated:* recorded and awaiting a manual trigger of the Investigate workflow.${status}`;
  const confidence = i.confidence === null ? "" : `, confidence ${i.confidence.toFixed(2)}`;
  if (i.conclusion === "inconclusive" || i.root_cause === null || i.root_cause === "unknown")
    return `*Root cause: unknown* (inconclusive${i.root_cause && i.root_cause !== "unknown" ? `; best candidate ${codeSpan(i.root_cause)}` : ""}${confidence}).${status}`;
  return `*Root cause:* ${codeSpan(i.root_cause)} — *${i.conclusion}*${confidence}.${status}`;
}

function incidentBlocks(i: IncidentOutput): KnownBlock[] {
  // The title comes from the alert: plain text, never mrkdwn.
  const title: SectionBlock = { type: "section", text: { type: "plain_text", text: plain(i.title, 300) || i.id, emoji: false } };
  const cause: SectionBlock = { type: "section", text: { type: "mrkdwn", text: causeLine(i), verbatim: true } };
  const links = [linkTo(i.report_url, "Report"), ...(i.fix_pr_url ? [linkTo(i.fix_pr_url, "Fix pull request")] : []), codeSpan(i.id)];
  const context: ContextBlock = { type: "context", elements: [{ type: "mrkdwn", text: links.join(" · "), verbatim: true }] };
  return [title, cause, context];
}

/**
 * The Slack message for a run, from the Action's `incidents` and `unparsed-count` outputs: a header,
 * then per incident its title (plain text), root cause and links; the first ten incidents one by one,
 * the others counted. Alert text never becomes a mention, a link or formatting.
 */
export function slackMessage(incidents: IncidentOutput[], opts: { unparsedCount?: number; runUrl?: string } = {}): SlackMessage {
  const unparsed = opts.unparsedCount ?? 0;
  const header: HeaderBlock = {
    type: "header",
    text: { type: "plain_text", text: incidents.length ? `Pipemedic: ${count(incidents.length, "incident")}` : "Pipemedic", emoji: false },
  };
  const blocks: KnownBlock[] = [header];
  incidents.slice(0, SHOWN).forEach((i, n) => {
    if (n > 0) blocks.push({ type: "divider" } satisfies DividerBlock);
    blocks.push(...incidentBlocks(i));
  });
  const notes: string[] = [];
  if (incidents.length > SHOWN) notes.push(`…and ${count(incidents.length - SHOWN, "more incident")}: see the job summary.`);
  if (unparsed > 0) notes.push(`${count(unparsed, "alert body", "alert bodies")} could not be parsed; each is kept under \`incidents/_unparsed/\`.`);
  if (!incidents.length && !unparsed) notes.push("No alert was recorded in this run.");
  if (opts.runUrl) notes.push(linkTo(opts.runUrl, "Workflow run"));
  if (notes.length) blocks.push({ type: "context", elements: notes.map((text) => ({ type: "mrkdwn" as const, text, verbatim: true })) });
  return { text: fallbackText(incidents, unparsed), blocks };
}

/** The notification line: our words and catalogue ids only, no alert text. */
function fallbackText(incidents: IncidentOutput[], unparsed: number): string {
  const causes = incidents.map((i) =>
    i.conclusion === "not-investigated"
      ? "not investigated"
      : i.root_cause && i.root_cause !== "unknown"
        ? `${i.root_cause} (${i.conclusion})`
        : "root cause unknown",
  );
  const head = incidents.length
    ? `Pipemedic: ${count(incidents.length, "incident")}: ${causes.slice(0, 3).join("; ")}${causes.length > 3 ? "; …" : ""}`
    : "Pipemedic";
  return mrkdwnText(unparsed ? `${head}. ${count(unparsed, "alert body", "alert bodies")} could not be parsed.` : head);
}

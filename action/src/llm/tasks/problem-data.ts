import type { Pattern } from "../../patterns.js";
import type { Alert, Problem } from "../../model/index.js";
import { redactValue } from "../../redact.js";
import { cut } from "../../untrusted-text.js";
import { redactedLine } from "./text.js";

/**
 * The problem as the LLM sees it: a compact, redacted projection. Lists are capped and long strings
 * cut so a prompt stays near a few thousand tokens even for an alert storm; when the document is
 * still too large, the caps are halved until it fits.
 */

/** Caps of one projection; `shrink` halves them. */
interface Caps {
  alerts: number;
  labels: number;
  annotations: number;
  text: number;
  commits: number;
  files: number;
  deployments: number;
  timeline: number;
  similar: number;
  pipelines: number;
  components: number;
}

const CAPS: Caps = {
  alerts: 10,
  labels: 16,
  annotations: 6,
  text: 300,
  commits: 12,
  files: 8,
  deployments: 10,
  timeline: 24,
  similar: 5,
  pipelines: 6,
  components: 10,
};
/** The problem document's size limit in characters (about 6,000 tokens). */
export const MAX_PROBLEM_CHARS = 24_000;

function shrink(c: Caps): Caps {
  const half = (n: number) => Math.max(1, Math.floor(n / 2));
  return {
    alerts: half(c.alerts),
    labels: half(c.labels),
    annotations: half(c.annotations),
    text: Math.max(60, Math.floor(c.text / 2)),
    commits: half(c.commits),
    files: half(c.files),
    deployments: half(c.deployments),
    timeline: half(c.timeline),
    similar: half(c.similar),
    pipelines: half(c.pipelines),
    components: half(c.components),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** At most `n` entries of a string map, each value one cut line; the count of dropped entries is kept. */
function capMap(map: Record<string, string>, n: number, max: number, patterns: Pattern[]): Record<string, string> {
  const entries = Object.entries(map);
  const out: Record<string, string> = {};
  for (const [k, v] of entries.slice(0, n)) out[redactedLine(k, 60, patterns)] = redactedLine(v, max, patterns);
  if (entries.length > n) out["…"] = `${entries.length - n} more`;
  return out;
}

function alertData(a: Alert, c: Caps, patterns: Pattern[]) {
  return {
    title: redactedLine(a.title, c.text, patterns),
    source: a.source,
    severity: a.severity,
    status: a.status,
    starts_at: a.startsAt,
    ...(a.pipeline ? { pipeline: a.pipeline } : {}),
    ...(a.service ? { service: a.service } : {}),
    labels: capMap(a.labels, c.labels, 120, patterns),
    annotations: capMap(a.annotations, c.annotations, c.text, patterns),
  };
}

function project(problem: Problem, c: Caps, patterns: Pattern[]) {
  // Firing alerts first, distinct titles first: an alert storm repeats itself.
  const firing = [...problem.alerts].sort((a, b) => Number(b.status === "firing") - Number(a.status === "firing"));
  const titles = new Set<string>();
  const first = firing.filter((a) => !titles.has(a.title) && titles.add(a.title));
  const alerts = [...first, ...firing.filter((a) => !first.includes(a))].slice(0, c.alerts);
  const commits = [...problem.changes.commits].sort((a, b) => b.at.localeCompare(a.at));
  const deployments = [...problem.changes.deployments].sort((a, b) => b.at.localeCompare(a.at));
  return {
    incident: problem.incidentId,
    title: redactedLine(problem.title, c.text, patterns),
    now: iso(problem.now),
    onset: iso(problem.onset),
    alertnames: problem.alertnames.slice(0, 20).map((n) => redactedLine(n, 120, patterns)),
    common_labels: capMap(problem.labels, c.labels, 120, patterns),
    components: problem.components.slice(0, 20),
    alerts: alerts.map((a) => alertData(a, c, patterns)),
    ...(problem.alerts.length > alerts.length ? { alerts_omitted: problem.alerts.length - alerts.length } : {}),
    pipelines: problem.pipelines.slice(0, c.pipelines).map((p) => ({
      id: p.id,
      ...(p.title ? { title: redactedLine(p.title, 120, patterns) } : {}),
      components: p.components
        .slice(0, c.components)
        .map((comp) => Object.fromEntries(Object.entries(comp).map(([k, v]) => [k, typeof v === "string" ? cut(v, 160) : v]))),
      upstream: p.upstream.slice(0, 10),
      downstream: p.downstream.slice(0, 10),
      services: p.services.slice(0, 10),
      config: Object.keys(p.config).slice(0, 10),
      ...(p.description ? { description: redactedLine(p.description, c.text, patterns) } : {}),
    })),
    upstream: problem.upstream.slice(0, 20),
    downstream: problem.downstream.slice(0, 20),
    changes: {
      commits: commits.slice(0, c.commits).map((x) => ({
        at: x.at,
        repo: x.repo,
        sha: x.sha.slice(0, 12),
        // The subject line says what changed; bodies are long and add little.
        message: redactedLine(x.message.split("\n")[0] ?? "", Math.min(200, c.text), patterns),
        files: x.files.slice(0, c.files).map((f) => cut(f.path, 160)),
        ...(x.files.length > c.files ? { files_omitted: x.files.length - c.files } : {}),
      })),
      ...(commits.length > c.commits ? { commits_omitted: commits.length - c.commits } : {}),
      deployments: deployments
        .slice(0, c.deployments)
        .map((d) => ({ at: d.at, service: d.service, environment: d.environment, ref: cut(d.ref, 80), sha: d.sha.slice(0, 12), status: d.status })),
    },
    similar: problem.similar
      .slice(0, c.similar)
      .map((s) => ({ id: s.id, root_cause: s.rootCause, confirmed: s.confirmed, reason: redactedLine(s.reason, 160, patterns) })),
    // The latest entries matter most near the onset.
    timeline: problem.timeline.slice(-c.timeline).map((t) => ({ at: t.at, kind: t.kind, text: redactedLine(t.text, Math.min(200, c.text), patterns) })),
  };
}

/** The compact, redacted problem document the prompts quote as data. */
export function problemData(problem: Problem, patterns: Pattern[] = [], maxChars = MAX_PROBLEM_CHARS): Record<string, unknown> {
  let caps = CAPS;
  let doc = redactValue(project(problem, caps, patterns), patterns);
  for (let i = 0; i < 6 && JSON.stringify(doc).length > maxChars; i++) {
    caps = shrink(caps);
    doc = redactValue(project(problem, caps, patterns), patterns);
  }
  return doc;
}

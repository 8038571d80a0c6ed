import { stringify } from "yaml";
import { fieldText, type Telemetry } from "../model/index.js";

/** A pipeline file proposed from what discovery found, for a person to review. */
export interface ProposedPipeline {
  id: string;
  path: string;
  content: string;
  /** Where it came from, in words ("Airflow DAG orders_daily"). */
  from: string;
  /** The DAG id or consumer group it describes. */
  name: string;
}

/** How far back discovery looks: a week of DAG runs and series. */
const WINDOW_MS = 7 * 24 * 3_600_000;
/** At most this many proposals: a stack with hundreds of DAGs gets the first, sorted by name. */
const MAX = 50;
/** The consumer-group lag metric (kafka_exporter's name; the vocabulary maps the others to it). */
const LAG_METRIC = "kafka_consumergroup_lag";

/** A pipeline id from a DAG id or a consumer group: lower-case, words joined by "-", as PipelineSchema wants. */
export function pipelineId(name: string): string | null {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z0-9][a-z0-9-]*$/.test(id) && id.length <= 80 ? id : null;
}

function pipelineFile(id: string, title: string, components: Array<Record<string, string>>, from: string): ProposedPipeline {
  const front = stringify({ id, title, components, owners: [], upstream: [], downstream: [] }, { lineWidth: 0 });
  const body = [
    `Proposed by \`pipemedic init --propose\` from ${from}. Review it before committing: add the owners`,
    "(reviewers of fix pull requests), the upstream and downstream pipelines, the config files a fix may",
    "edit and what this pipeline does; delete the file if it is not a pipeline worth describing.",
  ].join("\n");
  return { id, path: `knowledge/pipelines/${id}.md`, content: `---\n${front}---\n${body}\n`, from, name: title };
}

/**
 * Pipeline files from what the configured data sources show: one per Airflow DAG that ran in the
 * last week, one per Kafka consumer group whose lag is exported (with the topics it reads). What
 * `existing` holds (pipeline ids, and the DAG ids and consumer groups knowledge already describes)
 * is left out; nothing here writes.
 */
export async function proposePipelines(telemetry: Telemetry, opts: { now: number; existing: Set<string>; signal: AbortSignal }): Promise<ProposedPipeline[]> {
  const range = { start: opts.now - WINDOW_MS, end: opts.now };
  const found = new Map<string, ProposedPipeline>();
  if (telemetry.capabilities.has("orchestrator")) {
    const runs = await telemetry.orchestrator({ ...range, kind: "dag_runs" }, opts.signal);
    for (const dag of [...new Set(runs.map((r) => fieldText(r.dag_id)).filter(Boolean))].sort()) {
      const id = pipelineId(dag);
      if (id && !found.has(id)) found.set(id, pipelineFile(id, dag, [{ kind: "airflow", dag_id: dag }], `Airflow DAG ${dag}`));
    }
  }
  if (telemetry.series) {
    const series = await telemetry.series({ ...range, selectors: [[{ label: "__name__", op: "=", value: LAG_METRIC }]], limit: 2000 }, opts.signal);
    const topics = new Map<string, Set<string>>();
    for (const labels of series) {
      const group = labels.consumergroup;
      if (!group) continue;
      const set = topics.get(group) ?? new Set<string>();
      if (labels.topic) set.add(labels.topic);
      topics.set(group, set);
    }
    for (const [group, set] of [...topics].sort(([a], [b]) => a.localeCompare(b))) {
      const id = pipelineId(group);
      if (!id || found.has(id)) continue;
      const components = [...set].sort().map((topic) => ({ kind: "kafka", consumer_group: group, topic }));
      found.set(id, pipelineFile(id, group, components.length ? components : [{ kind: "kafka", consumer_group: group }], `Kafka consumer group ${group}`));
    }
  }
  return [...found.values()].filter((p) => !opts.existing.has(p.id) && !opts.existing.has(p.name)).slice(0, MAX);
}

/**
 * Subjects: the entities an investigation is about (a consumer group, a topic, a DAG, a host, a
 * table, a service…), each value with where it came from. Knowledge may name them; otherwise they
 * come from the alert itself and from discovery against the telemetry that exists.
 */

/** Where a subject's value came from, most trusted first. */
export type SubjectOrigin = "knowledge" | "label" | "annotation" | "expression" | "mention" | "discovery";

/**
 * `mention`: the alert's text names the value without saying what it is (a relayed title's
 * `(vehicle-geofence-enricher streaming-prod)`); discovery found which label carries it.
 */

/** One value of a subject with its provenance (`label consumer_group of the alert`, `series of kafka_consumergroup_lag`). */
export interface SubjectValue {
  value: string;
  origin: SubjectOrigin;
  /** A human-readable source: the label, the file, the discovery query. */
  from: string;
  /**
   * Discovery found it as a part of the problem (the job the alert's DAG runs), not only as a
   * neighbour: its component's runbooks apply, as for a subject the alert names.
   */
  involved?: boolean;
}

/**
 * The resolved subjects of a problem: key (`kafka.consumer_group`, `airflow.dag_id`, `host.instance`,
 * `service`, `config.consumer`, …) → values, best first. Runbook templates read them as
 * `{{kafka.consumer_group}}` (or `{{pipeline.kafka.consumer_group}}`).
 */
export type Subjects = Record<string, SubjectValue[]>;

/** The first (most trusted) value of a subject, if any. */
export function subjectValue(subjects: Subjects, key: string): string | undefined {
  return subjects[key]?.[0]?.value;
}

/** Adds a value to a subject unless it is already there (the first origin is kept). */
export function addSubject(subjects: Subjects, key: string, value: SubjectValue): void {
  const v = value.value.trim();
  if (!v) return;
  const list = (subjects[key] ??= []);
  if (!list.some((x) => x.value === v)) list.push({ ...value, value: v });
}

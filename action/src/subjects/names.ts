/**
 * Words of entity names, for what names alone can tell: two names made of the same distinctive
 * words are about the same data (grouping), and an application named after a DAG's data is likely
 * the one it runs (discovery).
 */

/** Words that say how often, in which layer or what kind of thing: never what data a name is about. */
const NAME_STOPWORDS = new Set([
  "daily",
  "hourly",
  "nightly",
  "weekly",
  "monthly",
  "minutely",
  "15min",
  "5min",
  "10min",
  "30min",
  "raw",
  "stage",
  "staging",
  "stg",
  "mart",
  "marts",
  "dim",
  "fct",
  "fact",
  "int",
  "src",
  "source",
  "sources",
  "tmp",
  "temp",
  "svc",
  "service",
  "app",
  "api",
  "job",
  "dag",
  "task",
  "pipeline",
  "sync",
  "ingest",
  "ingestion",
  "load",
  "loader",
  "etl",
  "elt",
  "export",
  "import",
  "refresh",
  "build",
  "run",
  "runner",
  "worker",
  "consumer",
  "producer",
  "sink",
  "stream",
  "streaming",
  "batch",
  "event",
  "data",
  "table",
  "topic",
  "model",
  "prod",
  "production",
  "dev",
  "test",
  "main",
  "default",
]);

/**
 * The distinctive words of a name, lower case: split on separators, a plural `s` dropped, stop words,
 * numbers and short words left out (`claims__adjudication_daily` → adjudication, claim). Names of one
 * team's entities are made of the words of the data they move: the DAG, its tables, its Spark job.
 */
export function nameWords(value: string): string[] {
  const words = new Set<string>();
  for (const part of value.toLowerCase().split(/[-_.\s/:@]+/)) {
    const w = part.length > 4 && part.endsWith("s") ? part.slice(0, -1) : part;
    if (w.length < 3 || NAME_STOPWORDS.has(w) || NAME_STOPWORDS.has(part) || !/[a-z]/.test(w) || /^v\d+$/.test(w)) continue;
    words.add(w);
    if (words.size >= 8) break;
  }
  return [...words].sort();
}

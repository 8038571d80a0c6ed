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

/** A character that continues an identifier: a name next to one is part of a longer name. */
const ID_CHAR = /[A-Za-z0-9_-]/;

/**
 * A name that can stand for itself in free text: one with a separator or a digit (`orders_hourly`,
 * `ingest-2`), or a long one. A short plain word (`reports`) is also an ordinary word of a log line.
 */
export function quotableName(name: string): boolean {
  return name.length >= 5 && (/[-_.0-9]/.test(name) || name.length >= 10);
}

/**
 * Which of these names a text quotes whole, exactly as spelled: not inside a longer identifier
 * (`orders_hourly_v2` does not quote `orders_hourly`), though a `.` may follow (`orders_hourly.dbt_build`,
 * a DAG and its task). Longer names are found first and taken out, so a DAG id that another one
 * begins with (`market` in `market.prices`) is not quoted by the longer one.
 */
export function quotedNames(text: string, names: string[]): Set<string> {
  const found = new Set<string>();
  let rest = text;
  for (const name of [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length || a.localeCompare(b))) {
    for (let i = rest.indexOf(name); i >= 0; i = rest.indexOf(name, i + 1)) {
      const before = i === 0 ? "" : rest[i - 1]!;
      const after = rest[i + name.length] ?? "";
      if (ID_CHAR.test(before) || before === "." || ID_CHAR.test(after)) continue;
      found.add(name);
      rest = rest.slice(0, i) + " ".repeat(name.length) + rest.slice(i + name.length);
    }
  }
  return found;
}

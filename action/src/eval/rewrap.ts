import type { Alert } from "../model/index.js";

/**
 * Webhook bodies rebuilt from recorded alerts (alerts.jsonl keeps the normalized alerts, never the
 * raw bodies): one body per original delivery, in the source's own format, that the source's adapter
 * reads back into the same alerts (fingerprint, labels, annotations, title, severity, status, times,
 * links). Alertmanager, Grafana (unified alerting), Airflow (the callback's JSON) and dbt Cloud (its job
 * webhook) are rebuilt in their own format; an alert of any other source is wrapped as Alertmanager
 * with its fingerprint and title kept, and a note says so.
 */

export interface RewrappedBody {
  /** The file name in alerts/: `NN-<source>.json`. */
  file: string;
  /** The body as JSON text. */
  body: string;
  /** What could not be rebuilt exactly, for the person exporting. */
  notes: string[];
}

const RECEIVER = "pipemedic-export";
const UNSET = "0001-01-01T00:00:00Z";

/** The alert's link of that title (the adapters name the URLs they keep), if any. */
function linkOf(a: Alert, title: string): string | undefined {
  return a.links.find((l) => l.title === title)?.url;
}

/** What Alertmanager's adapter makes the title from; the recorded title must come out of it. */
function amTitle(a: Pick<Alert, "labels" | "annotations">): string {
  return a.annotations.summary ?? a.annotations.title ?? a.labels.alertname ?? "";
}

const groupStatus = (alerts: Alert[]) => (alerts.some((a) => a.status === "firing") ? "firing" : "resolved");

function alertmanagerBody(alerts: Alert[], notes: string[]): unknown {
  return {
    receiver: RECEIVER,
    status: groupStatus(alerts),
    alerts: alerts.map((a) => {
      const annotations = { ...a.annotations };
      if (a.source !== "alertmanager") {
        notes.push(`alert ${a.id}: a ${a.source} alert, whose body is not kept, is written as an Alertmanager alert with its fingerprint`);
        // The title is what Alertmanager's adapter reads from `summary`; keep the recorded one.
        if (amTitle(a) !== a.title && annotations.summary === undefined) annotations.summary = a.title;
      }
      if (amTitle({ labels: a.labels, annotations }) !== a.title) notes.push(`alert ${a.id}: its title "${a.title}" is not one Alertmanager derives`);
      const source = linkOf(a, "source");
      return {
        status: a.status,
        labels: a.labels,
        annotations,
        startsAt: a.startsAt ?? UNSET,
        endsAt: a.endsAt ?? UNSET,
        ...(source ? { generatorURL: source } : {}),
        // A computed fingerprint is computed again from the same labels; a source's own is given back.
        ...(a.fingerprintComputed && a.source === "alertmanager" ? {} : { fingerprint: a.fingerprint }),
      };
    }),
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "",
    version: "4",
  };
}

function grafanaBody(alerts: Alert[], notes: string[]): unknown {
  return {
    receiver: RECEIVER,
    status: groupStatus(alerts),
    orgId: 1,
    alerts: alerts.map((a) => {
      if ((a.annotations.summary ?? a.labels.alertname ?? "") !== a.title) notes.push(`alert ${a.id}: its title "${a.title}" is not one Grafana derives`);
      const urls: Record<string, string> = {};
      for (const [field, title] of [
        ["generatorURL", "rule"],
        ["dashboardURL", "dashboard"],
        ["panelURL", "panel"],
        ["silenceURL", "silence"],
      ] as const) {
        const url = linkOf(a, title);
        if (url) urls[field] = url;
      }
      return {
        status: a.status,
        // rule_uid, values and value_string are already labels and annotations: the adapter keeps them.
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt ?? UNSET,
        endsAt: a.endsAt ?? UNSET,
        ...urls,
        ...(a.fingerprintComputed ? {} : { fingerprint: a.fingerprint }),
      };
    }),
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "",
    version: "1",
  };
}

/** Airflow's callback JSON (docs/sources.md): every label rides in `labels`, which the adapter keeps as they are. */
function airflowBody(a: Alert, notes: string[]): unknown {
  const l = a.labels;
  const mapIndex = l.map_index !== undefined && /^[0-9]+$/.test(l.map_index) ? Number(l.map_index) : undefined;
  const subject = l.task_id ? `${l.dag_id}.${l.task_id}${mapIndex !== undefined ? `[${mapIndex}]` : ""}` : l.dag_id;
  if (!a.title.startsWith(`${subject} `)) notes.push(`alert ${a.id}: its title "${a.title}" is not one Airflow's adapter derives`);
  const log = linkOf(a, "log");
  return {
    dag_id: l.dag_id,
    ...(l.task_id ? { task_id: l.task_id } : {}),
    run_id: l.run_id ?? "",
    state: l.state,
    alertname: l.alertname,
    ...(mapIndex !== undefined ? { map_index: mapIndex } : {}),
    ...(l.state === "sla_miss" ? { sla_missed_at: a.startsAt } : { start_date: a.startsAt }),
    ...(a.endsAt ? { end_date: a.endsAt } : {}),
    ...(a.annotations.exception !== undefined ? { exception: a.annotations.exception } : {}),
    ...(a.annotations.logical_date !== undefined ? { logical_date: a.annotations.logical_date } : {}),
    ...(a.annotations.sla !== undefined ? { sla: a.annotations.sla } : {}),
    ...(log ? { log_url: log } : {}),
    labels: l,
  };
}

/** dbt Cloud's job webhook: a firing run as `job.run.errored` (or a cancelled `completed`), a resolved one as `job.run.completed`. */
function dbtCloudBody(a: Alert, notes: string[]): unknown {
  const l = a.labels;
  const known = new Set([
    "alertname",
    "account_id",
    "job_id",
    "job",
    "run_id",
    "project",
    "project_id",
    "environment",
    "environment_id",
    "dbt_version",
    "run_status",
  ]);
  const extra = Object.keys(l).filter((k) => !known.has(k));
  if (extra.length) notes.push(`alert ${a.id}: labels ${extra.join(", ")} have no place in a dbt Cloud webhook and are left out`);
  const cancelled = /^cancel/i.test(l.run_status ?? "");
  const data: Record<string, unknown> = {
    jobId: l.job_id,
    jobName: l.job,
    runId: l.run_id,
    projectName: l.project,
    projectId: l.project_id,
    environmentName: l.environment,
    environmentId: l.environment_id,
    dbtVersion: l.dbt_version,
    runStatus: l.run_status ?? (a.status === "resolved" ? "Success" : "Errored"),
    runStatusMessage: a.annotations.message ?? "None",
    runReason: a.annotations.run_reason,
    runErroredAt: a.annotations.errored_at,
    runStartedAt: a.startsAt,
    ...(a.status === "resolved" ? { runFinishedAt: a.endsAt } : {}),
  };
  return {
    accountId: l.account_id,
    eventType: a.status === "resolved" || cancelled ? "job.run.completed" : "job.run.errored",
    data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== null)),
  };
}

/** One body per delivery the alerts came in (first delivery first), each in its source's format. */
export function rewrapAlerts(alerts: Alert[]): RewrappedBody[] {
  const byDelivery = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = byDelivery.get(a.raw.delivery) ?? [];
    list.push(a);
    byDelivery.set(a.raw.delivery, list);
  }
  const out: RewrappedBody[] = [];
  let n = 0;
  for (const list of byDelivery.values()) {
    const sorted = [...list].sort((x, y) => x.raw.index - y.raw.index);
    // Sources that send one alert per body get one file per alert; the others one file per delivery.
    const single = (a: Alert) =>
      (a.source === "airflow" && Boolean(a.labels.dag_id && a.labels.state)) || (a.source === "dbt-cloud" && Boolean(a.labels.job_id || a.labels.job));
    const grafana = sorted.filter((a) => a.source === "grafana" && a.startsAt !== null);
    const rest = sorted.filter((a) => !grafana.includes(a) && !single(a));
    const emit = (source: string, build: (notes: string[]) => unknown) => {
      const notes: string[] = [];
      const body = build(notes);
      out.push({ file: `${String(++n).padStart(2, "0")}-${source}.json`, body: `${JSON.stringify(body, null, 2)}\n`, notes });
    };
    if (grafana.length) emit("grafana", (notes) => grafanaBody(grafana, notes));
    for (const a of sorted.filter(single)) emit(a.source, (notes) => (a.source === "airflow" ? airflowBody(a, notes) : dbtCloudBody(a, notes)));
    if (rest.length) emit("alertmanager", (notes) => alertmanagerBody(rest, notes));
  }
  return out;
}

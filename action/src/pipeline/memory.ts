import type { Alert, Files, Knowledge, Pipeline, Progress, Runbook } from "../model/index.js";
import { findPipelines, loadKnowledge, mergeKnowledge } from "../memory/knowledge.js";
import { loadRunbooks, mergeRunbooks } from "../memory/runbooks.js";

/** knowledge/ and runbooks/ as one run uses them: the overlay's files replace the base's by id. */
export interface Memory {
  knowledge: Knowledge;
  runbooks: Runbook[];
  /** Problems with files; the run goes on without the broken ones. */
  errors: string[];
  /** The pipelines an alert belongs to, by its labels, pipeline and service; a plain function, safe to pass on. */
  pipelinesOf: (alert: Alert) => Pipeline[];
}

/** Stage 1, memory: loads knowledge/ and runbooks/ (the base, then the overlay over it) and reports broken files. */
export function loadMemory(base: Files, overlay: Files, progress: Progress): Memory {
  const k = loadKnowledge(base);
  const r = loadRunbooks(base);
  const ko = loadKnowledge(overlay);
  const ro = loadRunbooks(overlay);
  const knowledge = mergeKnowledge(k.knowledge, ko.knowledge);
  const errors = [...k.errors, ...r.errors, ...ko.errors, ...ro.errors].filter((e) => e.severity === "error").map((e) => `${e.file}: ${e.field}: ${e.message}`);
  for (const e of errors) progress.warn(e);
  return {
    knowledge,
    runbooks: mergeRunbooks(r.runbooks, ro.runbooks),
    errors,
    pipelinesOf(a) {
      const labels = { ...a.labels, ...(a.pipeline ? { pipeline: a.pipeline } : {}), ...(a.service && !a.labels.service ? { service: a.service } : {}) };
      return findPipelines(knowledge, labels);
    },
  };
}

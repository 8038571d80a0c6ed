/**
 * The series Flink's Prometheus reporter exports for one job: job-level checkpoint and restart
 * metrics from the JobManager, and per-subtask task metrics (busy, backpressured, records in,
 * checkpoint start delay, operator watermarks) from the TaskManagers. A scenario gives functions
 * of time; this file names and labels the series the way the reporter does.
 */
import { type Axis, type Labels, type Logs, type Rand, type Series, gauge } from "./lib.js";

export interface Operator {
  name: string;
  parallelism: number;
  busy(t: number, subtask: number): number;
  backpressured(t: number, subtask: number): number;
  recordsIn(t: number, subtask: number): number;
  startDelayMs?(t: number, subtask: number): number;
  /** Event-time watermark (epoch ms) this subtask emits; omitted for operators that do not emit one. */
  watermark?(t: number, subtask: number): number;
}

/** Per-subtask task series for every operator. */
export function taskSeries(ax: Axis, rand: Rand, job: string, jobId: string, ops: Operator[]): Series[] {
  const out: Series[] = [];
  for (const op of ops) {
    for (let i = 0; i < op.parallelism; i++) {
      const labels: Labels = { job_name: job, job_id: jobId, task_name: op.name, subtask_index: String(i), tm_id: `${job}-taskmanager-1-${1 + (i % 4)}` };
      const ms = (v: number) => Math.max(0, Math.min(1000, v));
      out.push(gauge({ __name__: "flink_taskmanager_job_task_busyTimeMsPerSecond", ...labels }, ax, (t) => ms(rand.jitter(op.busy(t, i), 0.05)), 0));
      out.push(
        gauge({ __name__: "flink_taskmanager_job_task_backPressuredTimeMsPerSecond", ...labels }, ax, (t) => ms(rand.jitter(op.backpressured(t, i), 0.05)), 0),
      );
      out.push(
        gauge({ __name__: "flink_taskmanager_job_task_numRecordsInPerSecond", ...labels }, ax, (t) => Math.max(0, rand.jitter(op.recordsIn(t, i), 0.06)), 1),
      );
      out.push(
        gauge(
          { __name__: "flink_taskmanager_job_task_checkpointStartDelayNanos", ...labels },
          ax,
          (t) => Math.max(0, rand.jitter(op.startDelayMs?.(t, i) ?? 40, 0.2)) * 1e6,
          0,
        ),
      );
      if (op.watermark) {
        out.push(
          gauge(
            { __name__: "flink_taskmanager_job_task_operator_currentOutputWatermark", ...labels, operator_name: op.name },
            ax,
            (t) => Math.round(op.watermark!(t, i)),
            0,
          ),
        );
      }
    }
  }
  return out;
}

export interface JobCheckpoints {
  /** Cumulative failed checkpoints at `t`. */
  failed(t: number): number;
  completed(t: number): number;
  /** Duration of the last checkpoint (ms) at `t`. */
  duration(t: number): number;
  /** Bytes of the last full checkpoint at `t`. */
  fullSize(t: number): number;
  restarts?(t: number): number;
  /** Job uptime in ms at `t`. */
  uptime?(t: number): number;
}

/** JobManager job-level series. */
export function jobSeries(ax: Axis, rand: Rand, job: string, jobId: string, c: JobCheckpoints): Series[] {
  const labels: Labels = { job_name: job, job_id: jobId };
  return [
    gauge({ __name__: "flink_jobmanager_job_numberOfFailedCheckpoints", ...labels }, ax, (t) => Math.round(c.failed(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_numberOfCompletedCheckpoints", ...labels }, ax, (t) => Math.round(c.completed(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointDuration", ...labels }, ax, (t) => Math.round(rand.jitter(c.duration(t), 0.08)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointFullSize", ...labels }, ax, (t) => Math.round(rand.jitter(c.fullSize(t), 0.003)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointSize", ...labels }, ax, (t) => Math.round(rand.jitter(c.fullSize(t) * 0.06, 0.2)), 0),
    gauge({ __name__: "flink_jobmanager_job_numRestarts", ...labels }, ax, (t) => Math.round(c.restarts?.(t) ?? 0), 0),
    gauge({ __name__: "flink_jobmanager_job_uptime", ...labels }, ax, (t) => Math.round(c.uptime?.(t) ?? t - ax.start + 9 * 86_400_000), 0),
  ];
}

/** A JobManager or TaskManager log line of the job's deployment. */
export function flinkLog(logs: Logs, t: number, service: string, component: "jobmanager" | "taskmanager", level: string, line: string): void {
  logs.add(t, { service, namespace: "streaming", component, level }, line);
}

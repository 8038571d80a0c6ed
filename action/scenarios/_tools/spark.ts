/**
 * Executor series of one Spark application as its PrometheusServlet exports them
 * (`metrics_executor_*`, labelled by application and executor), and Spark's driver/executor log
 * lines as the cluster ships them (labels app and spark_role).
 */
import { type Axis, type Logs, type Rand, type Series, counter, gauge } from "./lib.js";

export interface ExecutorLoad {
  /** Executors that exist at `t`. */
  alive(t: number, executor: number): boolean;
  activeTasks(t: number, executor: number): number;
  /** Shuffle bytes read per second. */
  shuffleReadRate(t: number, executor: number): number;
  /** Failed tasks per second (a counter's rate). */
  failRate(t: number, executor: number): number;
  heapBytes(t: number, executor: number): number;
}

export function executorSeries(ax: Axis, rand: Rand, app: string, appId: string, executors: number, load: ExecutorLoad): Series[] {
  const out: Series[] = [];
  for (let e = 1; e <= executors; e++) {
    const labels = { application_id: appId, application_name: app, executor_id: String(e) };
    const alive = (t: number) => load.alive(t, e);
    out.push(gauge({ __name__: "metrics_executor_activeTasks", ...labels }, ax, (t) => (alive(t) ? Math.max(0, Math.round(load.activeTasks(t, e))) : null), 0));
    out.push(
      counter({ __name__: "metrics_executor_shuffleTotalBytesRead_bytes_total", ...labels }, ax, 0, (t) =>
        alive(t) ? Math.max(0, rand.jitter(load.shuffleReadRate(t, e), 0.08)) : 0,
      ),
    );
    out.push(counter({ __name__: "metrics_executor_failedTasks_total", ...labels }, ax, 0, (t) => (alive(t) ? load.failRate(t, e) : 0), 2));
    out.push(gauge({ __name__: "metrics_executor_JVMHeapMemory_bytes", ...labels }, ax, (t) => (alive(t) ? rand.jitter(load.heapBytes(t, e), 0.04) : null), 0));
    out.push(gauge({ __name__: "metrics_executor_maxMemory_bytes", ...labels }, ax, (t) => (alive(t) ? 7.2e9 : null), 0));
  }
  return out;
}

export function sparkLog(logs: Logs, t: number, app: string, role: "driver" | "executor", level: string, line: string): void {
  logs.add(t, { app, spark_role: role, namespace: "spark", level }, line);
}

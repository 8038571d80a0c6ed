/**
 * driver-earnings-rollup (Spark 3.5, spark-operator, batch-prod) runs nightly at 01:00. On the first
 * of the month it also rolls up the whole previous month for driver statements: 31 daily trip
 * partitions joined with earnings adjustments, ~2.1x a normal night's input, with the Berlin launch
 * in July on top. 16 executors, 6g heap + 1g overhead (pod limit 7 GiB), spark.sql.shuffle.partitions
 * 400. Stage 7 (the month aggregation) builds large hash maps: from 01:20 the heap of almost every
 * executor climbs to its maximum; from 01:24 executors are OOM-killed by the kubelet (exit 137) or
 * die with "OutOfMemoryError: Java heap space". Replacements die the same way; tasks on the
 * survivors get FetchFailedException for map outputs that lived on dead executors, so stage 6 is
 * resubmitted. At 02:12 a task of stage 7 fails for the fourth time and the application fails.
 *
 * Decisive: metrics_executor_JVMHeapMemory_bytes near the heap max on 12+ executors at once;
 * exit code 137 / OOMKilled for many executor pods (k8s.pod.oomkilled events); OutOfMemoryError in
 * executor logs; failed tasks on many executors; shuffle read and task durations even across
 * executors (no straggler), and no node was preempted or drained.
 * Red herrings: FetchFailedException lines (a consequence of executors dying); a Karpenter node
 * pool commit at 23:40 (adds an instance type for batch; nodes stay up); a README commit to the job
 * at 16:20 the day before.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import { backgroundChanges, executorSeries, k8sLog, noiseLogs, sparkLine, type SparkApp } from "../../brightline/lib.js";

export const id = "brightline-earnings-rollup-oom";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(60010);
  const now = at("2026-08-01T02:35:00Z");
  const start = at("2026-08-01T01:00:00Z");
  const pressure = at("2026-08-01T01:20:00Z");
  const failed = at("2026-08-01T02:12:30Z");
  const app: SparkApp = {
    name: "driver-earnings-rollup",
    id: "spark-4e1b8c0f2a7d4e3c9b5a6d1f0e2c7b84",
    crName: "driver-earnings-rollup-20260801",
    namespace: "batch-prod",
  };
  const appAx = axis(start, failed + 30 * SEC);
  // Executor lifetimes: 1-16 from 01:01; kills from 01:24; replacements get new ids.
  const life = new Map<number, [number, number]>();
  for (let e = 1; e <= 16; e++) life.set(e, [start + 60 * SEC + e * 2 * SEC, failed + 20 * SEC]);
  const kills: Array<{ e: number; t: number; how: "137" | "oom" }> = [];
  let next = 17;
  const victims = [7, 3, 12, 9, 15, 1, 5, 11, 14, 2, 8, 16, 4];
  let t = at("2026-08-01T01:24:10Z");
  const pool = [...victims];
  while (t < failed - 2 * MIN) {
    const alive = [...life.entries()].filter(([, [a, b]]) => a <= t && b > t).map(([e]) => e);
    const e = pool.length ? pool.shift()! : (rand.pick(alive.filter((x) => x >= 17)) ?? alive[0]!);
    if (!alive.includes(e)) {
      t += 30 * SEC;
      continue;
    }
    const how = rand.chance(0.65) ? "137" : "oom";
    kills.push({ e, t, how });
    life.set(e, [life.get(e)![0], t]);
    life.set(next, [t + rand.uniform(50, 80) * SEC, failed + 20 * SEC]);
    next++;
    t += rand.uniform(150, 330) * SEC;
  }
  const ids = [...life.keys()].sort((a, b) => a - b);
  const maxHeap = 6 * GiB;
  const heap = (tt: number, e: number) => {
    const [a] = life.get(e)!;
    const age = (tt - a) / MIN;
    if (tt < pressure) return (1.6 + 1.9 * Math.min(1, age / 8)) * GiB + rand.normal(0, 0.15 * GiB);
    // Stage 7: hash aggregation fills the heap within a few minutes of an executor taking tasks.
    const fill = Math.min(1, Math.max(0, (tt - Math.max(pressure, a)) / (6 * MIN)));
    return (3.4 + 2.55 * fill) * GiB + rand.normal(0, 0.05 * GiB);
  };
  const series = executorSeries(appAx, rand, app, ids.map(String), maxHeap, {
    alive: (tt, e) => {
      const [a, b] = life.get(e)!;
      return tt >= a && tt < b;
    },
    heap,
    activeTasks: (tt) => (tt < pressure ? 4 : rand.int(3, 4)),
    failRate: (tt, e) => {
      const k = kills.find((x) => x.e === e);
      return k && tt >= k.t - MIN && tt < k.t + MIN ? 4 / 60 : tt >= pressure && rand.chance(0.08) ? 1 / 60 : 0;
    },
    shuffleReadRate: (tt) => (tt < pressure ? 38e6 : 61e6),
    completeRate: (tt) => (tt < pressure ? 0.09 : 0.025),
  });
  // The driver's own row.
  series.push(
    gauge(
      {
        __name__: "metrics_executor_JVMHeapMemory_bytes",
        job: "spark-executors",
        namespace: app.namespace,
        spark_app: app.crName,
        application_id: app.id,
        application_name: app.name,
        executor_id: "driver",
      },
      appAx,
      () => rand.uniform(1.1, 1.6) * GiB,
      0,
    ),
  );
  // Container memory of the executor pods against their 7 GiB limit (cAdvisor).
  for (const e of ids) {
    const pod = `${app.crName}-exec-${e}`;
    const [a, b] = life.get(e)!;
    series.push(
      gauge(
        {
          __name__: "container_memory_working_set_bytes",
          job: "kubelet",
          metrics_path: "/metrics/cadvisor",
          namespace: app.namespace,
          pod,
          container: "spark-kubernetes-executor",
        },
        appAx,
        (tt) => (tt >= a && tt < b ? Math.min(7 * GiB - 1, heap(tt, e) + 0.85 * GiB + (tt >= pressure ? 0.25 * GiB : 0)) : null),
        0,
      ),
    );
  }
  series.push(
    gauge(
      {
        __name__: "kube_pod_container_resource_limits",
        job: "kube-state-metrics",
        namespace: app.namespace,
        container: "spark-kubernetes-executor",
        resource: "memory",
        unit: "byte",
      },
      appAx,
      () => 7 * GiB,
      0,
    ),
  );

  const logs = new Logs();
  const ax = axis(now - 6 * HOUR, now);
  noiseLogs(ax, rand, logs, 0.4);
  const driver = (tt: number, level: string, logger: string, msg: string) =>
    k8sLog(
      logs,
      tt,
      app.namespace,
      "driver-earnings-rollup",
      `${app.crName}-driver`,
      level.toLowerCase(),
      sparkLine(tt, level, logger, msg),
      "spark-kubernetes-driver",
    );
  const exec = (tt: number, e: number, level: string, logger: string, msg: string) =>
    k8sLog(
      logs,
      tt,
      app.namespace,
      "driver-earnings-rollup",
      `${app.crName}-exec-${e}`,
      level.toLowerCase(),
      sparkLine(tt, level, logger, msg),
      "spark-kubernetes-executor",
    );
  const ip = (e: number) => `10.44.${20 + (e % 9)}.${(e * 37) % 250}`;
  driver(start + 2 * SEC, "WARN", "NativeCodeLoader", "Unable to load native-hadoop library for your platform... using builtin-java classes where applicable");
  driver(start + 9 * SEC, "INFO", "SparkContext", `Running Spark version 3.5.1`);
  driver(start + 14 * SEC, "INFO", "SparkContext", `Submitted application: driver-earnings-rollup`);
  driver(
    start + 48 * SEC,
    "INFO",
    "DriverEarningsRollup",
    "mode=monthly+daily period=2026-07 input: trips 31 partitions (2026-07-01..2026-07-31) 1,874,203,119 rows; earnings_adjustments 412,554,020 rows; drivers 61,240 (cities: lis, opo, mad, par, ber)",
  );
  driver(start + 50 * SEC, "INFO", "DriverEarningsRollup", "previous monthly run (period=2026-06): trips 30 partitions 1,021,877,410 rows");
  for (let e = 1; e <= 16; e++)
    driver(
      life.get(e)![0],
      "INFO",
      "KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint",
      `Registered executor NettyRpcEndpointRef(spark-client://Executor) (${ip(e)}:${40000 + e}) with ID ${e},  ResourceProfileId 0`,
    );
  const stages: Array<[number, number, number]> = [
    [at("2026-08-01T01:02:00Z"), 0, 240],
    [at("2026-08-01T01:05:30Z"), 1, 240],
    [at("2026-08-01T01:08:00Z"), 2, 400],
    [at("2026-08-01T01:11:20Z"), 3, 400],
    [at("2026-08-01T01:13:40Z"), 4, 400],
    [at("2026-08-01T01:16:10Z"), 5, 400],
    [at("2026-08-01T01:18:00Z"), 6, 400],
    [pressure, 7, 400],
  ];
  for (const [st, s, n] of stages)
    driver(
      st,
      "INFO",
      "DAGScheduler",
      `Submitting ${s === 7 ? "ShuffleMapStage 7 (MapPartitionsRDD[61] at rollup at DriverEarningsRollup.scala:188)" : `ShuffleMapStage ${s} (MapPartitionsRDD[${s * 8 + 5}] at ${s < 2 ? "parquet" : "join"} at DriverEarningsRollup.scala:${90 + s * 14})`}, which has no missing parents (${n} tasks)`,
    );
  let tid = 0;
  for (const tt of times(appAx)) {
    const stage = tt < pressure ? (stages.filter(([st]) => st <= tt).at(-1)?.[1] ?? 0) : 7;
    for (let k = 0; k < 3; k++) {
      const e = rand.pick(ids.filter((x) => life.get(x)![0] <= tt && life.get(x)![1] > tt));
      tid += rand.int(4, 20);
      const dur = stage === 7 ? rand.int(41000, 58000) : rand.int(6000, 14000);
      driver(
        tt + rand.uniform(0, MIN),
        "INFO",
        "TaskSetManager",
        `Finished task ${rand.int(0, 399)}.0 in stage ${stage}.0 (TID ${tid}) in ${dur} ms on ${ip(e)} (executor ${e}) (${rand.int(10, 390)}/400)`,
      );
    }
  }
  for (const k of kills) {
    const task = rand.int(0, 399);
    tid += 7;
    if (k.how === "oom") {
      exec(
        k.t - 4 * SEC,
        k.e,
        "ERROR",
        "Executor",
        `Exception in task ${task}.${rand.int(0, 2)} in stage 7.0 (TID ${tid})\njava.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n\tat org.apache.spark.unsafe.map.BytesToBytesMap.growAndRehash(BytesToBytesMap.java:905)\n\tat org.apache.spark.sql.execution.UnsafeFixedWidthAggregationMap.getAggregationBufferFromUnsafeRow(UnsafeFixedWidthAggregationMap.java:129)\n\tat org.apache.spark.sql.execution.aggregate.HashAggregateExec.doAggregateWithKeys(HashAggregateExec.scala:727)`,
      );
      exec(
        k.t - 3 * SEC,
        k.e,
        "ERROR",
        "SparkUncaughtExceptionHandler",
        `Uncaught exception in thread Thread[Executor task launch worker for task ${task}.0 in stage 7.0 (TID ${tid}),5,main]\njava.lang.OutOfMemoryError: Java heap space`,
      );
      driver(
        k.t,
        "WARN",
        "TaskSetManager",
        `Lost task ${task}.0 in stage 7.0 (TID ${tid}) (${ip(k.e)} executor ${k.e}): java.lang.OutOfMemoryError: Java heap space`,
      );
      driver(k.t + 2 * SEC, "ERROR", "TaskSchedulerImpl", `Lost executor ${k.e} on ${ip(k.e)}: The executor with id ${k.e} exited with exit code 52(JVM OOM).`);
    } else {
      exec(k.t - 40 * SEC, k.e, "WARN", "TaskMemoryManager", `Failed to allocate a page (67108864 bytes), try again.`);
      driver(
        k.t,
        "WARN",
        "TaskSetManager",
        `Lost task ${task}.0 in stage 7.0 (TID ${tid}) (${ip(k.e)} executor ${k.e}): ExecutorLostFailure (executor ${k.e} exited caused by one of the running tasks) Reason: The executor with id ${k.e} exited with exit code 137(SIGKILL, possible container OOM).`,
      );
      driver(
        k.t + 2 * SEC,
        "ERROR",
        "TaskSchedulerImpl",
        `Lost executor ${k.e} on ${ip(k.e)}: The executor with id ${k.e} exited with exit code 137(SIGKILL, possible container OOM).`,
      );
    }
    driver(
      k.t + 3 * SEC,
      "INFO",
      "ExecutorPodsAllocator",
      `Going to request 1 executors from Kubernetes for ResourceProfile Id: 0, target: 16, known: 15, sharedSlotFromPendingPods: 2147483647.`,
    );
    for (let j = 0; j < 2; j++) {
      const other = rand.pick(ids.filter((x) => x !== k.e && life.get(x)![0] <= k.t && life.get(x)![1] > k.t));
      driver(
        k.t + rand.uniform(8, 40) * SEC,
        "WARN",
        "TaskSetManager",
        `Lost task ${rand.int(0, 399)}.0 in stage 7.0 (TID ${tid + j + 1}) (${ip(other)} executor ${other}): FetchFailed(BlockManagerId(${k.e}, ${ip(k.e)}, 7079, None), shuffleId=3, mapIndex=${rand.int(0, 399)}, mapId=${rand.int(2000, 3000)}, reduceId=${rand.int(0, 399)}, message=\norg.apache.spark.shuffle.FetchFailedException: Failed to connect to /${ip(k.e)}:7079`,
      );
    }
    driver(
      k.t + 45 * SEC,
      "INFO",
      "DAGScheduler",
      `Resubmitting ShuffleMapStage 6 (MapPartitionsRDD[53] at join at DriverEarningsRollup.scala:174) and ShuffleMapStage 7 (MapPartitionsRDD[61] at rollup at DriverEarningsRollup.scala:188) due to fetch failure`,
    );
  }
  driver(failed - 10 * SEC, "ERROR", "TaskSetManager", `Task 211 in stage 7.3 failed 4 times; aborting job`);
  driver(
    failed - 8 * SEC,
    "ERROR",
    "DriverEarningsRollup",
    `Job aborted due to stage failure: Task 211 in stage 7.3 failed 4 times, most recent failure: Lost task 211.3 in stage 7.3 (TID 9984) (${ip(27)} executor 27): ExecutorLostFailure (executor 27 exited caused by one of the running tasks) Reason: The executor with id 27 exited with exit code 137(SIGKILL, possible container OOM).`,
  );
  driver(failed, "INFO", "SparkContext", "Successfully stopped SparkContext");

  const events: Array<Record<string, unknown>> = [
    {
      at: iso(start),
      kind: "batch.run.started",
      labels: { namespace: app.namespace, spark_app: app.crName },
      message: "ScheduledSparkApplication driver-earnings-rollup created SparkApplication driver-earnings-rollup-20260801",
    },
    ...kills
      .filter((k) => k.how === "137")
      .map((k) => ({
        at: iso(k.t - SEC),
        kind: "k8s.pod.oomkilled",
        labels: { namespace: app.namespace, pod: `${app.crName}-exec-${k.e}`, container: "spark-kubernetes-executor" },
        message: "Container spark-kubernetes-executor OOMKilled (exit 137), limit 7Gi",
      })),
    {
      at: iso(failed + 5 * SEC),
      kind: "spark.application.failed",
      labels: { namespace: app.namespace, spark_app: app.crName },
      message: "SparkApplication driver-earnings-rollup-20260801 state FAILED: driver container failed with ExitCode: 1, Reason: Error",
    },
  ];
  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    {
      repo: "brightline/platform-config",
      sha: "d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2",
      at: "2026-07-31T23:40:09Z",
      author: "jlindqvist",
      message: "karpenter: allow r7i.2xlarge in the batch node pool",
      files: [
        {
          path: "karpenter/nodepools/batch.yaml",
          status: "modified",
          patch:
            '@@ -18,7 +18,7 @@ spec:\n         - key: node.kubernetes.io/instance-type\n           operator: In\n-          values: ["r6i.2xlarge", "r6i.4xlarge"]\n+          values: ["r6i.2xlarge", "r6i.4xlarge", "r7i.2xlarge"]\n',
        },
      ],
    },
    {
      repo: "brightline/platform-config",
      sha: "1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e",
      at: "2026-07-31T16:20:44Z",
      author: "marta.sousa",
      message: "docs: driver-earnings-rollup outputs",
      files: [
        {
          path: "spark/driver-earnings-rollup/README.md",
          status: "modified",
          patch: "@@ -1,3 +1,6 @@ # driver-earnings-rollup\n+Writes analytics.driver_earnings_daily and, on the 1st, analytics.driver_earnings_monthly.\n",
        },
      ],
    },
  );
  return { series, logs, events, changes };
}

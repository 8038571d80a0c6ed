/**
 * The batch node pool runs on spot instances. At 04:52, in the middle of the shuffle of stage 7,
 * AWS reclaims three of its nodes; the six executors on them disappear with their shuffle files.
 * Reducers fail with FetchFailedException, Spark resubmits the map stage, another node is reclaimed
 * at 05:09, and after the fourth attempt the job aborts. Memory use was normal throughout.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { healthyAirflow, taskLog } from "../airflow.js";
import { executorSeries, sparkLog } from "../spark.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "attribution-spark-preempted";
const APP = "attribution-touchpoints";

export function build(): Telemetry {
  const rand = new Rand(3535);
  const now = at("2026-06-16T05:38:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const submitted = at("2026-06-16T04:06:40Z");
  const stage7 = at("2026-06-16T04:46:00Z");
  const reclaims = [at("2026-06-16T04:52:10Z"), at("2026-06-16T05:09:40Z")];
  const failedAt = at("2026-06-16T05:21:30Z");
  const lost = (e: number, t: number) =>
    (e <= 6 && t >= reclaims[0]! && t < reclaims[0]! + 3 * MIN) || ((e === 7 || e === 8) && t >= reclaims[1]! && t < reclaims[1]! + 3 * MIN);
  const running = (t: number, e: number) => t >= submitted && t < failedAt && !lost(e, t);
  const series = [
    ...healthyAirflow(ax, rand),
    ...executorSeries(ax, rand, APP, "spark-9b1d3f5a7c2e4b6d8f0a", 12, {
      alive: (t, e) => running(t, e),
      activeTasks: () => rand.int(3, 4),
      shuffleReadRate: (t) => (t >= stage7 ? 35e6 : 0),
      failRate: (t, e) => (reclaims.some((r) => Math.abs(t - r) < 60 * SEC) && e > 8 ? 3 / 60 : 0),
      heapBytes: () => 3.0e9,
    }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  reclaims.forEach((r, k) => {
    const gone = k === 0 ? [1, 2, 3, 4, 5, 6] : [7, 8];
    for (const e of gone)
      sparkLog(
        logs,
        r + 5 * SEC,
        APP,
        "driver",
        "error",
        `Lost executor ${e} on 10.42.${7 + k}.${10 + e}: The executor with id ${e} was deleted by a user or the framework.`,
      );
    for (let j = 0; j < 4; j++) {
      sparkLog(
        logs,
        r + (40 + j * 7) * SEC,
        APP,
        "driver",
        "warn",
        `Lost task ${rand.int(0, 399)}.0 in stage 8.${k} (TID ${5000 + k * 100 + j}) (10.42.3.${20 + j} executor ${9 + j}): FetchFailed(BlockManagerId(${gone[0]}, 10.42.${7 + k}.${10 + gone[0]!}, 7337, None), shuffleId=3, mapIndex=${rand.int(0, 399)}, mapId=${rand.int(1000, 4000)}, reduceId=${rand.int(0, 399)}, message=\norg.apache.spark.shuffle.FetchFailedException: Failed to connect to /10.42.${7 + k}.${10 + gone[0]!}:7337`,
      );
    }
    sparkLog(
      logs,
      r + 70 * SEC,
      APP,
      "driver",
      "info",
      `Resubmitting ShuffleMapStage 7 (map at TouchpointModel.scala:118) and ResultStage 8 (save at TouchpointModel.scala:164) due to fetch failure`,
    );
  });
  sparkLog(
    logs,
    failedAt - SEC,
    APP,
    "driver",
    "error",
    "Job aborted due to stage failure: ResultStage 8 (save at TouchpointModel.scala:164) has failed the maximum allowable number of times: 4. Most recent failure reason: org.apache.spark.shuffle.FetchFailedException: Failed to connect to /10.42.8.17:7337",
  );
  for (const t of times(ax)) {
    if (t >= submitted && t < failedAt && rand.chance(0.5))
      sparkLog(
        logs,
        t + rand.uniform(0, MIN),
        APP,
        "driver",
        "info",
        `Finished task ${rand.int(0, 399)}.0 in stage ${t < stage7 ? rand.int(2, 6) : 7}.0 (TID ${rand.int(100, 3900)}) in ${rand.int(20000, 90000)} ms on 10.42.${rand.int(1, 9)}.${rand.int(2, 250)} (executor ${rand.int(9, 12)}) (${rand.int(1, 400)}/400)`,
      );
  }
  const task = { dag_id: "marketing_attribution_daily", task_id: "run_touchpoint_model" };
  taskLog(
    logs,
    failedAt + 20 * SEC,
    task,
    "error",
    "taskinstance.py:3311",
    "Task failed with exception\nairflow.exceptions.AirflowException: Cannot execute: spark-submit ... Error code is: 1. Application attribution-touchpoints finished with state FAILED",
  );
  const events = reclaims.flatMap((r, k) =>
    (k === 0 ? ["ip-10-42-7-11", "ip-10-42-7-12", "ip-10-42-7-13"] : ["ip-10-42-8-17"]).flatMap((node) => [
      {
        at: iso(r - 2 * MIN),
        kind: "aws.ec2.spot_interruption",
        labels: { node: `${node}.eu-west-1.compute.internal`, nodepool: "batch-spot" },
        message: "EC2 Spot Instance Interruption Warning: terminate in 2 minutes",
      },
      { at: iso(r), kind: "k8s.node.removed", labels: { node: `${node}.eu-west-1.compute.internal` }, message: "Node terminated and removed from the cluster" },
    ]),
  );
  return { series, logs, events, changes: backgroundChanges(now, rand) };
}

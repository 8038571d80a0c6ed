/**
 * Mobile app 5.12 reached 100% of users at 09:30. It sends screen views before the consent banner
 * is answered, without a session id, and the edge collector keys them by an empty string: they
 * all hash to partition 17 of web.clickstream. The member that owns partition 17 falls behind
 * while the other seven idle. Overall volume rises only a little (+15%).
 * Red herrings: recommendations-api deployed 13 minutes before the onset, clickstream-sink itself
 * deployed hours earlier, and an unrelated DAG commit.
 */
import { backgroundKafka, noiseLogs, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, at, axis, diurnal, note, ramp, times, type Telemetry } from "../lib.js";

export const id = "clickstream-hot-key";
const HOT = 17;

export function build(): Telemetry {
  const rand = new Rand(4404);
  const now = at("2026-01-22T10:21:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const rollout = (t: number) => ramp(t, at("2026-01-22T09:30:00Z"), at("2026-01-22T09:50:00Z"));
  const total = (t: number) => 2900 * diurnal(t, 20, 0.5) * (1 + 0.15 * rollout(t));
  const hotShare = (t: number) => 1 / 24 + (0.38 - 1 / 24) * rollout(t);
  const group = simulateGroup(
    {
      topic: "web.clickstream",
      group: "clickstream-sink",
      partitions: 24,
      members: 8,
      produce: (t, p) => total(t) * (p === HOT ? hotShare(t) : (1 - hotShare(t)) / 23),
      capacity: () => 3600,
      initialOffset: 214_000_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 250000 for 10m first at ${new Date(firesAt(group, 250_000, 10 * MIN) ?? 0).toISOString()}`);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand)];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    for (let member = 0; member < 8; member++) {
      if (!rand.chance(0.25)) continue;
      const parts = [member, member + 8, member + 16];
      const p = rand.pick(parts);
      const records = p === HOT ? rand.int(180000, 240000) : rand.int(14000, 26000);
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "clickstream-sink", namespace: "streaming", pod: `clickstream-sink-${member}`, level: "info" },
        `level=info msg="flushed batch" topic=web.clickstream partition=${p} records=${records} file=s3://shopfront-raw/page_views/dt=2026-01-22/part-${rand.hex(12)}.parquet took=${p === HOT ? rand.int(40, 58) : rand.int(3, 9)}s`,
      );
    }
  }
  return {
    series,
    logs,
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha: "5d0e9b2c41a7f3e8d6b5c4a3928170f6e5d4c3b2",
          at: "2026-01-22T09:41:12Z",
          author: "tbergstrom",
          message: "attribution: extend lookback window to 30 days",
          files: [
            { path: "airflow/dags/marketing_attribution.py", status: "modified", patch: "@@ -18,7 +18,7 @@\n-LOOKBACK_DAYS = 14\n+LOOKBACK_DAYS = 30\n" },
          ],
        },
      ],
      deployments: [
        {
          repo: "shopfront/clickstream-sink",
          service: "clickstream-sink",
          environment: "production",
          ref: "v2.8.1",
          sha: "c0ffee4d2b19a8e7f6d5c4b3a29180e7d6c5b4a3",
          at: "2026-01-22T06:12:40Z",
          status: "success",
        },
        {
          repo: "shopfront/recommendations",
          service: "recommendations-api",
          environment: "production",
          ref: "v41.3.0",
          sha: "9a8b7c6d5e4f30291817161514131211100f0e0d",
          at: "2026-01-22T09:55:05Z",
          status: "success",
        },
      ],
    },
  };
}

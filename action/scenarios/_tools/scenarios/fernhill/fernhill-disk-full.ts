/**
 * Fernhill, airflow-claims, Tuesday 2027-05-18.
 *
 * Claims Celery workers unpack 837 archives on local NVMe (`/data/scratch`, 900 GiB, xfs); a
 * systemd timer (`scratch-janitor.timer`, 03:15) deletes files older than 24 h. On 2027-05-14 an
 * instance refresh replaced `fh-afc-wkr-03` with a new AMI whose janitor runs as a user that
 * cannot read `/data/scratch/edi/837`; it has failed every night since, on that host only. Its
 * scratch volume fills by ~8 GiB an hour (faster while hourly batches unpack) and reaches 0 bytes
 * free at 07:52, between two hourly runs.
 *
 * From then on, every `claims__edi837_ingest_hourly.process_837_batch` try that lands on wkr-03
 * fails with `OSError: [Errno 28] No space left on device`; the same task on the other three
 * workers succeeds, and retries that land elsewhere pass. Sentry (Airflow's sentry integration)
 * reports the new issue at 08:03; the DAG's retry callback posts a few seconds later.
 *
 * Distractors: a commit to the 837 DAG file at 07:35 (it only logs batch sizes); the other
 * workers' scratch sawtooth; the janitor succeeding on the other hosts; no SIGKILL, no zombie,
 * memory normal.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  GiB,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  dagRun,
  healthyAirflow,
  hostLog,
  pool,
  probeSeries,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-disk-full";

export function build(): Telemetry {
  const rand = new Rand(270518);
  const now = at("2027-05-18T08:25:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const hostAx = axis(now - 30 * HOUR, now, 5 * MIN);
  const full = at("2027-05-18T07:52:00Z");
  const inst = "airflow-claims" as const;
  const size = 900 * GiB;
  const m = (t: number) => (t % HOUR) / MIN;

  // wkr-03: steady growth since the janitor stopped, bumps while batches unpack, 0 from 07:52.
  const wkr3Free = (t: number) => {
    const hoursToFull = (full - t) / HOUR;
    if (hoursToFull <= 0) return rand.uniform(0, 0.02) * GiB;
    const unpacking = m(t) >= 3 && m(t) < 12 ? -(m(t) - 3) * 0.35 : 0;
    return Math.max(0, (hoursToFull * 7.9 + unpacking + rand.normal(0, 0.15)) * GiB);
  };
  // Other hosts: used space rises during the day and is freed by the 03:15 janitor.
  const sawtooth = (offset: number) => (t: number) => {
    const since = (((t - at("2027-05-18T03:15:00Z")) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR);
    return size - (110 + offset + (since / HOUR) * 7.6 + rand.normal(0, 0.2)) * GiB;
  };
  const mounts = (h: string) => [
    { mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs", size: 100 * GiB, avail: () => rand.jitter(61 * GiB, 0.002) },
    {
      mountpoint: "/data/scratch",
      device: "/dev/nvme1n1",
      fstype: "xfs",
      size,
      avail: h === "fh-afc-wkr-03" ? wkr3Free : sawtooth(CLAIMS_WORKERS.indexOf(h as (typeof CLAIMS_WORKERS)[number]) * 9),
    },
  ];

  // process_837_batch tries from 08:02 on: six mapped batches; tries on wkr-03 fail.
  const failures: number[] = [];
  type Try = { map: number; try_number: number; host: string; start: number; end: number; ok: boolean };
  const tries: Try[] = [];
  const run0802 = at("2027-05-18T08:02:00Z");
  const hostsByTry: Record<number, string[]> = {
    0: ["fh-afc-wkr-01"],
    1: ["fh-afc-wkr-02"],
    2: ["fh-afc-wkr-03", "fh-afc-wkr-01"],
    3: ["fh-afc-wkr-03", "fh-afc-wkr-03", "fh-afc-wkr-03"],
    4: ["fh-afc-wkr-04"],
    5: ["fh-afc-wkr-03", "fh-afc-wkr-02"],
  };
  for (let k = 0; k < 6; k++) {
    hostsByTry[k]!.forEach((host, j) => {
      const start = run0802 + (55 + k * 4) * SEC + j * (5 * MIN + 20 * SEC);
      const ok = host !== "fh-afc-wkr-03";
      tries.push({ map: k, try_number: j + 1, host, start, end: start + (ok ? rand.int(150, 300) : rand.int(20, 50)) * SEC, ok });
      if (!ok) failures.push(start);
    });
  }

  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => failures.filter((f) => f + 40 * SEC >= t - MIN && f + 40 * SEC < t).length / 60 }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(hostAx, rand, h, { mounts: mounts(h) })),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const enospc = (path: string) =>
    `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/dags/claims/edi837_ingest_hourly.py", line 141, in process_837_batch\n    unpack_archive(local_zip, workdir)\n  File "/opt/airflow/plugins/fernhill/edi/unpack.py", line 57, in unpack_archive\n    shutil.copyfileobj(src, dst, length=16 * 1024 * 1024)\n  File "/usr/local/lib/python3.11/shutil.py", line 200, in copyfileobj\n    fdst_write(buf)\nOSError: [Errno 28] No space left on device: '${path}'`;
  const logTry = (x: Try, run: string) => {
    const ref = { dag_id: "claims__edi837_ingest_hourly", task_id: "process_837_batch", try_number: x.try_number, host: x.host };
    taskLog(
      logs,
      x.start,
      inst,
      ref,
      "INFO",
      "taskinstance.py:2890",
      `Executing <Task(_PythonDecoratedOperator): process_837_batch> on ${run} map_index=${x.map}`,
    );
    taskLog(
      logs,
      x.start + 15 * SEC,
      inst,
      ref,
      "INFO",
      "sftp.py:201",
      `Starting SFTP transfer of /outbound/837P/FH00417_${x.map}_${iso(x.start).slice(0, 16).replace(/[-:]/g, "")}.zip (${rand.int(40, 180)} MB)`,
    );
    if (x.ok)
      taskLog(
        logs,
        x.end,
        inst,
        ref,
        "INFO",
        "taskinstance.py:1206",
        `Marking task as SUCCESS. dag_id=claims__edi837_ingest_hourly, task_id=process_837_batch, map_index=${x.map}`,
      );
    else {
      taskLog(
        logs,
        x.end - 200,
        inst,
        ref,
        "ERROR",
        "taskinstance.py:3313",
        enospc(
          `/data/scratch/edi/837/FH00417_${x.map}_${iso(x.start).slice(0, 16).replace(/[-:]/g, "")}/claim_${String(rand.int(1, 400)).padStart(4, "0")}.x12`,
        ),
      );
      taskLog(
        logs,
        x.end,
        inst,
        ref,
        x.try_number === 3 ? "ERROR" : "INFO",
        "taskinstance.py:1206",
        `Marking task as ${x.try_number === 3 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=claims__edi837_ingest_hourly, task_id=process_837_batch, map_index=${x.map}`,
      );
    }
  };
  for (const x of tries) if (x.start < now) logTry(x, "2027-05-18 08:02:00+00:00");
  // Hourly successes before the disk filled, on every host.
  for (let h = at("2027-05-18T05:02:00Z"); h <= at("2027-05-18T07:02:00Z"); h += HOUR) {
    for (let k = 0; k < 6; k++) {
      const host = CLAIMS_WORKERS[(k + Math.floor(h / HOUR)) % 4]!;
      const s = h + (55 + k * 4) * SEC;
      taskLog(
        logs,
        s + rand.int(150, 300) * SEC,
        inst,
        { dag_id: "claims__edi837_ingest_hourly", task_id: "process_837_batch", host },
        "INFO",
        "taskinstance.py:1206",
        `Marking task as SUCCESS. dag_id=claims__edi837_ingest_hourly, task_id=process_837_batch, map_index=${k}`,
      );
    }
  }
  // The janitor: fine on three hosts, failing on wkr-03 since the 15th.
  for (const day of [at("2027-05-17T03:15:00Z"), at("2027-05-18T03:15:00Z")]) {
    for (const h of CLAIMS_WORKERS) {
      if (day < ax.start - 26 * HOUR) continue;
      if (h === "fh-afc-wkr-03") {
        hostLog(logs, day + 2 * SEC, h, "scratch-janitor.service", "ERROR", "find: '/data/scratch/edi/837': Permission denied");
        hostLog(logs, day + 3 * SEC, h, "scratch-janitor.service", "ERROR", "scratch-janitor.service: Main process exited, code=exited, status=1/FAILURE");
        hostLog(logs, day + 3 * SEC + 5, h, "scratch-janitor.service", "WARNING", "scratch-janitor.service: Failed with result 'exit-code'.");
      } else
        hostLog(
          logs,
          day + rand.int(20, 90) * SEC,
          h,
          "scratch-janitor.service",
          "INFO",
          `removed ${rand.int(3000, 5200)} files older than 24h from /data/scratch/edi, freed ${rand.int(170, 200)} GiB`,
        );
    }
  }
  hostLog(
    logs,
    at("2027-05-18T07:52:03Z"),
    "fh-afc-wkr-03",
    "kernel",
    "warning",
    "XFS (nvme1n1): ENOSPC reserving per-AG metadata pool, log recovery may fail.",
  );

  // Orchestrator.
  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-05-18T03:02:00Z"); l <= at("2027-05-18T07:02:00Z"); l += HOUR) {
    const start = l + HOUR + 3 * SEC;
    const current = l === at("2027-05-18T07:02:00Z");
    dagRuns.push(
      dagRun({
        dag_id: "claims__edi837_ingest_hourly",
        logical: l,
        state: current ? "failed" : "success",
        start,
        end: current ? at("2027-05-18T08:14:26Z") : start + rand.int(950, 1100) * SEC,
        interval: HOUR,
      }),
    );
  }
  // The 07:02 run (started 08:02): the tries as the REST API shows them now.
  const L = at("2027-05-18T07:02:00Z");
  for (let k = 0; k < 6; k++) {
    const mine = tries.filter((x) => x.map === k && x.start < now);
    const last = mine[mine.length - 1]!;
    const state = last.ok ? (last.end <= now ? "success" : "running") : last.end > now ? "running" : last.try_number === 3 ? "failed" : "up_for_retry";
    tis.push(
      taskInstance({
        dag_id: "claims__edi837_ingest_hourly",
        run_id: runIdOf(L),
        logical: L,
        task_id: "process_837_batch",
        map_index: k,
        state,
        try_number: last.try_number,
        pool: "edi_sftp",
        operator: "_PythonDecoratedOperator",
        start: last.start,
        end: last.end <= now ? last.end : null,
        queued: last.start - 2 * SEC,
        hostname: claimsFqdn(last.host),
      }),
    );
  }
  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-dags",
      at: at("2027-05-18T07:35:12Z"),
      author: "lnguyen-fh",
      message: "837 intake: log archive and unpacked sizes per batch",
      files: [
        {
          path: "dags/claims/edi837_ingest_hourly.py",
          patch:
            '@@ -139,6 +139,8 @@ def process_837_batch(batch):\n     local_zip = sftp_get(batch)\n+    log.info("archive %s: %d bytes", batch, os.path.getsize(local_zip))\n     unpack_archive(local_zip, workdir)\n+    log.info("unpacked %s: %d files", batch, len(os.listdir(workdir)))\n',
        },
      ],
    }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2027-05-14T13:20:41Z",
        kind: "aws.autoscaling.instance_refresh",
        labels: { asg: "fh-airflow-claims-workers", host: "fh-afc-wkr-03" },
        message: "Instance refresh replaced i-0b81e2c4d6f7a9035 with i-04f2a6c8e0b1d3579 (AMI fh-airflow-worker-2027.05.13)",
      },
      {
        at: "2027-05-18T06:30:00Z",
        kind: "k8s.hpa.rescaled",
        labels: { cluster: "fh-prod-use2", namespace: "digital", hpa: "member-portal-api" },
        message: "New size: 5; reason: cpu resource utilization (percentage of request) above target",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 6),
        pool("edi_sftp", 6, 3),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 0),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes,
  };
}

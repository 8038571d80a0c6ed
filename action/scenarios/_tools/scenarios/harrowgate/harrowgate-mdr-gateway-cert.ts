/**
 * Harrowgate, metering namespace, Tuesday 2027-01-19.
 *
 * `mdr-gw` fronts Harrowgate's cache of the industry meter-point registry (MPAN → meter, supplier,
 * GSP group). Its serving certificate comes from Vault PKI through cert-manager (90-day TTL, renewed
 * 30 days before expiry). On 2026-12-18 a Vault change narrowed the `hge-internal` PKI role's
 * allowed domains to `*.svc.hge.internal`; every renewal since has been denied, and the certificate
 * expires at 11:20:00.
 *
 * The first to notice is a client: `registry-sync` calls mdr-gw every minute, and Sentry opens an
 * issue for its `SSLCertVerificationError` at 11:20:33. The blackbox probe of mdr-gw's health endpoint
 * has failed since 11:20:15; its `for: 5m` alert reaches Alertmanager at 11:25. The hourly
 * `registry.mpan_snapshot_hourly` DAG fails at 11:34 with the same TLS error (after one retry), and its
 * callback posts to Pipemedic.
 *
 * Distractors: a registry-sync deploy at 10:52 (pagination of the change feed); a quote-api deploy.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  airflowSeries,
  backgroundChanges,
  backgroundGroups,
  backgroundLogs,
  commit,
  dagRun,
  deployment,
  probeSeries,
  serviceLog,
  taskInstance,
  taskLog,
} from "../../harrowgate/lib.js";

export const id = "harrowgate-mdr-gateway-cert";

export function build(): Telemetry {
  const rand = new Rand(270119);
  const now = at("2027-01-19T11:45:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const expiry = at("2027-01-19T11:20:00Z");
  const dag = "registry.mpan_snapshot_hourly";
  const host = "mdr-gw.metering.hge.internal";
  const sslErr = `HTTPSConnectionPool(host='${host}', port=8443): Max retries exceeded with url: /v2/mpan/changes?since=2027-01-19T10%3A00%3A00Z (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)')))`;

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  for (let t = ax.start; t < now; t += MIN) {
    const s = t + 31 * SEC;
    if (s < expiry)
      serviceLog(
        logs,
        s,
        "metering",
        "registry-sync",
        "info",
        `level=info msg="change feed polled" since=${iso(s - MIN)} changes=${rand.int(3, 60)} duration_ms=${rand.int(40, 180)}`,
      );
    else {
      serviceLog(logs, s, "metering", "registry-sync", "error", `level=error msg="change feed poll failed" err="${sslErr.replaceAll('"', "'")}"`);
      serviceLog(
        logs,
        s + 20,
        "metering",
        "mdr-gw",
        "info",
        `http: TLS handshake error from 10.42.3.${rand.int(10, 200)}:${rand.int(30000, 60000)}: remote error: tls: bad certificate`,
      );
    }
  }
  // cert-manager has tried to renew since 2026-12-20 and been denied each time.
  for (let t = now - 4 * HOUR + 7 * MIN; t < now; t += HOUR)
    logs.add(
      t,
      { k8s_cluster: "hge-prd-lon1", namespace: "cert-manager", app: "cert-manager", container: "cert-manager-controller", level: "error" },
      `E0119 ${iso(t).slice(11, 19)}.000000       1 controller.go:167] "re-queuing item due to error processing" err="CertificateRequest metering/mdr-gw-tls-1 is Denied: vault: error signing certificate: 400 Bad Request: common name mdr-gw.metering.hge.internal not allowed by this role" controller="certificaterequests-issuer-vault" key="metering/mdr-gw-tls-1"`,
    );

  // The DAG: hourly at :30, one retry after 2 minutes; runs before 11:30 succeed.
  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-01-19T07:30:00Z"); l <= at("2027-01-19T10:30:00Z"); l += HOUR) {
    const start = l + HOUR + 4 * SEC;
    const failed = l === at("2027-01-19T10:30:00Z");
    const end = failed ? at("2027-01-19T11:34:07Z") : start + rand.int(70, 110) * SEC;
    dagRuns.push(dagRun({ dag_id: dag, logical: l, state: failed ? "failed" : "success", start, end, interval: HOUR }));
    tis.push(
      taskInstance({
        dag_id: dag,
        logical: l,
        task_id: "pull_mpan_changes",
        state: failed ? "failed" : "success",
        try_number: failed ? 2 : 1,
        pool: "default_pool",
        start: failed ? at("2027-01-19T11:33:58Z") : start + 2 * SEC,
        end: failed ? end : end - 20 * SEC,
        worker: "hge-airflow-worker-1",
        operator: "HttpOperator",
      }),
    );
    if (failed)
      for (const [n, t] of [
        [1, at("2027-01-19T11:30:06Z")],
        [2, at("2027-01-19T11:33:58Z")],
      ] as const) {
        taskLog(
          logs,
          t,
          { dag_id: dag, task_id: "pull_mpan_changes", try_number: n, worker: "hge-airflow-worker-1" },
          "INFO",
          "http.py:187",
          `Calling HTTP method GET on https://${host}:8443/v2/mpan/changes`,
        );
        taskLog(
          logs,
          t + 8 * SEC,
          { dag_id: dag, task_id: "pull_mpan_changes", try_number: n, worker: "hge-airflow-worker-1" },
          "ERROR",
          "taskinstance.py:3311",
          `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/requests/adapters.py", line 698, in send\n    raise SSLError(e, request=request)\nrequests.exceptions.SSLError: ${sslErr}`,
        );
      }
  }
  dagRuns.push(dagRun({ dag_id: dag, logical: at("2027-01-19T11:30:00Z"), state: "queued", interval: HOUR }));

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/vault-config",
      at: at("2026-12-18T15:02:44Z"),
      author: "rsandhu",
      message: "pki: restrict hge-internal role to *.svc.hge.internal (SEC-882)",
      files: [
        {
          path: "pki/roles/hge-internal.hcl",
          patch:
            '@@ -2,7 +2,7 @@ role "hge-internal" {\n-  allowed_domains  = ["hge.internal"]\n-  allow_subdomains = true\n+  allowed_domains  = ["svc.hge.internal"]\n+  allow_subdomains = true\n',
        },
      ],
    }),
    commit(rand, {
      repo: "harrowgate/registry-sync",
      at: at("2027-01-19T10:41:20Z"),
      author: "dfarrow",
      message: "change feed: follow next_page links",
      files: [
        {
          path: "registry_sync/feed.py",
          patch:
            '@@ -44,6 +44,9 @@ def poll(since):\n     resp = session.get(url, params={"since": since})\n+    while resp.links.get("next"):\n+        yield from resp.json()["changes"]\n+        resp = session.get(resp.links["next"]["url"])\n',
        },
      ],
    }),
  );
  changes.deployments.push(deployment(rand, { repo: "harrowgate/registry-sync", service: "registry-sync", at: at("2027-01-19T10:52:03Z"), ref: "v3.8.0" }));
  return {
    series: [
      ...probeSeries(ax, rand, { mdrGateway: { ok: (t) => t < expiry + 15 * SEC } }),
      ...airflowSeries(ax, rand, { failures: (t) => (t >= at("2027-01-19T11:30:00Z") && t < at("2027-01-19T11:35:00Z") ? 1 / 150 : 0) }),
      ...backgroundGroups(ax, rand),
    ],
    logs,
    changes,
    events: [
      {
        at: iso(expiry),
        kind: "cert.expired",
        labels: { host, namespace: "metering", certificate: "mdr-gw-tls" },
        message: "certificate metering/mdr-gw-tls notAfter 2027-01-19T11:20:00Z reached (issuer vault-hge-internal)",
      },
      {
        at: "2026-12-20T11:20:03Z",
        kind: "cert-manager.renewal.failed",
        labels: { namespace: "metering", certificate: "mdr-gw-tls" },
        message: "Renewal of mdr-gw-tls started (30 days before expiry); CertificateRequest mdr-gw-tls-1 Denied",
      },
    ],
    orchestrator: { dag_runs: dagRuns, task_instances: tis, import_errors: [], pools: [] },
  };
}

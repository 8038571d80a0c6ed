/**
 * kafka-fleet-euw1's external TLS listener (fleet-ingest.brightline.io:9094) serves a certificate
 * issued by cert-manager from the Vault PKI. Renewal has been failing for weeks (cert-manager's Vault
 * role lost its sign permission: 403 on every attempt, Certificate Ready=False), and the
 * certificate's notAfter is 2026-09-14T09:00:00Z. From 09:00 every new TLS handshake on the external
 * listener fails: iot-mqtt-bridge (the scooters' and cars' gateway, Go/franz-go, in the IoT VPC) can
 * no longer produce to fleet.vehicle-pings.v2 and fleet.scooter-status.v1 as its connections are
 * recycled, and fleet-partner-sync (a partner consumer on the same listener) drops out of its group.
 * In-cluster clients use the internal listener (another certificate, valid until November) and are fine.
 *
 * Decisive: probe_ssl_earliest_cert_expiry of fleet-ingest.brightline.io:9094 equals 09:00:00 and
 * probe_success of that target goes 1 -> 0 at 09:00; "x509: certificate has expired" /
 * CertificateExpiredException NotAfter 09:00:00 from both clients; broker "SSL handshake failed";
 * the cert.expired event; onset exactly at notAfter. DNS lookups and the internal listener are fine.
 * Red herrings: the two topics' produce rate falls to ~0 (looks like a producer schema problem or a
 * producer deploy: iot-mqtt-bridge deployed at 08:41, metrics code only); cert-manager's Helm chart was
 * bumped at 08:52 (its renewal errors started long before); iot-mqtt-bridge logs an occasional
 * "i/o timeout" dialing a broker all morning; geo-ingest's consume rate falls (nothing to read).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, times, type Telemetry } from "../../lib.js";
import { PROBE, backgroundChanges, commute, k8sLog, noiseLogs, probes, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-fleet-ingest-cert-expired";

export function build(): Telemetry {
  const rand = new Rand(61011);
  const now = at("2026-09-14T09:25:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const notAfter = at("2026-09-14T09:00:00Z");
  // Share of the bridge's producer connections still alive after notAfter (recycled within ~5 minutes).
  const alive = (t: number) => (t < notAfter ? 1 : Math.max(0, 1 - (t - notAfter) / (5 * MIN)));
  const pings = (t: number) => 1500 * commute(t, 0.3);
  const status = (t: number) => 370 * (0.85 + 0.15 * commute(t, 0.4));
  const [geo] = simulateTopic(
    { cluster: "fleet", topic: "fleet.vehicle-pings.v2", partitions: 12, produce: (t) => (pings(t) * alive(t)) / 12, initialOffset: 5_140_000_000 },
    [{ group: "geo-ingest", members: 6, memberCapacity: () => 600 }],
    ax,
    rand,
  );
  const partnerGone = notAfter + 3 * MIN;
  const [st, partner] = simulateTopic(
    { cluster: "fleet", topic: "fleet.scooter-status.v1", partitions: 16, produce: (t) => (status(t) * alive(t)) / 16, initialOffset: 526_000_000 },
    [
      { group: "battery-health-svc", members: 16, memberCapacity: () => 40, membersAt: () => 8 },
      { group: "fleet-partner-sync", members: 2, memberCapacity: (t) => (t < partnerGone ? 200 : 0), membersAt: (t) => (t < partnerGone ? 2 : 0) },
    ],
    ax,
    rand,
  );
  const series = [...geo!.series, ...st!.series, ...partner!.series];
  series.push(gauge({ __name__: "kafka_brokers", job: "fleet-kafka-exporter", instance: "10.44.18.7:9308", cluster: "kafka-fleet-euw1" }, ax, () => 3, 0));
  // blackbox_exporter: TLS probes of the external and internal listeners, plus DNS.
  const tlsL = (instance: string) => ({ job: "blackbox", module: "tls_connect", instance });
  const ext = "fleet-ingest.brightline.io:9094";
  const internal = "kafka-fleet-kafka-bootstrap.kafka-fleet.svc:9093";
  series.push(gauge({ __name__: "probe_ssl_earliest_cert_expiry", ...tlsL(ext) }, ax, () => 1789376400, 0));
  series.push(gauge({ __name__: "probe_success", ...tlsL(ext) }, ax, (t) => (t < notAfter ? 1 : 0), 0));
  series.push(gauge({ __name__: "probe_duration_seconds", ...tlsL(ext) }, ax, () => rand.uniform(0.018, 0.03), 4));
  series.push(gauge({ __name__: "probe_dns_lookup_time_seconds", ...tlsL(ext) }, ax, () => rand.uniform(0.0008, 0.0021), 5));
  series.push(gauge({ __name__: "probe_ssl_earliest_cert_expiry", ...tlsL(internal) }, ax, () => 1795174329, 0));
  series.push(gauge({ __name__: "probe_success", ...tlsL(internal) }, ax, () => 1, 0));
  series.push(gauge({ __name__: "probe_duration_seconds", ...tlsL(internal) }, ax, () => rand.uniform(0.004, 0.009), 4));
  series.push(gauge({ __name__: "probe_ssl_earliest_cert_expiry", job: "blackbox", module: "http_2xx", instance: PROBE.riderApi }, ax, () => 1793318400, 0));
  series.push(...probes(ax, rand, [PROBE.riderApi, PROBE.timescale]));
  // cert-manager's view.
  const cm = { job: "cert-manager", namespace: "kafka-fleet", issuer_name: "vault-pki", issuer_kind: "ClusterIssuer", issuer_group: "cert-manager.io" };
  series.push(gauge({ __name__: "certmanager_certificate_expiration_timestamp_seconds", ...cm, name: "fleet-ingest-external-tls" }, ax, () => 1789376400, 0));
  series.push(gauge({ __name__: "certmanager_certificate_ready_status", ...cm, name: "fleet-ingest-external-tls", condition: "True" }, ax, () => 0, 0));
  series.push(gauge({ __name__: "certmanager_certificate_ready_status", ...cm, name: "fleet-ingest-external-tls", condition: "False" }, ax, () => 1, 0));
  series.push(gauge({ __name__: "certmanager_certificate_expiration_timestamp_seconds", ...cm, name: "kafka-fleet-cluster-ca-cert" }, ax, () => 1795174329, 0));
  series.push(gauge({ __name__: "certmanager_certificate_ready_status", ...cm, name: "kafka-fleet-cluster-ca-cert", condition: "True" }, ax, () => 1, 0));
  // iot-mqtt-bridge: MQTT in keeps flowing; Kafka produce errors by reason; local buffer fills.
  const br = { job: "iot-mqtt-bridge", namespace: "iot-gw", app: "iot-mqtt-bridge" };
  series.push(counter({ __name__: "iot_bridge_mqtt_messages_received_total", ...br }, ax, 9.8e10, (t) => pings(t) + status(t)));
  series.push(counter({ __name__: "iot_bridge_kafka_produce_errors_total", ...br, reason: "tls" }, ax, 0, (t) => (pings(t) + status(t)) * (1 - alive(t))));
  series.push(counter({ __name__: "iot_bridge_kafka_produce_errors_total", ...br, reason: "timeout" }, ax, 2_113, () => (rand.chance(0.05) ? 0.05 : 0)));
  let buf = 4e6;
  series.push(
    gauge(
      { __name__: "iot_bridge_buffer_bytes", ...br },
      ax,
      (t) => (buf = Math.min(2 * 1024 ** 3, t < notAfter ? rand.uniform(3e6, 6e6) : buf + (pings(t) + status(t)) * (1 - alive(t)) * 60 * 410)),
      0,
    ),
  );

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const bridgePods = ["iot-mqtt-bridge-7d9b8c6f5-hq2mz", "iot-mqtt-bridge-7d9b8c6f5-n8w4r", "iot-mqtt-bridge-7d9b8c6f5-t5kxa"];
  const partnerPods = ["fleet-partner-sync-59c7d8b6f-2vhm8", "fleet-partner-sync-59c7d8b6f-wq4nz"];
  const go = (t: number, k: number, level: string, msg: string) =>
    k8sLog(logs, t, "iot-gw", "iot-mqtt-bridge", bridgePods[k]!, level, `time=${new Date(t).toISOString()} level=${level} ${msg}`);
  for (const t of times(ax)) {
    for (let k = 0; k < 3; k++) {
      if (rand.chance(0.3))
        go(
          t + rand.uniform(0, MIN),
          k,
          "info",
          `msg="relay stats" window=60s mqtt_in=${Math.round((pings(t) + status(t)) * 20 * rand.uniform(0.95, 1.05))} kafka_out=${Math.round((pings(t) + status(t)) * 20 * alive(t) * rand.uniform(0.95, 1.05))} buffered_bytes=${t < notAfter ? rand.int(3_000_000, 6_000_000) : rand.int(200_000_000, 900_000_000)}`,
        );
      if (rand.chance(0.015))
        go(
          t + rand.uniform(0, MIN),
          k,
          "warn",
          `msg="broker connection error, retrying" broker=b-${rand.int(0, 2)}.fleet-ingest.brightline.io:9094 err="unable to dial: dial tcp 52.18.${rand.int(1, 250)}.${rand.int(1, 250)}:9094: i/o timeout"`,
        );
      if (t >= notAfter && rand.chance(0.9)) {
        for (let j = 0; j < 2; j++) {
          const now1 = t + rand.uniform(0, MIN);
          go(
            now1,
            k,
            "error",
            `msg="unable to produce, records buffered" topic=${rand.pick(["fleet.vehicle-pings.v2", "fleet.scooter-status.v1"])} broker=b-${rand.int(0, 2)}.fleet-ingest.brightline.io:9094 err="unable to dial: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${new Date(now1).toISOString().slice(0, 19)}Z is after 2026-09-14T09:00:00Z"`,
          );
        }
      }
    }
    for (let k = 0; k < 2; k++) {
      if (t < partnerGone && rand.chance(0.2))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "partners-prod",
          "fleet-partner-sync",
          partnerPods[k]!,
          "info",
          springLine(
            t,
            "info",
            "partner-sync-0",
            "c.b.partners.StatusForwarder",
            `forwarded ${rand.int(900, 1400)} scooter statuses to partner=${rand.pick(["transit-lisboa", "mad-movilidad"])} in 60s`,
          ),
        );
      if (t >= notAfter && rand.chance(0.7)) {
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "partners-prod",
          "fleet-partner-sync",
          partnerPods[k]!,
          "error",
          springLine(
            t,
            "error",
            "partner-sync-0",
            "o.a.k.clients.NetworkClient",
            `[Consumer clientId=consumer-fleet-partner-sync-${k + 1}, groupId=fleet-partner-sync] Connection to node -1 (fleet-ingest.brightline.io/52.18.${40 + k}.${17 + k}:9094) failed authentication due to: SSL handshake failed\norg.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed\nCaused by: javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed\nCaused by: java.security.cert.CertPathValidatorException: validity check failed\nCaused by: java.security.cert.CertificateExpiredException: NotAfter: Mon Sep 14 09:00:00 UTC 2026`,
          ),
        );
      }
    }
    for (let b = 0; b < 3; b++) {
      if (t >= notAfter && rand.chance(0.8))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "kafka-fleet",
          "kafka",
          `kafka-fleet-kafka-${b}`,
          "info",
          `${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")} INFO [SocketServer listenerType=BROKER, nodeId=${b}] Failed authentication with /10.70.${rand.int(1, 9)}.${rand.int(2, 250)} (channelId=10.44.${rand.int(1, 60)}.${rand.int(2, 250)}:9094-10.70.4.${rand.int(2, 250)}:${rand.int(30000, 60000)}-${rand.int(1, 400)}) (SSL handshake failed) (org.apache.kafka.common.network.Selector)`,
        );
      if (rand.chance(0.1))
        k8sLog(
          logs,
          t + rand.uniform(0, MIN),
          "kafka-fleet",
          "kafka",
          `kafka-fleet-kafka-${b}`,
          "info",
          `${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")} INFO [LocalLog partition=fleet.vehicle-pings.v2-${rand.int(0, 11)}, dir=/var/lib/kafka/data-0/kafka-log${b}] Rolled new log segment at offset ${rand.int(5_100_000_000, 5_200_000_000)} in ${rand.int(1, 4)} ms. (kafka.log.LocalLog)`,
        );
    }
    if ((t - ax.start) % HOUR === 12 * MIN) {
      k8sLog(
        logs,
        t + 12 * SEC,
        "cert-manager",
        "cert-manager",
        "cert-manager-7f8d9c6b5-r2lqm",
        "error",
        `E${new Date(t).toISOString().slice(5, 10).replace("-", "")} ${new Date(t).toISOString().slice(11, 23)}000       1 controller.go:167] "re-queuing item due to error processing" err="failed to sign certificate: vault: Error making API request.\\n\\nURL: PUT https://vault.brightline.internal/v1/pki_int/sign/kafka-fleet\\nCode: 403. Errors:\\n\\n* permission denied" logger="cert-manager.controller" key="kafka-fleet/fleet-ingest-external-tls-1"`,
      );
      k8sLog(
        logs,
        t + 13 * SEC,
        "cert-manager",
        "cert-manager",
        "cert-manager-7f8d9c6b5-r2lqm",
        "info",
        `I${new Date(t).toISOString().slice(5, 10).replace("-", "")} ${new Date(t).toISOString().slice(11, 23)}000       1 trigger_controller.go:223] "Certificate must be re-issued" logger="cert-manager.certificates-trigger" key="kafka-fleet/fleet-ingest-external-tls" reason="Renewing" message="Renewing certificate as renewal was scheduled at 2026-08-15 09:00:00 +0000 UTC"`,
      );
    }
  }
  const events = [
    {
      at: iso(notAfter),
      kind: "cert.expired",
      labels: { host: "fleet-ingest.brightline.io", port: "9094", secret: "kafka-fleet/fleet-ingest-external-tls" },
      message: "certificate CN=fleet-ingest.brightline.io notAfter 2026-09-14T09:00:00Z reached (issuer: Brightline Intermediate CA 2025)",
    },
  ];
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/iot-mqtt-bridge",
    service: "iot-mqtt-bridge",
    environment: "production",
    ref: "v1.22.3",
    sha: "5c7e9a1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e3a",
    at: "2026-09-14T08:41:37Z",
    status: "success",
  });
  changes.commits.push(
    {
      repo: "brightline/iot-mqtt-bridge",
      sha: "5c7e9a1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e3a",
      at: "2026-09-14T08:22:05Z",
      author: "nuno.ferraz",
      message: "metrics: per-topic buffered bytes",
      files: [
        {
          path: "internal/metrics/buffer.go",
          status: "modified",
          patch: "@@ -12,6 +12,10 @@ var bufferBytes = prometheus.NewGauge(\n+var bufferBytesByTopic = prometheus.NewGaugeVec(\n",
        },
      ],
    },
    {
      repo: "brightline/platform-config",
      sha: "8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6b",
      at: "2026-09-14T08:52:44Z",
      author: "acosta",
      message: "cert-manager: chart v1.15.3",
      files: [{ path: "helm/cert-manager/values.yaml", status: "modified", patch: "@@ -1,4 +1,4 @@\n-version: v1.15.1\n+version: v1.15.3\n" }],
    },
  );
  changes.deployments.push({
    repo: "brightline/platform-config",
    service: "cert-manager",
    environment: "production",
    ref: "v1.15.3",
    sha: "8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6b",
    at: "2026-09-14T08:55:10Z",
    status: "success",
  });
  return { series, logs, events, changes };
}

/**
 * Realistic credentials in the contexts they leak from (log lines, connection strings, headers, JSON
 * bodies), for the redaction test and for every artifact test that must prove nothing leaks.
 *
 * Token-shaped values are assembled from parts so this file never holds a literal that a secret
 * scanner would flag; none of them is a real credential.
 */

/** One credential sample: `secret` must never survive redaction of `text`. */
export interface SecretSample {
  /** The `[REDACTED:<kind>]` kind expected in the output. */
  kind: string;
  secret: string;
  text: string;
}

const j = (...parts: string[]) => parts.join("");

const AWS_ACCESS = j("AKIA", "Q3X7PZK2M4NW8RTV");
const AWS_SESSION = j("ASIA", "ZK4QW7TR2XPLM9BN");
const AWS_SECRET = j("wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYzq8Lk3mNv2");
const GHP = j("ghp", "_", "R8kZ2mQ4vX7nB1cT9wL5yH3pJ6dF0sA2gE4u");
const GHO = j("gho", "_", "16C7e42F292c6912E7710c838347Ae178B4a");
const GHS = j("ghs", "_", "kW3pZ8rT1mQ6vY9xB2nC5dF7gH0jL4sA8eRt");
const GHU = j("ghu", "_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
const GH_PAT = j("github", "_pat_", "11ABCDEFG0", "_", "q8W2e4R6t8Y0u2I4o6P8a0S2d4F6g8H0j2K4l6Z8x0C2v4B6n8M0q2W4e6R8t0Y2u4I6o");
const SLACK_BOT = j("xoxb", "-", "2048417620", "-", "4087315628049", "-", "Xp7RkQ2wZ9mN4vB8cL1tY6sD");
const SLACK_USER = j("xoxp", "-", "2048417620", "-", "2048417621", "-", "4087315628050", "-", "3f9a7c2e1b8d4f6a0c5e9b7d2a4f6c8e");
const SLACK_HOOK = j("https://hooks.slack", ".com/services/", "T024BE7LD/B08F3KQ9V2R/", "vK8xQ2pZ7mR4nW9tL3sY6bC1");
const OPENAI_PROJ = j("sk-", "proj-", "Zr4xK9mQ2vT7nB5cW8yL1pH6dF3sA0gE4uJ7kM2qR9tX5wV8bN1cY3zL6pH0dF3sA");
const OPENAI_LEGACY = j("sk-", "T3BlbkFJ", "q8W2e4R6t8Y0u2I4o6P8a0S2d4F6g8H0j2K4");
const JWT = j(
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
  ".",
  "eyJzdWIiOiJldGwtbG9hZGVyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzczNDgyMTIwfQ",
  ".",
  "Qm9ndXNTaWduYXR1cmVOb3RSZWFsX2p3dC0xMjM0NTY",
);
const PEM_BODY = j(
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
  "/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW",
);
const PEM = [
  j("-----BEGIN RSA ", "PRIVATE KEY-----"),
  PEM_BODY.slice(0, 64),
  PEM_BODY.slice(64, 128),
  PEM_BODY.slice(128),
  j("-----END RSA ", "PRIVATE KEY-----"),
].join("\n");
const OPENSSH = [
  j("-----BEGIN OPENSSH ", "PRIVATE KEY-----"),
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  j("-----END OPENSSH ", "PRIVATE KEY-----"),
].join("\n");

/** Every kind of credential the brief names, in the places it is found. */
export const SECRET_SAMPLES: SecretSample[] = [
  { kind: "aws-access-key", secret: AWS_ACCESS, text: `botocore: AccessDenied for access key ${AWS_ACCESS} on s3://lake/raw/orders/` },
  { kind: "aws-access-key", secret: AWS_SESSION, text: `AWS_ACCESS_KEY_ID=${AWS_SESSION}` },
  { kind: "aws-secret-key", secret: AWS_SECRET, text: `aws_secret_access_key = ${AWS_SECRET}` },
  { kind: "aws-secret-key", secret: AWS_SECRET, text: `{"AccessKeyId": "${AWS_ACCESS}", "SecretAccessKey": "${AWS_SECRET}"}` },
  { kind: "aws-secret-key", secret: AWS_SECRET, text: `export AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"` },
  { kind: "github-token", secret: GHP, text: `remote: Invalid username or password. git clone https://x-access-token:${GHP}@github.invalid/acme/etl.git` },
  { kind: "github-token", secret: GHP, text: `GITHUB_TOKEN ${GHP} was used` },
  { kind: "github-token", secret: GHO, text: `oauth token ${GHO} expired` },
  { kind: "github-token", secret: GHS, text: `installation token: ${GHS}` },
  { kind: "github-token", secret: GHU, text: `user-to-server ${GHU}` },
  { kind: "github-token", secret: GH_PAT, text: `fine-grained PAT ${GH_PAT} lacks contents:write` },
  { kind: "slack-token", secret: SLACK_BOT, text: `slack_sdk.errors.SlackApiError: invalid_auth (token ${SLACK_BOT})` },
  { kind: "slack-token", secret: SLACK_USER, text: `SLACK_USER_TOKEN:${SLACK_USER}` },
  { kind: "slack-webhook", secret: SLACK_HOOK.slice(SLACK_HOOK.indexOf("/services/")), text: `POST ${SLACK_HOOK} returned 404 no_service` },
  { kind: "openai-key", secret: OPENAI_PROJ, text: `openai.AuthenticationError: Incorrect API key provided: ${OPENAI_PROJ}` },
  { kind: "openai-key", secret: OPENAI_LEGACY, text: `OPENAI_API_KEY=${OPENAI_LEGACY}` },
  { kind: "jwt", secret: JWT, text: `401 Unauthorized: token ${JWT} has expired` },
  { kind: "jwt", secret: JWT.split(".")[1]!, text: `Cookie: session=${JWT}; Path=/` },
  { kind: "private-key", secret: PEM_BODY.slice(0, 64), text: `key file contents:\n${PEM}\nloaded` },
  { kind: "private-key", secret: PEM_BODY.slice(64, 128), text: JSON.stringify({ private_key: PEM }) },
  { kind: "private-key", secret: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", text: `id_ed25519:\n${OPENSSH}` },
  { kind: "private-key", secret: PEM_BODY.slice(0, 64), text: `truncated: ${PEM.slice(0, 120)}` },
  {
    kind: "url-password",
    secret: "S3cr3t!Pass",
    text: "psycopg2.OperationalError: could not connect to postgres://etl_user:S3cr3t!Pass@db.internal:5432/warehouse",
  },
  { kind: "url-password", secret: "r3dis-pw-9911", text: "Error connecting to redis://:r3dis-pw-9911@cache.internal:6379/0" },
  { kind: "url-password", secret: "m0ng0-Pa55", text: "MONGO_URL=mongodb+srv://app:m0ng0-Pa55@cluster0.example.net/orders?retryWrites=true" },
  { kind: "url-password", secret: "guestpw123", text: "amqp://guest:guestpw123@rabbit:5672/ connection refused" },
  { kind: "password", secret: "hunter2-Prod!", text: "login failed with password=hunter2-Prod! for etl" },
  { kind: "password", secret: "correct horse battery staple", text: `{"user": "loader", "password": "correct horse battery staple"}` },
  { kind: "password", secret: "Tr0ub4dor&3", text: "DB_PASSWORD='Tr0ub4dor&3'" },
  { kind: "password", secret: "Pa$$w0rd2024", text: "Server=tcp:sql.example.net,1433;Database=dw;User ID=loader;Password=Pa$$w0rd2024;Encrypt=true" },
  { kind: "password", secret: "pgpass-77x", text: "PGPASSWORD: pgpass-77x" },
  { kind: "password", secret: "cli-pw-4412", text: "dbt run --password cli-pw-4412 --target prod" },
  { kind: "api-key", secret: "5f4dcc3b5aa765d61d8327deb882cf99", text: "X-Api-Key: 5f4dcc3b5aa765d61d8327deb882cf99" },
  { kind: "api-key", secret: "dd0c4b2a9e7f1356", text: "GET /api/v1/series?api_key=dd0c4b2a9e7f1356&from=now-1h" },
  { kind: "token", secret: "ya29.a0AfH6SMBx-q7", text: "refresh failed: access_token=ya29.a0AfH6SMBx-q7 expired" },
  { kind: "secret", secret: "9f8e7d6c5b4a3f2e", text: "client_secret: 9f8e7d6c5b4a3f2e" },
  { kind: "authorization", secret: "abcdef0123456789abcdef0123", text: "curl -H 'Authorization: Bearer abcdef0123456789abcdef0123' https://api.example.net" },
  { kind: "authorization", secret: "ZXRsOmh1bnRlcjI=", text: "Authorization: Basic ZXRsOmh1bnRlcjI=" },
  { kind: "authorization", secret: "q8W2e4R6t8Y0u2I4o6P8a0", text: `{"headers": {"authorization": "Bearer q8W2e4R6t8Y0u2I4o6P8a0"}}` },
];

/** Text that looks a little like a credential but is not: it must come out of redaction unchanged. */
export const ORDINARY_SAMPLES: string[] = [
  "revert 9fceb02d0ae598e95dc970b74764e4f5c6a1b2c3 (short 9fceb02)",
  "run_id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 finished",
  "2026-03-14T10:02:00Z and 2026-03-14 10:02:00.123+01:00 and 1773482520000",
  "https://grafana.example.com/d/abc123/orders-lag?orgId=1&from=now-6h&to=now",
  "http://prometheus:9090/api/v1/query_range?query=kafka_consumergroup_lag",
  "postgres://db.internal:5432/warehouse",
  "Consumer group orders-consumer lag is 120000 messages on topic orders.v2",
  'kafka_consumergroup_lag{consumergroup="orders",topic="orders.v2"} 1.2e5',
  "Basic authentication failed for user etl; Bearer token expired",
  "password reset requested by oncall@example.com",
  "max_tokens=512 temperature=0.2",
  "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  "pipelines/orders/consumer.yaml: max.poll.interval.ms 300000 -> 600000",
  "task_instance orders_daily.load_orders try 3 failed: SIGKILL",
];

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
const BASE_SAMPLES: SecretSample[] = [
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

/**
 * Vendor credentials that carry their own shape (the gitleaks rules and our own find them by it),
 * for the redaction corpus: each is tried in every form it travels in (see inEveryForm).
 */
export const VENDOR_TOKENS: Array<{ vendor: string; kind: string; token: string }> = [
  { vendor: "Google API key", kind: "gcp-api-key", token: j("AIza", "U89K1D5a0HECbLMQsNcCGctd76LCNUH1lS-") },
  { vendor: "npm", kind: "npm-access-token", token: j("npm", "_", "17lscsfa7xp5jttu33ek4a25a4h3f5bjozxc") },
  { vendor: "GitLab", kind: "gitlab-pat", token: j("glpat", "-", "IcQPzMuEGQ80YRP10eou") },
  { vendor: "SendGrid", kind: "sendgrid-api-token", token: j("SG", ".", "gTfIhpazOc61hVRd82Wzj5", ".", "OSqplLapHp6hgPjryAczD4UDDqcdbTmBQq79GygZnhA") },
  {
    vendor: "Vault",
    kind: "vault-service-token",
    token: j("hvs", ".", "OgshDBj1zpi4i4zBGozlxQF0l3AnQB2bFtKsh2eWYtVFpIPEnLCGiFJfWOQgUQudDfZFUWdGvIkgTxzszeomDnTaOaovzMN"),
  },
  { vendor: "Shopify", kind: "shopify-access-token", token: j("shpat", "_", "6180c1476806ffb4e53602b9341537b6") },
  { vendor: "DigitalOcean", kind: "digitalocean-pat", token: j("dop", "_v1_", "d252e214456d1b3cd83c6bebd0b626cd16da1cb04d7a5c1c1ce140569d01304a") },
  { vendor: "GitHub", kind: "github-token", token: GHP },
  { vendor: "Slack", kind: "slack-token", token: SLACK_BOT },
  { vendor: "AWS", kind: "aws-access-key", token: AWS_ACCESS },
];

/** Webhook URLs: the URL is the credential. `secret` is the part that must go. */
export const WEBHOOKS: Array<{ vendor: string; kind: string; url: string; secret: string }> = [
  {
    vendor: "Slack, no scheme",
    kind: "slack-webhook",
    url: j("hooks.slack", ".com/services/", "T024BE7LD/B08F3KQ9V2R/", "vK8xQ2pZ7mR4nW9tL3sY6bC1"),
    secret: "vK8xQ2pZ7mR4nW9tL3sY6bC1",
  },
  {
    vendor: "Discord",
    kind: "discord-webhook",
    url: j("https://discord", ".com/api/webhooks/", "570723576553460603/", "3taBrdmzEZJb6hPNOQFEfKsGPSpFk-gMFIYtKhSWbBTkPRU2NFoylq2xqzuB7FAs2Kem"),
    secret: "3taBrdmzEZJb6hPNOQFEfKsGPSpFk-gMFIYtKhSWbBTkPRU2NFoylq2xqzuB7FAs2Kem",
  },
  {
    vendor: "Microsoft Teams",
    kind: "microsoft-teams-webhook",
    url: j(
      "https://acme.webhook.office",
      ".com/webhookb2/",
      "f8t2j1s0-8fjc-tqt2-ueqy-t4bhhvzr2snr@a4amf0jo-v0gr-aukx-0sxn-km7c8frab9gr",
      "/IncomingWebhook/",
      "mgh55wbaeq0hv04ypmtkollywejbnj0f/qs1vuzmv-p3b8-bwb2-8060-f7jp8pblckqo",
    ),
    secret: "mgh55wbaeq0hv04ypmtkollywejbnj0f",
  },
];

/** A value in each form it leaks in: HTTP header, env line, JSON, URL query, URL-encoded form body. */
export function inEveryForm(value: string, name = "value"): Array<[form: string, text: string]> {
  return [
    ["header", `X-Upstream-${name}: ${value}\r\nAccept: */*`],
    ["env line", `UPSTREAM_${name.toUpperCase()}=${value}`],
    ["JSON", JSON.stringify({ [name]: value, page: 2 })],
    ["URL query", `GET https://api.example.net/v1/items?${name}=${value}&page=2 HTTP/1.1`],
    ["URL-encoded", `body=${encodeURIComponent(`${name}=${value}&page=2`)}`],
  ];
}

const DD_APP = "b4c7dd56d2cd307eabe25923ba816d38d7a2de7b";
const DD_API = "7b9713023541cdb9755abcd79d4b3dcf";
const AZURE_KEY = j("JUO4lFRbFl4MTuVlXR/qtmVZLyeQLGuSNNr23WaINK5V/", "MQOMg7v/T1BciR8cIe++UWFMZOWIQIBjzSNwnb1L+==");
const AMZ_SIG = "bb66d5c929f6e197e1c13a266cee3e302bb83f827d64f119050535cc4b342021";
const BEARER = "gb7Xb4Va5BpoBeYIivaMIkUbagzArE36G4WK6Naw";
const COOKIE = "pH0uCQqRq2PJQiyHggFDSAkxHpzkfrVQ";
const CLIENT_SECRET = "Vv95hN-Ux9S46gCaKGRF~m_Ue5SqKBjCh9";

/** Credentials known by the name they stand under, in the forms the issue found them missed (#16). */
export const KEYED_SAMPLES: SecretSample[] = [
  { kind: "api-key", secret: DD_APP, text: `dd-application-key: ${DD_APP}` },
  { kind: "api-key", secret: DD_APP, text: `curl -H "DD-APPLICATION-KEY: ${DD_APP}" https://api.datadoghq.eu/api/v1/validate` },
  { kind: "api-key", secret: DD_API, text: `dd_api_key ${DD_API} rejected (403)` },
  { kind: "api-key", secret: DD_API, text: `DD_API_KEY=${DD_API}` },
  {
    kind: "access-key",
    secret: AZURE_KEY,
    text: `DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`,
  },
  { kind: "access-key", secret: AZURE_KEY, text: `{"connectionString": "AccountName=lake;AccountKey=${AZURE_KEY}"}` },
  { kind: "cookie", secret: COOKIE, text: `Cookie: theme=dark; sessionid=${COOKIE}; csrftoken=abc123` },
  { kind: "cookie", secret: COOKIE, text: `Set-Cookie: sessionid=${COOKIE}; Path=/; HttpOnly; Secure` },
  { kind: "cookie", secret: COOKIE, text: JSON.stringify({ headers: { cookie: `sessionid=${COOKIE}` } }) },
  { kind: "password", secret: "hunter2", text: "login failed: password hunter2 is wrong" },
  { kind: "password", secret: "S3cr3t-pw-77", text: `{"user": "etl", "pass": "S3cr3t-pw-77"}` },
  { kind: "password", secret: "S3cr3t-pw-77", text: `mysql://etl@db?pass=S3cr3t-pw-77&ssl=true` },
  {
    kind: "signature",
    secret: AMZ_SIG,
    text: `GET https://lake.s3.amazonaws.com/raw/orders.parquet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260314T100000Z&X-Amz-Signature=${AMZ_SIG}&X-Amz-SignedHeaders=host`,
  },
  { kind: "authorization", secret: BEARER, text: `POST /token body: grant_type=refresh&authorization=Bearer%20${BEARER}&scope=read` },
  { kind: "authorization", secret: BEARER, text: `authorization=Bearer+${BEARER}` },
  { kind: "secret", secret: CLIENT_SECRET, text: `body=grant_type%3Dclient_credentials%26client_id%3Detl%26client_secret%3D${CLIENT_SECRET}%26scope%3Dread` },
  { kind: "secret", secret: CLIENT_SECRET, text: `client_secret%3D${CLIENT_SECRET}` },
  { kind: "password", secret: "hunter2-Prod", text: `password%3Dhunter2-Prod%26user%3Detl` },
  { kind: "token", secret: "ya29-a0AfH6SMBxq7", text: "X-Auth-Token ya29-a0AfH6SMBxq7" },
  { kind: "secret", secret: "Zt8pQ2mX9vR4", text: "auth: Zt8pQ2mX9vR4" },
];

/** Text near credentials that is not one: it must come out of redaction unchanged. */
export const ORDINARY_NEAR_MISSES: string[] = [
  "alert_id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 fingerprint=9a0c0305e82c3301",
  '{"id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "status": "firing"}',
  "commit: 9fceb02d0ae598e95dc970b74764e4f5c6a1b2c3",
  '{"sha": "9fceb02d0ae598e95dc970b74764e4f5c6a1b2c3", "message": "raise max.poll.interval.ms"}',
  "ALTER TABLE users RENAME COLUMN password_hash TO pw_hash",
  "schema change: column password_hash (text) added to dim_users",
  'llm_token_count{model="gpt-4o"} 51234',
  "token_count=512 max_tokens=4096 prompt_tokens: 300",
  "secret_name: warehouse-creds rotation_days: 30",
  "routing_key=orders.v2 partition_key: customer_id cache_key=user:123",
  "auth_method=oauth2 bypass=true passed: 12 of 12",
  'kafka_consumergroup_lag{consumergroup="orders",topic="orders.v2"} 120000',
  "password reset requested; token expired at 2026-03-14T10:00:00Z",
  "Set the password in the vault, not here (see docs/secrets.md)",
  "keyspace=orders key.serializer=org.apache.kafka.common.serialization.StringSerializer",
  "https://grafana.example.com/d/abc123/orders-lag?orgId=1&var-topic=orders.v2&from=now-6h",
  "Done. PASS=14 WARN=0 ERROR=1 SKIP=8 NO-OP=0 TOTAL=9",
  'proposal "check-says-pass": checks[0] tries to set "verdict"',
  "PWD=/home/runner/work/etl OLDPWD=/home/runner",
  // Prose after a credential word and a colon: a plan's "Why: by signature: …", a log's "token: the …".
  "Why: by signature: tasks could not be started or scheduled (no capacity)",
  "refresh failed, token: the scheduler could not renew it",
];

/**
 * Every credential sample: the ones above, the keyed forms of issue #16, and each vendor token and
 * webhook as an env line. Artifact and LLM tests plant all of them.
 */
export const SECRET_SAMPLES: SecretSample[] = [
  ...BASE_SAMPLES,
  ...KEYED_SAMPLES,
  ...VENDOR_TOKENS.filter((v) => v.vendor !== "GitHub" && v.vendor !== "Slack" && v.vendor !== "AWS").map((v) => ({
    kind: v.kind,
    secret: v.token,
    text: `UPSTREAM_VALUE=${v.token}`,
  })),
  ...WEBHOOKS.map((w) => ({ kind: w.kind, secret: w.secret, text: `notify via ${w.url} failed: 404` })),
];

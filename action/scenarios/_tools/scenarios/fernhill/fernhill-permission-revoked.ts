/**
 * Fernhill, Tuesday 2027-01-12.
 *
 * Security Engineering runs the quarterly PHI access review through `fernhill-health/snowflake-iac`
 * (Terraform, applied by Atlantis). The merged change at 13:55 was meant to drop claims_raw read
 * from `ROLE_ANALYST_SANDBOX`, but it removed the grant resource of `ROLE_DBT_TRANSFORMER` (both
 * lived in `roles/claims_raw_readers.tf`). Atlantis applies at 14:08:31: REVOKE SELECT ON ALL and
 * FUTURE TABLES IN SCHEMA FERNHILL_PROD.CLAIMS_RAW FROM ROLE ROLE_DBT_TRANSFORMER.
 *
 * The hourly dbt Cloud job "claims_mart hourly" (SVC_DBT_CLOUD, role ROLE_DBT_TRANSFORMER,
 * warehouse FH_DBT_WH) errors at 14:16 and 15:16: every model selecting from claims_raw fails with
 * `003001 (42501): SQL access control error: Insufficient privileges to operate on table
 * 'CLAIM_LINES'`; its member_raw models still succeed (the login works, the warehouse runs, the
 * columns are unchanged). Fernhill's Snowflake audit forwarder turns the REVOKE into a
 * `grant.revoked` event.
 *
 * Distractors: a dbt commit at 13:41 that only edits descriptions and tests of claims_mart (on the
 * failing job's path); an analyst's own "Insufficient privileges" on a sandbox table the day
 * before; the Datadog failed-query monitor that names the user, not the cause.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { backgroundChanges, backgroundLogs, commit, dagRun, deployment, healthyAirflow, pool, probeSeries, serviceLog } from "../../fernhill/lib.js";

export const id = "fernhill-permission-revoked";

const LINES: Record<string, string> = {
  CLAIM_LINE_ID: "VARCHAR(32)",
  CLAIM_ID: "VARCHAR(24)",
  LINE_NUMBER: "NUMBER(4,0)",
  MEMBER_ID: "VARCHAR(20)",
  RENDERING_NPI: "VARCHAR(10)",
  PROCEDURE_CODE: "VARCHAR(8)",
  DIAGNOSIS_CODES: "ARRAY",
  SERVICE_DATE: "DATE",
  BILLED_AMOUNT: "NUMBER(12,2)",
  ALLOWED_AMOUNT: "NUMBER(12,2)",
  _LOADED_AT: "TIMESTAMP_TZ(9)",
};

export function build(): Telemetry {
  const rand = new Rand(270112);
  const now = at("2027-01-12T15:30:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const revoke = at("2027-01-12T14:08:31Z");
  const series = [...healthyAirflow(ax, rand, "airflow-claims"), ...healthyAirflow(ax, rand, "airflow-analytics"), ...probeSeries(ax, rand)];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // Atlantis' apply log (the platform's own Kubernetes service).
  for (const [dt, line] of [
    [0, "Running apply for project snowflake-prod in dir . (workspace default) requested by jkowalski-sec on PR #412"],
    [
      4200,
      'snowflake_grant_privileges_to_account_role.claims_raw_read["ROLE_DBT_TRANSFORMER"]: Destroying... [id="ROLE_DBT_TRANSFORMER"|false|false|SELECT|OnSchemaObject|OnAll|TABLES|InSchema|"FERNHILL_PROD"."CLAIMS_RAW"]',
    ],
    [5800, 'snowflake_grant_privileges_to_account_role.claims_raw_read_future["ROLE_DBT_TRANSFORMER"]: Destroying...'],
    [9100, "Apply complete! Resources: 0 added, 0 changed, 2 destroyed."],
  ] as const)
    serviceLog(logs, revoke - 9 * SEC + dt, "platform", "atlantis", "info", line);
  // Background: Atlantis plans for other PRs, all day.
  for (let t = ax.start + 17 * MIN; t < now; t += rand.int(50, 90) * MIN)
    serviceLog(
      logs,
      t,
      "platform",
      "atlantis",
      "info",
      `Running plan for project aws-network in dir envs/prod (workspace default) requested by ${rand.pick(["mlindqvist", "kowalczyk-a", "okafor-j"])} on PR #${rand.int(380, 420)}`,
    );
  // dbt Cloud run step logs are not in Loki; the job's errors reach Snowflake's query history (warehouse.json).

  const qe = (t: number, user: string, role: string, wh: string, code: string, message: string, q?: string) => ({
    at: iso(t),
    user,
    role,
    warehouse: wh,
    error_code: code,
    message,
    ...(q ? { query_text: q } : {}),
  });
  const query_errors = [
    qe(
      at("2027-01-11T16:22:04Z"),
      "MPATEL",
      "ROLE_ANALYST_SANDBOX",
      "FH_BI_WH",
      "003001",
      "SQL access control error:\nInsufficient privileges to operate on table 'RA_MEMBER_SAMPLE'",
    ),
    qe(
      at("2027-01-12T12:48:40Z"),
      "SVC_TABLEAU",
      "ROLE_BI_READER",
      "FH_BI_WH",
      "000630",
      "Statement reached its statement or warehouse timeout of 300 second(s) and was canceled.",
    ),
  ];
  for (const runStart of [at("2027-01-12T14:15:22Z"), at("2027-01-12T15:15:19Z")]) {
    [
      ["STG_CLAIMS__LINES", "CLAIM_LINES"],
      ["STG_CLAIMS__HEADERS", "CLAIM_HEADERS"],
      ["STG_CLAIMS__ADJUDICATION_EVENTS", "ADJUDICATION_EVENTS"],
      ["STG_CLAIMS__PROVIDERS_ON_CLAIM", "CLAIM_LINES"],
    ].forEach(([model, table], k) =>
      query_errors.push(
        qe(
          runStart + (48 + k * 3) * SEC,
          "SVC_DBT_CLOUD",
          "ROLE_DBT_TRANSFORMER",
          "FH_DBT_WH",
          "003001",
          `SQL access control error:\nInsufficient privileges to operate on table '${table}'`,
          `create or replace view FERNHILL_PROD.CLAIMS_STAGE.${model} as ( select ... from FERNHILL_PROD.CLAIMS_RAW.${table} ... )`,
        ),
      ),
    );
  }
  const schemas = [];
  for (let t = at("2027-01-12T11:00:00Z"); t <= at("2027-01-12T15:00:00Z"); t += HOUR)
    schemas.push({ at: iso(t), table: "claims_raw.claim_lines", columns: LINES });

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/dbt-fernhill",
      at: at("2027-01-12T13:41:18Z"),
      author: "lnguyen-fh",
      message: "claims_mart: describe allowed vs paid, accepted_values for claim_status",
      files: [
        {
          path: "models/claims_mart/schema.yml",
          patch:
            "@@ -40,6 +40,12 @@ models:\n       - name: allowed_amount\n-        description: allowed\n+        description: Contractual allowed amount after network pricing, before member cost share.\n+      - name: claim_status\n+        tests:\n+          - accepted_values:\n+              values: ['paid', 'denied', 'pended', 'adjusted']\n",
        },
      ],
    }),
    commit(rand, {
      repo: "fernhill-health/snowflake-iac",
      at: at("2027-01-12T13:55:02Z"),
      author: "jkowalski-sec",
      message: "access review 2027-Q1: remove claims_raw read from non-approved roles (SEC-1187)",
      files: [
        {
          path: "roles/claims_raw_readers.tf",
          patch:
            '@@ -1,9 +1,7 @@\n locals {\n   claims_raw_readers = [\n     "ROLE_CLAIMS_LOADER",\n-    "ROLE_DBT_TRANSFORMER",\n     "ROLE_ACTUARIAL_READER",\n-    "ROLE_ANALYST_SANDBOX",\n   ]\n }\n',
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, {
      repo: "fernhill-health/snowflake-iac",
      service: "snowflake-prod",
      environment: "snowflake-prod",
      at: revoke + 9 * SEC,
      ref: "atlantis/apply/pr-412",
    }),
  );

  const events = [
    {
      at: iso(revoke + 4 * SEC),
      kind: "grant.revoked",
      labels: { account: "fernhill-prod", role: "ROLE_DBT_TRANSFORMER", schema: "FERNHILL_PROD.CLAIMS_RAW", privilege: "SELECT", by: "SVC_TERRAFORM" },
      message: "REVOKE SELECT ON ALL TABLES IN SCHEMA FERNHILL_PROD.CLAIMS_RAW FROM ROLE ROLE_DBT_TRANSFORMER",
    },
    {
      at: iso(revoke + 6 * SEC),
      kind: "grant.revoked",
      labels: { account: "fernhill-prod", role: "ROLE_DBT_TRANSFORMER", schema: "FERNHILL_PROD.CLAIMS_RAW", privilege: "SELECT", by: "SVC_TERRAFORM" },
      message: "REVOKE SELECT ON FUTURE TABLES IN SCHEMA FERNHILL_PROD.CLAIMS_RAW FROM ROLE ROLE_DBT_TRANSFORMER",
    },
    {
      at: iso(revoke + 7 * SEC),
      kind: "grant.revoked",
      labels: { account: "fernhill-prod", role: "ROLE_ANALYST_SANDBOX", schema: "FERNHILL_PROD.CLAIMS_RAW", privilege: "SELECT", by: "SVC_TERRAFORM" },
      message: "REVOKE SELECT ON ALL TABLES IN SCHEMA FERNHILL_PROD.CLAIMS_RAW FROM ROLE ROLE_ANALYST_SANDBOX",
    },
    {
      at: "2027-01-12T11:02:44Z",
      kind: "grant.granted",
      labels: { account: "fernhill-prod", role: "ROLE_BI_READER", schema: "FERNHILL_PROD.CARE_MART", privilege: "SELECT", by: "SVC_TERRAFORM" },
      message: "GRANT SELECT ON ALL TABLES IN SCHEMA FERNHILL_PROD.CARE_MART TO ROLE ROLE_BI_READER",
    },
  ];
  return {
    series,
    logs,
    events,
    // Airflow has nothing to do with the dbt Cloud schedule; its API answers with ordinary runs.
    orchestrator: {
      dag_runs: [0, 1, 2, 3, 4].map((k) => {
        const logical = at("2027-01-12T09:02:00Z") + k * HOUR;
        return dagRun({
          dag_id: "claims__edi837_ingest_hourly",
          logical,
          state: "success",
          start: logical + HOUR + 4 * SEC,
          end: logical + HOUR + rand.int(950, 1120) * SEC,
          interval: HOUR,
        });
      }),
      task_instances: [],
      import_errors: [],
      pools: [
        pool("default_pool", 64, 6),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    warehouse: {
      schemas,
      query_errors: query_errors.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
      tables: [
        { table: "claims_mart.fct_claim_lines", at: "2027-01-12T15:20:00Z", row_count: 88120412, max_loaded_at: "2027-01-12T13:24:51Z" },
        { table: "member_mart.dim_member_eligibility", at: "2027-01-12T15:20:00Z", row_count: 1711902, max_loaded_at: "2027-01-12T15:19:02Z" },
      ],
    },
    changes,
  };
}

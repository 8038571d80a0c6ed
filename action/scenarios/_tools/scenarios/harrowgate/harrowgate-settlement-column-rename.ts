/**
 * Harrowgate, Snowflake HGE_PRD and dbt Cloud, Tuesday 2027-02-09.
 *
 * The metering team's `metering-ingest` service loads validated half-hourly reads into
 * `RAW_METERING.HH_READS` and owns that table's Flyway migrations. Its 12:40 release runs
 * `V57__rename_read_quality_flag.sql` (READ_QUALITY_FLAG → READ_QUALITY, to match the industry's
 * D0010 field name) at 12:41:30. Nobody told Analytics Engineering: the dbt Cloud job
 * `settlement_marts hourly` (runs as DBT_CLOUD_PRD on WH_TRANSFORM) fails at 13:06 in
 * `stg_hh_reads` with `invalid identifier 'READ_QUALITY_FLAG'`, and every settlement model
 * downstream is skipped.
 *
 * dbt Cloud's `job.run.errored` webhook posts at 13:07. At 13:10 the data platform's Grafana rule
 * over INFORMATION_SCHEMA.QUERY_HISTORY (failed queries by service user, labelled `user_name`)
 * fires for DBT_CLOUD_PRD in its own delivery.
 *
 * Distractors: the metering-ingest deploy is the change (a deploy, but not of the failing job);
 * analysts' invalid-identifier errors in their sandbox; the loader's own queries succeed.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { backgroundChanges, backgroundGroups, backgroundLogs, commit, deployment, javaLine, serviceLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-settlement-column-rename";

const HH_READS = {
  MPAN: "VARCHAR(13)",
  METER_SERIAL: "VARCHAR(20)",
  READ_DATE: "DATE",
  PERIOD: "NUMBER(2,0)",
  KWH: "NUMBER(12,3)",
  READ_TYPE: "VARCHAR(2)",
  READ_QUALITY_FLAG: "VARCHAR(1)",
  SOURCE_SYSTEM: "VARCHAR(16)",
  _LOADED_AT: "TIMESTAMP_NTZ(9)",
};

export function build(): Telemetry {
  const rand = new Rand(270209);
  const now = at("2027-02-09T13:25:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const renamed = at("2027-02-09T12:41:30Z");

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const deployAt = at("2027-02-09T12:40:12Z");
  for (const [dt, level, msg] of [
    [60, "INFO", "Flyway Community Edition 10.17.0 by Redgate; Database: jdbc:snowflake://hge_prd.eu-west-2.aws.snowflakecomputing.com (Snowflake 9.3)"],
    [75, "INFO", 'Current version of schema "RAW_METERING": 56'],
    [78, "INFO", 'Migrating schema "RAW_METERING" to version "57 - rename read quality flag"'],
    [80, "INFO", 'Successfully applied 1 migration to schema "RAW_METERING", now at version v57 (execution time 00:01.842s)'],
  ] as const)
    serviceLog(
      logs,
      deployAt + dt * SEC,
      "metering",
      "metering-ingest",
      level.toLowerCase(),
      javaLine(deployAt + dt * SEC, level, "org.flywaydb.core.internal.command.DbMigrate", msg),
    );
  for (let t = ax.start; t < now; t += 5 * MIN)
    serviceLog(
      logs,
      t + rand.int(0, 60) * SEC,
      "metering",
      "metering-ingest",
      "info",
      javaLine(
        t,
        "INFO",
        "uk.harrowgate.ingest.SnowflakeSink",
        `COPY INTO RAW_METERING.HH_READS: ${rand.int(180_000, 260_000)} rows loaded from stage @HH_READS_STAGE`,
      ),
    );

  // Hourly schema snapshots: the column renamed between 12:00 and 13:00.
  const schemas = [];
  for (let t = now - 4 * HOUR - (now % HOUR); t <= now; t += HOUR) {
    const cols: Record<string, string> = { ...HH_READS };
    if (t >= renamed) {
      delete cols.READ_QUALITY_FLAG;
      cols.READ_QUALITY = "VARCHAR(1)";
    }
    schemas.push({ at: iso(t), table: "raw_metering.hh_reads", columns: cols });
  }
  const err = (t: number, user: string, wh: string, role: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({
    at: iso(t),
    user,
    role,
    warehouse: wh,
    error_code: code,
    message,
    ...extra,
  });
  const query_errors = [
    err(
      at("2027-02-09T10:14:22Z"),
      "ANALYST_RPATEL",
      "WH_ADHOC",
      "ROLE_ANALYST",
      "000904",
      "SQL compilation error: error line 3 at position 9\ninvalid identifier 'TARIF_CODE'",
    ),
    err(
      at("2027-02-09T13:06:47.812Z"),
      "DBT_CLOUD_PRD",
      "WH_TRANSFORM",
      "ROLE_TRANSFORMER",
      "000904",
      "SQL compilation error: error line 14 at position 8\ninvalid identifier 'READ_QUALITY_FLAG'",
      {
        query_text:
          "create or replace view HGE_PRD.SETTLEMENT_STAGE.STG_HH_READS as (\n  select mpan, read_date, period, kwh, read_type,\n    read_quality_flag as quality_flag ...",
      },
    ),
  ];

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/metering-ingest",
      at: at("2027-02-09T11:52:40Z"),
      author: "ihussain",
      message: "HH_READS: rename READ_QUALITY_FLAG to READ_QUALITY (D0010 field name)",
      files: [
        {
          path: "db/migration/V57__rename_read_quality_flag.sql",
          status: "added",
          patch: "@@ -0,0 +1 @@\n+ALTER TABLE RAW_METERING.HH_READS RENAME COLUMN READ_QUALITY_FLAG TO READ_QUALITY;\n",
        },
        {
          path: "src/main/java/uk/harrowgate/ingest/HhReadRow.java",
          patch:
            '@@ -22,7 +22,7 @@ public record HhReadRow(\n-    @Column("READ_QUALITY_FLAG") String readQualityFlag,\n+    @Column("READ_QUALITY") String readQuality,\n',
        },
      ],
    }),
  );
  changes.deployments.push(deployment(rand, { repo: "harrowgate/metering-ingest", service: "metering-ingest", at: deployAt, ref: "v2.31.0" }));
  return {
    series: [...backgroundGroups(ax, rand)],
    logs,
    changes,
    events: [
      {
        at: iso(renamed),
        kind: "schema.column.renamed",
        labels: { table: "raw_metering.hh_reads", database: "HGE_PRD" },
        message: "HGE_PRD.RAW_METERING.HH_READS: column READ_QUALITY_FLAG renamed to READ_QUALITY by METERING_INGEST_SVC",
      },
      {
        at: "2027-02-09T13:05:02Z",
        kind: "dbt_cloud.run.started",
        labels: { job: "settlement_marts hourly", project: "hge-analytics" },
        message: "Run 2217730418 started (scheduled)",
      },
    ],
    warehouse: {
      schemas,
      query_errors,
      tables: [
        { table: "raw_metering.hh_reads", at: iso(now - 5 * MIN), row_count: 9_221_604_118, max_loaded_at: iso(now - 6 * MIN) },
        { table: "settlement_marts.fct_hh_consumption", at: iso(now - 5 * MIN), row_count: 8_990_113_202, max_loaded_at: "2027-02-09T12:09:51Z" },
      ],
    },
  };
}

"""Loss ratio by line of business, daily, into actuarial_mart.loss_ratio_daily.

Waits for Claims Data Engineering's adjudication snapshot (airflow-claims) through the
ops.pipeline_watermarks row that claims__adjudication_daily writes when it completes.
Owner: act-analytics@fernhillhealth.example
"""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.common.sql.sensors.sql import SqlSensor
from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator

from fernhill_common.callbacks import notify_pipemedic, notify_pipemedic_sla
from fernhill_common.actuarial import publish_loss_ratio

WATERMARK_SQL = (
    "SELECT 1 FROM ops.pipeline_watermarks "
    "WHERE pipeline = 'claims__adjudication_daily' AND ds = '{ds}' AND status = 'complete'"
)

default_args = {
    "owner": "act-analytics@fernhillhealth.example",
    "retries": 1,
    "retry_delay": timedelta(minutes=10),
    "on_failure_callback": notify_pipemedic,
}

with DAG(
    dag_id="actuarial__loss_ratio_daily",
    schedule="30 4 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    sla_miss_callback=notify_pipemedic_sla,
    params={"pipeline": "actuarial-loss-ratio"},
    doc_md="""Loss ratio by line of business. Q4 2026: IBNR factors from the September study.""",
    tags=["actuarial", "claims", "phi"],
) as dag:
    wait_for_adjudication_snapshot = SqlSensor(
        task_id="wait_for_adjudication_snapshot",
        conn_id="snowflake_analytics",
        sql=WATERMARK_SQL.format(ds="{{ data_interval_end | ds }}"),
        mode="reschedule",
        poke_interval=300,
        timeout=2 * 60 * 60,
        retries=0,
    )

    load_claims_cost = SnowflakeOperator(
        task_id="load_claims_cost",
        snowflake_conn_id="snowflake_analytics",
        sql="sql/actuarial/load_claims_cost.sql",
        pool="snowflake_transform",
    )

    load_premium_earned = SnowflakeOperator(
        task_id="load_premium_earned",
        snowflake_conn_id="snowflake_analytics",
        sql="sql/actuarial/load_premium_earned.sql",
        pool="snowflake_transform",
    )

    publish = PythonOperator(
        task_id="publish_loss_ratio",
        python_callable=publish_loss_ratio,
        sla=timedelta(hours=2),
    )

    wait_for_adjudication_snapshot >> [load_claims_cost, load_premium_earned] >> publish

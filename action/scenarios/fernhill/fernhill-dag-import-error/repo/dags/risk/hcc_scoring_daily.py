"""Daily CMS-HCC risk scores per member into risk_stage.member_hcc_scores.

Runs after the MAO-004 and encounter extracts land (10:00 UTC). Owner: risk-adjustment@fernhillhealth.example
"""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator

from fernhill_common.callbacks import notify_pipemedic
from fernhill_common.hcc.v28 import CROSSWALK_V28, score_member
from fernhill_common.snowflake import fetch_frame, write_frame

default_args = {
    "owner": "risk-adjustment",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "on_failure_callback": notify_pipemedic,
}

with DAG(
    dag_id="risk__hcc_scoring_daily",
    schedule="0 10 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={"pipeline": "risk-hcc-scoring"},
    tags=["risk", "hcc", "phi"],
) as dag:
    stage_diagnoses = SnowflakeOperator(
        task_id="stage_diagnoses",
        snowflake_conn_id="snowflake_analytics",
        sql="sql/risk/stage_diagnoses.sql",
        pool="snowflake_transform",
    )

    def score(**context):
        diagnoses = fetch_frame("risk_stage.member_diagnoses", ds=context["ds"])
        crosswalk = CROSSWALK_V28
        scores = score_member(diagnoses, crosswalk=crosswalk, payment_year=2027)
        write_frame(scores, "risk_stage.member_hcc_scores", mode="overwrite")

    score_members = PythonOperator(task_id="score_members", python_callable=score)

    stage_diagnoses >> score_members

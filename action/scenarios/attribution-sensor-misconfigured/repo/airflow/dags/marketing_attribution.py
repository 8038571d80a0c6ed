"""Daily marketing attribution: sessions x orders, touchpoint model on Spark, into analytics.fct_attribution."""
from datetime import timedelta

import pendulum
from airflow.decorators import dag, task
from airflow.sensors.external_task import ExternalTaskSensor
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

CHANNELS = [
    "google_ads",
    "meta",
    "tiktok",
]


@dag(
    schedule="30 4 * * *",
    start_date=pendulum.datetime(2025, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["marketing", "attribution"],
)
def marketing_attribution_daily():
    wait_for_orders_marts = ExternalTaskSensor(
        task_id="wait_for_orders_marts",
        external_dag_id="dbt_orders_hourly",
        external_task_ids=["dbt_build"],
        execution_delta=timedelta(hours=1),
        mode="reschedule",
        poke_interval=300,
        timeout=45 * 60,
        retries=0,
    )

    run_touchpoint_model = SparkSubmitOperator(
        task_id="run_touchpoint_model",
        application="local:///opt/spark/jobs/attribution/touchpoints.py",
        name="attribution-touchpoints",
        conn_id="spark_k8s",
    )

    wait_for_orders_marts >> run_touchpoint_model


marketing_attribution_daily()

"""Hourly inventory sync: stock levels per fulfilment centre from the ERP into raw.inventory_levels."""
from datetime import timedelta
from airflow.decorators import dag, task
from airflow.exceptions import AirflowException

from erp_client.v2 import StockClient

FULFILMENT_CENTRES = [
    "ber1",
    "ham2",
    "muc1",
    "waw1",
    "ams1",
    "mad1",
]


@dag(
    schedule="5 * * * *",
    start_date=__import__("pendulum").datetime(2025, 6, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=50),
    default_args={"retries": 2, "retry_delay": timedelta(minutes=3), "pool": "erp_api"},
    tags=["inventory", "erp"],
)
def inventory_sync_hourly():
    for fc in FULFILMENT_CENTRES:

        @task(task_id=f"sync_fc_{fc}")
        def sync_fc(fc: str = fc) -> None:
            client = StockClient.from_connection("erp_api")
            rows = client.stock_levels(fulfilment_centre=fc)
            if not rows:
                raise AirflowException(f"ERP returned no stock for {fc}")
            client.merge_into("raw.inventory_levels", rows)

        sync_fc()


inventory_sync_hourly()

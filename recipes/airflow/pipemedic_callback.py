"""Airflow on_failure_callback that reports a failed task to Pipemedic as a repository_dispatch event.

Works with Airflow 2 and 3. Put this file next to your DAGs (or in a plugin) and set
    default_args = {"on_failure_callback": pipemedic_on_failure_callback}
The token comes from the Airflow Variable PIPEMEDIC_GITHUB_TOKEN (a fine-grained token with
Contents: write on the repository) and the repository from PIPEMEDIC_REPOSITORY (owner/repo).
See docs/recipes/airflow.md.
"""

import json
import os
import urllib.request

GITHUB_API_URL = os.environ.get("GITHUB_API_URL", "https://api.github.com")
EXCEPTION_CHARS = 4000  # the whole dispatch must stay under GitHub's 64 KB


def _setting(name):
    try:
        from airflow.models import Variable

        value = Variable.get(name, default_var=None)
    except Exception:  # outside Airflow (tests) or no metadata database
        value = None
    return value or os.environ.get(name)


def _iso(value):
    return value.isoformat() if value is not None else None


def _describe(exception):
    """`KeyError: 'customer_id'`: the type and the message, cut to a size that fits a dispatch."""
    if exception is None:
        return None
    if isinstance(exception, BaseException):
        return f"{type(exception).__name__}: {exception}"[:EXCEPTION_CHARS]
    return str(exception)[:EXCEPTION_CHARS]


def pipemedic_payload(context):
    """The JSON Pipemedic's Airflow adapter reads, from the callback's context."""
    ti = context["ti"]
    dag_run = context.get("dag_run")
    exception = context.get("exception")
    logical_date = getattr(dag_run, "logical_date", None) or context.get("logical_date") or getattr(dag_run, "execution_date", None)
    return {
        "event": "task_failure",
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": getattr(dag_run, "run_id", None) or ti.run_id,
        "map_index": getattr(ti, "map_index", -1),
        "try_number": ti.try_number,
        "state": "failed",
        "operator": getattr(ti, "operator", None),
        "hostname": getattr(ti, "hostname", None),
        "logical_date": _iso(logical_date),
        "start_date": _iso(ti.start_date),
        "end_date": _iso(ti.end_date),
        "log_url": ti.log_url,
        "exception": _describe(exception),
        "labels": {"pipeline": ti.dag_id},
    }


def pipemedic_on_failure_callback(context):
    """Posts the failure; a callback must never raise, so problems are logged and swallowed."""
    repository = _setting("PIPEMEDIC_REPOSITORY")
    token = _setting("PIPEMEDIC_GITHUB_TOKEN")
    if not repository or not token:
        print("pipemedic: set the PIPEMEDIC_REPOSITORY and PIPEMEDIC_GITHUB_TOKEN Variables to report failures")
        return
    body = {"event_type": "pipemedic-alert", "client_payload": {"source": "airflow", "payload": pipemedic_payload(context)}}
    request = urllib.request.Request(
        f"{GITHUB_API_URL}/repos/{repository}/dispatches",
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "Content-Type": "application/json",
            "User-Agent": "pipemedic-airflow-callback",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 204:
                print(f"pipemedic: GitHub answered {response.status} to the dispatch")
    except Exception as error:  # never fail the task's failure handling
        print(f"pipemedic: could not report the failure to GitHub: {error}")

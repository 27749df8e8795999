"""Run the `refresh` job outside the UI (`make run`, `autonomy refresh`) and say plainly what happened."""

from __future__ import annotations

import os
import time

import dagster as dg

from .run_summary import RefreshSummary, refresh_tags, summarize
from .settings import get_settings


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_refresh(verbose: bool = False) -> RefreshSummary:
    from .definitions import defs
    from .warehouse.lock import RefreshBusy, refresh_lock
    from .warehouse.publish import PUBLISH_KEY

    try:  # fail fast, before loading anything, when another refresh holds the lock
        with refresh_lock(get_settings().lock_file):
            pass
    except RefreshBusy as exc:
        return RefreshSummary(failed_steps=[f"refresh_lock: {exc}"])

    job = defs.resolve_job_def("refresh")
    started = time.monotonic()
    run_config = {} if verbose else {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags=refresh_tags(job), run_config=run_config
        )
    summary = summarize(result.all_events, PUBLISH_KEY)
    summary.run_id = result.run_id
    summary.success = result.success
    summary.seconds = time.monotonic() - started
    return summary

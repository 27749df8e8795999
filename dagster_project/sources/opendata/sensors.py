"""Sensor: a new or changed file in the open-data folder (a new edition) requests a refresh of what
it feeds (planned as `make run` plans it: automation.planned_refresh_request).

The first tick only records what is there: starting the UI never starts a refresh by itself."""

import json

import dagster as dg

from ...automation import planned_refresh_request
from ...common import REFRESH_JOB
from ...settings import get_settings


def _stamps(folder) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): f"{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@dg.sensor(
    name="opendata_files",
    job_name=REFRESH_JOB,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Requests a refresh when a file of the open-data folder is added or changed (a new edition): of what is stale "
        "(its source's models and what depends on them, as `make run` plans it)."
    ),
)
def opendata_files(context: dg.SensorEvaluationContext):
    current = _stamps(get_settings().opendata_dir)
    if context.cursor is None:
        context.update_cursor(json.dumps(current, sort_keys=True))
        return dg.SkipReason("first tick: the open-data files present are recorded, nothing requested")
    seen = json.loads(context.cursor)
    changed = sorted(name for name, stamp in current.items() if seen.get(name) != stamp)
    if not changed:
        return dg.SkipReason("no new or changed open-data file")
    context.update_cursor(json.dumps(current, sort_keys=True))
    # What the changed files feed and what depends on it (the same content again: nothing to do).
    return planned_refresh_request(
        context, "opendata_files", run_key="opendata:" + ",".join(f"{n}@{current[n]}" for n in changed)
    )

"""Sensor: a new or changed monthly export in raw/fap/ requests a refresh of its month.

Change = new file, or another size or modification time than at the last tick (the cursor
keeps them; the sensor never opens the warehouse, which a running refresh may be writing).
One month -> a run for that partition; several -> one run over their range (months in between
whose file did not change are skipped by the asset, which compares sha256). The run is the
whole `refresh` job, so the new month reaches analysts only through the usual checks.
"""

import json

import dagster as dg

from ...settings import get_settings
from .files import monthly_files

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


@dg.sensor(
    name="fap_monthly_files",
    job_name="refresh",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a refresh of the month(s) whose export in raw/fap/ is new or changed.",
)
def fap_monthly_files(context: dg.SensorEvaluationContext):
    files = monthly_files(get_settings().fap_dir, strict=False)
    seen = json.loads(context.cursor) if context.cursor else {}
    current = {month: f.stamp for month, f in files.items()}
    changed = sorted(month for month, stamp in current.items() if seen.get(month) != stamp)
    if not changed:
        return dg.SkipReason("no new or changed monthly export in raw/fap/")
    context.update_cursor(json.dumps(current, sort_keys=True))
    run_key = "fap:" + ",".join(f"{m}@{current[m]}" for m in changed)
    if len(changed) == 1:
        return dg.RunRequest(run_key=run_key, partition_key=changed[0])
    return dg.RunRequest(run_key=run_key, tags={RANGE_START: changed[0], RANGE_END: changed[-1]})

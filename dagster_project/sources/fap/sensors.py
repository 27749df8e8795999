"""Sensor: a new or changed monthly export in raw/fap/ requests a refresh.

New or changed is decided against what the refreshes recorded, never against the sensor's own
memory alone: each month's partition of `raw/fap/monthly_exports` carries the file stamp (size
and modification time) and sha256 of the file last loaded or re-checked. So starting the UI
(a fresh cursor) launches nothing when every export is already loaded. A file whose stamp
differs is hashed: a copied or touched file with the same content is not a change. The cursor
keeps the stamps already requested, so one change is one run even while it runs or if it fails.
The sensor never opens the work database, which a running refresh may be writing.

The run is the whole `refresh` job, tagged with the months to load, so a new month
reaches analysts only through the usual checks. The sensor also keeps the `fap_months`
partitions to the months that have a file.
"""

import json

import dagster as dg

from ...core.hashing import sha256_of
from ...settings import get_settings
from .assets import EXPORTS_KEY, MONTHS_TAG, SHA256, STAMP
from .files import FAP_MONTHS, MonthlyFile, monthly_files

TRIGGER_TAG = "autonomy/trigger"
MAX_TAG_LENGTH = 250


def recorded_exports(instance: dg.DagsterInstance, months: list[str]) -> dict[str, dict]:
    """{month: metadata of its last recorded load} for the months that have one."""
    out = {}
    for month in months:
        result = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=EXPORTS_KEY, asset_partitions=[month]), limit=1, ascending=False
        )
        if result.records:
            metadata = result.records[0].asset_materialization.metadata
            out[month] = {name: metadata[name].value for name in (STAMP, SHA256) if name in metadata}
    return out


def _is_recorded(file: MonthlyFile, recorded: dict | None) -> bool:
    if recorded is None:
        return False
    return recorded.get(STAMP) == file.stamp or recorded.get(SHA256) == sha256_of(file.path)


@dg.sensor(
    name="fap_monthly_files",
    job_name="refresh",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Requests a refresh when an export in raw/fap/ is new or changed (compared with the file stamp and sha256 "
        "recorded on its month's partition of raw/fap/monthly_exports): never for exports already loaded, so "
        "starting the UI launches nothing by itself."
    ),
)
def fap_monthly_files(context: dg.SensorEvaluationContext):
    files = monthly_files(get_settings().fap_dir, strict=False)
    requested = json.loads(context.cursor) if context.cursor else {}
    # Only files not already handled by this cursor are looked up (and at most hashed once).
    pending = sorted(month for month, f in files.items() if requested.get(month) != f.stamp)
    recorded = recorded_exports(context.instance, pending)
    changed = [month for month in pending if not _is_recorded(files[month], recorded.get(month))]
    known = set(context.instance.get_dynamic_partitions(FAP_MONTHS.name))
    partition_requests = []
    if added := sorted(set(files) - known):
        partition_requests.append(FAP_MONTHS.build_add_request(added))
    if gone := sorted(known - set(files)):
        partition_requests.append(FAP_MONTHS.build_delete_request(gone))
    cursor = json.dumps({month: f.stamp for month, f in files.items()}, sort_keys=True)
    if not changed:
        return dg.SensorResult(
            skip_reason=dg.SkipReason("no new or changed monthly export in raw/fap/"),
            dynamic_partitions_requests=partition_requests,
            cursor=cursor,
        )
    run_key = "fap:" + ",".join(f"{m}@{files[m].stamp}" for m in changed)
    tags = {TRIGGER_TAG: "fap_monthly_files"}
    if len(",".join(changed)) <= MAX_TAG_LENGTH:  # the run loads these months; else every month (unchanged: skipped)
        tags[MONTHS_TAG] = ",".join(changed)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags=tags)],
        dynamic_partitions_requests=partition_requests,
        cursor=cursor,
    )

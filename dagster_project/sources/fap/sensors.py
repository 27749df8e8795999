"""Sensor: a new or changed monthly export in raw/fap/ requests a refresh.

New or changed is decided against what the refreshes recorded, never against the sensor's own
memory alone: each month's partition of `raw/fap/monthly_exports` carries the file stamp (size
and modification time) and sha256 of the file last loaded or re-checked. So starting the UI
(a fresh cursor) launches nothing when every export is already loaded. A file whose stamp
differs is hashed: a copied or touched file with the same content is not a change. The cursor
keeps the stamps already requested, so one change is one run even while it runs or if it fails.
The sensor never opens the work database, which a running refresh may be writing.

An instance older than the months' partitions (an upgrade) has no record yet: for the months
without one, the exports the published warehouse was built from (its raw.fap_files) stand in,
and the sensor records them on their partitions, so the first start after an upgrade does not
reload what is already published. Reading the published file never blocks a refresh, which
publishes by rename.

The run is a `refresh` planned as `make run` plans it (automation.planned_refresh_request: the
FAP assets, the models that read them and what depends on them; the whole job after a first run
or a failed one), tagged with the months to load, so a new month reaches analysts only through
the usual checks. The sensor also keeps the `fap_months` partitions to the months that have a file.
"""

import json
from pathlib import Path

import dagster as dg
import duckdb

from ...automation import planned_refresh_request
from ...common import REFRESH_JOB
from ...core.hashing import sha256_of
from ...settings import get_settings
from ...warehouse.connections import connect
from .assets import EXPORTS_KEY, MONTHS_TAG, SHA256, STAMP, STATUS
from .files import FAP_MONTHS, MonthlyFile, monthly_files

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


def published_exports(warehouse: Path) -> dict[str, dict]:
    """{month: {stamp, sha256}} of the exports the published warehouse was loaded from
    ({} when there is no published file or it has no FAP table)."""
    if not warehouse.exists():
        return {}
    try:
        with connect(warehouse, read_only=True) as con:
            rows = con.execute("SELECT month, size_bytes, mtime_ns, sha256 FROM raw.fap_files").fetchall()
    except duckdb.Error:
        return {}
    return {month: {STAMP: f"{size}:{mtime_ns}", SHA256: sha} for month, size, mtime_ns, sha in rows}


def _published_record(file: MonthlyFile, published: dict) -> dg.AssetMaterialization:
    return dg.AssetMaterialization(
        asset_key=EXPORTS_KEY,
        partition=file.month,
        description=f"{file.name}: loaded by an earlier refresh (recorded from the published warehouse)",
        metadata={
            STATUS: "published",
            "file": dg.MetadataValue.path(str(file.path)),
            "size_bytes": file.size,
            STAMP: file.stamp,
            SHA256: published[SHA256],
        },
    )


def _is_recorded(file: MonthlyFile, recorded: dict | None) -> bool:
    if recorded is None:
        return False
    return recorded.get(STAMP) == file.stamp or recorded.get(SHA256) == sha256_of(file.path)


@dg.sensor(
    name="fap_monthly_files",
    job_name=REFRESH_JOB,
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
    asset_events = []
    if unrecorded := [month for month in pending if month not in recorded]:
        published = published_exports(get_settings().warehouse)
        for month in unrecorded:
            if month in published and _is_recorded(files[month], published[month]):
                recorded[month] = published[month]
                asset_events.append(_published_record(files[month], published[month]))
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
            asset_events=asset_events,
            cursor=cursor,
        )
    run_key = "fap:" + ",".join(f"{m}@{files[m].stamp}" for m in changed)
    tags = {}
    if len(",".join(changed)) <= MAX_TAG_LENGTH:  # the run loads these months; else every month (unchanged: skipped)
        tags[MONTHS_TAG] = ",".join(changed)
    request = planned_refresh_request(context, "fap_monthly_files", run_key=run_key, tags=tags)
    return dg.SensorResult(
        run_requests=[request] if isinstance(request, dg.RunRequest) else None,
        skip_reason=request if isinstance(request, dg.SkipReason) else None,
        dynamic_partitions_requests=partition_requests,
        asset_events=asset_events,
        cursor=cursor,
    )

"""FAP billing hours: the SAD registry and the monthly exports.

`raw/fap/sad_registry` loads raw/fap/sad_registry.csv. `fap_monthly_exports` loads every month
of raw/fap/fap_YYYY-MM.csv[.gz] (validated, pseudonymised) into raw.fap_lines and records it in
raw.fap_files; months whose file is the one already loaded are skipped (same size and time, or
same sha256). It is not partitioned, so the `refresh` job launches from the UI without choosing
partitions. The months show as the partitions of `raw/fap/monthly_exports` (one per file, the
`fap_months` dynamic partitions): each refresh records every month it loaded or found unchanged
there (file, size, time, sha256: what the file sensor compares against) and observes the rejected
ones. Beneficiary identifiers and pseudonyms never appear in logs or metadata.
"""

import dagster as dg

from ...common import OWNERS, table_metadata
from ...core.errors import InputError
from ...settings import get_settings
from ...versions import Inputs, code_version, hash_cache
from ...warehouse.connections import connect_work
from ...warehouse.lock import RefreshLockResource
from . import load, pseudonymise
from .files import FAP_MONTHS, MonthlyFile, monthly_files
from .validate import FileRejected

GROUP = "raw_fap"
REGISTRY_KEY = dg.AssetKey(["raw", "fap", "sad_registry"])
LINES_KEY = dg.AssetKey(["raw", "fap", "fap_lines"])
FILES_KEY = dg.AssetKey(["raw", "fap", "fap_files"])
EXPORTS_KEY = dg.AssetKey(["raw", "fap", "monthly_exports"])
# Metadata of each month's partition of EXPORTS_KEY: what the sensor compares a file against.
STAMP, SHA256, STATUS = "file_stamp", "sha256", "status"
# Run tag: load only these months ('2024-03,2025-01'); without it, every month that has a file.
MONTHS_TAG = "autonomy/fap_months"

monthly_exports = dg.AssetSpec(
    EXPORTS_KEY,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"csv"},
    tags={"layer": "raw", "source": "fap"},
    partitions_def=FAP_MONTHS,
    description=(
        "The monthly FAP exports dropped in raw/fap/ (fap_YYYY-MM.csv[.gz]): one partition per month that has a "
        "file, so the Partitions tab shows which months are loaded (materialized by the last refresh that loaded "
        "or re-checked them, with file, size, sha256 and rows), rejected (an observation with the reason, and the "
        "run failed) or not loaded yet (missing). Loaded by `raw/fap/fap_lines`; the sensor fap_monthly_files "
        "adds a partition when a new file appears."
    ),
)


def _failure(prefix: str, exc: Exception) -> dg.Failure:
    return dg.Failure(description=f"{prefix}: {exc}", allow_retries=False)


def _spec(key: dg.AssetKey, description: str, **tags: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[REGISTRY_KEY, EXPORTS_KEY],
        group_name=GROUP,
        owners=OWNERS,
        kinds={"duckdb"},
        tags={"layer": "raw", "source": "fap", **tags},
        description=description,
        code_version=code_version("sources/fap"),
    )


@dg.asset(
    key=REGISTRY_KEY,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb"},
    tags={"layer": "raw", "source": "fap"},
    code_version=code_version("sources/fap"),
    description=(
        "SAD registry (raw/fap/sad_registry.csv): links each FAP sad_id and FINESS to the SAD name and city "
        "printed in the envelope annex of their département. Table raw.fap_sad_registry. FINESS numbers are fictitious."
    ),
)
def sad_registry(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource) -> dg.MaterializeResult:
    settings = get_settings()
    path = settings.fap_dir / "sad_registry.csv"
    version = dg.DataVersion(Inputs(settings).fap_registry())  # of the file as it is before reading
    try:
        with connect_work(settings.work_db) as con:
            rows = load.load_registry(con, path)
            metadata = table_metadata(con, "raw", "fap_sad_registry")
    except (InputError, OSError) as exc:
        raise _failure("SAD registry refused", exc) from None
    context.log.info("SAD registry: %d services", rows)
    return dg.MaterializeResult(metadata={**metadata, "source_file": dg.MetadataValue.path(str(path))}, data_version=version)


@dg.multi_asset(
    name="fap_monthly_exports",
    specs=[
        _spec(
            LINES_KEY,
            "FAP billing lines, one per (month, SAD, beneficiary, prestation), from raw/fap/fap_YYYY-MM.csv. "
            "Table raw.fap_lines, PRIVATE: kept in the work database, never published. beneficiary_id is "
            "replaced on ingestion by a keyed hash (HMAC-SHA256, key AUTONOMY_PSEUDO_KEY). See docs/fap_format.md.",
            personal_data="pseudonymised",
        ),
        _spec(FILES_KEY, "One row per month loaded: file name, sha256, size, rows, hours and euros, when. Table raw.fap_files."),
    ],
    description=("Validate, pseudonymise and load the monthly FAP exports that are new or changed; one transaction per month."),
)
def fap_monthly_exports(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource):
    settings = get_settings()
    cache = hash_cache(settings)
    version = dg.DataVersion(Inputs(settings, cache).fap_exports())  # of the files as they are before reading
    cache.save()
    try:
        files = monthly_files(settings.fap_dir)
        key = pseudonymise.pseudonym_key()
    except (InputError, pseudonymise.PseudonymKeyError) as exc:
        raise _failure("FAP exports refused", exc) from None
    _sync_partitions(context.instance, sorted(files))
    months = _months_to_load(context, files)
    loads, rejected = [], []
    with connect_work(settings.work_db) as con:
        load.limit_memory(con)
        load.ensure_tables(con)
        known = load.recorded(con)
        pseudonymise.start_cache(con)
        try:
            for month in months:
                try:
                    result = load.load_month(con, files[month], key, context.run_id, known.get(month), cache)
                except FileRejected as exc:
                    rejected.append(exc.errors)
                    context.log.error(str(exc.errors))
                    yield _rejected_observation(files[month], exc)
                    continue
                loads.append(result)
                yield _month_materialization(files[month], result)
                context.log.info(
                    f"{month}: {result.file_name} {result.status}"
                    + (f", {result.rows} rows" if result.status == "loaded" else "")
                )
        finally:
            pseudonymise.drop_cache(con)
        lines_metadata = _lines_metadata(con, loads)
        files_metadata = table_metadata(con, "raw", "fap_files", preview_rows=12)
    if rejected:
        kept = "the previously loaded data of these months is kept"
        raise dg.Failure(
            description=f"{len(rejected)} FAP export(s) rejected ({kept}; nothing is published):\n"
            + "\n".join(str(e) for e in rejected),
            metadata={"rejected_files": dg.MetadataValue.json([e.file for e in rejected])},
            allow_retries=False,
        )
    yield dg.MaterializeResult(asset_key=LINES_KEY, metadata=lines_metadata, data_version=version)
    yield dg.MaterializeResult(asset_key=FILES_KEY, metadata=files_metadata, data_version=version)


def _months_to_load(context: dg.AssetExecutionContext, files: dict[str, MonthlyFile]) -> list[str]:
    only = context.run.tags.get(MONTHS_TAG)
    if not only:
        return sorted(files)
    requested = sorted({m.strip() for m in only.split(",") if m.strip()})
    if missing := [m for m in requested if m not in files]:
        context.log.warning(f"no export in raw/fap for {', '.join(missing)}: nothing to load for them")
    return [m for m in requested if m in files]


def _sync_partitions(instance: dg.DagsterInstance, months: list[str]) -> None:
    """The fap_months partitions are the months that have a file, no more, no less."""
    known = set(instance.get_dynamic_partitions(FAP_MONTHS.name))
    if added := [m for m in months if m not in known]:
        instance.add_dynamic_partitions(FAP_MONTHS.name, added)
    for gone in sorted(known - set(months)):
        instance.delete_dynamic_partition(FAP_MONTHS.name, gone)


def _month_materialization(file: MonthlyFile, result: load.MonthLoad) -> dg.AssetMaterialization:
    return dg.AssetMaterialization(
        asset_key=EXPORTS_KEY,
        partition=file.month,
        description=f"{file.name}: {'loaded' if result.status == 'loaded' else 'unchanged since it was loaded'}",
        metadata={
            STATUS: result.status,
            "file": dg.MetadataValue.path(str(file.path)),
            "size_bytes": file.size,
            STAMP: file.stamp,
            SHA256: result.sha256,
            "rows_loaded": result.rows,
        },
    )


def _rejected_observation(file: MonthlyFile, exc: FileRejected) -> dg.AssetObservation:
    """No partition status says 'rejected' for an asset loaded by another step: an observation
    (listed in the partition's events) with the reason; the run fails, so nothing is published."""
    return dg.AssetObservation(
        asset_key=EXPORTS_KEY,
        partition=file.month,
        description=f"{file.name} rejected: the previously loaded data of this month is kept",
        metadata={STATUS: "rejected", STAMP: file.stamp, "problems": dg.MetadataValue.md(f"```\n{exc.errors}\n```")},
    )


def _lines_metadata(con, loads: list[load.MonthLoad]) -> dict:
    """Counts and schema only: no preview, the lines are personal data."""
    full = table_metadata(con, "raw", "fap_lines", preview_rows=0)
    full.pop("preview", None)
    per_month = con.execute("SELECT month, row_count, hours_billed FROM raw.fap_files ORDER BY month").fetchall()
    return {
        **full,
        "months_loaded": dg.MetadataValue.json([m.month for m in loads if m.status == "loaded"]),
        "months_unchanged": dg.MetadataValue.json([m.month for m in loads if m.status == "unchanged"]),
        "rows_loaded": sum(m.rows for m in loads),
        "months": dg.MetadataValue.md(
            "| month | rows | hours billed |\n|---|---|---|\n" + "\n".join(f"| {m} | {n} | {h} |" for m, n, h in per_month)
        ),
    }

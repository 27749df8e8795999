"""FAP billing hours: the SAD registry and the monthly exports, partitioned by month.

`raw/fap/sad_registry` loads raw/fap/sad_registry.csv. `fap_monthly_exports` loads each
requested month of raw/fap/fap_YYYY-MM.csv[.gz] (validated, pseudonymised) into
raw.fap_lines and records it in raw.fap_files; months whose file is the one already loaded
are skipped. Run without a partition (a plain refresh), it takes every month that has a file.
Beneficiary identifiers and pseudonyms never appear in logs or metadata.
"""

import dagster as dg

from ...common import OWNERS, table_metadata
from ...core.errors import InputError
from ...settings import get_settings
from ...warehouse.connections import connect_work
from ...warehouse.lock import RefreshLockResource
from . import load, pseudonymise
from .files import MONTHS, MonthlyFile, monthly_files
from .validate import FileRejected

GROUP = "raw_fap"
REGISTRY_KEY = dg.AssetKey(["raw", "fap", "sad_registry"])
LINES_KEY = dg.AssetKey(["raw", "fap", "fap_lines"])
FILES_KEY = dg.AssetKey(["raw", "fap", "fap_files"])


def _failure(prefix: str, exc: Exception) -> dg.Failure:
    return dg.Failure(description=f"{prefix}: {exc}", allow_retries=False)


def _spec(key: dg.AssetKey, description: str, **tags: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[REGISTRY_KEY],
        group_name=GROUP,
        owners=OWNERS,
        kinds={"duckdb"},
        tags={"layer": "raw", "source": "fap", **tags},
        description=description,
    )


@dg.asset(
    key=REGISTRY_KEY,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb"},
    tags={"layer": "raw", "source": "fap"},
    description=(
        "SAD registry (raw/fap/sad_registry.csv): links each FAP sad_id and FINESS to the SAD name and city "
        "printed in the annex of deliberation 2025-541. Table raw.fap_sad_registry. FINESS numbers are fictitious."
    ),
)
def sad_registry(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource) -> dg.MaterializeResult:
    settings = get_settings()
    path = settings.fap_dir / "sad_registry.csv"
    try:
        with connect_work(settings.work_db) as con:
            rows = load.load_registry(con, path)
            metadata = table_metadata(con, "raw", "fap_sad_registry")
    except (InputError, OSError) as exc:
        raise _failure("SAD registry refused", exc) from None
    context.log.info("SAD registry: %d services", rows)
    return dg.MaterializeResult(metadata={**metadata, "source_file": dg.MetadataValue.path(str(path))})


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
    partitions_def=MONTHS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    description="Validate, pseudonymise and load the monthly FAP exports; one transaction per month.",
)
def fap_monthly_exports(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource):
    settings = get_settings()
    try:
        files = monthly_files(settings.fap_dir)
        key = pseudonymise.pseudonym_key()
    except (InputError, pseudonymise.PseudonymKeyError) as exc:
        raise _failure("FAP exports refused", exc) from None
    months = _requested_months(context, files)
    loads, rejected = [], []
    with connect_work(settings.work_db) as con:
        load.limit_memory(con)
        load.ensure_tables(con)
        known = load.recorded(con)
        pseudonymise.start_cache(con)
        try:
            for month in months:
                try:
                    result = load.load_month(con, files[month], key, context.run_id, known.get(month))
                except FileRejected as exc:
                    rejected.append(exc.errors)
                    context.log.error(str(exc.errors))
                    continue
                loads.append(result)
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
    yield dg.MaterializeResult(asset_key=LINES_KEY, metadata=lines_metadata)
    yield dg.MaterializeResult(asset_key=FILES_KEY, metadata=files_metadata)


def _requested_months(context: dg.AssetExecutionContext, files: dict[str, MonthlyFile]) -> list[str]:
    """The run's months that have a file; every month with a file when the run has no partition."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return sorted(files)
    requested = context.partition_keys
    missing = [m for m in requested if m not in files]
    if missing and len(requested) == 1:
        context.log.warning(f"no export for {requested[0]} in raw/fap: nothing to load")
    return [m for m in requested if m in files]


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

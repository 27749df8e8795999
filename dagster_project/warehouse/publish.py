"""The release step: copy the work database to the published file analysts read.

It depends on every other asset, so Dagster runs it last and skips it when any upstream
step failed or any blocking check failed: a refresh that did not pass never reaches analysts.
"""

import subprocess

import dagster as dg

from ..common import OWNERS
from ..core.faults import fault_point
from ..settings import PROJECT_ROOT, get_settings
from ..versions import code_version, file_stamp, settings_fingerprint
from .connections import connect, publish
from .lock import RefreshLockResource

PUBLISH_KEY = dg.AssetKey(["publish", "warehouse"])
# Metadata of each publish that the refresh planner (incremental.py) compares with the present:
# the settings it was built with, and which work and published files it left in place.
SETTINGS_META, WORK_DB_META, WORK_STAMP_META, PUBLISHED_META, PUBLISHED_STAMP_META = (
    "settings_fingerprint",
    "work_db",
    "work_db_stamp",
    "published_file",
    "published_stamp",
)


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The blocking checks of this run that failed with severity ERROR. Dagster already skips
    the publish step after one; a refresh of a subset checks again here, so that nothing is
    published past a failed check whatever the subset (fail closed)."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR and evaluation.blocking:
            failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
    return failed


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def build_publish_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISH_KEY,
        deps=upstream,
        group_name="publish",
        owners=OWNERS,
        kinds={"duckdb"},
        tags={"layer": "publish"},
        code_version=code_version("warehouse"),
        description=(
            "The published warehouse (default warehouse/autonomy.duckdb, AUTONOMY_WAREHOUSE to override): "
            "a consistent copy of the work database, readable by DuckDB 1.4 clients, replaced atomically. "
            "Runs only when every upstream step and blocking check passed."
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource) -> dg.MaterializeResult:
        settings = get_settings()
        if failed := failed_blocking_checks(context.instance, context.run_id):
            raise dg.Failure(
                description=f"{len(failed)} blocking check(s) failed in this run: nothing is published ({', '.join(failed[:5])})",
                allow_retries=False,
            )
        result = publish(
            settings.work_db,
            settings.warehouse,
            {"run_id": context.run_id, "git_commit": _git_commit(), "raw_dir": str(settings.raw_dir)},
            before_rename=lambda tmp: fault_point("publish_before_rename"),  # tests kill here
        )
        with connect(settings.warehouse, read_only=True) as con:
            marts = con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        context.log.info("published %s (%d tables, %d rows, %.1f s)", result.path, result.tables, result.rows, result.seconds)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "tables": result.tables,
                "rows": result.rows,
                "bytes": result.bytes,
                "seconds": result.seconds,
                "marts": dg.MetadataValue.md("\n".join(f"- marts.{name}" for name, _ in marts)),
                SETTINGS_META: settings_fingerprint(settings),
                WORK_DB_META: str(settings.work_db),
                WORK_STAMP_META: file_stamp(settings.work_db),
                PUBLISHED_META: str(settings.warehouse),
                PUBLISHED_STAMP_META: file_stamp(settings.warehouse),
            }
        )

    return published_warehouse

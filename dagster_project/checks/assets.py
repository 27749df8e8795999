"""The public mart of reconciliation results, rebuilt after every suite has run."""

import dagster as dg

from ..common import OWNERS, markdown_table, table_metadata
from ..warehouse.connections import connect_work
from ..warehouse.lock import RefreshLockResource
from ..settings import get_settings
from .history import rebuild_current
from .suites import SUITES

MART_KEY = dg.AssetKey(["marts", "reconciliation_checks"])


def _upstream() -> list[dg.AssetKey]:
    keys = {suite.guards for suite in SUITES} | {key for suite in SUITES for key in suite.reads}
    return sorted(keys, key=lambda k: k.to_user_string())


@dg.asset(
    key=MART_KEY,
    deps=_upstream(),
    group_name="checks",
    owners=OWNERS,
    kinds={"duckdb", "great_expectations"},
    tags={"layer": "marts"},
    description=(
        "marts.reconciliation_checks: one row per reconciliation check of the latest refresh - every "
        "printed figure the suites compare (TOTAL rows, derived columns, regional aggregates, implied "
        "populations, cross-document amounts, our engines), with the printed value, our value, the "
        "delta, the tolerance of docs/reconciliation.md, the severity, the status (passed, failed, "
        "acknowledged) and a French explanation. Every run is also kept in marts.reconciliation_history."
    ),
)
def reconciliation_checks(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource) -> dg.MaterializeResult:
    with connect_work(get_settings().work_db) as con:
        rebuild_current(con, [suite.name for suite in SUITES])
        counts = con.execute(
            "SELECT severity, status, count(*) FROM marts.reconciliation_checks GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        discrepancies = con.execute(
            "SELECT check_id, source_line, status, left(explanation, 160) FROM marts.reconciliation_checks "
            "WHERE status <> 'passed' ORDER BY severity, document_id, source_line LIMIT 20"
        ).fetchall()
        metadata = table_metadata(con, "marts", "reconciliation_checks", preview_rows=0)
    metadata["counts"] = dg.MetadataValue.md(markdown_table(["severity", "status", "checks"], counts))
    metadata["preview"] = dg.MetadataValue.md(markdown_table(["check_id", "line", "status", "explanation"], discrepancies))
    for severity, status, n in counts:
        metadata[f"{severity}_{status}"] = n
    return dg.MaterializeResult(metadata=metadata)

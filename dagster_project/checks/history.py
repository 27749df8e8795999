"""Where check results are kept: marts.reconciliation_history (every run) and
marts.reconciliation_checks (the current refresh, the public mart)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from .results import MART_COLUMNS, Result

AMOUNT = pa.decimal128(38, 10)
MART_SCHEMA = pa.schema(
    [
        ("check_id", pa.string()), ("check_kind", pa.string()), ("document_id", pa.string()),
        ("source_line", pa.int32()), ("table_id", pa.string()), ("measure", pa.string()),
        ("published_value", AMOUNT), ("computed_value", AMOUNT), ("delta", AMOUNT), ("tolerance", AMOUNT),
        ("severity", pa.string()), ("passed", pa.bool_()), ("status", pa.string()), ("explanation", pa.string()),
    ]
)
HISTORY_SCHEMA = pa.schema(
    [("run_id", pa.string()), ("evaluated_at", pa.timestamp("us", tz="UTC")), ("suite", pa.string()), ("expectation", pa.string())]
    + list(zip(MART_SCHEMA.names, MART_SCHEMA.types))
)
_MART_DDL = ", ".join(
    f"{name} {'DECIMAL(38,10)' if pa.types.is_decimal(t) else 'INTEGER' if pa.types.is_integer(t) else 'BOOLEAN' if pa.types.is_boolean(t) else 'VARCHAR'}"
    for name, t in zip(MART_SCHEMA.names, MART_SCHEMA.types)
)
COLUMN_COMMENTS = {
    "check_id": "Stable identifier: <table>.<kind>.<measure>.l<line>",
    "check_kind": "total_row, derived_column, regional_aggregate, cross_row, cross_document or engine",
    "document_id": "Deliberation file of the printed figure",
    "source_line": "1-based line of the printed figure in the raw document",
    "table_id": "Catalogue table (or prose group) of the printed figure",
    "measure": "Column header (or label) as printed",
    "published_value": "The figure as printed",
    "computed_value": "What we compute for it",
    "delta": "computed_value - published_value",
    "tolerance": "Largest |delta| the policy accepts (docs/reconciliation.md)",
    "severity": "error (our figures disagree: blocks publishing) or warning (the document disagrees with itself)",
    "passed": "True when |delta| <= tolerance (Great Expectations verdict)",
    "status": "passed, failed or acknowledged (raw/acknowledged_discrepancies.yml)",
    "explanation": "What was compared and the verdict, in French",
}


def ensure_history(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(
        "CREATE TABLE IF NOT EXISTS marts.reconciliation_history ("
        "run_id VARCHAR, evaluated_at TIMESTAMPTZ, suite VARCHAR, expectation VARCHAR, " + _MART_DDL + ")"
    )


def record(con: duckdb.DuckDBPyConnection, run_id: str, results: Sequence[Result]) -> None:
    """Replace this run's rows of the suites in `results` (a retried check does not duplicate)."""
    ensure_history(con)
    now = datetime.now(timezone.utc)
    rows = [{"run_id": run_id, "evaluated_at": now, "suite": r.suite, "expectation": r.expectation, **r.as_row()} for r in results]
    table = pa.Table.from_pylist(rows, schema=HISTORY_SCHEMA)
    suites = sorted({r.suite for r in results})
    con.execute("BEGIN TRANSACTION")
    try:
        if suites:
            con.execute(
                "DELETE FROM marts.reconciliation_history WHERE run_id = ? AND list_contains(?, suite)", [run_id, suites]
            )
        con.register("_incoming_results", table)
        con.execute("INSERT INTO marts.reconciliation_history SELECT * FROM _incoming_results")
        con.unregister("_incoming_results")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def rebuild_current(con: duckdb.DuckDBPyConnection, suites: Sequence[str]) -> int:
    """marts.reconciliation_checks = the latest evaluation of every suite."""
    ensure_history(con)
    columns = ", ".join(MART_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE marts.reconciliation_checks ({_MART_DDL});
        INSERT INTO marts.reconciliation_checks
        SELECT {columns} FROM marts.reconciliation_history h
        WHERE list_contains(?, h.suite)
          AND h.evaluated_at = (SELECT max(evaluated_at) FROM marts.reconciliation_history x WHERE x.suite = h.suite)
        ORDER BY document_id, source_line, check_id
        """,
        [list(suites)],
    )
    con.execute(
        "COMMENT ON TABLE marts.reconciliation_checks IS 'One row per reconciliation check evaluation of the "
        "latest refresh: printed figure, our computation, delta, tolerance, severity, status, explanation (French)'"
    )
    for column, comment in COLUMN_COMMENTS.items():
        quoted = comment.replace("'", "''")
        con.execute(f"COMMENT ON COLUMN marts.reconciliation_checks.{column} IS '{quoted}'")
    return con.execute("SELECT count(*) FROM marts.reconciliation_checks").fetchone()[0]

"""Small helpers shared by the Dagster assets: metadata an analyst can read in the UI."""

from __future__ import annotations

import dagster as dg
import duckdb

from .core.errors import InputError

OWNERS = ["team:data-autonomie"]
# The job that refreshes the warehouse: the CLI, the schedule and the sensors run it.
REFRESH_JOB = "refresh"
# Run tag of a refresh planned by incremental.py ("full" or "incremental"), read by the dbt step.
PLAN_TAG = "autonomy/plan"
# Run tag naming what requested a refresh run (the schedule or a sensor: automation.py).
TRIGGER_TAG = "autonomy/trigger"
REPORTS = "reports"  # a report asset is reports/<slug>, written to AUTONOMY_REPORTS_DIR/<slug>.html


def report_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([REPORTS, slug])


REPORTS_INDEX_KEY = report_key("index")  # reports/index.py


def table_metadata(con: duckdb.DuckDBPyConnection, schema: str, table: str, preview_rows: int = 5) -> dict:
    """Row count, column schema and a markdown preview of a table, for the Dagster UI."""
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, table],
    ).fetchall()
    count = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    preview = con.execute(f'SELECT * FROM "{schema}"."{table}" LIMIT {preview_rows}').fetchall()
    return {
        "dagster/row_count": dg.MetadataValue.int(count),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, dtype, description=comment) for name, dtype, comment in columns]
        ),
        "dagster/table_name": f"{schema}.{table}",
        "preview": dg.MetadataValue.md(markdown_table([c[0] for c in columns], preview)),
    }


def markdown_table(headers: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")[:80]

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def input_refused(what: str, exc: InputError) -> dg.Failure:
    """The step failure of a refused input: the message, and where (file, line, column, value) as
    metadata the UI shows; never retried (the same input would be refused again)."""
    where = (("file", exc.file), ("line", exc.line), ("column", exc.column), ("value", exc.value))
    return dg.Failure(
        description=f"{what}: {exc}",
        metadata={k: str(v) for k, v in where if v is not None},
        allow_retries=False,
    )

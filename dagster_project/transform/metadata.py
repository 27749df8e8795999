"""Row counts, column schemas (DuckDB types and dbt descriptions) and, for marts, a preview of
the first rows, attached to each dbt model's materialization for the Dagster UI.

Read after `dbt build` has exited, from the work database opened read-only: while dbt runs, its
process holds the file, and dagster-dbt's own fetch_row_counts() would race it for the lock.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg

from ..common import markdown_table
from ..warehouse.connections import connect

PREVIEW_SCHEMAS = frozenset({"marts"})
PREVIEW_ROWS = 5  # as common.table_metadata


def with_table_metadata(context: dg.AssetExecutionContext, events: Iterable, work_db: Path) -> Iterator:
    events = list(events)
    keys = {i: key for i, event in enumerate(events) if (key := _asset_key(context, event)) is not None and len(key.path) == 2}
    extra: dict[int, dict] = {}
    with connect(work_db, read_only=True) as con:
        tables = set(con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall())
        built = sorted({tuple(key.path) for key in keys.values()} & tables)
        # Three round trips for every model together (columns, row counts), plus one preview per mart,
        # instead of three queries per model.
        columns: dict[tuple, list] = {}
        for schema, table, name, dtype, comment in con.execute(
            "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            columns.setdefault((schema, table), []).append((name, dtype, comment))
        counts = dict(_row_counts(con, built))
        per_table = {}
        for schema, table in built:
            cols = columns.get((schema, table), [])
            metadata = {
                "dagster/row_count": dg.MetadataValue.int(counts[(schema, table)]),
                "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(n, t, description=c) for n, t, c in cols]),
                "dagster/table_name": f"{schema}.{table}",
            }
            if schema in PREVIEW_SCHEMAS:
                preview = con.execute(f'SELECT * FROM "{schema}"."{table}" LIMIT {PREVIEW_ROWS}').fetchall()
                metadata["preview"] = dg.MetadataValue.md(markdown_table([c[0] for c in cols], preview))
            per_table[(schema, table)] = metadata
    for i, key in keys.items():
        if tuple(key.path) in per_table:
            metadata = dict(per_table[tuple(key.path)])
            metadata["dagster/column_schema"] = _described(metadata["dagster/column_schema"], context, key)
            extra[i] = metadata
    for i, event in enumerate(events):
        yield event.with_metadata({**event.metadata, **extra[i]}) if i in extra else event


def _row_counts(con, tables: list[tuple]) -> list[tuple]:
    if not tables:
        return []
    query = " UNION ALL ".join(
        f"SELECT '{schema}', '{table}', count(*) FROM \"{schema}\".\"{table}\"" for schema, table in tables
    )
    return [((schema, table), n) for schema, table, n in con.execute(query).fetchall()]


def _asset_key(context: dg.AssetExecutionContext, event) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


def _described(schema: dg.TableSchema, context: dg.AssetExecutionContext, key: dg.AssetKey) -> dg.TableSchema:
    """DuckDB types, with the column descriptions of the dbt yml (dbt does not persist them as comments)."""
    documented = context.assets_def.specs_by_key[key].metadata.get("dagster/column_schema")
    descriptions = {c.name: c.description for c in documented.columns} if documented else {}
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.type, description=c.description or descriptions.get(c.name)) for c in schema.columns]
    )

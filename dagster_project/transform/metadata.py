"""Row counts, column schemas (DuckDB types and dbt descriptions) and, for marts, a preview of
the first rows, attached to each dbt model's materialization for the Dagster UI.

Read after `dbt build` has exited, from the work database opened read-only: while dbt runs, its
process holds the file, and dagster-dbt's own fetch_row_counts() would race it for the lock.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg

from ..common import table_metadata
from ..warehouse.connections import connect

PREVIEW_SCHEMAS = frozenset({"marts"})


def with_table_metadata(context: dg.AssetExecutionContext, events: Iterable, work_db: Path) -> Iterator:
    events = list(events)
    extra: dict[int, dict] = {}
    with connect(work_db, read_only=True) as con:
        tables = set(con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall())
        for i, event in enumerate(events):
            key = _asset_key(context, event)
            if key is None or len(key.path) != 2 or tuple(key.path) not in tables:
                continue
            metadata = table_metadata(con, *key.path)
            metadata["dagster/column_schema"] = _described(metadata["dagster/column_schema"], context, key)
            if key.path[0] not in PREVIEW_SCHEMAS:
                metadata.pop("preview")
            extra[i] = metadata
    for i, event in enumerate(events):
        yield event.with_metadata({**event.metadata, **extra[i]}) if i in extra else event


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
        columns=[
            dg.TableColumn(c.name, c.type, description=c.description or descriptions.get(c.name)) for c in schema.columns
        ]
    )

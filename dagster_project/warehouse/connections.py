"""DuckDB access: the private work database, and the publish step analysts depend on.

DuckDB allows one writer process per file, and a reader in another process blocks writers.
So everything is built in a private *work* file; analysts only ever open the *published*
file, which is replaced atomically (copy to a temporary file, then os.replace), so a
connection that is open during a refresh keeps its snapshot and never blocks us.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ..settings import get_settings
from .files import PUBLISHED_MODE, clean_stale_temporaries, fsync, fsync_dir

log = logging.getLogger(__name__)

# Readable by DuckDB 1.4 clients (notebooks, DBeaver) as well as 2.x.
PUBLISHED_STORAGE_VERSION = "v1.4.0"
# Tables that stay in the private work file: beneficiary-level lines, even pseudonymised.
PRIVATE_TABLES = frozenset({"raw.fap_lines"})
# DuckDB cannot comment a schema ("not implemented"): the published file describes its schemas
# in meta.schemas instead. Publishing a schema not listed here fails: every schema is described.
SCHEMA_DESCRIPTIONS = {
    "raw": "As read from the sources (deliberations, official open data, FAP files), with file and line; not typed for analysis",
    "staging": "The raw tables typed and renamed, one dbt model per source table",
    "intermediate": "Building blocks of the marts and of the reconciliation checks (dbt); no contract, may change",
    "marts": "What analysts and reports read: enforced contracts; column comments start with the French label",
    "reference": "Reference lists kept with the code (dbt seeds): territories, measures, envelopes, reconciliation rules",
    "meta": "About this file: when and from what it was built (refresh), what each schema holds (schemas)",
}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _open(path: Path, read_only: bool = False, retries: int = 20) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, retrying briefly while another process holds its lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    delay = 0.1
    for attempt in range(retries):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == retries - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a DuckDB file and always close it."""
    con = _open(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def connect_work(work_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The private work database, always closed after use."""
    con = open_work(work_db)
    try:
        yield con
    finally:
        con.close()


def open_work(work_db: Path) -> duckdb.DuckDBPyConnection:
    """Open the work database. A file left unreadable by a killed run is moved aside and
    rebuilt: everything in it is derived from raw/ and can be produced again."""
    work_db.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(work_db.parent, 0o750)
    try:
        return _open(work_db)
    except duckdb.IOException:
        raise  # locked by another process, or a disk problem: not ours to delete
    except duckdb.Error as exc:
        if not _looks_corrupt(exc):
            raise
        aside = work_db.with_name(f"{work_db.name}.corrupt-{int(time.time())}")
        log.warning("work database %s is unreadable (%s); moved to %s and rebuilt", work_db, exc, aside)
        os.replace(work_db, aside)
        wal = work_db.with_name(work_db.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        return _open(work_db)


def _looks_corrupt(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("corrupt", "serializ", "checksum", "not a valid duckdb", "invalid"))


def replace_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    data: pa.Table,
    comments: dict[str, str] | None = None,
    description: str | None = None,
) -> None:
    """Create or replace schema.table from an Arrow table (inside the caller's transaction), with
    its description and column comments: the publish step copies them for analysts."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
    view = f"_incoming_{schema}_{table}"
    con.register(view, data)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {_quote(schema)}.{_quote(table)} AS SELECT * FROM {_quote(view)}")
    finally:
        con.unregister(view)
    if description:
        con.execute(f"COMMENT ON TABLE {_quote(schema)}.{_quote(table)} IS {_literal(description)}")
    present = {name for name, _ in table_columns(con, schema, table)}
    for column, comment in (comments or {}).items():
        if column not in present:
            continue
        con.execute(f"COMMENT ON COLUMN {_quote(schema)}.{_quote(table)}.{_quote(column)} IS {_literal(comment)}")


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: int
    rows: int
    bytes: int
    seconds: float


def publish(work_db: Path, target: Path, refresh_info: dict[str, str], before_rename=None) -> PublishResult:
    """Copy the work database to `target` atomically.

    The copy is written next to the target, checkpointed, closed and fsynced, and only then
    renamed over the target: a reader sees either the previous night or this one, never a mix.
    `before_rename` is a test hook (fault injection between the copy and the rename).
    """
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    tables = rows = 0
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(str(work_db))} AS work (READ_ONLY)")
        con.execute(f"ATTACH {_literal(str(tmp))} AS pub (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')")
        listed = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE database_name = 'work' AND NOT temporary ORDER BY schema_name, table_name"
        ).fetchall()
        column_comments: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, col_comment in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = 'work' AND comment IS NOT NULL ORDER BY column_index"
        ).fetchall():
            column_comments.setdefault((schema, table), []).append((column, col_comment))
        for schema, table, comment in listed:
            if f"{schema}.{table}" in PRIVATE_TABLES:
                continue
            if schema not in SCHEMA_DESCRIPTIONS:
                raise ValueError(f"schema {schema!r} (table {schema}.{table}) has no description in SCHEMA_DESCRIPTIONS")
            # One transaction per table, not per statement (each commit writes and syncs the WAL);
            # not one for all: DuckDB would hold every uncommitted table in memory (2x the peak).
            con.execute("BEGIN")
            con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{_quote(schema)}")
            con.execute(
                f"CREATE TABLE pub.{_quote(schema)}.{_quote(table)} AS SELECT * FROM work.{_quote(schema)}.{_quote(table)}"
            )
            if comment:
                con.execute(f"COMMENT ON TABLE pub.{_quote(schema)}.{_quote(table)} IS {_literal(comment)}")
            for column, col_comment in column_comments.get((schema, table), []):
                con.execute(f"COMMENT ON COLUMN pub.{_quote(schema)}.{_quote(table)}.{_quote(column)} IS {_literal(col_comment)}")
            tables += 1
            rows += con.execute(f"SELECT count(*) FROM pub.{_quote(schema)}.{_quote(table)}").fetchone()[0]
            con.execute("COMMIT")
        _write_refresh_info(con, refresh_info)
        _write_schema_descriptions(con)
        con.execute("CHECKPOINT pub")
        con.execute("DETACH pub")
        con.execute("DETACH work")
    except BaseException:
        con.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    con.close()
    fsync(tmp)
    os.chmod(tmp, PUBLISHED_MODE)
    settings = get_settings()
    if settings.analyst_group:
        import grp

        os.chown(tmp, -1, grp.getgrnam(settings.analyst_group).gr_gid)
    if before_rename is not None:
        before_rename(tmp)
    if settings.keep_nights > 0:  # the night in place stays available to `autonomy rollback`
        from .history import keep_current

        keep_current(target, target.parent / "history", settings.keep_nights)
    os.replace(tmp, target)
    fsync_dir(target.parent)
    return PublishResult(target, tables, rows, target.stat().st_size, round(time.monotonic() - started, 3))


def _write_refresh_info(con: duckdb.DuckDBPyConnection, info: dict[str, str]) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS pub.meta")
    con.execute("CREATE TABLE pub.meta.refresh (key VARCHAR PRIMARY KEY, value VARCHAR)")
    values = {"published_at": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    con.executemany("INSERT INTO pub.meta.refresh VALUES (?, ?)", list(values.items()))
    con.execute("COMMENT ON TABLE pub.meta.refresh IS 'When and from what this published file was built'")
    con.execute(
        "COMMENT ON COLUMN pub.meta.refresh.key IS 'What is recorded: published_at, run_id, git_commit, raw_dir (rolled_back_at, rollback_of after a rollback)'"
    )
    con.execute(
        "COMMENT ON COLUMN pub.meta.refresh.value IS 'Its value: UTC time (ISO 8601), Dagster run id, "
        "short git commit of the code, folder of the raw files'"
    )


def _write_schema_descriptions(con: duckdb.DuckDBPyConnection) -> None:
    published = [
        r[0]
        for r in con.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = 'pub' AND NOT internal ORDER BY 1"
        ).fetchall()
    ]
    con.execute("CREATE TABLE pub.meta.schemas (schema_name VARCHAR PRIMARY KEY, description VARCHAR NOT NULL)")
    con.executemany("INSERT INTO pub.meta.schemas VALUES (?, ?)", [(name, SCHEMA_DESCRIPTIONS[name]) for name in published])
    con.execute(
        "COMMENT ON TABLE pub.meta.schemas IS 'What each schema of this file holds (DuckDB schemas cannot carry comments)'"
    )
    con.execute("COMMENT ON COLUMN pub.meta.schemas.schema_name IS 'Schema of this file'")
    con.execute("COMMENT ON COLUMN pub.meta.schemas.description IS 'What it holds and who it is for'")

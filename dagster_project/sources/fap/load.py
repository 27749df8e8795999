"""Loading validated monthly exports into raw.fap_lines, one month per transaction.

raw.fap_lines (private: never copied to the published file) holds one row per export line,
the beneficiary replaced by its pseudonym. raw.fap_files records what was loaded for each
month (file, sha256, size, rows, totals, when). A month is replaced whole: delete, insert and
the raw.fap_files row commit together, so a failure keeps the previous data of that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ...core.errors import InputError
from ...core.hashing import HashCache
from ...settings import get_settings
from ...warehouse.connections import replace_table
from . import pseudonymise
from .contract import FINESS_LENGTH, REGISTRY_COLUMNS
from .files import MonthlyFile, sha256_of, synthetic_hashes
from .profile import read_csv_rows
from .validate import INCOMING, read_month

LINES_DDL = """
CREATE TABLE IF NOT EXISTS raw.fap_lines (
    month VARCHAR NOT NULL,
    sad_id VARCHAR NOT NULL,
    finess VARCHAR NOT NULL,
    beneficiary_pseudonym UHUGEINT NOT NULL,
    prestation VARCHAR NOT NULL,
    gir UTINYINT,
    hours_planned DECIMAL(9, 2) NOT NULL,
    hours_billed DECIMAL(9, 2) NOT NULL,
    hourly_rate_eur DECIMAL(9, 2) NOT NULL,
    amount_eur DECIMAL(12, 2) NOT NULL
)"""
FILES_DDL = """
CREATE TABLE IF NOT EXISTS raw.fap_files (
    month VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    hours_billed DECIMAL(14, 2) NOT NULL,
    amount_eur DECIMAL(16, 2) NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    key_fingerprint VARCHAR NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT false
)"""
COMMENTS = {
    "fap_lines": {
        "": "FAP billing lines, one per (month, SAD, beneficiary, prestation); PRIVATE: never published",
        "month": "Billing month, YYYY-MM (as in the file name)",
        "beneficiary_pseudonym": "First 128 bits of HMAC-SHA256(key, FAP beneficiary_id), as an integer; the identifier itself is never stored",
        "gir": "GIR (1-6) of the beneficiary, empty when not assessed (PCH)",
        "hours_billed": "Hours billed in the month (hours)",
        "amount_eur": "Amount billed (€) = hours_billed x hourly_rate_eur, within a cent",
    },
    "fap_files": {
        "": "One row per month loaded from raw/fap: the file, its sha256, rows and totals, when it was loaded",
        "month": "Billing month, YYYY-MM (as in the file name)",
        "file_name": "File name in raw/fap/",
        "sha256": "sha256 of the file as loaded (compressed bytes for .gz)",
        "size_bytes": "Size of the file in bytes",
        "row_count": "Billing lines loaded from the file",
        "hours_billed": "Total hours billed in the month (hours)",
        "amount_eur": "Total amount billed in the month (€)",
        "run_id": "Dagster run that loaded the month",
        "mtime_ns": "File modification time when loaded: with size_bytes, lets an unchanged file be skipped without hashing",
        "loaded_at": "When this month was (re)loaded: the incremental dbt models reprocess months loaded after their last run",
        "key_fingerprint": "Fingerprint of the pseudonymisation key used (not the key): another key reloads the month",
        "synthetic": "True when the file is a synthetic export written by the sample generator (its sha256 is in raw/fap/synthetic_sample.sha256)",
    },
}


@dataclass(frozen=True)
class MonthLoad:
    month: str
    file_name: str
    sha256: str
    rows: int
    status: str  # 'loaded' or 'unchanged'


MEMORY_LIMIT_ENV = "AUTONOMY_DUCKDB_MEMORY_LIMIT"


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Cap DuckDB's memory (by default it caches up to 80 % of RAM) and forbid spilling to disk:
    the month being loaded holds clear identifiers, which must not reach DuckDB's temp files.
    A month must therefore fit in memory (about 120 bytes a line: 2 GB = over 10 M lines)."""
    con.execute(f"SET memory_limit = '{get_settings().duckdb_memory_limit}'")
    con.execute("SET temp_directory = ''")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The FAP tables exist even before the first export, so the dbt models always build."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(LINES_DDL)
    con.execute(FILES_DDL)
    con.execute("ALTER TABLE raw.fap_files ADD COLUMN IF NOT EXISTS synthetic BOOLEAN DEFAULT false")  # older work databases
    for table, comments in COMMENTS.items():
        for column, text in comments.items():
            target = f"TABLE raw.{table}" if not column else f"COLUMN raw.{table}.{column}"
            con.execute(f"COMMENT ON {target} IS '{text.replace(chr(39), chr(39) * 2)}'")


@dataclass(frozen=True)
class Loaded:
    """What raw.fap_files says was loaded for a month."""

    sha256: str
    size: int
    mtime_ns: int
    key_fingerprint: str


def recorded(con: duckdb.DuckDBPyConnection) -> dict[str, Loaded]:
    rows = con.execute("SELECT month, sha256, size_bytes, mtime_ns, key_fingerprint FROM raw.fap_files").fetchall()
    return {month: Loaded(*rest) for month, *rest in rows}


def load_month(
    con: duckdb.DuckDBPyConnection,
    file: MonthlyFile,
    key: bytes,
    run_id: str | None,
    known: Loaded | None,
    hashes: HashCache | None = None,
) -> MonthLoad:
    """Load one month unless its file is the one already loaded, with the same key. Raises FileRejected.
    hashes: the refresh's hash cache (the step has just hashed every export for its data version:
    a file is not read twice for its sha256)."""
    fingerprint = pseudonymise.key_fingerprint(key)
    same_key = known is not None and known.key_fingerprint == fingerprint
    samples = synthetic_hashes(file.path.parent)
    if same_key and (known.size, known.mtime_ns) == (file.size, file.mtime_ns):
        con.execute("UPDATE raw.fap_files SET synthetic = ? WHERE month = ?", [known.sha256 in samples, file.month])
        return MonthLoad(file.month, file.name, known.sha256, 0, "unchanged")
    sha = hashes.sha256(file.path) if hashes is not None else sha256_of(file.path)
    if same_key and known.sha256 == sha:
        con.execute(
            "UPDATE raw.fap_files SET size_bytes = ?, mtime_ns = ?, synthetic = ? WHERE month = ?",
            [file.size, file.mtime_ns, sha in samples, file.month],
        )
        return MonthLoad(file.month, file.name, sha, 0, "unchanged")
    try:
        rows = read_month(con, file.path, file.month)
        pseudonymise.extend_cache(con, INCOMING, key)
        _replace_month(con, file, sha, run_id, fingerprint, synthetic=sha in samples)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {INCOMING}")
    return MonthLoad(file.month, file.name, sha, rows, "loaded")


def _replace_month(
    con: duckdb.DuckDBPyConnection, file: MonthlyFile, sha: str, run_id: str | None, fingerprint: str, synthetic: bool
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.fap_lines WHERE month = ?", [file.month])
        con.execute(
            f"""
            INSERT INTO raw.fap_lines
            SELECT i.month, i.sad_id, i.finess, c.beneficiary_pseudonym, i.prestation, i.gir,
                   i.hours_planned, i.hours_billed, i.hourly_rate_eur, i.amount_eur
            FROM {INCOMING} AS i JOIN {pseudonymise.CACHE_TABLE} AS c USING (beneficiary_id)
            """
        )
        con.execute(
            f"""
            INSERT OR REPLACE INTO raw.fap_files
            SELECT ?, ?, ?, ?, ?, count(*), sum(hours_billed), sum(amount_eur), ?, ?, ?, ? FROM {INCOMING}
            """,
            [file.month, file.name, sha, file.size, file.mtime_ns, datetime.now(UTC), run_id, fingerprint, synthetic],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_registry(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """raw.fap_sad_registry from sad_registry.csv, refused whole when a row is wrong."""
    import pyarrow as pa

    rows = read_csv_rows(path, REGISTRY_COLUMNS)
    seen: dict[str, int] = {}
    finess_seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        for column in REGISTRY_COLUMNS:
            if not row.get(column):
                raise InputError(f"{column} is empty", file=str(path), line=line, column=column, value=row.get(column))
        if len(row["finess"]) != FINESS_LENGTH:
            raise InputError(
                f"FINESS must be {FINESS_LENGTH} characters", file=str(path), line=line, column="finess", value=row["finess"]
            )
        for column, index in (("sad_id", seen), ("finess", finess_seen)):
            if row[column] in index:
                raise InputError(
                    f"{column} already on line {index[row[column]]}", file=str(path), line=line, column=column, value=row[column]
                )
            index[row[column]] = line
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in REGISTRY_COLUMNS})
    replace_table(
        con,
        "raw",
        "fap_sad_registry",
        table,
        {
            "sad_id": "FAP identifier of the home-care service (SAD)",
            "finess": "FINESS number of the SAD (fictitious in the synthetic sample)",
            "department_code": "COG code of the département of the SAD",
            "sad_name": "SAD name exactly as printed in the envelope annex of its département",
            "city": "City exactly as printed in the annex",
        },
        "The FAP registry of home-care services (SAD): FAP identifier, FINESS, name and city as printed in the annex",
    )
    return len(rows)

"""Pseudonymisation at the door: beneficiary_id -> HMAC-SHA256(key, beneficiary_id).

The pseudonym is the HMAC's first 128 bits, kept as an unsigned 128-bit integer (DuckDB
UHUGEINT): the truncated HMAC of RFC 2104 section 5 (HMAC-SHA-256-128), 16 fixed bytes that
DuckDB stores, joins and counts far faster than 64 hex characters. At a national scale (ten
million beneficiaries) two people share a pseudonym with a probability below 1e-24.

The key comes from AUTONOMY_PSEUDO_KEY. With AUTONOMY_ENV=production it is required (at least
32 characters); elsewhere a fixed, public development key is used, so that the synthetic
sample gives the same pseudonyms on every machine. The same key gives the same pseudonym every
month (beneficiaries can be counted across months); another key gives unrelated pseudonyms.

The HMAC is computed in DuckDB (RFC 2104 over its sha256): sha256(K^opad || sha256(K^ipad || m)).
The pads are bound as parameters, so the key never appears in SQL text or error messages.
Within one ingestion run each distinct identifier is hashed once: a temporary, in-memory table
(dropped at the end of the run, never in the database file) maps the identifiers seen so far
to their pseudonyms, since the same beneficiaries come back every month.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

from ...settings import get_settings

KEY_ENV = "AUTONOMY_PSEUDO_KEY"
MODE_ENV = "AUTONOMY_ENV"
# Public on purpose: for the synthetic sample and development only (docs/fap_format.md).
DEV_KEY = "autonomy-warehouse-dev-key-not-secret-do-not-use-in-production"
MIN_PRODUCTION_KEY_LENGTH = 32
CACHE_TABLE = "fap_pseudonym_cache"
_BLOCK = 64  # SHA-256 block size, bytes


class PseudonymKeyError(RuntimeError):
    pass


def production_mode() -> bool:
    return get_settings().production


def pseudonym_key() -> bytes:
    """The HMAC key, from the environment (see module doc). Never logged."""
    key = get_settings().pseudo_key
    if production_mode():
        if not key:
            raise PseudonymKeyError(
                f"{MODE_ENV}=production and {KEY_ENV} is not set: FAP beneficiary identifiers cannot be "
                f"pseudonymised. Set {KEY_ENV} to the département's secret (at least {MIN_PRODUCTION_KEY_LENGTH} "
                "characters, kept outside the repository); nothing was ingested."
            )
        if len(key) < MIN_PRODUCTION_KEY_LENGTH:
            raise PseudonymKeyError(
                f"{KEY_ENV} is shorter than {MIN_PRODUCTION_KEY_LENGTH} characters: too weak for production; nothing was ingested."
            )
    return (key or DEV_KEY).encode("utf-8")


def pseudonymise(beneficiary_id: str, key: bytes) -> int:
    """Reference implementation (Python's hmac); the SQL below must give the same."""
    digest = hmac.new(key, beneficiary_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:16], "big")


def key_fingerprint(key: bytes) -> str:
    """Tells keys apart without revealing them: months loaded with another key are reloaded."""
    return hmac.new(key, b"autonomy-warehouse FAP key fingerprint", hashlib.sha256).hexdigest()[:16]


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(column: str) -> str:
    """SQL for the pseudonym of `column` (UHUGEINT); bind hmac_parameters(key)."""
    digest = f"sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode({column}))))"
    return f"CAST('0x' || left({digest}, 32) AS UHUGEINT)"


def hmac_parameters(key: bytes) -> dict[str, bytes]:
    ipad, opad = _pads(key)
    return {"ipad": ipad, "opad": opad}


def start_cache(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CACHE_TABLE} (beneficiary_id VARCHAR, beneficiary_pseudonym UHUGEINT)")


def extend_cache(con: duckdb.DuckDBPyConnection, source: str, key: bytes) -> int:
    """Hash the identifiers of `source` (a table with beneficiary_id) not yet in the cache."""
    before = con.execute(f"SELECT count(*) FROM {CACHE_TABLE}").fetchone()[0]
    con.execute(
        f"""
        INSERT INTO {CACHE_TABLE}
        SELECT beneficiary_id, {hmac_sql("beneficiary_id")}
        FROM (SELECT DISTINCT i.beneficiary_id FROM {source} AS i ANTI JOIN {CACHE_TABLE} AS c USING (beneficiary_id))
        """,
        hmac_parameters(key),
    )
    return con.execute(f"SELECT count(*) FROM {CACHE_TABLE}").fetchone()[0] - before


def drop_cache(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")

"""Pseudonymisation: the real HMAC-SHA256 (checked against Python's hmac), stable for a key,
different with another key; a production run without a proper key ingests nothing."""

import hashlib
import hmac

import duckdb
import pytest
from fap_helpers import materialize_fap, months_loaded

from dagster_project.settings import get_settings
from dagster_project.sources.fap import pseudonymise

IDS = ["620011000000", "620361000123", "A-ß/é 42", "x" * 200, ""]


def _sql_pseudonyms(key: bytes, ids: list[str]) -> list[int]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ids AS SELECT * FROM (SELECT unnest($ids) AS beneficiary_id, generate_subscripts($ids, 1) AS n)",
        {"ids": ids},
    )
    return [
        r[0]
        for r in con.execute(
            f"SELECT {pseudonymise.hmac_sql('beneficiary_id')} FROM ids ORDER BY n", pseudonymise.hmac_parameters(key)
        ).fetchall()
    ]


@pytest.mark.parametrize("key", [b"k", b"a-32-character-long-secret-key!!", bytes(range(200)), "clé-été".encode()])
def test_sql_hmac_is_python_hmac(key):
    expected = [int(hmac.new(key, i.encode(), hashlib.sha256).hexdigest()[:32], 16) for i in IDS]
    assert _sql_pseudonyms(key, IDS) == expected
    assert [pseudonymise.pseudonymise(i, key) for i in IDS] == expected


def test_stable_per_key_and_different_with_another_key():
    one, again, other = (_sql_pseudonyms(k, IDS) for k in (b"key-one", b"key-one", b"key-two"))
    assert one == again
    assert not set(one) & set(other)
    assert len(set(one)) == len(IDS)


def test_key_from_environment(monkeypatch):
    monkeypatch.delenv("AUTONOMY_PSEUDO_KEY", raising=False)
    monkeypatch.delenv("AUTONOMY_ENV", raising=False)
    assert pseudonymise.pseudonym_key() == pseudonymise.DEV_KEY.encode()
    monkeypatch.setenv("AUTONOMY_PSEUDO_KEY", "short")
    assert pseudonymise.pseudonym_key() == b"short"  # development: any key
    monkeypatch.setenv("AUTONOMY_ENV", "production")
    with pytest.raises(pseudonymise.PseudonymKeyError, match="shorter than 32 characters"):
        pseudonymise.pseudonym_key()
    monkeypatch.delenv("AUTONOMY_PSEUDO_KEY")
    with pytest.raises(pseudonymise.PseudonymKeyError, match="AUTONOMY_ENV=production and AUTONOMY_PSEUDO_KEY is not set"):
        pseudonymise.pseudonym_key()
    monkeypatch.setenv("AUTONOMY_PSEUDO_KEY", "s" * 32)
    assert pseudonymise.pseudonym_key() == b"s" * 32


def test_production_without_key_ingests_nothing(paths, monkeypatch):
    monkeypatch.setenv("AUTONOMY_ENV", "production")
    monkeypatch.delenv("AUTONOMY_PSEUDO_KEY", raising=False)
    result = materialize_fap("2024-01")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "AUTONOMY_PSEUDO_KEY is not set" in failure.event_specific_data.error.message
    with duckdb.connect(str(get_settings().work_db), read_only=True) as con:
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fap_lines'").fetchone()[0]


def test_ingested_pseudonyms_follow_the_key(paths, monkeypatch):
    monkeypatch.delenv("AUTONOMY_ENV", raising=False)
    first_line = (paths.raw / "fap" / "fap_2024-01.csv").read_text(encoding="utf-8").split("\n")[1].split(";")
    beneficiary = first_line[3]

    def stored() -> set[int]:
        with duckdb.connect(str(get_settings().work_db), read_only=True) as con:
            return {r[0] for r in con.execute("SELECT beneficiary_pseudonym FROM raw.fap_lines").fetchall()}

    monkeypatch.delenv("AUTONOMY_PSEUDO_KEY", raising=False)
    assert materialize_fap("2024-01").success
    dev = stored()
    assert pseudonymise.pseudonymise(beneficiary, pseudonymise.DEV_KEY.encode()) in dev
    assert len(dev) == 15342  # one line per beneficiary and prestation; the sample's ids differ by prestation

    assert months_loaded(materialize_fap("2024-01")) == ([], ["2024-01"])  # same file, same key: skipped
    monkeypatch.setenv("AUTONOMY_PSEUDO_KEY", "another-département-secret-of-32-chars")
    assert months_loaded(materialize_fap("2024-01")) == (["2024-01"], [])  # same file, another key: reloaded
    other = stored()
    assert pseudonymise.pseudonymise(beneficiary, b"another-d\xc3\xa9partement-secret-of-32-chars") in other
    assert not other & dev

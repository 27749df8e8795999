"""sad_key: one stable key per home-care service (SAD), the same in every SAD mart and at every
refresh, made by one rule in dbt (int_sad__keys): the FINESS of the FAP registry when the SAD is
in it, else a hash of département + normalised city + normalised name."""

import csv
import hashlib
import re
import unicodedata

import duckdb
import pytest
from conftest import RAW
from marts_fixtures import rows_as_dicts

pytestmark = pytest.mark.e2e

# every SAD mart and its grain: the key must be there, never empty, and unique within the grain
SAD_MARTS = {
    "sad_activity": "department_code, year, hours_source",
    "envelope_allocations": "envelope_id",
    "sad_compensations": "table_id, measure_code",
    "fap_hours_by_sad_month": "month, prestation",
    "fap_beneficiaries_by_sad_month": "month, prestation",
    "fap_annex_hours_comparison": "reference_year",
    "rpt_activite_sad__hours": "department_code, year, hours_source",
    "rpt_enveloppe__allocations": "envelope_id",
    "rpt_enveloppe__changes": "envelope_id",
    "rpt_activite_sad__fap_beneficiaries": "month, department_code",
    "rpt_compensations__annex_rows": "table_id",
}


def _norm(text: str | None) -> str:
    """The rule of macro sad_text_norm, independently: accents stripped, upper case, runs of
    anything but letters and digits made one space."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]+", " ", plain.upper()).strip()


def _all_keys(connection) -> dict[tuple[str, str, str | None], str]:
    """(mart, sad_name, city) -> sad_key, over every SAD mart."""
    keys = {}
    for mart in SAD_MARTS:
        for name, city, key in connection.execute(
            f"SELECT DISTINCT sad_name, city, sad_key FROM marts.{mart} WHERE sad_key IS NOT NULL"
        ).fetchall():
            keys[(mart, name, city)] = key
    return keys


def test_every_sad_row_has_a_key_unique_within_its_grain(con):
    for mart, grain in SAD_MARTS.items():
        rows = con.execute(
            f"SELECT count(*) FILTER (WHERE sad_key IS NULL AND sad_name IS NOT NULL AND sad_name <> 'TOTAL'), "
            f"count(*) FILTER (WHERE sad_key IS NOT NULL) - count(DISTINCT ({grain}, sad_key)) FILTER (WHERE sad_key IS NOT NULL) "
            f"FROM marts.{mart}"
        ).fetchall()
        if mart == "rpt_compensations__annex_rows":  # printed TOTAL rows carry no SAD
            rows = con.execute(
                "SELECT count(*) FILTER (WHERE sad_key IS NULL AND NOT is_total), "
                "count(*) FILTER (WHERE NOT is_total) - count(DISTINCT (table_id, sad_key)) FILTER (WHERE NOT is_total) "
                "FROM marts.rpt_compensations__annex_rows"
            ).fetchall()
        assert rows == [(0, 0)], mart
    # the 36 SAD twice: the hours the annex prints (fap_annex) and the 2024 FAP exports' (fap_exports)
    assert con.execute("SELECT hours_source, count(*) FROM marts.sad_activity GROUP BY ALL ORDER BY 1").fetchall() == [
        ("fap_annex", 36), ("fap_exports", 36)]  # fmt: skip


def test_one_sad_has_one_key_in_every_mart(con):
    """The 36 Pas-de-Calais SAD: the same keys in the annex hours, the 2025 and 2024 envelopes,
    the FAP billing and the annex/FAP comparison; one key per printed (name, city)."""
    per_mart = {
        mart: {k for (m, _, _), k in _all_keys(con).items() if m == mart}
        for mart in ("sad_activity", "envelope_allocations", "fap_hours_by_sad_month", "fap_beneficiaries_by_sad_month",
                     "fap_annex_hours_comparison", "rpt_enveloppe__allocations", "rpt_enveloppe__changes")
    }  # fmt: skip
    reference = per_mart["sad_activity"]
    assert len(reference) == 36
    assert all(keys == reference for keys in per_mart.values()), {m: len(k ^ reference) for m, k in per_mart.items()}
    # a name/city printed the same way never gets two keys, whichever mart prints it
    by_sad: dict[tuple[str, str | None], set[str]] = {}
    for (_, name, city), key in _all_keys(con).items():
        by_sad.setdefault((_norm(name), _norm(city)), set()).add(key)
    assert {sad: keys for sad, keys in by_sad.items() if len(keys) > 1} == {}
    # and two different SAD never share one
    owners: dict[str, set[tuple[str, str]]] = {}
    for sad, keys in by_sad.items():
        owners.setdefault(next(iter(keys)), set()).add(sad)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_keys_follow_the_documented_rule(con):
    with open(RAW / "fap" / "sad_registry.csv", encoding="utf-8", newline="") as handle:
        registry = {
            (r["department_code"], _norm(r["sad_name"]), _norm(r["city"])): r["finess"]
            for r in csv.DictReader(handle, delimiter=";")
        }
    activity = rows_as_dicts(con, "SELECT department_code, sad_name, city, sad_key FROM marts.sad_activity")
    for row in activity:  # every annex SAD is in the registry: its FINESS
        assert row["sad_key"] == f"FINESS-{registry[(row['department_code'], _norm(row['sad_name']), _norm(row['city']))]}"
    nord = rows_as_dicts(con, "SELECT DISTINCT department_code, sad_name, city, sad_key FROM marts.sad_compensations")
    assert len(nord) > 100
    for row in nord:  # Nord SAD are not in the registry: département + md5 of the normalised text
        digest = hashlib.md5(f"{row['department_code']}|{_norm(row['city'])}|{_norm(row['sad_name'])}".encode()).hexdigest()
        assert row["sad_key"] == f"{row['department_code']}-{digest[:16]}", row


@pytest.mark.slow
def test_keys_are_the_same_after_another_refresh(published, published_again):
    """A second full refresh (on a copy of the session's tree: published_again) gives every SAD the same key."""
    again, summary = published_again
    with duckdb.connect(str(published.warehouse), read_only=True) as first:
        before = _all_keys(first)
    assert summary.published, summary.render()
    with duckdb.connect(str(again.warehouse), read_only=True) as second:
        after = _all_keys(second)
    assert len(before) > 200 and after == before

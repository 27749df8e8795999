"""marts.envelope_allocations and marts.envelopes: the 2025 Pas-de-Calais envelope to the cent."""

from decimal import Decimal

import pytest
from conftest import DOC_002
from marts_fixtures import rows_as_dicts

pytestmark = pytest.mark.e2e

COLUMNS = [
    "envelope_id",
    "department_code",
    "year",
    "basis_year",
    "envelope_eur",
    "sad_name",
    "city",
    "hours_basis",
    "share_pct",
    "amount_computed_eur",
    "amount_published_eur",
    "delta_eur",
    "sad_key",
    "document_id",
    "source_line",
    "published_document_id",
    "published_source_line",
]


def test_columns_are_exactly_the_contract(con):
    assert [r[0] for r in con.execute("DESCRIBE marts.envelope_allocations").fetchall()] == COLUMNS
    types = dict((r[0], r[1]) for r in con.execute("DESCRIBE marts.envelope_allocations").fetchall())
    assert types["envelope_eur"] == types["amount_computed_eur"] == types["delta_eur"] == "DECIMAL(14,2)"


def test_2025_allocation_sums_to_the_envelope_and_matches_every_annex_row(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.envelope_allocations WHERE envelope_id = '62_2025'")
    assert len(rows) == 36
    assert {(r["department_code"], r["year"], r["basis_year"], r["envelope_eur"]) for r in rows} == {
        ("62", 2025, 2024, Decimal("887490.00"))
    }
    assert sum(r["amount_computed_eur"] for r in rows) == Decimal("887490.00")
    assert [r for r in rows if r["delta_eur"] != 0] == []
    admr = next(r for r in rows if r["sad_name"] == "FÉDÉRATION ADMR DU PAS-DE-CALAIS")
    assert (admr["hours_basis"], admr["amount_computed_eur"], admr["share_pct"]) == (
        Decimal("1147837.00"),
        Decimal("235835.95"),
        Decimal("26.573364"),
    )


def test_2025_envelope_amount_is_read_from_the_deliberation(con):
    (row,) = rows_as_dicts(con, "SELECT * FROM marts.envelopes WHERE envelope_id = '62_2025'")
    assert (row["envelope_eur"], row["amount_document_id"], row["amount_source_line"]) == (Decimal("887490.00"), DOC_002, 54)
    assert (row["hours_total"], row["sad_count"], row["cents_adjusted"]) == (Decimal("4319502.00"), 36, 0)
    assert (row["rows_matching_published"], row["rows_differing_from_published"]) == (36, 0)
    assert row["allocated_computed_eur"] == row["allocated_published_eur"] == row["published_total_eur"] == Decimal("887490.00")


def test_2024_envelope_is_published_only_with_implied_2023_shares(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.envelope_allocations WHERE envelope_id = '62_2024'")
    assert len(rows) == 36
    assert all(r["hours_basis"] is None and r["amount_computed_eur"] is None and r["delta_eur"] is None for r in rows)
    assert {(r["year"], r["basis_year"], r["envelope_eur"]) for r in rows} == {(2024, 2023, Decimal("887490.00"))}
    admr = next(r for r in rows if r["sad_name"] == "FÉDÉRATION ADMR DU PAS-DE-CALAIS")
    assert admr["amount_published_eur"] == Decimal("233363.53")
    assert admr["share_pct"] == Decimal("26.294779")  # 233 363,53 / 887 490,00 × 100
    (envelope,) = rows_as_dicts(con, "SELECT * FROM marts.envelopes WHERE envelope_id = '62_2024'")
    assert envelope["envelope_kind"] == "published_only" and envelope["amount_source_line"] == 128
    # the printed rows of the 2024 column add up to 2 cents less than its printed TOTAL
    assert (envelope["allocated_published_eur"], envelope["published_total_eur"]) == (Decimal("887489.98"), Decimal("887490.00"))


def test_no_what_if_rows_without_dbt_vars(con):
    assert con.execute("SELECT count(*) FROM marts.envelopes WHERE envelope_kind = 'whatif'").fetchone() == (0,)

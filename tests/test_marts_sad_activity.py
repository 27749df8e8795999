"""marts.sad_activity and marts.sad_activity_summary, checked against a hand computation from
the raw annex rows (pairwise Gini, HHI on % shares) in exact fractions."""

from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import DOC_002
from marts_fixtures import rows_as_dicts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def annex_hours(con):
    rows = con.execute(
        "SELECT row_label, value FROM raw.deliberation_cells WHERE table_id = 'fap_annex' AND kind_column = 'hours_billed' "
        "AND NOT is_total"
    ).fetchall()
    assert len(rows) == 36
    return {name: Fraction(hours) for name, hours in rows}


def test_gini_and_hhi_against_a_hand_computation(con, annex_hours):
    hours = list(annex_hours.values())
    n, total = len(hours), sum(hours)
    hhi = sum((100 * h / total) ** 2 for h in hours)
    gini = sum(abs(a - b) for a in hours for b in hours) / (2 * n * n * (total / n))  # mean absolute difference / 2·mean
    (row,) = rows_as_dicts(con, "SELECT * FROM marts.sad_activity_summary WHERE hours_source = 'fap_annex'")
    assert abs(Fraction(row["hhi"]) - hhi) <= Fraction(1, 2 * 10**6)
    assert abs(Fraction(row["gini"]) - gini) <= Fraction(1, 2 * 10**8)
    assert row["hhi"] == Decimal("1018.953745") and row["gini"] == Decimal("0.57202856")


def test_summary_totals_and_top_shares(con, annex_hours):
    (row,) = rows_as_dicts(con, "SELECT * FROM marts.sad_activity_summary WHERE hours_source = 'fap_annex'")
    ranked = sorted(annex_hours.values(), reverse=True)
    total = sum(ranked)
    assert row["total_hours_billed"] == row["total_hours_published"] == Decimal("4319502.00")
    assert (row["document_id"], row["total_source_line"]) == (DOC_002, 128)
    assert (row["services_count"], row["associations_count"]) == (36, 60)  # 35 services + the 25 ADMR associations
    assert abs(Fraction(row["top5_share_pct"]) - 100 * sum(ranked[:5]) / total) <= Fraction(1, 2 * 10**6)
    assert abs(Fraction(row["top10_share_pct"]) - 100 * sum(ranked[:10]) / total) <= Fraction(1, 2 * 10**6)
    assert (row["top5_share_pct"], row["top10_share_pct"]) == (Decimal("53.989650"), Decimal("71.314749"))


def test_admr_federation_is_one_row_carrying_its_associations(con):
    (admr,) = rows_as_dicts(con, "SELECT * FROM marts.sad_activity WHERE is_federation AND hours_source = 'fap_annex'")
    assert (admr["sad_name"], admr["city"]) == ("FÉDÉRATION ADMR DU PAS-DE-CALAIS", "FOUQUIÈRES-LES-BÉTHUNE")
    assert (admr["hours_billed"], admr["rank"], admr["associations_count"]) == (Decimal("1147837.00"), 1, 25)
    assert (admr["associations_source_line"], admr["source_line"]) == (205, 127)
    assert admr["share_pct"] == admr["cumulative_share_pct"] == Decimal("26.573364")
    others = con.execute(
        "SELECT DISTINCT associations_count FROM marts.sad_activity WHERE NOT is_federation"
    ).fetchall()  # both sources
    assert others == [(1,)]


def test_ranks_cumulative_shares_and_printed_shares(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.sad_activity WHERE hours_source = 'fap_annex' ORDER BY rank")
    assert [r["rank"] for r in rows] == list(range(1, 37))
    assert all(a["hours_billed"] >= b["hours_billed"] for a, b in zip(rows, rows[1:]))
    assert all(a["cumulative_share_pct"] < b["cumulative_share_pct"] for a, b in zip(rows, rows[1:]))
    assert rows[-1]["cumulative_share_pct"] == Decimal("100")
    # our exact share rounds to the printed one on every row
    assert all(round(r["share_pct"], 2) == r["share_published_pct"] for r in rows)
    assert {(r["department_code"], r["year"], r["hours_source"]) for r in rows} == {("62", 2024, "fap_annex")}


def test_the_fap_exports_are_a_second_source_of_hours_for_their_complete_year(con):
    """hours_source 'fap_exports': the APA hours of the 12 monthly exports of 2024, one row per SAD
    of the registry that billed any, named as the registry names them. The synthetic sample is
    made from the annex, so both sources give the same hours and the same concentration."""
    by_source = {
        source: {(r["sad_key"], r["hours_billed"], r["rank"]) for r in rows_as_dicts(
            con, "SELECT * FROM marts.sad_activity WHERE hours_source = ? AND year = 2024", [source])}
        for source in ("fap_annex", "fap_exports")
    }  # fmt: skip
    assert len(by_source["fap_exports"]) == 36 and by_source["fap_exports"] == by_source["fap_annex"]
    fap = rows_as_dicts(con, "SELECT * FROM marts.sad_activity WHERE hours_source = 'fap_exports'")
    assert {r["year"] for r in fap} == {2024} and all(r["document_id"] is None and r["source_line"] is None for r in fap)
    (summary,) = rows_as_dicts(con, "SELECT * FROM marts.sad_activity_summary WHERE hours_source = 'fap_exports'")
    assert (summary["total_hours_billed"], summary["total_hours_published"], summary["gini"]) == (
        Decimal("4319502.00"), None, Decimal("0.57202856"))  # fmt: skip

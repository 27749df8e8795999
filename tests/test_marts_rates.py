"""marts.indicator_rates and marts.indicator_crosswalk: recomputed rates against the printed ones."""

from decimal import Decimal

import pytest
from conftest import DOC_001
from marts_fixtures import rows_as_dicts

pytestmark = pytest.mark.e2e


def rate(con, rate_code, territory="62"):
    (row,) = rows_as_dicts(
        con, "SELECT * FROM marts.indicator_rates WHERE rate_code = ? AND territory_code = ?", [rate_code, territory]
    )
    return row


def test_aeeh_rate_of_a_department_from_its_numerator_and_denominator(con):
    row = rate(con, "aeeh_rate_0_19")
    assert (row["numerator"], row["denominator"]) == (Decimal("15328"), Decimal("373844"))
    assert row["value_computed"] == Decimal("4.10010593")  # 15328 / 373844 × 100
    assert (row["value_published"], row["printed_decimals"], row["value_computed_rounded"]) == (
        Decimal("4.10"),
        2,
        Decimal("4.10"),
    )
    assert (row["numerator_document_id"], row["numerator_source_lines"], row["denominator_source_lines"]) == (
        DOC_001,
        [296],
        [296],
    )
    assert (row["published_document_id"], row["published_source_line"]) == (DOC_001, 296)
    assert row["denominator_age_band"] == "0-19 ans" and row["scale"] == 100


def test_regional_aeeh_rate_is_population_weighted_not_the_printed_plain_mean(con):
    row = rate(con, "aeeh_rate_0_19", "R32")
    # Σ allocataires over Σ population 0-19 of the five départements
    assert (row["numerator"], row["denominator"]) == (Decimal("47557"), Decimal("1545866"))
    assert row["numerator_source_lines"] == [293, 294, 295, 296, 297]
    assert row["value_computed_rounded"] == Decimal("3.08")
    # the région prints 2,98: the plain mean of (3,40 + 2,80 + 2,80 + 4,10 + 1,80) / 5
    assert row["value_published"] == Decimal("2.98")
    assert row["published_departments_plain_mean"] == Decimal("2.98")
    assert row["territory_level"] == "region"


def test_regional_drl_per_inhabitant_matches_the_printed_region(con):
    row = rate(con, "drl_children_per_inhabitant_0_19", "R32")
    assert row["numerator"] == Decimal("816908022.92")
    assert row["value_computed_rounded"] == row["value_published"] == Decimal("528.45")
    adults = rate(con, "drl_adults_per_inhabitant_20plus")
    assert adults["denominator"] == Decimal("716785") + Decimal("371537")  # 20-59 + 60+
    assert adults["value_computed_rounded"] == adults["value_published"] == Decimal("136.04")


def test_mdph_rates_use_the_population_implied_by_the_table(con):
    (fr, pdc) = con.execute(
        "SELECT population_min, population_implied, population_max FROM intermediate.int_mdph_implied_population ORDER BY territory_code DESC"
    ).fetchall()
    assert fr == (68275031, 68298589, 68322147)
    assert pdc == (1456779, 1456898, 1457017)
    rows = rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE rate_code LIKE 'mdph_rights_per_1000__%'")
    assert len(rows) == 26
    assert all(r["value_computed_rounded"] == r["value_published"] for r in rows)
    assert {r["denominator"] for r in rows} == {Decimal("68298589"), Decimal("1456898")}
    aeeh = rate(con, "mdph_rights_per_1000__aeeh", "FR")
    assert (aeeh["numerator"], aeeh["value_published"], aeeh["numerator_reference_period"]) == (
        Decimal("517000"),
        Decimal("7.6"),
        "31/12/2023",
    )


def test_overrepresentation_index_from_the_printed_rates(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE rate_code LIKE 'mdph_overrepresentation__%'")
    assert len(rows) == 13 and {r["territory_code"] for r in rows} == {"62"}
    assert all(r["value_computed_rounded"] == r["value_published"] for r in rows)
    aeeh = rate(con, "mdph_overrepresentation__aeeh")
    assert (aeeh["numerator"], aeeh["denominator"], aeeh["denominator_territory_code"]) == (Decimal("14"), Decimal("7.6"), "FR")
    assert aeeh["value_computed"] == Decimal("84.21052632")


def test_population_75_plus_difference_ratio_and_growth(con):
    assert rate(con, "pop_75plus_change_2024_2030")["value_computed"] == Decimal("30005")
    assert rate(con, "pop_75plus_change_2024_2030")["delta"] == 0
    ratio = rate(con, "pop_75plus_ratio_2030_2024")
    assert (ratio["value_computed_rounded"], ratio["value_published"]) == (Decimal("1.22"), Decimal("1.22"))
    growth = rate(con, "pop_75plus_growth_2024_2030_pct")
    assert growth["value_computed"] == Decimal("22.00554447") and growth["value_published"] is None


def test_apa_total_is_home_plus_institution_and_share_at_home(con):
    total = rate(con, "apa_per_1000_60plus")
    assert total["value_computed"] == Decimal("102") == total["value_published"]
    assert total["numerator_source_lines"] == [271, 272]
    share = rate(con, "apa_home_share")
    assert share["value_computed"] == Decimal("72.54901961")  # 74,0 / 102,0
    assert share["value_published"] == Decimal("72.6")


def test_printed_rates_that_cannot_be_recomputed_say_why(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE formula = 'not_recomputable'")
    assert {r["rate_code"] for r in rows} == {
        "aah_rate_adults",
        "ageing_index",
        "severe_limitation_5_59_share",
        "elderly_social_aid_per_1000_60plus",
        "apa_home_coverage_60plus",
        "apa_home_coverage_75plus",
    }
    assert all(r["value_computed"] is None and r["not_recomputable_reason_fr"] and r["value_published"] is not None for r in rows)
    aah_region = rate(con, "aah_rate_adults", "R32")
    assert aah_region["value_published"] == aah_region["published_departments_plain_mean"] == Decimal("3.68")


def test_printed_drl_children_regional_shares_repeat_the_0_6_population_shares(con):
    drl = {
        r["territory_code"]: r
        for r in rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE rate_code = 'drl_children_regional_share'")
    }
    pop = {
        r["territory_code"]: r
        for r in rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE rate_code = 'pop_0_6_regional_share'")
    }
    departments = ["02", "59", "60", "62", "80"]
    assert [drl[t]["value_published"] for t in departments] == [pop[t]["value_published"] for t in departments]
    assert drl["62"]["value_computed_rounded"] == Decimal("23") and drl["62"]["value_published"] == Decimal("24")


def test_every_computable_rate_has_its_inputs_and_provenance(con):
    rows = rows_as_dicts(con, "SELECT * FROM marts.indicator_rates WHERE formula <> 'not_recomputable'")
    assert len(rows) == 114
    for r in rows:
        assert r["numerator"] is not None and r["numerator_document_id"] and r["numerator_source_lines"], r["rate_code"]
        if r["formula"] != "measure":
            assert r["denominator"] > 0 and r["denominator_source_lines"], r["rate_code"]


def test_crosswalk_keeps_the_sources_of_a_concept_side_by_side(con):
    aeeh = con.execute(
        "SELECT source, reference_period, value, source_lines FROM marts.indicator_crosswalk "
        "WHERE concept_code = 'aeeh' ORDER BY source"
    ).fetchall()
    assert aeeh == [
        ("ARS", None, Decimal("15328"), [296]),
        ("CNAF", "T2_2024", Decimal("19869"), [286]),
        ("MDPH", "31/12/2023", Decimal("20327"), [363]),
    ]
    population = dict(
        con.execute("SELECT derivation, value FROM marts.indicator_crosswalk WHERE concept_code = 'population_total'").fetchall()
    )
    assert population == {"derived_sum": Decimal("1462166"), "implied": Decimal("1456898")}
    assert con.execute("SELECT count(*), count(DISTINCT concept_code) FROM marts.indicator_crosswalk").fetchone() == (21, 9)

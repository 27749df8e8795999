"""Extraction of the real deliberations: row counts per table and spot values, with provenance."""

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DOC_001, DOC_004, RAW

from dagster_project.sources.deliberations.raw_layer import read_deliberations

EXPECTED_ROWS = {  # data rows (TOTAL rows apart) per catalogue table
    "pa_indicators": 16,
    "ph_indicators": 10,
    "hdf_children": 5,
    "hdf_adults": 5,
    "mdph_rights": 13,
    "budget_decision_2025_541": 1,
    "fap_annex": 36,
    "budget_report_2025_541": 1,
    "nord_annex1_salary_compensation_2022": 53,
    "nord_annex4_quality_complement_2023": 33,
    "nord_annex5_first_cpom_2023": 58,
    "nord_annex5_renewed_cpom_2023": 9,
    "nord_cpom_quality_actions": 15,
    "nord_cpom_quality_bonus_rates": 14,
    "nord_cpom_amendment_quality_actions": 14,
    "nord_cpom_amendment_quality_bonus_rates": 14,
    "nord_budget_2023": 4,
}


@pytest.fixture(scope="module")
def load():
    deliberations = RAW / "deliberations"
    return read_deliberations(deliberations, deliberations / "catalogue.yml")


def _rows(load, table_id):
    return [r for r in load.tables[table_id].rows if not r["is_total"]]


def _total(load, table_id):
    (total,) = [r for r in load.tables[table_id].rows if r["is_total"]]
    return total


@pytest.mark.parametrize("table_id, expected", EXPECTED_ROWS.items())
def test_row_counts(load, table_id, expected):
    assert len(_rows(load, table_id)) == expected


def test_every_catalogue_table_was_extracted(load):
    assert set(load.tables) == set(EXPECTED_ROWS)


def test_fap_annex(load):
    rows = _rows(load, "fap_annex")
    first, admr = rows[0], rows[-1]
    assert (first["source_line"], first["city"], first["sad_name"]) == (92, "LONGUEUESSE", "AADCMO")
    assert first["hours_billed"] == Decimal("23596.00")
    assert first["envelope_eur"] == Decimal("4848.06")
    assert (admr["source_line"], admr["sad_name"]) == (127, "FÉDÉRATION ADMR DU PAS-DE-CALAIS")
    assert admr["hours_billed"] == Decimal("1147837.00")
    total = _total(load, "fap_annex")
    assert total["source_line"] == 128
    assert total["city"] is None and total["sad_name"] == "TOTAL"
    assert total["hours_billed"] == Decimal("4319502.00")
    assert total["envelope_eur"] == Decimal("887490.00")


def test_nord_annexes(load):
    annex1 = _rows(load, "nord_annex1_salary_compensation_2022")
    assert annex1[0]["sad_name"] == "A S S A D - A S D P A"
    assert annex1[0]["elderly_pa_eur"] is None  # empty cell: missing, not zero
    assert annex1[0]["disabled_ph_eur"] == Decimal("12334.58")
    assert _total(load, "nord_annex1_salary_compensation_2022")["amount_eur"] == Decimal("2885528.29")
    annex4 = {r["sad_name"]: r for r in _rows(load, "nord_annex4_quality_complement_2023")}
    assert annex4["CAP AUTONOMIE"]["disabled_ph_eur"] is None  # printed '- €'
    renewed = _total(load, "nord_annex5_renewed_cpom_2023")
    assert renewed["amount_eur"] is None and renewed["still_to_pay_eur"] == Decimal("424981.73")
    # a blank line inside annex 5 (line 452) does not end the table
    lines = [r["source_line"] for r in _rows(load, "nord_annex5_first_cpom_2023")]
    assert lines[lines.index(451) + 1] == 453


def test_pa_indicator_apa_rate_is_102(load):
    cells = [c for c in load.tables["pa_indicators"].cells if c["indicator_code"] == "apa_per_1000_60plus"]
    (cell,) = cells
    assert cell["value"] == Decimal("102")
    assert (cell["document_id"], cell["source_line"], cell["territory_code"]) == (DOC_001, 269, "62")
    assert (cell["source"], cell["reference_period"], cell["unit"]) == ("DREES", "2022", "per_1000")
    assert cell["indicator_label"] == "Nombre de bénéficiaires de l'APA pour 1000 habitants de plus de 60 ans"
    assert cell["column_header"] == "Pas-de-Calais" and cell["raw_text"] == "102"


def test_mdph_rights_sections_and_signs(load):
    rows = {r["prestation"]: r for r in _rows(load, "mdph_rights")}
    assert rows["AEEH (base ou complément)"]["section"] == "Prestations enfants et moins de 20 ans"
    assert rows["PCH"]["overrepresentation_pct"] == Decimal("-8")
    assert rows["Matériel Pédagogique Adapté"]["overrepresentation_pct"] == Decimal("140")
    cells = {(c["indicator_code"], c["territory_code"]): c for c in load.tables["mdph_rights"].cells if c["indicator_code"]}
    assert cells[("mdph_rights_per_1000__aeeh", "FR")]["value"] == Decimal("7.6")
    assert cells[("mdph_rights_per_1000__aeeh", "62")]["value"] == Decimal("14")
    assert cells[("mdph_rights_open__aeeh", "FR")]["value"] == Decimal("517000")
    assert cells[("mdph_overrepresentation__aeeh", "62")]["raw_text"] == "+ 84%"


def test_hdf_regional_total_is_region_r32(load):
    # a région is R + its COG code in every mart (the Gers is '32')
    cells = [c for c in load.tables["hdf_children"].cells if c["is_total"] and c["indicator_code"] == "pop_0_19"]
    assert [(c["territory_code"], c["value"], c["source_line"]) for c in cells] == [("R32", Decimal("1545866"), 298)]


def test_every_cell_keeps_its_provenance(load):
    for extract in load.tables.values():
        for cell in extract.cells:
            assert cell["document_id"] and cell["source_line"] > 0 and cell["table_id"]
            assert cell["column_header"] is not None and cell["raw_text"] is not None
    lines = (RAW / "deliberations" / f"{DOC_004}.txt").read_text(encoding="utf-8").split("\n")
    for cell in load.tables["nord_budget_2023"].cells:
        assert cell["raw_text"] in lines[cell["source_line"] - 1].split("\t")


def test_prose_figures(load):
    figures = {f["figure_id"]: f for rows in load.prose.values() for f in rows}
    assert figures["si_apa_cnsa_contribution_eur"]["value"] == Decimal("150000")
    assert [figures[f"si_apa_{k}_eur"]["value"] for k in ("first_instalment", "second_instalment", "balance")] == [
        Decimal("90000"),
        Decimal("30000"),
        Decimal("30000"),
    ]
    assert figures["si_apa_operation_code"]["text_value"] == "C02-430A01"
    assert (figures["admr_hours_2024"]["value"], figures["admr_hours_2024"]["source_line"]) == (Decimal("1147837"), 207)
    assert figures["admr_associations"]["value"] == 25
    assert figures["compensation_eur_per_hour"]["value"] == Decimal("4.10")
    assert figures["cnsa_cap_eur_per_hour"]["value"] == Decimal("2.05")
    assert figures["annual_compensation_eur"]["value"] == Decimal("17989058.73")
    assert figures["annual_compensation_sad_count"]["value"] == 60
    assert (figures["advance_apa_pct"]["value"], figures["advance_pch_pct"]["value"]) == (90, 70)
    assert (figures["mdph_first_instalment_pct"]["value"], figures["mdph_second_instalment_pct"]["value"]) == (50, 45)
    assert figures["ami_cnsa_governance_eur"]["value"] == 43000
    assert figures["professions_autonomie_62_eur"]["value"] == 200000
    votes = {k: v["value"] for k, v in figures.items() if k.startswith("votes_") and k.endswith("_for")}
    assert votes == {
        "votes_2023_331_for": 43,
        "votes_2026_150_for": 44,
        "votes_2025_541_for": 42,
        "votes_2025_53_for": 44,
        "votes_nord_for": 59,
    }
    for figure in figures.values():
        text = (RAW / "deliberations" / f"{figure['document_id']}.txt").read_text(encoding="utf-8").split("\n")
        assert figure["quote"] in text[figure["source_line"] - 1]


def test_raw_files_are_the_published_seeds_byte_for_byte():
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("../shared/seeds is not present on this machine")
    for seed in sorted(seeds.glob("0*.txt")):
        assert (RAW / "deliberations" / seed.name).read_bytes() == seed.read_bytes()

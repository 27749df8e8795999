"""Reconciliation of the real deliberations: every check evaluated, the discrepancies of the seeds
found (and only those), none of them ours, each explained with its document and line."""

import duckdb
import pytest
from conftest import DOC_001

pytestmark = pytest.mark.e2e

MART_COLUMNS = [
    "check_id",
    "check_kind",
    "document_id",
    "source_line",
    "table_id",
    "measure",
    "published_value",
    "computed_value",
    "delta",
    "tolerance",
    "severity",
    "passed",
    "status",
    "explanation",
    "tolerance_share",
    "is_low_power",
    "source_kind",
]
# The discrepancies the seeds really contain (see docs/reconciliation.md and the closing note).
SEED_DISCREPANCIES = {
    # the 36 amounts of the 2024 envelope add up to 887 489,98 €, not the printed 887 490,00 €
    "fap_annex.total_row.previous_envelope_eur.l0128": "failed",
    # the regional AEEH allocataires 47 556 is one less than the sum of the départements (47 557)
    "hdf_children.total_row.aeeh_allocataires_0_19.l0298": "failed",
    # « €/allocataire AEEH » does not follow from the printed DRL and allocataires (0,05 to 3,98 € off)
    **{f"hdf_children.derived_column.drl_children_eur_per_aeeh_allocataire.l{line:04d}": "failed" for line in range(293, 298)},
    "hdf_children.regional_aggregate.drl_children_eur_per_aeeh_allocataire.l0298": "failed",
    # « répartition régionale DRL enfants % » repeats the 0-6 population share column
    **{f"hdf_children.derived_column.drl_children_regional_share_pct.l{line:04d}": "failed" for line in range(293, 298)},
    # the regional AEEH rate 2,98 is the plain mean of the départements' rates, not 47 556 / 1 545 866
    "hdf_children.regional_aggregate.aeeh_rate_0_19_pct.l0298": "failed",
    # "en pourcentage" but 1,22 is the ratio 2030 / 2024 (acknowledged in the register)
    "pa_indicators.derived_column.pop_75plus_growth_2024_2030.l0267": "acknowledged",
    # 9,4 % of the population aged 75+ against the population of the Hauts-de-France table: 9,33 %
    # (two sources compared: kind cross_source since issue 11)
    "pa_indicators.cross_source.pop_75plus_share.l0261": "failed",
    # schéma autonomie 7,3 % against DREES 2022's 74,0 per 1000 (7,40 %): two vintages, cross_source
    "autonomy_plan_figures.cross_source.apa_home_coverage_60plus.l0312": "failed",
    # the TOTAL prints 100 % in « répartition régionale DRL adultes % » whose rows print nothing:
    # nothing to add up, so the check cannot be made (never "0 against 100")
    "hdf_adults.total_row.drl_adults_regional_share_pct.l0308": "not_evaluable",
    # the INSEE/DREES/CNAF figures of 2022-2024 against the official files, which end in 2019-2023:
    # never the printed year, so each says which year and edition come closest and by how much
    **{
        f"{table}.cross_source.official_{code}.l{line:04d}": "failed"
        for table, code, line in [
            ("pa_indicators", "ageing_index", 259),
            ("pa_indicators", "pop_75plus", 260),
            ("pa_indicators", "pop_75plus_share", 261),
            ("pa_indicators", "apa_per_1000_60plus", 269),
            ("pa_indicators", "apa_home_share", 270),
            ("pa_indicators", "apa_home_per_1000_60plus", 271),
            ("pa_indicators", "apa_institution_per_1000_60plus", 272),
            ("pa_indicators", "elderly_social_aid_per_1000_60plus", 273),
            ("ph_indicators", "disabled_social_aid_beneficiaries", 283),
            ("ph_indicators", "ash_beneficiaries", 284),
            ("ph_indicators", "aah_beneficiaries", 285),
            ("ph_indicators", "pch_beneficiaries", 287),
        ]
    },
    # the population columns of the Hauts-de-France tables print no year: each differs from every
    # INSEE estimate of the files' last five years (the closest is named)
    **{
        f"{table}.cross_source.official_{code}.l{line:04d}": "failed"
        for table, codes, lines in [
            ("hdf_children", ("pop_0_19",), range(293, 299)),
            ("hdf_adults", ("pop_20_59", "pop_60plus"), range(303, 309)),
        ]
        for code in codes
        for line in lines
    },
    # 0-6 ans has no official series at all (INSEE prints five-year bands): not evaluable, which
    # fails the check (never a comparison with 0)
    **{f"hdf_children.cross_source.official_pop_0_6.l{line:04d}": "not_evaluable" for line in range(293, 299)},
    # the deliberation's "132 EHPAD" against the EHPAD CNSA's 2019 price export lists (124): a
    # cross_source warning that names the edition and why they differ (issue 21)
    "autonomy_plan_figures.cross_source.official_ehpad_count.l0326": "failed",
    # the schéma autonomie figures (no year printed) against the DREES files' last five years
    **{
        f"autonomy_plan_figures.cross_source.official_{code}.l{line:04d}": "failed"
        for code, line in [
            ("apa_home_coverage_60plus", 312),
            ("apa_home_coverage_75plus", 312),
            ("apa_beneficiaries", 314),
            ("pch_beneficiaries_all_ages", 316),
            ("actp_beneficiaries", 318),
            ("ash_beneficiaries_plan", 320),
        ]
    },
}


@pytest.fixture(scope="module")
def con(published):
    connection = duckdb.connect(str(published.warehouse), read_only=True)
    yield connection
    connection.close()


def test_mart_columns_are_the_contract(con):
    assert [r[0] for r in con.execute("DESCRIBE marts.reconciliation_checks").fetchall()] == MART_COLUMNS


def test_every_suite_ran_and_found_exactly_the_seed_discrepancies(con):
    rows = dict(
        con.execute(
            "SELECT check_id, status FROM marts.reconciliation_checks WHERE status <> 'passed' AND source_kind = 'deliberation'"
        ).fetchall()
    )
    assert rows == SEED_DISCREPANCIES  # the official files' own checks: tests/test_opendata.py, test_opendata_cnsa.py
    kinds = dict(
        con.execute(
            "SELECT check_kind, count(*) FROM marts.reconciliation_checks WHERE source_kind = 'deliberation' GROUP BY 1"
        ).fetchall()
    )
    # every kind pinned (issue 23): a rule that silently stops evaluating changes one of these
    assert kinds == {
        "total_row": 31,  # every column with a printed total, in the 6 tables that have one
        "derived_column": 275,
        "regional_aggregate": 5,  # the TOTAL rows' rates and amounts per inhabitant: 3 children, 2 adults
        "cross_row": 26,  # 13 MDPH rights x (France, Pas-de-Calais)
        "cross_document": 56,  # the 14 bonus rows of the 2 CPOM models each against the other (28), 28 copies
        "cross_source": 45,  # 44 INSEE / DREES / CNAF figures and the 132 EHPAD against CNSA
        "engine": 74,  # 36 SAD + the TOTAL, of the 2025 allocation and of the FAP hours
    }
    assert con.execute("SELECT count(*) FROM marts.reconciliation_checks WHERE severity = 'error' AND NOT passed").fetchone() == (
        0,
    )
    ids = con.execute("SELECT count(*), count(DISTINCT check_id) FROM marts.reconciliation_checks").fetchone()
    assert ids[0] == ids[1] and ids[0] >= 455


def test_each_check_points_at_the_line_that_prints_its_figure(con):
    missing = con.execute(
        """
        SELECT r.check_id FROM marts.reconciliation_checks r
        LEFT JOIN raw.document_lines l ON l.document_id = r.document_id AND l.source_line = r.source_line
        WHERE l.text IS NULL AND r.source_kind = 'deliberation'
        """
    ).fetchall()
    assert missing == []


OFFICIAL_TABLES = (
    "insee_population_5y",
    "insee_population_broad",
    "drees_aid_beneficiaries",
    "drees_aid_spending",
    "drees_minima_sociaux",
)


def test_each_official_check_points_at_the_cell_that_prints_its_total(con):
    """An official check's id ends with the cell of the total it checks; that cell, in that file
    and edition, holds the published value."""
    cells = " UNION ALL ".join(
        f"SELECT publication_id, edition, replace(source_cell, chr(39), '') AS cell, raw_value FROM raw.opendata__{t}"
        for t in OFFICIAL_TABLES
    )
    rows = con.execute(
        f"""
        SELECT r.check_id, r.published_value, c.raw_value
        FROM marts.reconciliation_checks r
        LEFT JOIN ({cells}) c
          ON c.publication_id || ' ' || c.edition = r.document_id AND c.cell = regexp_extract(r.check_id, '[^.]+$')
        WHERE r.check_kind = 'official_total'
        """
    ).fetchall()
    assert len(rows) > 30_000
    assert [r for r in rows if r[2] is None or abs(float(r[1]) - float(r[2])) > 1e-6] == []


def test_explanations_say_what_and_by_how_much(con):
    status, explanation, published, computed = con.execute(
        "SELECT status, explanation, published_value, computed_value FROM marts.reconciliation_checks "
        "WHERE check_id = 'hdf_children.regional_aggregate.aeeh_rate_0_19_pct.l0298'"
    ).fetchone()
    assert (float(published), round(float(computed), 4)) == (2.98, 3.0764)
    assert "imprimé 2,98 (ligne 298)" in explanation and "moyenne simple" in explanation
    (explanation,) = con.execute(
        "SELECT explanation FROM marts.reconciliation_checks WHERE check_id = 'fap_annex.total_row.envelope_eur.l0128'"
    ).fetchone()
    assert explanation.startswith("Cohérent : « Répartition de l'enveloppe 2025 (en €) »")
    assert "887 490" in explanation and "somme des 36 lignes" in explanation
    (ack,) = con.execute("SELECT explanation FROM marts.reconciliation_checks WHERE status = 'acknowledged'").fetchone()
    assert "Écart connu, accepté le 2026-11-22" in ack


def test_history_keeps_every_run(con):
    runs = con.execute("SELECT count(DISTINCT run_id) FROM marts.reconciliation_history").fetchone()[0]
    assert runs >= 1
    assert (
        con.execute(
            "SELECT count(*) FROM marts.reconciliation_history WHERE document_id = ? AND source_line = 298",
            [DOC_001],
        ).fetchone()[0]
        >= 1
    )

"""reconciliation.html on the session's refresh: counts by document, status and severity, and
every failed or acknowledged check with the printed text of its line."""

import re

import duckdb
import pytest
from conftest import DOC_001, DOC_002, plain

from dagster_project.reports import reconciliation

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def con(published_con):
    return published_con


def test_counts_by_document_status_and_severity(con):
    report = reconciliation.build(con, threshold=5)
    [chart] = report.charts
    figure = chart.figure
    assert list(figure.data[0].y) == [
        "n°2023-331 du 3 juillet 2023 (Département du Pas-de-Calais)",
        "n°DirA/2023/415 du 9 octobre 2023 (Département du Nord)",
        "n°2025-541 du 8 décembre 2025 (Département du Pas-de-Calais)",
        "n°2026-150 du 27 avril 2026 (Département du Pas-de-Calais)",
    ]
    series = {trace.name: list(trace.x) for trace in figure.data}
    assert series == {
        "Conformes – contrôles bloquants": [0, 0, 74, 0],  # the engine checks: 2025 allocation, FAP hours
        "Conformes – contrôles non bloquants": [7, 218, 51, 101],  # Nord: its 14 bonus rows checked both ways
        "Écarts acceptés – contrôles non bloquants": [0, 0, 0, 1],
        "En écart – contrôles non bloquants": [0, 0, 1, 52],
        # 0-6 ans (no official series) and the DRL adults TOTAL over empty rows: never compared with 0
        "Non évaluables – contrôles non bloquants": [0, 0, 0, 7],
    }
    assert figure.layout.barmode == "stack" and figure.layout.xaxis.title.text == "Contrôles (nombre)"
    headers, rows = chart.table
    assert headers[-1] == "Total" and rows[-1] == ["Total", "74", "377", "1", "53", "7", "512"]
    assert chart.sources[1].footnote().endswith(f"(fichier {DOC_001}.txt), lignes 259 à 261, 267 à 273, 281, 283 à 285, 287, 293 à 298, 303 à 308, "
                                                "312, 314, 316, 318, 320, 324, 326, 357, 360 à 363, 365 à 368, 370 à 372, 374 et 566.")  # fmt: skip
    headline = {k: plain(v) for k, v in report.headline}
    assert headline == {
        "Contrôles évalués": "512 sur 4 délibérations",
        "Conformes": "451",
        "En écart – contrôles non bloquants": "53",
        "Écarts acceptés après examen": "1",
        "Non évaluables (un chiffre manque : le contrôle échoue)": "7",
        "En écart – contrôles bloquants": "0 (un écart bloquant empêche toute publication)",
        # the official files' own checks (tests/test_opendata.py, test_opendata_cnsa.py check them against the files)
        "Publications officielles : totaux imprimés comparés à la somme de leurs lignes": "83 883 contrôlés dans 6 fichiers, 22 en "
        "écart (contrôles non bloquants)",
        "Publications officielles : chiffres de la DREES comparés à ceux de son autre publication de la même année": "4 464 "
        "contrôlés dans 1 fichier, 0 en écart (contrôles bloquants)",
        "Publications officielles : déclarations d'EHPAD (une par établissement et édition) dont les tarifs dépendance sont "
        "comparés à l'ordre légal GIR 1-2 ≥ GIR 3-4 ≥ GIR 5-6 > 0": "13 499 contrôlés dans 2 fichiers, 4 en écart (contrôles "
        "non bloquants)",
        "Publications officielles : déclarations d'EHPAD dont les prix et tarifs sont comparés à leur fourchette plausible": "13 499 "
        "contrôlés dans 2 fichiers, 50 en écart (contrôles non bloquants)",
    }
    assert "Nombre de contrôles par délibération, statut et sévérité" in report.closing_html  # the table, visible
    # the passed checks that could hardly fail, named with their printed line
    low = report.closing_html[report.closing_html.index('id="peu-discriminants"') :]
    assert "Contrôles conformes mais peu discriminants (2)" in low
    assert "ACTP et ACFP" in low and "121 %" in low and "51 %" in low


def _blocks(page: str) -> dict[str, str]:
    return dict(re.findall(r'<article class="check" id="([^"]+)">(.*?)</article>', page))


def test_every_discrepancy_with_its_printed_line_figures_tolerance_and_explanation(published, con):
    page = (published.reports / "reconciliation.html").read_text(encoding="utf-8")
    blocks = _blocks(page)
    expected = con.execute(
        "SELECT check_id FROM marts.reconciliation_checks WHERE status <> 'passed' AND source_kind = 'deliberation'"
    ).fetchall()
    official = con.execute(
        "SELECT check_id FROM marts.reconciliation_checks WHERE status <> 'passed' AND source_kind = 'official_publication'"
    ).fetchall()
    assert sorted(blocks) == sorted(c for (c,) in expected + official) and len(blocks) == 61 + len(official)
    total = plain(blocks["fap_annex.total_row.previous_envelope_eur.l0128"])
    assert "Ligne 128 – ligne TOTAL : Répartition de l&#x27;enveloppe 2024 (en €) (fap_annex) – en écart, non bloquant" in total
    assert "Texte imprimé :</span>  │ TOTAL │ 4 319 502,00 │ 100,00% │ 887 490,00 € │ 887 490,00 €</p>" in total
    # every figure of a check at the precision the document printed (here cents), an exact sum: tolerance 0
    assert re.search(r'<td class="num">887 490,00</td><td class="num">887 489,98</td><td class="num">-0,02</td>'
                     r'<td class="num">0</td><td>en écart</td><td>non bloquant</td>', total)  # fmt: skip
    assert "somme des 36 lignes de la colonne : 887 489,98 ; écart -0,02" in total
    raw = blocks["fap_annex.total_row.previous_envelope_eur.l0128"]
    assert '<td class="num">\u22120,02</td>' in raw and "écart \u22120,02," in raw  # the French minus, not "-"
    acknowledged = plain(blocks["pa_indicators.derived_column.pop_75plus_growth_2024_2030.l0267"])
    assert "– écart accepté, non bloquant" in acknowledged and "Écart connu, accepté le" in acknowledged
    assert (
        '<td class="num">1,22</td><td class="num">22,01</td><td class="num">+20,79</td><td class="num">0,005</td>' in acknowledged
    )
    # grouped by document in date order: the 2025 deliberation before the 2026 one
    assert page.index(f"fichier {DOC_002}.txt)</h3>") < page.index(f"fichier {DOC_001}.txt)</h3>")


def test_a_blocking_discrepancy_comes_first_and_is_counted_as_blocking(published_copy):
    """A failed engine check never reaches the published file (it blocks publishing); the report
    still shows one first, with its severity, if an analyst builds it on a work database."""
    with duckdb.connect(str(published_copy.warehouse)) as con:
        con.execute(
            "UPDATE marts.reconciliation_checks SET status = 'failed', passed = false, computed_value = published_value + 0.01, "
            "delta = 0.01 WHERE check_id = (SELECT min(check_id) FROM marts.reconciliation_checks WHERE check_kind = 'engine')"
        )
        (check_id,) = con.execute(
            "SELECT check_id FROM marts.reconciliation_checks WHERE check_kind = 'engine' AND NOT passed"
        ).fetchone()
        report = reconciliation.build(con, threshold=5)
    assert plain(dict(report.headline)["En écart – contrôles bloquants"]).startswith("1 ")
    assert next(iter(_blocks(report.closing_html))) == check_id
    assert "en écart, bloquant</h4>" in _blocks(report.closing_html)[check_id]
    assert "En écart – contrôles bloquants" in [trace.name for trace in report.charts[0].figure.data]


def test_no_label_calls_a_check_conforming_and_a_warning_at_once():
    """Status (outcome) and severity (would an écart block publishing) are two words, never one
    label that reads as a contradiction ("Conformes (avertissements)")."""
    labels = [label for label, _ in reconciliation.CATEGORIES.values()]
    assert labels == [
        "Conformes – contrôles bloquants",
        "Conformes – contrôles non bloquants",
        "Écarts acceptés – contrôles bloquants",
        "Écarts acceptés – contrôles non bloquants",
        "En écart – contrôles non bloquants",
        "En écart – contrôles bloquants",
        "Non évaluables – contrôles non bloquants",
        "Non évaluables – contrôles bloquants",
    ]
    assert not any("avertissement" in label for label in labels)
    assert set(reconciliation.SEVERITY_LABELS.values()) == {"bloquant", "non bloquant"}


def test_the_page_index_and_run_summary_use_the_same_words(published):
    page = plain((published.reports / "reconciliation.html").read_text(encoding="utf-8"))
    index = plain((published.reports / "index.html").read_text(encoding="utf-8"))
    assert "avertissement" not in page and "avertissement" not in index
    assert "Conformes – contrôles non bloquants" in page and "<td>conforme</td><td>non bloquant</td>" in index

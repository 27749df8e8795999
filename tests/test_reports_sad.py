"""activite_sad.html and enveloppe.html on the session's refresh: the figures of the annex of
deliberation 2025-541, their lines, the concentration read from the summary mart, the change
against the published 2024 amounts, and the what-if envelope when one is configured."""

import html
import json
from decimal import Decimal

import duckdb
import pytest
from conftest import DOC_002, plain

from dagster_project.core.frenchfmt import UNIT_SPACE
from dagster_project.reports import activite_sad, enveloppe, queries
from dagster_project.reports.charts import OKABE_ITO

pytestmark = pytest.mark.e2e
ADMR = "FÉDÉRATION ADMR DU PAS-DE-CALAIS"


@pytest.fixture(scope="module")
def con(published_con):
    return published_con


def test_activite_sad_sorts_the_hours_of_the_36_annex_rows_and_notes_the_admr_federation(con):
    report = activite_sad.build(con, threshold=5)
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["heures_par_sad", "lorenz", "pareto", "fap_heures_par_mois", "fap_beneficiaires_par_sad"]
    hours = charts["heures_par_sad"]
    bars = hours.figure.data[0]
    assert len(bars.y) == 36 and list(bars.x) == sorted(bars.x, reverse=True)
    assert bars.y[0] == f"{ADMR} (25 associations)" and plain(bars.text[0]) == "1 147 837 h · 26,57 %"
    assert bars.y[1] == "FILIÉRIS (HÉNIN-BEAUMONT)" and plain(bars.text[1]) == "470 083 h · 10,88 %"
    assert bars.y[-1] == "FAMILLES RURALES RIVIÈRE ET ENVIRONS (RIVIÈRE)" and plain(bars.text[-1]) == "11 178 h · 0,26 %"
    assert len(set(bars.marker.color[:5])) == 1 and bars.marker.color[5] != bars.marker.color[0]  # the 5 largest stand out
    assert hours.figure.layout.xaxis.title.text == "Heures d'APA facturées en 2024 (h)"
    assert hours.figure.layout.xaxis.ticksuffix == UNIT_SPACE + "h"
    [note] = hours.notes
    assert "une seule ligne de l'annexe (ligne 127) pour 25 associations" in note and "ligne 205)" in note
    annex, associations = hours.sources
    assert annex.footnote().startswith(
        "Source : Annexe 1 – activité APA 2024 facturée via FAP et répartition de l'enveloppe de compensation par SAD ; "
        "Département du Pas-de-Calais, heures facturées via FAP, 2024 ; Département du Pas-de-Calais"
    )
    assert annex.footnote().endswith(f"(fichier {DOC_002}.txt), lignes 92 à 128.")  # the 36 rows and the TOTAL
    assert associations.footnote().endswith("ligne 205.")
    headers, rows = hours.table
    assert [plain(c) for c in rows[4]] == ["5", "AIDE A LA VIE AU DOMICILE (CALAIS)", "204 741 h", "4,74 %", "54,0 %"]


def test_activite_sad_shows_the_fap_exports_month_by_month_and_masks_small_beneficiary_counts(con):
    report = activite_sad.build(con, threshold=5)
    charts = {c.chart_id: c for c in report.charts}
    monthly = charts["fap_heures_par_mois"]
    assert [trace.name for trace in monthly.figure.data] == ["APA", "PCH", "aide sociale générale (ASG)"]
    assert monthly.figure.layout.barmode == "stack" and monthly.figure.layout.yaxis.ticksuffix == UNIT_SPACE + "h"
    headers, rows = monthly.table
    assert len(rows) == 12 and rows[0][0] == "janvier 2024" and rows[-1][0] == "décembre 2024"
    assert [plain(c) for c in rows[0][1:]] == ["364 693 h", "23 775 h", "9 037 h", "397 505 h", "10 001 393,58 €"]  # whole hours
    # the APA hours of the twelve exports are the annex's TOTAL (4 319 502 h): the note says so
    assert plain(monthly.notes[0]).startswith("Les heures d'APA facturées via FAP en 2024 (4 319 502 h sur 12 mois)")
    assert monthly.notes[1].startswith("Les exports lus sont l'échantillon synthétique livré avec le projet (make fap-sample")
    [source] = monthly.sources
    assert plain(source.footnote()) == (
        "Source : exports mensuels de facturation FAP du Département du Pas-de-Calais, 2024 ; fap_2024-01.csv à "
        "fap_2024-12.csv (12 fichiers, 184 104 lignes ; empreintes sha256 dans marts.fap_files)."
    )
    people = charts["fap_beneficiaires_par_sad"]
    assert people.title == "Bénéficiaires facturés par SAD en décembre 2024"
    bars = people.figure.data[0]
    assert (
        len(bars.y) == 36
        and bars.y[0] == f"{ADMR} (25 associations)"  # the label of every report (int_sad__labels)
        and plain(bars.text[0]) == "3 978"
    )
    headers, rows = people.table
    assert headers == ["SAD (commune)", "Toutes prestations", "APA", "PCH", "aide sociale générale (ASG)"]
    assert [plain(c) for c in rows[0]] == [
        f"{ADMR} (25 associations)",
        "3 978",
        "3 679",
        "120",
        "179",
    ]
    assert rows[-1] == ["FAMILLES RURALES RIVIÈRE ET ENVIRONS (RIVIÈRE)", "40", "36", "masqué (< 5)", "masqué (< 5)"]
    small = con.execute(
        "SELECT count(*) FROM marts.fap_beneficiaries_by_sad_month WHERE month = '2024-12' AND suppressed"
    ).fetchone()[0]
    masked = sum(cell == "masqué (< 5)" for row in rows for cell in row)
    assert masked == small == 13
    # secondary suppression: a row left with one masked prestation loses its next smallest cell too,
    # e.g. UNA SUD-ARTOIS: PCH under 5, ASG 144 - 133 - PCH would give it back
    secondary = [(row[0], i) for row in rows for i, cell in enumerate(row) if cell == "masqué"]
    assert len(secondary) == 5 and ("UNA SUD-ARTOIS (HERMIES)", 4) in secondary and ("ASSOA (BEAURAINS)", 3) in secondary
    for row in rows:  # no row keeps exactly one masked cell
        assert sum(cell.startswith("masqué") for cell in row) != 1, row
    [note] = [n for n in people.notes if n.startswith("Données masquées")]
    assert plain(note).startswith("Données masquées : 13 effectifs inférieurs à 5 (UNA SUD-ARTOIS (HERMIES) – PCH, ")
    assert "et les cases qui permettraient de les recalculer : 5 effectifs (ASSOA (BEAURAINS) – PCH, " in plain(note)
    assert report.masked_notes == [note]


def test_a_higher_threshold_masks_whole_bars_of_beneficiaries_and_says_so(con):
    report = activite_sad.build(con, threshold=50)
    people = next(c for c in report.charts if c.chart_id == "fap_beneficiaires_par_sad")
    bars = people.figure.data[0]
    assert list(bars.x[-2:]) == [None, None]  # CONFORT SENIORS (49) and FAMILLES RURALES (40): kept, not drawn
    assert [a.text for a in people.figure.layout.annotations] == ["masqué (< 50)", "masqué (< 50)"]
    everything = repr(people.table) + repr(people.figure.to_dict())
    assert "'49'" not in everything and "'40'" not in everything
    assert "CONFORT SENIORS (DAINVILLE) – toutes prestations" in people.notes[0]


def test_concentration_is_read_from_the_summary_mart_and_the_lorenz_curve_agrees_with_it(con):
    summary = con.execute(
        "SELECT gini, top5_share_pct, top10_share_pct, hhi FROM marts.sad_activity_summary WHERE hours_source = 'fap_annex'"
    ).fetchone()
    assert summary == (Decimal("0.57202856"), Decimal("53.989650"), Decimal("71.314749"), Decimal("1018.953745"))
    report = activite_sad.build(con, threshold=5)
    charts = {c.chart_id: c for c in report.charts}
    lorenz = charts["lorenz"]
    assert lorenz.title == "Courbe de Lorenz des heures facturées par SAD : indice de Gini 0,572"
    curve = lorenz.figure.data[1]
    assert (curve.x[0], curve.y[0]) == (0, 0) and (curve.x[-1], curve.y[-1]) == (100, 100) and len(curve.x) == 37
    assert list(curve.y) == sorted(curve.y)  # from the smallest service to the largest
    assert plain(curve.text[1]) == "le plus petit service : 0,3 % des heures"
    assert (
        plain(curve.text[18]) == "les 18 plus petits services : 14,9 % des heures"
        and plain(curve.text[-1]) == "les 36 services : 100 % des heures"
    )
    # the area between the diagonal and the curve drawn is the Gini of the mart (exact points of the query)
    points = queries.sad_activity(con).sort("lorenz_services_pct")
    xs = [Decimal(0), *points["lorenz_services_pct"]]
    ys = [Decimal(0), *points["lorenz_hours_pct"]]
    area = sum((xs[k] - xs[k - 1]) * (ys[k] + ys[k - 1]) for k in range(1, len(xs))) / 2 / 10_000
    assert abs((1 - 2 * area) - summary[0]) < Decimal("0.00001")
    pareto = charts["pareto"]
    assert [plain(a.text) for a in pareto.figure.layout.annotations] == ["5 plus grands : 54,0 %", "10 plus grands : 71,3 %"]
    assert pareto.figure.data[1].y[4] == pytest.approx(53.98965) and pareto.figure.data[1].y[9] == pytest.approx(71.314749)
    assert all(c.figure.layout.xaxis.title.text and c.figure.layout.yaxis.title.text for c in report.charts)
    headline = {k: plain(v) for k, v in report.headline}
    assert headline["Heures d'APA facturées en 2024"] == "4 319 502 h par 36 services (60 associations)"
    assert headline["Part des 5 plus grands services"] == "54,0 %"
    assert headline["Part des 10 plus grands services"] == "71,3 %"
    assert headline["Indice de Gini"].startswith("0,572 ")
    assert headline["Indice de Herfindahl-Hirschman"] == "1 019 sur 10 000"
    annex_charts = [c for c in report.charts if not c.chart_id.startswith("fap_")]  # hours per service: nothing masked
    assert not any(n.startswith("Données masquées") for c in annex_charts for n in c.notes)
    assert "aucun de ces chiffres n'est masqué" in report.intro


def test_hours_per_service_are_not_counts_of_people_and_are_never_masked(con):
    assert activite_sad.build(con, threshold=10**9).headline == activite_sad.build(con, threshold=5).headline
    assert enveloppe.build(con, threshold=10**9).masked_notes == []


def test_enveloppe_shows_the_2025_split_and_its_change_against_the_published_2024_amounts(con):
    report = enveloppe.build(con, threshold=5)
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["repartition_2025", "evolution_2024_2025"]
    split = charts["repartition_2025"]
    bars = split.figure.data[0]
    assert len(bars.y) == 36 and bars.y[0] == f"{ADMR} (25 associations)"
    assert plain(bars.text[0]) == "235 835,95 € · 26,57 %" and plain(bars.text[-1]) == "2 296,65 € · 0,26 %"
    assert sum(queries.envelope_allocation(con, "62_2025")["amount_eur"]) == Decimal("887490.00")  # to the cent
    assert [plain(c) for c in split.table[1][-1]] == ["Total", "4 319 502", "100,00 %", "887 490,00 €", "887 490,00 €"]
    assert "identiques au centime aux montants publiés pour 36 SAD sur 36" in split.notes[0]
    amount, annex = split.sources
    assert amount.footnote().startswith("Source : montant de l'enveloppe 2025 ;") and amount.footnote().endswith("ligne 54.")
    assert annex.footnote().endswith("lignes 92 à 128.")

    change = charts["evolution_2024_2025"]
    bars = change.figure.data[0]
    assert (bars.y[0], plain(bars.text[0])) == ("DOMARTOIS (BÉTHUNE)", "+4 383,24 €")  # 34 926,14 - 30 542,90
    assert (bars.y[-1], plain(bars.text[-1])) == ("AFFECTIVE (LENS)", "-6 529,36 €")  # 48 584,58 - 55 113,94
    assert bars.marker.color[0] == OKABE_ITO["blue"] and bars.marker.color[-1] == OKABE_ITO["orange"]
    headers, rows = change.table
    assert headers == ["SAD (commune)", "Montant 2024", "Part 2024", "Montant 2025", "Part 2025", "Écart"]  # no 2024 hours
    assert [plain(c) for c in rows[0]] == [
        "DOMARTOIS (BÉTHUNE)", "30 542,90 €", "3,44 %", "34 926,14 €", "3,94 %", "+4 383,24 € (+0,49 pt)",
    ]  # fmt: skip
    assert "jamais des heures 2024 à des montants 2024" in change.notes[0]
    assert plain(change.notes[1]) == (
        "Les 36 montants 2024 imprimés totalisent 887 489,98 €, soit 0,02 € de moins que la ligne TOTAL imprimée "
        "(887 490,00 €, ligne 128) : la somme des écarts vaut donc +0,02 €."
    )
    headline = {k: plain(v) for k, v in report.headline}
    assert headline["Enveloppe 2025"] == "887 490,00 € (délibération n°2025-541, ligne 54)"
    assert headline["Plus forte hausse"] == "DOMARTOIS (BÉTHUNE) : +4 383,24 €"
    assert headline["Plus forte baisse"] == "AFFECTIVE (LENS) : -6 529,36 €"
    assert headline["Simulation"] == "aucune configurée"
    assert "Aucune simulation n&#x27;est configurée" in report.closing_html
    assert "AUTONOMY_DBT_VARS=&#x27;{&quot;envelope_2026_eur&quot;: 912000}&#x27; make run" in report.closing_html
    assert "make whatif AMOUNT=912000" in report.closing_html


def test_enveloppe_lists_the_amounts_of_every_loaded_year_per_sad(con):
    """marts.sad_envelope_history when two years or more are loaded (2025, and 2024 printed beside
    it): per SAD each year's amount and the change, checked against the two envelopes in plain SQL."""
    from dagster_project.core.frenchfmt import format_eur, format_pct

    page = enveloppe.build(con, threshold=5).closing_html
    assert 'id="historique"' in page and "Montants par SAD, année après année (2024 à 2025)" in page
    assert '<th scope="col">Montant 2024</th><th scope="col">Montant 2025</th><th scope="col">Écart 2025 − 2024</th>' in page
    pairs = con.execute(
        "SELECT c.sad_label, p.amount_published_eur, c.amount_published_eur FROM marts.rpt_enveloppe__allocations c "
        "JOIN marts.envelope_allocations p ON p.sad_key = c.sad_key AND p.envelope_id = '62_2024' "
        "WHERE c.envelope_id = '62_2025'"
    ).fetchall()
    assert len(pairs) == 36
    for label, before, after in pairs:
        change = f"{format_eur(after - before, sign=True)} ({format_pct((after - before) / before * 100, 1, sign=True)})"
        cells = "".join(f'<td class="num">{c}</td>' for c in (format_eur(before), format_eur(after), change))
        assert f"<td>{html.escape(label)}</td>{cells}" in page, label
    admr = f"<td>{ADMR} (25 associations)</td>"
    assert plain(page[page.index(admr) :].split("</tr>")[0]).endswith(
        '<td class="num">233 363,53 €</td><td class="num">235 835,95 €</td><td class="num">+2 472,42 € (+1,1 %)</td>'
    )  # lines 127 of the annex: 2024 and 2025 amounts as printed


@pytest.mark.slow
def test_enveloppe_shows_the_whatif_envelope_configured_for_the_refresh(published_copy, monkeypatch):
    """The analysts' path: a refresh with AUTONOMY_DBT_VARS publishes whatif_2026 and the report draws it."""
    from dagster_project.refresh import run_refresh

    monkeypatch.setenv("AUTONOMY_DBT_VARS", json.dumps({"envelope_2026_eur": 912000}))
    summary = run_refresh()
    assert summary.published, summary.render()
    page = (published_copy.reports / "enveloppe.html").read_text(encoding="utf-8")
    assert "Simulation : enveloppe 2026 de 912" in page and "Aucune simulation" not in page
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        simulated = queries.envelope_allocation(con, "whatif_2026")
        report = enveloppe.build(con, threshold=5)
    assert sum(simulated["amount_eur"]) == Decimal("912000.00") and simulated.height == 36
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["repartition_2025", "evolution_2024_2025", "simulation_2026"]
    simulation = charts["simulation_2026"]
    bars, reference = simulation.figure.data
    assert bars.y[0] == f"{ADMR} (25 associations)" and plain(bars.text[0]) == "242 349,08 €"
    assert plain(reference.text[0]) == "235 835,95 €"  # the published 2025 amount, as a mark on the bar
    assert [plain(c) for c in simulation.table[1][0]] == [
        f"{ADMR} (25 associations)", "1 147 837", "26,57 %", "242 349,08 €", "235 835,95 €", "+6 513,13 €",
    ]  # fmt: skip
    assert "variable dbt envelope_2026_eur (AUTONOMY_DBT_VARS)" in simulation.notes[0]
    assert "Aucune délibération n'a voté ce montant" in simulation.notes[0]
    # the hours of the 36 rows: the 2024 FAP exports (latest complete year before 2026)
    assert simulation.sources[0].footnote().startswith("Source : heures d'APA 2024 par SAD, sommées des exports mensuels")
    assert "fap_2024-01.csv à fap_2024-12.csv (12 fichiers, janvier 2024 à décembre 2024" in simulation.sources[0].footnote()
    assert plain(dict(report.headline)["Simulation"]) == "2026 : 912 000,00 €" and 'id="simulation"' not in report.closing_html

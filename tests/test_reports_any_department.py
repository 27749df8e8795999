"""The reports for any département (AUTONOMY_DEPARTMENT_CODE): built against two other published
trees, each refreshed once for the session (tests/conftest.py):

* Gironde (33) with an empty deliberations folder and no FAP export: the refresh publishes the
  official sources; every report, CSV, the index, the run summary and the notebook render, and say
  in French what is missing instead of failing or showing another département's figures;
* Nord's own deployment (59, document 004 alone): its annexes on compensations.html as its own,
  its checks on reconciliation.html, notes elsewhere, and no Pas-de-Calais focus anywhere.

comparaisons.html and comparaisons_taux.csv, and the EHPAD price map's table of etablissements.html
(official files, owned by other reports) list every département by design, Pas-de-Calais included:
they are left out of the "no Pas-de-Calais" scan; etablissements' CSV files (the home département's
establishments and its comparisons) are scanned."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import nbformat
import pytest
from conftest import DOC_004, PROJECT, plain
from nbclient import NotebookClient

from dagster_project.core.frenchfmt import format_count
from dagster_project.reports import activite_sad, compensations, enveloppe, index, indicateurs, reconciliation
from dagster_project.reports.absence import NO_DELIBERATION
from dagster_project.reports.framework import MISSING_ID

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
MINE = ["indicateurs", "activite_sad", "enveloppe", "compensations", "reconciliation"]
BUILDERS = {"indicateurs": indicateurs, "activite_sad": activite_sad, "enveloppe": enveloppe,
            "compensations": compensations, "reconciliation": reconciliation}  # fmt: skip
# the CNSA report's CSV files, written for any département (official files)
ETABLISSEMENTS_CSV = [f"etablissements_{t}{form}.csv" for t in ("distribution", "mdph", "prix") for form in ("", "_imprime")]
NOTEBOOK = PROJECT / "notebooks" / "analyse.ipynb"
# the printed TOTAL rows of the four annexes of document 004 split PA / PH (lines 168, 414, 479, 493)
NORD_PA = ["2 635 366,52 €", "1 215 749,94 €", "2 683 446,72 €", "336 976,00 €"]
NORD_PH = ["250 161,77 €", "247 116,06 €", "1 520 331,30 €", "88 005,73 €"]
NORD_TABLES = ["nord_annex1_salary_compensation_2022", "nord_annex4_quality_complement_2023", "nord_annex5_first_cpom_2023",
               "nord_annex5_renewed_cpom_2023"]  # fmt: skip


@pytest.fixture
def gironde(published_gironde, monkeypatch):
    p, _ = published_gironde
    for key, value in p.env.items():
        monkeypatch.setenv(key, value)
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        yield p, con


@pytest.fixture
def nord(published_nord, monkeypatch):
    p, _ = published_nord
    for key, value in p.env.items():
        monkeypatch.setenv(key, value)
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        yield p, con


def _pages_and_files(p) -> dict[str, str]:
    """Every HTML page and CSV file the refresh wrote, comparaisons' excepted (see the docstring)."""
    found = {}
    for path in sorted(p.reports.glob("*.html")) + sorted(p.reports.glob("*.csv")):
        if not path.name.startswith("comparaisons") and path.name != "etablissements.html":
            found[path.name] = path.read_bytes().decode("utf-8-sig")
    return found


def _missing_section(page: str) -> str:
    start = page.index(f'id="{MISSING_ID}"')
    return plain(page[start : page.index("</section>", start)].replace("&#x27;", "'"))


# ---------------------------------------------------------------- Gironde: no deliberation at all


def test_a_departement_without_deliberation_publishes_and_every_report_renders(published_gironde):
    p, summary = published_gironde
    assert summary.published and summary.success, summary.render()
    assert sorted(x.name for x in p.reports.glob("*.html")) == sorted(
        f"{s}.html" for s in [*MINE, "comparaisons", "etablissements", "index"]
    )
    # no deliberation table to export, only the official ones: no file, rather than an empty one
    assert sorted(x.name for x in p.reports.glob("*.csv")) == sorted(["comparaisons_taux.csv", *ETABLISSEMENTS_CSV])
    pages = _pages_and_files(p)
    for name, text in pages.items():
        assert "Pas-de-Calais" not in text and "Hauts-de-France" not in text, name
        assert "None" not in re.sub(r"<script.*?</script>", "", text, flags=re.S), name
    for slug in MINE:
        assert 'data-charts="0"' in pages[f"{slug}.html"], slug  # no chart without data
        assert "Plotly.newPlot" not in pages[f"{slug}.html"], slug


def test_gironde_pages_say_no_deliberation_is_loaded(gironde):
    p, _ = gironde
    why = "Le manifeste des délibérations (raw/deliberations/manifest.yml) n'en déclare aucune."
    envelope = _missing_section((p.reports / "enveloppe.html").read_text(encoding="utf-8"))
    assert (
        "Aucune délibération chargée ne donne d'enveloppe de compensation répartie entre les SAD de la Gironde. " + why
    ) in envelope
    activity = _missing_section((p.reports / "activite_sad.html").read_text(encoding="utf-8"))
    assert "Aucune délibération chargée ne donne d'heures d'APA facturées par SAD de la Gironde." in activity
    assert (
        "Aucun export mensuel de facturation FAP n'est chargé pour les SAD de la Gironde : les marts FAP sont vides" in activity
    )
    indicators = _missing_section((p.reports / "indicateurs.html").read_text(encoding="utf-8"))
    assert "Aucune délibération chargée ne donne les droits ouverts à la MDPH pour 1 000 habitants de la Gironde" in indicators
    assert "des départements de la Nouvelle-Aquitaine" in indicators
    assert "Aucune délibération chargée ne donne la population de 75 ans et plus de la Gironde" in indicators
    compensation = _missing_section((p.reports / "compensations.html").read_text(encoding="utf-8"))
    assert "Aucune délibération chargée ne donne d'annexe de montants versés aux SAD de la Gironde" in compensation
    checks = _missing_section((p.reports / "reconciliation.html").read_text(encoding="utf-8"))
    assert "Aucune délibération chargée : 0 contrôle de délibération." in checks
    # every note of a page without deliberation starts the same way, but the FAP one (no FAP export)
    for slug in MINE:
        report = BUILDERS[slug].build(gironde[1], threshold=5)
        assert report.charts == [] and report.missing, slug
        assert all(n.startswith(NO_DELIBERATION) or "les marts FAP sont vides" in n for n in report.missing), slug


def test_gironde_index_and_run_summary_count_no_deliberation_check_and_keep_the_official_totals(published_gironde, gironde):
    p, summary = published_gironde
    _, con = gironde
    official = con.execute("SELECT count(*) FROM marts.reconciliation_checks WHERE check_kind = 'official_total'").fetchone()[0]
    assert official > 0
    assert con.execute("SELECT count(*) FROM marts.reconciliation_checks WHERE source_kind = 'deliberation'").fetchone() == (0,)
    text = plain(summary.render())
    assert "  Rapprochement : aucune délibération chargée : 0 contrôle de délibération" in text
    assert f"Publications officielles (INSEE, DREES, CNSA) : {plain(format_count(official))} totaux imprimés" in text
    page = plain((p.reports / "index.html").read_text(encoding="utf-8"))
    assert "<p>aucune délibération chargée : 0 contrôle de délibération</p>" in page
    assert (
        dict(index.build(con, p.reports).headline)["Rapprochement"] == "aucune délibération chargée : 0 contrôle de délibération"
    )
    report = reconciliation.build(con, threshold=5)
    assert plain(
        dict(report.headline)["Publications officielles : totaux imprimés comparés à la somme de leurs lignes"]
    ).startswith(f"{plain(format_count(official))} contrôlés")


@pytest.mark.parametrize(("code", "of"), [("33", "de la Gironde"), ("2A", "de la Corse-du-Sud"), ("971", "de la Guadeloupe")])
def test_each_report_names_the_departement_without_deliberation(gironde, monkeypatch, code, of):
    """The official-sources-only warehouse read for three départements (the notes name each from
    the COG; 2A and 971: codes that are not numbers, a région of one département)."""
    _, con = gironde
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", code)
    for slug in ("activite_sad", "enveloppe", "compensations", "indicateurs"):
        report = BUILDERS[slug].build(con, threshold=5)
        assert report.charts == [] and any(of in n for n in report.missing), (slug, report.missing)
        assert of in report.title or of in report.intro, slug
        assert "None" not in report.title + report.intro + " ".join(report.missing)


def test_the_notebook_runs_without_deliberation_and_says_so(gironde):
    p, _ = gironde
    texts = _run_notebook(p.warehouse)
    assert "Traceback" not in texts
    assert "Département étudié : Gironde (33) ; délibérations chargées : 0." in texts
    assert "Aucune délibération chargée ne donne d'enveloppe de compensation répartie entre les SAD de la Gironde" in texts
    assert "Aucune délibération chargée ne donne les droits ouverts à la MDPH pour 1 000 habitants de la Gironde" in texts
    assert "Aucune délibération chargée : 0 contrôle de délibération" in texts
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        (year, rate, rank) = con.execute(
            "SELECT year, rate_per_1000, rank_france FROM marts.official_rates WHERE indicator_code = 'apa_per_1000_60plus' "
            "AND territory_code = '33' ORDER BY year DESC LIMIT 1"
        ).fetchone()
    assert f"{year} : {str(round(rate, 1)).replace('.', ',')} ‰ en Gironde, rang {rank} sur" in texts
    assert "Pas-de-Calais" not in texts


# ---------------------------------------------------------------- Nord: document 004 alone


def test_nord_alone_publishes_its_annexes_and_checks_with_no_pas_de_calais_focus(published_nord, nord):
    p, summary = published_nord
    _, con = nord
    assert summary.published and summary.success, summary.render()
    pages = _pages_and_files(p)
    assert set(pages) == {f"{s}.html" for s in [*MINE, "index"]} | {
        "compensations_annexes.csv",
        "compensations_annexes_imprime.csv",
        *ETABLISSEMENTS_CSV,
    }
    for name, text in pages.items():
        assert "Pas-de-Calais" not in text, name
    checks = con.execute(
        "SELECT document_id, count(*) FROM marts.reconciliation_checks WHERE source_kind = 'deliberation' GROUP BY ALL"
    ).fetchall()
    assert [d for d, _ in checks] == [DOC_004] and checks[0][1] > 0
    assert f"  Rapprochement : {plain(format_count(checks[0][1]))} contrôles : " in plain(summary.render())
    report = reconciliation.build(con, threshold=5)
    assert plain(dict(report.headline)["Contrôles évalués"]) == f"{plain(format_count(checks[0][1]))} sur 1 délibération"
    assert report.charts[0].table[1][0][0] == "n°DirA/2023/415 du 9 octobre 2023 (Département du Nord)"


def test_nord_compensations_are_its_own_annexes(nord):
    p, con = nord
    report = compensations.build(con, threshold=5)
    assert report.title == "Nord : répartition personnes âgées / personnes handicapées des compensations et dotations aux SAD"
    assert report.missing == [] and "comparaison" not in report.intro + report.title
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["totaux_par_annexe", *NORD_TABLES]
    totals = charts["totaux_par_annexe"].figure
    assert [plain(t) for t in totals.data[0].text] == NORD_PA and [plain(t) for t in totals.data[1].text] == NORD_PH
    titles = [t for (t,) in con.execute(
        "SELECT annex_title_fr FROM marts.rpt_compensations__annex_rows GROUP BY ALL ORDER BY min(annex_order)").fetchall()]  # fmt: skip
    assert [k for k, _ in report.headline] == titles and titles[0].startswith("Annexe 1 – ")
    assert report.intro.startswith("Le Département du Nord a délibéré le 9 octobre 2023")
    # the CSV: every row of the four annexes, counted here in SQL
    rows = list(
        csv.reader(io.StringIO((p.reports / "compensations_annexes.csv").read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    (count,) = con.execute("SELECT count(*) FROM marts.rpt_compensations__annex_rows WHERE is_home_department").fetchone()
    assert len(rows) - 1 == count == 157 and {r[0] for r in rows[1:]} == {"Nord"}


def test_nord_other_pages_say_what_document_004_does_not_give(nord):
    p, con = nord
    why = "La seule délibération chargée (n°DirA/2023/415 du 9 octobre 2023, Département du Nord) n'en contient pas."
    envelope = _missing_section((p.reports / "enveloppe.html").read_text(encoding="utf-8"))
    assert f"Aucune délibération chargée ne donne d'enveloppe de compensation répartie entre les SAD du Nord. {why}" in envelope
    activity = _missing_section((p.reports / "activite_sad.html").read_text(encoding="utf-8"))
    assert f"Aucune délibération chargée ne donne d'heures d'APA facturées par SAD du Nord. {why}" in activity
    assert "Aucun export mensuel de facturation FAP n'est chargé pour les SAD du Nord" in activity
    indicators = _missing_section((p.reports / "indicateurs.html").read_text(encoding="utf-8"))
    assert "des départements des Hauts-de-France" in indicators and why in indicators
    for slug in ("activite_sad", "enveloppe", "indicateurs"):
        assert BUILDERS[slug].build(con, threshold=5).charts == [], slug


def test_the_notebook_runs_for_nord(nord):
    p, con = nord
    texts = _run_notebook(p.warehouse)
    assert "Traceback" not in texts and "Pas-de-Calais" not in texts
    assert "Département étudié : Nord (59) ; délibérations chargées : 1." in texts
    (checked,) = con.execute("SELECT count(*) FROM marts.reconciliation_checks WHERE source_kind = 'deliberation'").fetchone()
    assert f"0 chiffres publiés sur {checked} contrôlés ne se rapprochent pas" in texts
    assert "Aucune délibération chargée ne donne d'enveloppe de compensation répartie entre les SAD du Nord" in texts


def _run_notebook(warehouse) -> str:
    """The notebook executed by nbclient (the kernel inherits AUTONOMY_WAREHOUSE and
    AUTONOMY_DEPARTMENT_CODE of the tree, set by the fixture): its printed outputs, plain."""
    import os

    assert os.environ["AUTONOMY_WAREHOUSE"] == str(warehouse)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type == "error":
                texts.append("Traceback " + output.ename + ": " + output.evalue)
    return plain("".join(texts))

"""The reports of the session's refresh (the `published` fixture), read back: files, figures,
footnotes, masking, index, and the Dagster metadata of report and dbt assets."""

import os
import re

import dagster as dg
import duckdb
import pytest
from conftest import DOC_001, DOC_004, plain, session_browser

from dagster_project.core.frenchfmt import THOUSANDS, UNIT_SPACE
from dagster_project.reports import compensations, index, indicateurs

pytestmark = pytest.mark.e2e
BUILT = [
    "activite_sad.html", "comparaisons.html", "compensations.html", "enveloppe.html", "etablissements.html", "index.html",
    "indicateurs.html", "reconciliation.html",
]  # fmt: skip


@pytest.fixture(scope="module")
def con(published_con):
    return published_con


def _has_browser() -> bool:
    """Decided once for the session (tests/conftest.py), before the refresh rendered the PNGs."""
    return session_browser() is not None


def test_refresh_writes_every_built_report_and_a_png_per_chart(published):
    assert sorted(p.name for p in published.reports.glob("*.html")) == BUILT
    for name in BUILT:
        page = (published.reports / name).read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not list(published.reports.glob(".*.tmp"))
    pngs = sorted(p.name for p in (published.reports / "png").glob("*.png"))
    if not _has_browser() and not os.environ.get("CI"):
        pytest.skip("no Chromium here: kaleido cannot render PNG (the HTML reports are complete)")
    assert len(pngs) == 30, (
        pngs
    )  # 7 charts in indicateurs, 5 in comparaisons, 5 in etablissements, 5 in compensations, 5 in activite_sad, 2 in enveloppe, 1 in reconciliation
    assert "indicateurs__mdph_taux.png" in pngs and "compensations__nord_annex1_salary_compensation_2022.png" in pngs
    assert {
        "activite_sad__lorenz.png",
        "enveloppe__evolution_2024_2025.png",
        "reconciliation__controles_par_document.png",
    } <= set(pngs)
    assert all((published.reports / "png" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_indicateurs_shows_the_printed_figures_with_their_lines(con):
    report = indicateurs.build(con, threshold=5)
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == [
        "mdph_taux", "mdph_surrepresentation", "aeeh_taux_0_19", "aah_taux_adultes",
        "drl_enfants_par_habitant", "drl_adultes_par_habitant", "population_75_plus",
    ]  # fmt: skip
    headers, rows = charts["mdph_taux"].table
    assert len(rows) == 13
    assert [plain(c) for c in rows[8]] == ["RQTH", "53,7 ‰", "41,4 ‰", "78 169", "2 830 000"]
    [source] = charts["mdph_taux"].sources
    assert plain(source.footnote()) == (
        "Source : MDPH, 31/12/2023 ; Département du Pas-de-Calais, commission permanente du conseil départemental, "
        f"délibération n°2026-150 du 27 avril 2026 (fichier {DOC_001}.txt), lignes 357, 360 à 363, 365 à 368, 370 à 372 et 374."
    )
    over = dict(charts["mdph_surrepresentation"].table[1])
    assert plain(over["Matériel Pédagogique Adapté"]) == "+140 %" and plain(over["PCH"]) == "-8 %"
    aeeh = charts["aeeh_taux_0_19"]
    bars = aeeh.figure.data[0]
    assert list(bars.x) == ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]
    # as printed on lines 293-297 ("3,40", "2,80", ...): the printed precision, not the shortest form
    assert [plain(t) for t in bars.text] == ["3,40 %", "2,80 %", "2,80 %", "4,10 %", "1,80 %"]
    assert bars.marker.color[3] != bars.marker.color[0]  # Pas-de-Calais highlighted
    assert aeeh.figure.layout.shapes[0].y0 == 2.98  # regional "Total général" as reference line
    assert plain(aeeh.figure.data[1].name) == "Hauts-de-France (référence) : 2,98 %"
    assert "ARS, année non précisée dans le document" in aeeh.sources[0].footnote()
    assert "lignes 293 à 298" in aeeh.sources[0].footnote()
    drl = charts["drl_enfants_par_habitant"]
    assert plain(drl.figure.data[0].text[3]) == "508,59 €" and drl.figure.layout.yaxis.ticksuffix == UNIT_SPACE + "€"
    population = charts["population_75_plus"]
    assert [plain(t) for t in population.figure.data[0].text] == ["136 352", "166 357"]
    assert plain(population.sources[0].footnote()).startswith("Source : INSEE, 2024 ; DREES, 2030 ; Département du Pas-de-Calais")
    assert population.sources[0].footnote().endswith("lignes 260, 266 et 268.")
    assert "+30 005 personnes, soit +22,0 %" in plain(population.notes[0])
    assert all(c.figure.layout.xaxis.title.text and c.figure.layout.yaxis.title.text for c in report.charts)
    headline = dict(report.headline)
    assert (
        plain(headline["Enfants percevant l'AEEH"]) == "4,10 % dans le Pas-de-Calais, 2,98 % en Hauts-de-France"
    )  # as printed, line 296
    assert report.masked_notes == []


def test_counts_under_the_threshold_are_masked_never_dropped(con):
    report = indicateurs.build(con, threshold=150_000)  # 136 352 (2024) is under it, 166 357 (2030) is not
    population = next(c for c in report.charts if c.chart_id == "population_75_plus")
    assert list(population.figure.data[0].x) == ["2024 (INSEE)", "2030 (projection DREES)"]
    assert population.figure.data[0].y[0] is None and population.figure.data[0].y[1] == 166357
    assert [a.text for a in population.figure.layout.annotations] == ["masqué (< 150000)"]
    assert [plain(n) for n in report.masked_notes] == [
        "Données masquées : 1 effectif inférieur à 150 000 (2024 (INSEE)) n’est pas affiché, au titre du secret statistique."
    ]
    everything = repr(report.headline) + repr(population.table) + repr(population.notes) + repr(population.figure.to_dict())
    assert "136352" not in everything.replace(THOUSANDS, "").replace(" ", "")  # nor the printed change that reveals it
    assert "30005" not in everything.replace(THOUSANDS, "").replace(" ", "")


def test_disclosure_threshold_comes_from_the_environment(published, tmp_path, monkeypatch):
    from dagster_project.reports.assets import REPORT_ASSETS

    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(published.warehouse))
    monkeypatch.setenv("AUTONOMY_REPORTS_DIR", str(tmp_path))
    monkeypatch.setenv("AUTONOMY_DISCLOSURE_THRESHOLD", "150000")
    asset = next(a for a in REPORT_ASSETS if a.key.path[-1] == "indicateurs")
    result = dg.materialize([asset], instance=dg.DagsterInstance.ephemeral())
    [event] = result.asset_materializations_for_node(asset.node_def.name)
    assert "Données masquées : 1 effectif" in event.metadata["masked"].value
    assert event.metadata["path"].value == str(tmp_path / "indicateurs.html")
    assert "Données masquées : 1 effectif" in (tmp_path / "indicateurs.html").read_text(encoding="utf-8")
    assert "Chiffre clé" in event.metadata["preview"].value


def test_compensations_shows_the_comparison_annexes_split_between_pa_and_ph(con):
    """Pas-de-Calais (the default) has no such annex: the page shows the Nord's (document 004), says
    so, and takes every title from the catalogue (marts.rpt_compensations__annex_rows)."""
    report = compensations.build(con, threshold=5)
    assert report.title.startswith("Nord (département de comparaison) : ")
    assert [n.split(".")[0] for n in report.missing] == [
        "Aucune délibération chargée ne donne d'annexe de montants versés aux SAD du Pas-de-Calais répartis entre "
        "personnes âgées et personnes handicapées"
    ]
    assert "cette page montre celles du Nord (département de comparaison) : ces montants ne sont pas ceux du Pas-de-Calais" in (
        report.intro
    )
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == [
        "totaux_par_annexe",
        "nord_annex1_salary_compensation_2022",
        "nord_annex4_quality_complement_2023",
        "nord_annex5_first_cpom_2023",
        "nord_annex5_renewed_cpom_2023",
    ]
    totals = charts["totaux_par_annexe"].figure
    assert [t.name for t in totals.data] == ["Personnes âgées (PA)", "Personnes en situation de handicap (PH)"]
    assert [plain(t) for t in totals.data[0].text] == ["2 635 366,52 €", "1 215 749,94 €", "2 683 446,72 €", "336 976,00 €"]
    assert [plain(t) for t in totals.data[1].text] == ["250 161,77 €", "247 116,06 €", "1 520 331,30 €", "88 005,73 €"]
    assert totals.layout.barmode == "stack"
    assert [len(charts[k].figure.data[0].y) for k in list(charts)[1:]] == [53, 33, 58, 9]
    annex1 = charts["nord_annex1_salary_compensation_2022"]
    assert annex1.figure.data[0].y[0] == "AIDE AU QUOTIDIEN (MAUBEUGE)"  # sorted by amount
    assert [plain(c) for c in annex1.table[1][-1]] == ["TOTAL imprimé", "2 885 528,29 €", "2 635 366,52 €", "250 161,77 €"]
    footnote = annex1.sources[0].footnote()
    assert footnote.startswith(
        "Source : Annexe 1 – montant des compensations de la BAD et de la FEHAP pour 2022 (Nord) ; données 2022 ; "
        "Département du Nord"
    )
    assert footnote.endswith(f"(fichier {DOC_004}.txt), lignes 114 à 148 et 150 à 168.")  # 149 is blank
    headline = dict(report.headline)
    assert plain(
        headline["Annexe 5 – dotations qualité 2023, structures signant un nouveau CPOM en 2023 (abrogeant celui de 2022) (Nord)"]
    ) == ("424 981,73 € dont PA 336 976,00 €, PH 88 005,73 € (part PH 20,7 %)")


def test_index_links_every_report_with_the_refresh_date(published, con):
    page = (published.reports / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', page)
    listed = [
        "indicateurs.html", "comparaisons.html", "etablissements.html", "activite_sad.html", "enveloppe.html",
        "compensations.html", "reconciliation.html",
    ]  # fmt: skip
    assert links == [*listed, "reconciliation.html"]  # the reconciliation block links its detail too
    assert "(à venir)" not in page
    published_at = dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())["published_at"]
    from dagster_project.core.frenchfmt import format_datetime

    assert format_datetime(published_at) in page
    assert (
        plain(dict(index.build(con, published.reports).headline)["Rapprochement"])
        == "512 contrôles : 451 conformes, 53 en écart, 7 non évaluables, 1 écart accepté"
    )
    assert "<td>écart accepté</td><td>non bloquant</td>" in page and "acknowledged" not in page
    for name in listed:
        assert '<a href="index.html">' in (published.reports / name).read_text(encoding="utf-8")


def test_index_says_when_reconciliation_results_are_not_available(published_copy):
    with duckdb.connect(str(published_copy.warehouse)) as con:
        con.execute("DROP TABLE marts.reconciliation_checks")
        report = index.build(con, published_copy.reports)
    assert dict(report.headline)["Rapprochement"] == "contrôles de rapprochement : non disponibles"
    assert "Contrôles de rapprochement : non disponibles." in report.extra_html


def test_report_assets_run_after_publish_and_describe_themselves():
    from dagster_project.definitions import defs
    from dagster_project.warehouse.publish import PUBLISH_KEY

    specs = {s.key: s for s in defs.resolve_all_asset_specs()}
    reports = [k for k in specs if k.path[0] == "reports"]
    assert sorted(k.to_user_string() for k in reports) == [
        "reports/activite_sad", "reports/comparaisons", "reports/compensations", "reports/enveloppe",
        "reports/etablissements", "reports/index", "reports/indicateurs", "reports/reconciliation",
    ]  # fmt: skip
    for key in reports:
        spec = specs[key]
        deps = {d.asset_key for d in spec.deps}
        assert PUBLISH_KEY in deps and deps <= set(specs), key
        assert spec.group_name == "reports" and spec.owners and spec.description and spec.tags["layer"] == "reports"
    assert dg.AssetKey(["marts", "indicator_values"]) in {
        d.asset_key for d in specs[dg.AssetKey(["reports", "indicateurs"])].deps
    }
    reads = {name: {d.asset_key.to_user_string() for d in specs[dg.AssetKey(["reports", name])].deps} for name in
             ("activite_sad", "enveloppe", "reconciliation")}  # fmt: skip
    assert {"marts/sad_activity", "marts/sad_activity_summary"} <= reads["activite_sad"]
    assert {"marts/envelope_allocations", "marts/envelopes"} <= reads["enveloppe"]
    assert {"marts/reconciliation_checks", "marts/document_lines"} <= reads["reconciliation"]
    index_deps = {d.asset_key for d in specs[dg.AssetKey(["reports", "index"])].deps}
    assert {k for k in reports if k.path[-1] != "index"} <= index_deps  # the index links only what exists


def test_dbt_models_carry_row_counts_column_schemas_and_mart_previews(published_run):
    """The session refresh's dbt step: each model's materialization has its metadata."""
    from dagster_project.transform.assets import dbt_models

    instance, summary = published_run
    dbt_keys = {key for key in dbt_models.keys if key.path[0] in ("staging", "marts", "reference")}
    events = {}
    for key in dbt_keys:
        [record] = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1).records
        assert record.run_id == summary.run_id and record.event_log_entry.step_key == "dbt_models"
        events[key.to_user_string()] = record.asset_materialization.metadata
    assert set(events) == {key.to_user_string() for key in dbt_keys}
    mart = events["marts/indicator_values"]
    assert mart["dagster/row_count"].value == 250
    columns = mart["dagster/column_schema"].schema.columns
    assert [(c.name, c.type) for c in columns[:2]] == [("document_id", "VARCHAR"), ("source_line", "INTEGER")]
    assert (columns[7].name, columns[7].type) == ("value", "DECIMAL(18,4)") and columns[7].description
    assert "| document_id |" in mart["preview"].value
    staging = events["staging/stg_deliberations__sad_envelope_annex"]
    assert staging["dagster/row_count"].value == 37 and "preview" not in staging

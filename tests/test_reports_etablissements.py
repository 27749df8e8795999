"""etablissements.html (issue 21) of the session's refresh: the page, its link from the index, its
CSV downloads in both forms, its figures against the marts; then the same report for other
départements (AUTONOMY_DEPARTMENT_CODE): Gironde (33), Guadeloupe (971, off the metropolitan map)
and Mayotte (976, no EHPAD in CNSA's file), on a copy of the published warehouse whose rpt_ models
dbt rebuilds for that département."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from decimal import Decimal

import duckdb
import pytest
from conftest import plain

from dagster_project.core.frenchfmt import format_eur, format_number
from dagster_project.reports import etablissements
from dagster_project.settings import get_settings

pytestmark = pytest.mark.e2e
BOM = b"\xef\xbb\xbf"
TABLES = ("etablissements_prix", "etablissements_distribution", "etablissements_mdph")
RPT_MODELS = [
    "rpt_reports__places",
    "rpt_etablissements__price_distribution",
    "rpt_etablissements__price_map",
    "rpt_etablissements__changes",
    "rpt_etablissements__mdph_series",
    "rpt_etablissements__mdph_map",
]


@pytest.fixture(scope="module")
def page(published) -> str:
    return (published.reports / "etablissements.html").read_text(encoding="utf-8")


def _rows(raw: bytes) -> list[list[str]]:
    assert raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_page_is_written_linked_and_exports_its_tables_in_both_forms(published, page, published_con):
    assert page.startswith("<!DOCTYPE html>") and 'data-report="etablissements" data-charts="5"' in page
    index = (published.reports / "index.html").read_text(encoding="utf-8")
    assert '<a href="etablissements.html">' in index
    for base in TABLES:
        for name in (f"{base}.csv", f"{base}_imprime.csv"):
            assert f'href="{name}"' in page and f'href="{name}"' in index, name
            raw = (published.reports / name).read_bytes()
            assert raw.count(b"\n") == raw.count(b"\r\n") > 1, name
    code = get_settings().department_code
    data = _rows((published.reports / "etablissements_prix.csv").read_bytes())
    header, body = data[0], data[1:]
    expected = published_con.execute(
        "SELECT finess, edition_year, price_permanent_single_eur, tariff_gir_1_2, source_line FROM marts.ehpad_prices "
        "WHERE department_code = ? ORDER BY finess, edition_year",
        [code],
    ).fetchall()
    got = [
        (r[0], int(r[1]), Decimal(r[3].replace(",", ".")) if r[3] else None, Decimal(r[11].replace(",", ".")), int(r[-1]))
        for r in body
    ]
    assert header[3] == "Hébergement permanent, chambre seule (€ par jour)" and header[11].startswith("Tarif dépendance GIR 1-2")
    assert got == expected and len(got) > 100
    printed = _rows((published.reports / "etablissements_prix_imprime.csv").read_bytes())
    assert printed[-2] == [] and printed[-1][0].startswith("Source : CNSA, export des prix déclarés par les EHPAD")
    assert plain(printed[1][3]) == plain(format_eur(expected[0][2])) and "Ligne du fichier" not in printed[0]


def test_the_headline_and_charts_give_the_marts_figures(published_con):
    code = get_settings().department_code
    report = etablissements.build(published_con, threshold=5)
    [(edition,)] = published_con.execute("SELECT max(edition_year) FROM marts.ehpad_prices").fetchall()
    [(listed, median, rank, ranked)] = published_con.execute(
        "SELECT establishments_listed, median_eur, rank_france, departments_ranked_france FROM marts.ehpad_price_summary "
        "WHERE territory_code = ? AND edition_year = ? AND measure_code = 'price_permanent_single'",
        [code, edition],
    ).fetchall()
    headline = {k: plain(v) for k, v in report.headline}
    assert headline[f"EHPAD listés par la CNSA (édition {edition})"] == str(listed)
    price = headline[f"Médiane du prix de l'hébergement permanent en chambre seule ({edition})"]
    assert price.startswith(f"{plain(format_eur(median))} par jour, {rank}e sur {ranked} départements")
    [(months, target, day)] = published_con.execute(
        "SELECT months, target_months, measured_on FROM marts.mdph_processing_times WHERE territory_code = ? "
        "AND indicator_code = 'mdph_requests_excluding_aah' AND is_latest",
        [code],
    ).fetchall()
    [(key, text)] = [(k, v) for k, v in headline.items() if k.startswith("Délai MDPH, demandes hors AAH")]
    assert key.endswith(f"({etablissements._month_of(day)})")
    assert text.startswith(f"{plain(format_number(months, 1))} mois")
    assert f"cible décembre 2026 : {plain(format_number(target, 1))} mois" in text
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["distribution", "carte_prix", "evolution", "mdph_delais", "carte_mdph"]
    assert etablissements.NO_NAMES in charts["evolution"].notes
    footnote = charts["distribution"].sources[0].footnote()
    assert f"édition {edition}" in footnote and "cnsa/cnsa-export-prix-ehpad-" in footnote and "lignes " in footnote
    assert "mdph/ind-296.csv" in charts["mdph_delais"].sources[0].footnote()
    # the map: every metropolitan outline, the département outlined first (plotly then fetches nothing)
    traces = charts["carte_prix"].figure.data
    assert traces[0].type == "scattergeo" and traces[0].name.endswith("(contour)")
    shown = [t for t in traces if t.type == "choropleth"][0]
    position = list(shown.locations).index(code)
    assert shown.z[position] == pytest.approx(float(median))


def _report_for(published_copy, code: str, monkeypatch):
    """The report for another département: its rpt_ models rebuilt by dbt on a copy of the published
    warehouse with var department_code, then built as the refresh would with AUTONOMY_DEPARTMENT_CODE."""
    from dagster_project.settings import DBT_PROJECT_DIR
    from dagster_project.transform.project import DBT_EXECUTABLE

    database = published_copy.warehouse
    target = database.parent / "dbt-target"
    done = subprocess.run(
        [DBT_EXECUTABLE, "run", "--select", *RPT_MODELS, "--vars", json.dumps({"department_code": code}),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
         "--log-path", str(target)],
        env={**os.environ, "AUTONOMY_WORK_DB": str(database)}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", code)
    with duckdb.connect(str(database), read_only=True) as con:
        return etablissements.build(con, threshold=5), con.execute(
            "SELECT territory_name FROM marts.territories WHERE territory_code = ?", [code]
        ).fetchone()[0]


def test_the_report_centres_on_gironde_when_it_is_the_home_department(published_copy, monkeypatch):
    report, name = _report_for(published_copy, "33", monkeypatch)
    assert name == "Gironde"
    assert "Gironde" in report.title and "Pas-de-Calais" not in report.title
    charts = {c.chart_id: c for c in report.charts}
    outline = charts["carte_prix"].figure.data[0]
    assert outline.name == "Gironde (contour)"
    headers, rows = charts["distribution"].table
    assert rows[0][0] == "Gironde (33)" and any(r[0] == "Nouvelle-Aquitaine (région)" for r in rows)
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        [(edition, listed)] = con.execute(
            "SELECT max(edition_year), count(*) FILTER (WHERE department_code = '33' AND is_latest_edition) "
            "FROM marts.ehpad_prices"
        ).fetchall()
    assert dict(report.headline)[f"EHPAD listés par la CNSA (édition {edition})"] == str(listed) and listed > 100
    finess = [r[0] for r in charts["evolution"].table[1]]
    assert finess and all(f.startswith("33") for f in finess)  # Gironde's establishments, by FINESS
    assert "Nouvelle-Aquitaine" in " ".join(charts["mdph_delais"].notes)  # the barometer prints no regional figure


def test_guadeloupe_is_said_to_be_off_the_metropolitan_map(published_copy, monkeypatch):
    report, name = _report_for(published_copy, "971", monkeypatch)
    charts = {c.chart_id: c for c in report.charts}
    for chart_id in ("carte_prix", "carte_mdph"):
        assert any(n.startswith(f"{name} (971) n'est pas sur cette carte") for n in charts[chart_id].notes), chart_id
        first = charts[chart_id].figure.data[0]
        assert first.type == "scattergeo" and first.mode == "markers"  # no outline to draw: an invisible point first
    assert re.search(r"^\d+$", dict(report.headline)[next(k for k, _ in report.headline if k.startswith("EHPAD listés"))])


def test_a_department_without_ehpad_in_the_file_is_said_so(published_copy, monkeypatch):
    report, name = _report_for(published_copy, "976", monkeypatch)
    headline = dict(report.headline)
    assert headline[next(k for k in headline if k.startswith("EHPAD listés"))] == "aucun"
    charts = {c.chart_id: c for c in report.charts}
    assert "evolution" not in charts and "aucun EHPAD pour" in report.closing_html
    assert any(f"ne liste aucun EHPAD pour {name} (976)" in n for n in charts["distribution"].notes)

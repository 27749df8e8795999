"""comparaisons.html of the session's refresh (the `published` fixture): the page and its link from
the index, the map of the 96 metropolitan départements, the rate CSV beside it, footnotes naming
the editions read from the marts, ranks, series, revisions and masking."""

import csv
import html
import json
import re
from decimal import Decimal

import pytest
from conftest import plain

from dagster_project.core.frenchfmt import format_count, format_number
from dagster_project.reports import comparaisons, queries

pytestmark = pytest.mark.e2e
APA = "apa_per_1000_60plus"


@pytest.fixture(scope="module")
def page(published) -> str:
    return (published.reports / "comparaisons.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(published_con):
    return comparaisons.build(published_con, threshold=5)


def _latest(con, indicator: str, code: str) -> dict:
    rows = con.execute(
        "SELECT year, rate_per_1000, rank_france, rank_region, numerator_edition, denominator_edition "
        "FROM marts.official_rates WHERE indicator_code = ? AND territory_code = ? ORDER BY year DESC LIMIT 1",
        [indicator, code],
    ).fetchall()
    year, rate, rank_france, rank_region, numerator_edition, denominator_edition = rows[0]
    return {"year": year, "rate": rate, "rank_france": rank_france, "rank_region": rank_region,
            "numerator_edition": numerator_edition, "denominator_edition": denominator_edition}  # fmt: skip


def _plotly_figure(page: str, div_id: str) -> tuple[list[dict], dict]:
    """(traces, layout) of one chart, as the page hands them to Plotly.newPlot."""
    call = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', page)
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(page, call.end())
    layout, _ = decoder.raw_decode(page, page.index("{", end))
    return data, layout


def test_the_page_is_written_and_linked_from_the_index(published, page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert 'data-report="comparaisons" data-charts="5"' in page
    index = (published.reports / "index.html").read_text(encoding="utf-8")
    assert '<a href="comparaisons.html">' in index
    assert '<a href="index.html">' in page and f'<a href="{comparaisons.CSV_NAME}" download>' in page
    assert (published.reports / comparaisons.CSV_NAME).is_file()


def test_the_map_shows_the_96_metropolitan_departements_with_two_outlines(page, published_con):
    traces, layout = _plotly_figure(page, "chart-carte_apa")
    assert traces[0]["type"] == "scattergeo"  # first: plotly.js then fetches no topojson (offline)
    choropleths = [t for t in traces if t["type"] == "choropleth"]
    locations = [code for t in choropleths for code in t["locations"]]
    outlines = {r[0] for r in published_con.execute(
        "SELECT territory_code FROM marts.territory_outlines WHERE territory_level = 'department'").fetchall()}  # fmt: skip
    assert len(locations) == len(set(locations)) == 96 and set(locations) == outlines
    assert all(
        t["featureidkey"] == "properties.code" and len(t["geojson"]["features"]) == len(t["locations"]) for t in choropleths
    )
    code = queries.report_department()
    focus = _latest(published_con, APA, code)
    shown = choropleths[0]
    position = shown["locations"].index(code)
    assert shown["z"][position] == pytest.approx(float(focus["rate"]))
    rate = plain(f"{format_number(focus['rate'], 1)} ‰")
    assert rate in plain(shown["text"][position]) and "," in rate  # French decimals in the hover
    assert f"Rang : {comparaisons._ordinal(focus['rank_france'])} sur " in shown["text"][position]
    names = [t["name"] for t in traces if t["type"] == "scattergeo"]
    place = queries.territory(published_con)
    assert names[0] == f"{place['territory_name']} (contour)" and len(names) == 2
    assert layout["geo"]["fitbounds"] == "locations" and layout["geo"]["visible"] is False  # no base layer to fetch
    assert "rotation" not in layout["geo"]["projection"]  # with one, plotly.js's fitbounds shrinks the map to a dot


def test_the_csv_has_every_rate_with_french_decimals(published, published_con):
    raw = (published.reports / comparaisons.CSV_NAME).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: a French spreadsheet opens it as such
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Code du territoire", "Territoire", "Niveau", "Code de la région", "Année"]
    assert "Taux pour 1 000" in header and header[-1] == "Secret statistique"
    [(count,)] = published_con.execute("SELECT count(*) FROM marts.official_rates").fetchall()
    assert len(body) == count and all(len(r) == len(header) for r in body)
    rate_column = header.index("Taux pour 1 000")
    assert all(re.fullmatch(r"-?\d+(,\d+)?", r[rate_column]) for r in body if r[rate_column])
    code = queries.report_department()
    focus = _latest(published_con, APA, code)
    code_column, indicator_column, year_column = 0, header.index("Code de l'indicateur"), header.index("Année")
    [row] = [r for r in body if r[code_column] == code and r[indicator_column] == APA and r[year_column] == str(focus["year"])]
    assert Decimal(row[rate_column].replace(",", ".")) == focus["rate"]
    assert row[header.index("Niveau")] == "département"


def test_footnotes_name_publication_edition_and_sheet_from_the_data(page, published_con):
    code = queries.report_department()
    text = html.unescape(page)
    for indicator in comparaisons.INDICATORS:
        latest = _latest(published_con, indicator.code, code)
        assert f"édition {latest['numerator_edition']}" in text and f"édition {latest['denominator_edition']}" in text
    [(sheet, edition)] = published_con.execute(
        "SELECT DISTINCT sheet, edition FROM marts.aid_beneficiaries WHERE measure_code = 'apa' AND is_latest_edition"
    ).fetchall()
    assert (
        f"Source : DREES, Les bénéficiaires de l'aide sociale départementale – séries longues, édition {edition}, "
        f"feuille {sheet} (effectifs au 31 décembre" in text
    )
    assert "INSEE, estimations de population par département" in text
    [(outline_edition,)] = published_con.execute(
        "SELECT DISTINCT edition FROM marts.territory_outlines WHERE territory_level = 'department'").fetchall()  # fmt: skip
    assert f"IGN, contours des départements métropolitains (Admin Express simplifiés), édition {outline_edition}" in text
    assert text.count('<p class="source">') >= 8  # every chart has its footnotes, the revisions table too


def test_ranks_series_and_revisions_come_from_the_marts(report, published_con):
    code = queries.report_department()
    place = queries.territory(published_con)
    charts = {c.chart_id: c for c in report.charts}
    assert list(charts) == ["carte_apa", "position", "serie_apa", "serie_pch", "serie_aah"]
    headers, rows = charts["position"].table
    [focus_row] = [r for r in rows if r[0] == place["territory_name"]]
    apa = _latest(published_con, APA, code)
    assert plain(focus_row[1]) == plain(f"{format_number(apa['rate'], 1)} ‰")
    assert focus_row[2].startswith(f"{comparaisons._ordinal(apa['rank_france'])} sur ")
    assert f" ; {comparaisons._ordinal(apa['rank_region'])} sur " in focus_row[2]
    assert [r[0] for r in rows][-3:] == [place["region_name"], "France métropolitaine", "France"]
    for indicator in comparaisons.INDICATORS:
        figure = charts[indicator.chart_id].figure
        assert [t.name for t in figure.data][0] == place["territory_name"] and len(figure.data) == 4
        [(first, last)] = published_con.execute(
            "SELECT min(year), max(year) FROM marts.official_rates WHERE indicator_code = ? AND territory_code = ?",
            [indicator.code, code],
        ).fetchall()
        assert (figure.data[0].x[0], figure.data[0].x[-1]) == (first, last)
    [(revised,)] = published_con.execute(
        "SELECT count(*) FROM marts.revisions WHERE territory_code = ? AND delta <> 0", [code]).fetchall()  # fmt: skip
    assert dict(report.headline)["Chiffres révisés entre éditions"] == format_count(revised)
    shown = re.findall(r"<tr><td>", report.closing_html)
    assert len(shown) == min(revised, comparaisons.MAX_REVISIONS)
    assert report.masked_notes == []


def test_a_rate_on_few_people_is_masked_on_the_map_and_in_the_csv(published_con):
    code = queries.report_department()
    [(numerator,)] = published_con.execute(
        "SELECT numerator FROM marts.official_rates WHERE indicator_code = ? AND territory_code = ? "
        "AND year = (SELECT max(year) FROM marts.official_rates WHERE indicator_code = ? AND rank_france IS NOT NULL)",
        [APA, code, APA],
    ).fetchall()
    report = comparaisons.build(published_con, threshold=int(numerator) + 1)
    carte = report.charts[0]
    choropleths = [t for t in carte.figure.data if t.type == "choropleth"]
    assert code not in choropleths[0].locations and code in choropleths[1].locations  # grey, never blank
    assert any(n.startswith("Données masquées") for n in carte.notes)
    csv_text = report.files[comparaisons.CSV_NAME].decode("utf-8-sig")
    assert "masqué (effectif inférieur à" in csv_text

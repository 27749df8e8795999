"""Charts and figures at publication quality (issue 14): no label over a mark, a category name or
another label; the toolbar never over content; no clipped title; PNG exports titled and sourced;
one precision per unit and the French minus in every rendered report."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from dagster_project.reports import framework
from dagster_project.reports.browser import check_reports
from dagster_project.reports.charts import (
    OKABE_ITO,
    Series,
    bars_with_reference_marks,
    base_layout,
    diverging_bars,
    grouped_bars,
)
from dagster_project.reports.framework import Chart, Document, Report, Source, png_figure, render_html, write_report

DOC = Document("001_x", "2026-150", "Commission permanente", "Département du Pas-de-Calais", date(2026, 4, 27))
SOURCE = Source(DOC, (357, 358), origins=(("MDPH", "31/12/2023"),))
# The figures of the screenshots: PCH and CMI invalidité at −8 %, and two ‰ bars shorter
# than their France tick (6,7 against 7,3; 18,6 against 20,3).
LABELS = ["Matériel Pédagogique Adapté", "PCH", "CMI priorité", "CMI invalidité"]
GAPS = [Decimal(140), Decimal(-8), Decimal(13), Decimal(-8)]
DEPARTMENT = [Decimal("53.7"), Decimal("6.7"), Decimal("25.4"), Decimal("18.6")]
FRANCE = [Decimal("41.3"), Decimal("7.3"), Decimal("22.4"), Decimal("20.3")]


def _page(tmp_path, charts: list[Chart]):
    (tmp_path / "index.html").write_text('<!DOCTYPE html><html lang="fr"><main data-charts="0"></main></html>', "utf-8")
    write_report(Report("essai", "Essai", "Graphiques d'essai.", charts), tmp_path, png=False)
    [result] = [r for r in check_reports(tmp_path, timeout=10) if r.page == "essai.html"]
    return result


def _bad_charts() -> list[Chart]:
    """The defects as they were drawn before issue 14, rebuilt by hand."""
    layout = {**base_layout(300), "yaxis": {"automargin": True, "autorange": "reversed"}}
    negative = diverging_bars(LABELS, GAPS, ["+140 %", "−8 %", "+13 %", "−8 %"], "Écart (%)", "Prestation")
    negative.update_xaxes(range=None, autorange=True)  # no room made for the labels of negative bars
    negative.update_yaxes(ticks="", ticklen=0)  # and the category names right against the plot
    ticks = go.Figure(go.Bar(x=[float(v) for v in DEPARTMENT], y=LABELS, orientation="h", text=["53,7 ‰", "6,7 ‰", "25,4 ‰", "18,6 ‰"],
                             textposition="outside", cliponaxis=False), layout=layout)  # fmt: skip
    ticks.add_scatter(x=[float(v) for v in FRANCE], y=LABELS, mode="markers", text=["41,3 ‰", "7,3 ‰", "22,4 ‰", "20,3 ‰"],
                      marker={"symbol": "line-ns", "size": 22, "line": {"width": 3}})  # fmt: skip
    clipped = go.Figure(go.Bar(x=[1, 2], y=["A", "B"], orientation="h"), layout={"height": 160})
    clipped.update_yaxes(title="Service autonomie à domicile (commune), un titre bien trop long pour le graphique")
    return [Chart("negatifs", "n", negative, [SOURCE]), Chart("reperes", "r", ticks, [SOURCE]),
            Chart("titre", "t", clipped, [SOURCE])]  # fmt: skip


@pytest.mark.browser
def test_the_layout_check_fails_on_labels_over_names_or_marks_and_on_a_clipped_title(tmp_path, browser):
    result = _page(tmp_path, _bad_charts())
    assert not result.ok and result.drawn_charts == 3
    layout = "\n".join(result.layout)
    assert "essai.html, graphique chart-negatifs : étiquette de barre « −8 % » chevauche graduation « PCH »" in layout
    assert "graduation « CMI invalidité »" in layout
    assert "graphique chart-reperes : étiquette de barre « 6,7 ‰ » est couvert par un marqueur « 7,3 ‰ »" in layout
    assert "« 18,6 ‰ » est couvert par un marqueur « 20,3 ‰ »" in layout
    assert "graphique chart-titre : titre d'axe « Service autonomie" in layout and "coupé par le bord" in layout
    assert "layout: essai.html, graphique chart-negatifs" in result.render()


@pytest.mark.browser
def test_the_toolbar_over_a_legend_is_a_defect_and_the_report_toolbar_is_not(tmp_path, browser, monkeypatch):
    legend = [Series(f"Personnes de la série {i}", [1, 2], ["1", "2"], OKABE_ITO["blue"]) for i in range(12)]
    chart = Chart("legende", "l", grouped_bars(["A", "B"], legend, "Valeur", "Catégorie", stacked=True), [SOURCE])
    # the toolbar as plotly places it by default: always shown, over the top right of the chart
    monkeypatch.setattr(framework, "STYLE", "")
    monkeypatch.setattr(framework, "PLOTLY_CONFIG", {"displaylogo": False, "displayModeBar": True})
    before = _page(tmp_path, [chart])
    assert any("graphique chart-legende : la barre d'outils couvre légende « Personnes de la série" in d for d in before.layout)
    monkeypatch.undo()
    after = _page(tmp_path, [chart])
    assert after.ok, after.render()


@pytest.mark.browser
def test_the_report_charts_keep_labels_clear_of_names_ticks_and_titles(tmp_path, browser):
    """The same figures through the report's chart builders: no defect."""
    charts = [
        Chart("negatifs", "n", diverging_bars(LABELS, GAPS, ["+140 %", "−8 %", "+13 %", "−8 %"], "Écart (%)", "Prestation"), [SOURCE]),
        Chart("reperes", "r", bars_with_reference_marks(
            LABELS, Series("Pas-de-Calais", DEPARTMENT, ["53,7 ‰", "6,7 ‰", "25,4 ‰", "18,6 ‰"], OKABE_ITO["blue"]),
            Series("France", FRANCE, ["41,3 ‰", "7,3 ‰", "22,4 ‰", "20,3 ‰"], OKABE_ITO["black"]), "Taux (‰)", "Prestation"), [SOURCE]),
        Chart("titre", "t", grouped_bars(["A", "B"], [Series("PA", [1, 2], ["1", "2"], OKABE_ITO["blue"])], "Montant (€)",
                                         "Service autonomie à domicile (commune)", stacked=True), [SOURCE]),
    ]  # fmt: skip
    result = _page(tmp_path, charts)
    assert result.ok, result.render()


def test_png_export_carries_the_title_and_the_source_and_leaves_the_html_chart_alone(tmp_path, monkeypatch):
    figure = diverging_bars(LABELS, GAPS, ["+140 %", "−8 %", "+13 %", "−8 %"], "Écart (%)", "Prestation")
    chart = Chart("negatifs", "Surreprésentation des droits MDPH (en %)", figure, [SOURCE])
    handed = []
    monkeypatch.setattr(framework, "png_browser_missing", lambda: None)
    monkeypatch.setattr("dagster_project.reports.png.write_pngs", lambda figs, paths, width, heights: handed.append(
        ([f.to_plotly_json() for f in figs], width, heights)) or [open(p, "wb").close() for p in paths])  # fmt: skip
    pngs, skipped = framework.export_pngs(Report("essai", "Essai", "", [chart]), tmp_path)
    assert skipped is None and [p.name for p in pngs] == ["essai__negatifs.png"]
    [([sent], width, [height])] = handed
    assert width == 1100
    assert sent["layout"]["title"]["text"] == "<b>Surreprésentation des droits MDPH (en %)</b>"
    [source] = [a for a in sent["layout"]["annotations"] if a["text"].startswith("Source")]
    footnote = SOURCE.footnote()
    assert source["text"].replace("<br>", " ") == html.escape(footnote)
    assert "délibération n°2026-150 du 27 avril 2026" in footnote and "lignes 357, 358" in footnote
    assert source["yanchor"] == "top" and source["yshift"] < 0  # below the plot
    # the image grows by the title and source lines; the HTML chart keeps its look
    assert height > figure.layout.height and sent["layout"]["margin"]["t"] > figure.layout.margin.t
    assert figure.layout.title.text is None and all(not a.text.startswith("Source") for a in figure.layout.annotations)
    assert png_figure(chart).layout.height == height


def test_long_sources_wrap_inside_the_image():
    long = Source(DOC, tuple(range(1, 400, 2)), origins=(("DREES", "2022"), ("INSEE", "2024")))
    chart = Chart("x", "Titre " * 30, go.Figure(layout={"height": 300}), [long, SOURCE])
    figure = png_figure(chart)
    [source] = figure.layout.annotations
    lines = source.text.split("<br>")
    assert len(lines) > 3 and max(len(html.unescape(line)) for line in lines) <= 150
    assert figure.layout.title.text.count("<br>") >= 1  # the title wraps too
    assert figure.layout.height == 300 + 16 + 24 * len(figure.layout.title.text.split("<br>")) + 10 + 15 * len(lines) + 100


# ---------------------------------------------------------------- figures in the rendered reports
PLOT_CALL = re.compile(r'Plotly\.newPlot\(\s*"([^"]+)",\s*')
TEXT_KEYS = {"text", "name", "hovertemplate", "ticksuffix", "customdata"}
SIGN = re.compile(r"(?<![\w.,\-/])-\d")  # an ASCII sign before a figure (not "0-19 ans", "2019-2023")
EURO_DECIMALS = re.compile(r"\d,\d{3,}[\s\u00a0\u202f]?€")
HOURS_DECIMALS = re.compile(r"\d,\d+[\s\u00a0\u202f]h\b")


def _strings(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "geojson":
                yield from _strings(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)
    elif isinstance(node, str) and key in TEXT_KEYS:
        yield node


def read_figures_and_text(page: str) -> list[str]:
    """What a reader sees: the page's text outside scripts, and the texts of every chart."""
    texts = []
    decoder = json.JSONDecoder()
    for match in PLOT_CALL.finditer(page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, page.index("{", end))
        texts += list(_strings(data)) + list(_strings(layout))
    visible = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    texts += [html.unescape(t) for t in re.sub(r"<[^>]+>", "\n", visible).split("\n") if t.strip()]
    return texts


def figure_defects(name: str, page: str) -> list[str]:
    defects = []
    for text in read_figures_and_text(page):
        for pattern, what in ((SIGN, "ASCII minus"), (EURO_DECIMALS, "euros beyond the cent"),
                              (HOURS_DECIMALS, "hours with decimals")):  # fmt: skip
            defects += [f"{name}: {what}: …{text[max(0, m.start() - 30) : m.end() + 10]}…" for m in pattern.finditer(text)]
    return defects


def test_the_figure_scan_finds_each_kind_of_defect():
    report = Report("essai", "Essai", "écart -0,0200 ; 17 369,7031 € ; 4 319 502,00 h ; 0-19 ans (2019-2023)", [
        Chart("c", "c", go.Figure(go.Bar(x=[1], y=["a"], text=["-8 %"])), [SOURCE])])  # fmt: skip
    defects = figure_defects("essai.html", render_html(report))
    assert [d.split(":")[1].strip() for d in defects] == [
        "ASCII minus",
        "ASCII minus",
        "euros beyond the cent",
        "hours with decimals",
    ]


@pytest.mark.e2e
def test_every_report_prints_figures_with_one_precision_per_unit_and_the_french_minus(published):
    pages = sorted(published.reports.glob("*.html"))
    assert len(pages) == 8
    defects = [d for p in pages for d in figure_defects(p.name, p.read_text(encoding="utf-8"))]
    assert defects == []
    activity = (published.reports / "activite_sad.html").read_text(encoding="utf-8")
    assert "4\u202f319\u202f502\u00a0h" in activity and "4\u202f319\u202f502,00" not in activity
    reconciliation = (published.reports / "reconciliation.html").read_text(encoding="utf-8")
    # the AEEH check of the Aisne: printed 17 370,58 €, recomputed 17 369,7031… shown at the printed cents
    assert '<td class="num">17\u202f370,58</td><td class="num">17\u202f369,70</td><td class="num">−0,88</td>' in reconciliation
    assert "écart −0,02," in reconciliation and "écart -0,02" not in reconciliation and "887 489,9800" not in reconciliation

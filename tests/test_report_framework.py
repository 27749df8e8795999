"""The report framework on its own: footnotes, masking, HTML, atomic writes."""

import os
from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from dagster_project.core.frenchfmt import THOUSANDS
from dagster_project.reports.charts import Bar, bar_chart
from dagster_project.reports.disclosure import disclose_counts
from dagster_project.reports.framework import Chart, Document, Report, Source, lines_text, render_html, write_atomic

DOC = Document(
    "001_ce3718776857736d",
    "2026-150",
    "Commission permanente du Conseil départemental",
    "Département du Pas-de-Calais",
    date(2026, 4, 27),
)


def test_lines_are_cited_as_ranges():
    assert lines_text([269]) == "ligne 269"
    assert lines_text([293, 294, 295, 296, 297, 298]) == "lignes 293 à 298"
    assert lines_text([357, 360, 361, 362, 363, 365]) == "lignes 357, 360 à 363 et 365"
    assert lines_text([114, 115, 168]) == "lignes 114, 115 et 168"


def test_footnote_names_producer_year_document_and_lines():
    text = Source(DOC, (260, 266), origins=(("INSEE", "2024"), ("DREES", "2030"))).footnote()
    assert text == (
        "Source : INSEE, 2024 ; DREES, 2030 ; Département du Pas-de-Calais, commission permanente du conseil "
        "départemental, délibération n°2026-150 du 27 avril 2026 (fichier 001_ce3718776857736d.txt), lignes 260 et 266."
    )
    assert "ARS, année non précisée dans le document" in Source(DOC, (298,), origins=(("ARS", None),)).footnote()


def test_counts_under_the_threshold_are_masked_with_a_visible_note():
    disclosed = disclose_counts(["Arras", "Lens", "Calais", "Liévin"], [Decimal(3), Decimal(5), Decimal(0), None], threshold=5)
    assert disclosed.values == [None, Decimal(5), Decimal(0), None]
    assert disclosed.texts == ["masqué (< 5)", "5", "0", "non publié"]
    assert disclosed.masked == ["Arras"]
    assert disclosed.note(5) == [
        "Données masquées : 1 effectif inférieur à 5 (Arras) n’est pas affiché, au titre du secret statistique."
    ]
    two = disclose_counts(["Arras", "Lens"], [Decimal(1), Decimal(4)], threshold=5)
    assert two.note(5) == [
        "Données masquées : 2 effectifs inférieurs à 5 (Arras, Lens) ne sont pas affichés, au titre du secret statistique."
    ]
    assert disclose_counts(["a", "b"], [Decimal(1200), Decimal(40)], threshold=1000).masked == ["b"]
    assert disclose_counts(["a"], [Decimal(4)], threshold=5).note(5)[0].endswith("au titre du secret statistique.")


def test_masked_bar_stays_on_its_axis_with_a_label():
    disclosed = disclose_counts(["2024", "2030"], [Decimal(3), Decimal(12)], threshold=5)
    bars = [Bar(label, v, t) for label, v, t in zip(["2024", "2030"], disclosed.values, disclosed.texts)]
    figure = bar_chart(bars, "Personnes (nombre)", "Année")
    assert list(figure.data[0].x) == ["2024", "2030"]
    assert figure.data[0].y[0] is None
    assert [a.text for a in figure.layout.annotations] == ["masqué (< 5)"]
    assert figure.layout.separators == "," + THOUSANDS
    assert figure.layout.yaxis.title.text == "Personnes (nombre)"


def test_html_is_self_contained_french_and_carries_footnotes_and_notes():
    chart = Chart(
        "demo",
        "Démo <b>échappée</b>",
        go.Figure(go.Bar(x=["a"], y=[1])),
        [Source(DOC, (269,), (("DREES", "2022"),))],
        notes=["Données masquées : test"],
    )
    page = render_html(Report("demo", "Titre", "Intro", [chart], refreshed_at="2026-03-29T02:30:00+00:00"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert page.count(get_plotlyjs()) == 1  # plotly.js embedded once: opens offline
    outside_bundle = page.replace(get_plotlyjs(), "")
    assert "src=" not in outside_bundle and "http" not in outside_bundle.split("<body>")[0]
    assert outside_bundle.count("Plotly.newPlot") == 1
    assert "Démo &lt;b&gt;échappée&lt;/b&gt;" in page
    assert "29 mars 2026 à 04\u00a0h\u00a030" in page
    assert 'data-charts="1"' in page and "Données masquées : test" in page and "ligne 269." in page
    index = render_html(Report("index", "Index", "Intro", []))
    assert "Plotly" not in index and 'data-charts="0"' in index


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r" / "page.html"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["page.html"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_write_atomic_keeps_the_previous_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    write_atomic(target, b"previous")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"half")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["page.html"]


def test_without_a_browser_for_kaleido_the_html_is_written_and_png_skipped_with_the_reason(tmp_path, monkeypatch):
    from dagster_project.reports import framework
    from dagster_project.reports.framework import write_report

    def no_browser(*args, **kwargs):
        raise RuntimeError("Chrome not found")

    from dagster_project.reports import png

    monkeypatch.setattr(framework, "png_browser_missing", lambda: None)  # kaleido itself fails, whatever this machine has
    monkeypatch.setattr(png, "_shared", {})
    monkeypatch.setattr(png, "SharedBrowser", no_browser)  # neither the run's shared browser nor the report's own starts
    chart = Chart("demo", "Démo", go.Figure(go.Bar(x=["a"], y=[1])), [Source(DOC, (269,), (("DREES", "2022"),))])
    written = write_report(Report("demo", "Titre", "Intro", [chart]), tmp_path)
    assert written.html.read_text(encoding="utf-8").count('id="chart-demo"') == 1
    assert written.pngs == [] and written.png_skipped == "RuntimeError: Chrome not found"
    assert not list((tmp_path / "png").iterdir())  # no half-rendered file left behind


def test_without_chromium_the_png_export_is_skipped_once_with_how_to_install_it(tmp_path, monkeypatch):
    from dagster_project.reports import framework, png

    monkeypatch.setattr(framework, "_png_browser", {"reason": framework.NO_BROWSER})  # decided once per process
    monkeypatch.setattr(png, "write_pngs", lambda *a, **k: pytest.fail("kaleido called without a browser"))
    chart = Chart("demo", "Démo", go.Figure(go.Bar(x=["a"], y=[1])), [Source(DOC, (269,), (("DREES", "2022"),))])
    written = framework.write_report(Report("demo", "Titre", "Intro", [chart]), tmp_path)
    assert written.pngs == [] and written.png_skipped == framework.NO_BROWSER
    assert "apt-get install chromium" in written.png_skipped

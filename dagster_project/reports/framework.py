"""The report framework: a report is a French title, an introduction and charts, each chart
with a footnote naming its source, year, document and lines. It renders to ONE self-contained
HTML file (plotly.js embedded, opens offline) written atomically, plus a PNG per chart."""

from __future__ import annotations

import html
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ..core.frenchfmt import format_date, format_datetime

log = logging.getLogger(__name__)

PNG_DIR = "png"
# The toolbar shows on hover only, in a band of its own above the chart (STYLE: .modebar-container):
# it never covers a legend or a label (issue 14). Selection tools mean nothing on these charts.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
MODEBAR_BAND_PX = 30


@dataclass(frozen=True)
class Document:
    """A published deliberation, as footnotes cite it."""

    document_id: str
    number: str
    body: str
    collectivity: str
    date: object  # datetime.date or datetime
    title: str | None = None  # as the manifest gives it

    def citation(self) -> str:
        return (
            f"{self.collectivity}, {self.body.lower()}, délibération n°{self.number} "
            f"du {format_date(self.date)} (fichier {self.document_id}.txt)"
        )


@dataclass(frozen=True)
class Source:
    """Where a chart's figures come from: producer and year of each, document and printed lines."""

    document: Document
    lines: tuple[int, ...]
    origins: tuple[tuple[str | None, str | None], ...] = ()  # (producer, year or period), e.g. ("INSEE", "2024")
    what: str | None = None  # e.g. "Annexe 1 – ..." when the chart reads one table of the document

    def footnote(self) -> str:
        parts = [self.what] if self.what else []
        for producer, period in self.origins:
            if producer:
                parts.append(f"{producer}, {period}" if period else f"{producer}, année non précisée dans le document")
            elif period:
                parts.append(f"données {period}")
        parts.append(f"{self.document.citation()}, {lines_text(self.lines)}")
        return "Source : " + " ; ".join(parts) + "."


@dataclass(frozen=True)
class FileSource:
    """Figures read from data files rather than a deliberation (the FAP monthly exports)."""

    what: str  # e.g. "exports mensuels de facturation FAP du Département <de …>, 2024"
    files: tuple[str, ...]
    detail: str  # lines, where the hashes are kept...

    def footnote(self) -> str:
        names = self.files[0] if len(self.files) == 1 else f"{self.files[0]} à {self.files[-1]}"
        count = f"{len(self.files)} fichiers" if len(self.files) > 1 else "1 fichier"
        return f"Source : {self.what} ; {names} ({count}, {self.detail})."


def lines_text(lines: Sequence[int]) -> str:
    """(293, 294, 295, 298) -> 'lignes 293 à 295 et 298'."""
    unique = sorted(set(lines))
    if not unique:
        return "ligne inconnue"
    if len(unique) == 1:
        return f"ligne {unique[0]}"
    runs: list[list[int]] = []
    for line in unique:
        if runs and line == runs[-1][-1] + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    texts = [f"{r[0]}" if len(r) == 1 else f"{r[0]}, {r[1]}" if len(r) == 2 else f"{r[0]} à {r[-1]}" for r in runs]
    return "lignes " + (", ".join(texts[:-1]) + " et " + texts[-1] if len(texts) > 1 else texts[0])


@dataclass
class Chart:
    chart_id: str  # file-name safe, unique within the report
    title: str
    figure: go.Figure
    sources: list[Source | FileSource]
    notes: list[str] = field(default_factory=list)  # e.g. masked counts: shown, never hidden
    table: tuple[list[str], list[list[str]]] | None = None  # the data behind the chart, formatted
    downloads: str = ""  # HTML links to the CSV exports of this table (reports/exports.py)


@dataclass
class Report:
    slug: str  # the file is <slug>.html
    title: str
    intro: str
    charts: list[Chart]
    refreshed_at: str | None = None  # meta.refresh published_at (ISO, UTC)
    headline: list[tuple[str, str]] = field(default_factory=list)  # (label, formatted figure)
    extra_html: str = ""  # report-specific blocks before the charts (e.g. the index's list of reports)
    closing_html: str = ""  # report-specific blocks after the charts (e.g. the detail of every discrepancy)
    files: dict[str, bytes] = field(default_factory=dict)  # written beside the page (e.g. a CSV it links), by name
    # what the page cannot show and why (no deliberation gives it, no FAP export...): French notes,
    # shown in their own block before the charts; a page may be only these notes
    missing: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.slug}.html"

    @property
    def masked_notes(self) -> list[str]:
        return [note for chart in self.charts for note in chart.notes if note.startswith(MASKED_PREFIX)]


MASKED_PREFIX = "Données masquées"

STYLE_TEMPLATE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#1a1a1a;background:#fafafa;line-height:1.45}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1.2rem}
header{padding-top:1rem}
h1{font-size:1.6rem;margin:.4rem 0}
h2{font-size:1.15rem;margin:0 0 .4rem}
nav a{color:#0072B2}
.meta{color:#444;font-size:.9rem}
.intro{max-width:60rem}
section.chart{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1.2rem 0}
.note{background:#fff4e0;border-left:4px solid #E69F00;padding:.4rem .6rem;font-size:.9rem}
.source{color:#444;font-size:.82rem;margin:.3rem 0 0}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
td.num{text-align:right;white-space:nowrap}
dl.headline{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.headline dt{font-weight:bold}
footer{color:#555;font-size:.8rem;padding-bottom:2rem}
article.check{border-top:1px solid #ddd;padding:.4rem 0}
article.check h4{margin:.3rem 0;font-size:.95rem}
.js-plotly-plot{margin-top:%(band)dpx}
.js-plotly-plot .modebar-container{top:-%(band)dpx!important}
.printed{font-family:"DejaVu Sans Mono",monospace;font-size:.82rem;background:#f3f3f3;padding:.3rem .5rem;overflow-wrap:anywhere}
"""
STYLE = STYLE_TEMPLATE.replace("%(band)d", str(MODEBAR_BAND_PX))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1, numeric: Sequence[int] | None = None
) -> str:
    """Figures right-aligned and never wrapped: the columns from `numeric_from` on, or exactly `numeric`."""
    numeric = set(numeric) if numeric is not None else set(range(numeric_from, len(headers)))
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td class=\"num\">{_esc(c)}</td>" if i in numeric else f"<td>{_esc(c)}</td>" for i, c in enumerate(row)
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_note(text: str) -> str:
    """A visible note (masked data, how to read a chart, what is missing and why)."""
    return f'<p class="note" role="note">{_esc(text)}</p>'


def html_section(section_id: str, title: str, body_html: str) -> str:
    """A titled block of the page, laid out as a chart's (for tables and notes without a chart)."""
    return (
        f'<section class="chart" id="{_esc(section_id)}" aria-label="{_esc(title)}"><h2>{_esc(title)}</h2>{body_html}</section>'
    )


def _chart_html(chart: Chart) -> str:
    plot = chart.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.chart_id}", config=PLOTLY_CONFIG)
    notes = "".join(html_note(n) for n in chart.notes)
    sources = "".join(f'<p class="source">{_esc(s.footnote())}</p>' for s in chart.sources)
    table = ""
    if chart.table:
        table = f"<details><summary>Données du graphique</summary>{html_table(*chart.table)}</details>"
    return html_section(chart.chart_id, chart.title, f"{plot}{notes}{table}{chart.downloads}{sources}")


MISSING_ID = "donnees-absentes"
MISSING_TITLE = "Données absentes"


def _missing_html(report: Report) -> str:
    if not report.missing:
        return ""
    return html_section(MISSING_ID, MISSING_TITLE, "".join(html_note(n) for n in report.missing))


def _plotlyjs(report: Report) -> str:
    return f'<script type="text/javascript">{get_plotlyjs()}</script>' if report.charts else ""


def render_html(report: Report) -> str:
    refreshed = format_datetime(report.refreshed_at) if report.refreshed_at else "date inconnue"
    headline = ""
    if report.headline:
        items = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in report.headline)
        headline = f'<dl class="headline">{items}</dl>'
    nav = "" if report.slug == "index" else '<nav><a href="index.html">← Tous les rapports</a></nav>'
    charts = "".join(_chart_html(c) for c in report.charts)
    # plotly.js once, inline: the file opens offline and from a mail attachment.
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(report.title)}</title>
<style>{STYLE}</style>
{_plotlyjs(report)}
</head>
<body>
<header>{nav}<h1>{_esc(report.title)}</h1>
<p class="meta">Données publiées le {_esc(refreshed)} (heure de Paris).</p></header>
<main data-report="{_esc(report.slug)}" data-charts="{len(report.charts)}">
<p class="intro">{_esc(report.intro)}</p>
{headline}{_missing_html(report)}{report.extra_html}{charts}{report.closing_html}
</main>
<footer>autonomy-warehouse · chiffres lus dans l'entrepôt publié ; chaque graphique cite son document et ses lignes.</footer>
</body>
</html>
"""


def write_atomic(path: Path, data: bytes) -> None:
    """Readers (a browser, a mail client) see the previous file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Written:
    html: Path
    pngs: list[Path]
    png_skipped: str | None  # why no PNG was made, when none was


def write_report(report: Report, reports_dir: Path, png: bool = True) -> Written:
    path = reports_dir / report.file_name
    for name, data in report.files.items():  # before the page: a link in it never points to nothing
        write_atomic(reports_dir / name, data)
    write_atomic(path, render_html(report).encode("utf-8"))
    _remove_stale(reports_dir.glob(f"{report.slug}_*.csv"), keep=set(report.files))
    pngs, skipped = ([], "désactivés") if not png else export_pngs(report, reports_dir / PNG_DIR)
    if png and skipped is None:
        _remove_stale((reports_dir / PNG_DIR).glob(f"{report.slug}__*.png"), keep={p.name for p in pngs})
    return Written(path, pngs, skipped)


def _remove_stale(paths, keep: set[str]) -> None:
    """The files of the report an earlier run wrote and this one did not (a table whose data is no
    longer loaded, a renamed chart): removed once the page no longer links them, so the index never
    lists a figure of another night."""
    for path in paths:
        if path.name not in keep:
            path.unlink(missing_ok=True)


PNG_WIDTH = 1100  # px, the width of the HTML page's charts
PNG_TITLE_PX = 24  # one line of the title (16 px font)
PNG_SOURCE_PX = 15  # one line of the source (11 px font)
PNG_AXIS_PX = 110  # the bottom axis (ticks and title) above the source: room kept for it


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def png_figure(chart: Chart) -> go.Figure:
    """The chart as its PNG export draws it: a copy with the chart's title above the plot and its
    source line(s) below, so a pasted image stays sourced (issue 14). The HTML chart is unchanged."""
    figure = go.Figure(chart.figure)
    title = _wrap(chart.title, 95)
    source = [line for s in chart.sources for line in _wrap(s.footnote(), 150)]
    margin = figure.layout.margin
    top, bottom = (margin.t or 30), (margin.b or 10)
    title_px, source_px = 16 + PNG_TITLE_PX * len(title), 10 + PNG_SOURCE_PX * len(source)
    height = (figure.layout.height or 500) + title_px + source_px + max(0, PNG_AXIS_PX - bottom)
    figure.update_layout(
        height=height,
        margin={"t": top + title_px, "b": PNG_AXIS_PX + source_px},
        title={"text": "<br>".join(f"<b>{html.escape(line)}</b>" for line in title), "x": 0.01, "xanchor": "left",
               "xref": "container", "y": 1 - (8 + PNG_TITLE_PX * len(title) / 2) / height, "yref": "container", "yanchor": "middle", "font": {"size": 16}},
    )  # fmt: skip
    # Anchored on the plot's right edge (its margin is fixed; the left one grows with the category
    # names), lines aligned left, short enough to stay inside the image.
    figure.add_annotation(
        text="<br>".join(html.escape(line) for line in source), xref="paper", yref="paper", x=1, xanchor="right",
        y=0, yanchor="top", yshift=-PNG_AXIS_PX, align="left", showarrow=False, font={"size": 11, "color": "#444444"},
    )  # fmt: skip
    return figure


NO_BROWSER = "no Chromium found for the PNG export (Debian: apt-get install chromium)"
_png_browser: dict[str, str | None] = {}


def png_browser_missing() -> str | None:
    """Decided once per process: None when kaleido can find a Chromium, else the reason (said
    once by the refresh, not once per report). The browser itself is shared by the reports of a
    run (reports/png.py)."""
    if "reason" not in _png_browser:
        from choreographer.browsers.chromium import Chromium

        _png_browser["reason"] = NO_BROWSER if Chromium.find_browser(skip_local=False) is None else None
    return _png_browser["reason"]


def export_pngs(report: Report, png_dir: Path) -> tuple[list[Path], str | None]:
    """One PNG per chart through kaleido, which drives a local Chromium. Without a browser the
    HTML report is still complete: the PNGs are skipped with the reason, returned (the refresh
    says it once, not once per report)."""
    if not report.charts:
        return [], None
    if (missing := png_browser_missing()) is not None:
        return [], missing
    from .png import write_pngs

    targets = [png_dir / f"{report.slug}__{chart.chart_id}.png" for chart in report.charts]
    png_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=png_dir, prefix=".render-") as tmp:
        staged = [Path(tmp) / t.name for t in targets]
        try:
            figures = [png_figure(c) for c in report.charts]
            heights = [f.layout.height for f in figures]
            write_pngs(figures, [str(p) for p in staged], width=PNG_WIDTH, heights=heights)
        except Exception as exc:  # kaleido raises its own types (browser crashed...)
            reason = f"{type(exc).__name__}: {exc}".strip()
            log.warning("PNG export of %s skipped: %s", report.slug, reason)
            return [], reason
        for source, target in zip(staged, targets, strict=True):
            os.replace(source, target)
    return targets, None

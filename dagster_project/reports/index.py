"""index.html: every report, the date of the refresh, and the reconciliation status."""

from __future__ import annotations

import html
from pathlib import Path

import duckdb

from ..core.frenchfmt import format_count, format_datetime
from . import queries, reconciliation
from .catalog import REPORTS
from .framework import Report, html_table

SLUG = "index"
TITLE = "Rapports autonomie : entrepôt publié"
UNAVAILABLE = "contrôles de rapprochement : non disponibles"
DETAIL = f"{reconciliation.SLUG}.html"


def build(con: duckdb.DuckDBPyConnection, reports_dir: Path) -> Report:
    info = queries.refresh_info(con)
    published = info.get("published_at")
    status_html, status_line = _reconciliation(con, reports_dir)
    place = queries.territory(con) if queries.table_exists(con, "marts", "rpt_reports__territories") else None
    listing = _listing(reports_dir, place)
    refreshed = format_datetime(published) if published else "date inconnue"
    return Report(
        slug=SLUG,
        title=TITLE,
        intro=(
            "Ces rapports sont recalculés chaque nuit à partir de l'entrepôt publié, après les contrôles. "
            "Chaque chiffre renvoie à son document source et à sa ligne."
        ),
        charts=[],
        refreshed_at=published,
        headline=[
            ("Dernière publication", f"{refreshed} (heure de Paris)"),
            ("Rapprochement", status_line),
            ("Version", f"exécution {info.get('run_id', '?')}, code {info.get('git_commit', '?')}"),
        ],
        extra_html=listing + _downloads(reports_dir, place) + status_html + _nights_kept(),
    )


def _nights_kept() -> str:
    """The previous nights kept for rollback (warehouse/history/), newest first."""
    from ..settings import get_settings
    from ..warehouse.history import list_nights

    settings = get_settings()
    nights = list_nights(settings.warehouse, settings.history_dir)
    if not nights:
        return '<h2>Nuits conservées</h2><p class="note">Aucune nuit précédente conservée.</p>'
    items = "".join(
        f"<li>{html.escape(n.night.isoformat())} — exécution {html.escape(n.run_id)} "
        f'<span class="meta">({html.escape(n.path.name)})</span></li>'
        for n in reversed(nights)
    )
    return (
        f"<h2>Nuits conservées</h2><p>{len(nights)} publication(s) précédente(s), restaurable(s) avec "
        f"<code>autonomy rollback --to AAAA-MM-JJ</code> :</p><ul>{items}</ul>"
    )


def _listing(reports_dir: Path, place: dict | None) -> str:
    items = []
    for spec in REPORTS:
        title = html.escape(spec.title_for(place) if place else spec.title)
        summary = html.escape(spec.summary)
        if (reports_dir / spec.file_name).exists():
            items.append(f'<li><a href="{spec.file_name}">{title}</a><br><span class="meta">{summary}</span></li>')
        else:
            items.append(f'<li>{title} <em>(à venir)</em><br><span class="meta">{summary}</span></li>')
    return f'<h2>Rapports</h2><ul class="reports">{"".join(items)}</ul>'


def _downloads(reports_dir: Path, place: dict | None) -> str:
    """Every CSV export beside the reports (reports/export_format.py): file, form, rows, owning report."""
    from .export_format import FORM_LABELS, downloads

    specs = {spec.slug: spec for spec in REPORTS}
    found = downloads(reports_dir, list(specs))
    if not found:
        return '<h2>Téléchargements</h2><p class="note">Aucun fichier CSV publié.</p>'
    rows = []
    for d in found:
        spec = specs[d.report]
        title = html.escape(spec.title_for(place) if place else spec.title)
        rows.append(
            f'<tr><td><a href="{html.escape(d.name)}" download>{html.escape(d.name)}</a></td><td>{FORM_LABELS[d.form]}</td>'
            f'<td class="num">{format_count(d.rows)}</td><td>{title}</td></tr>'  # the report: linked in the list above
        )
    return (
        "<h2>Téléchargements</h2><p>Tables des rapports en CSV (point-virgule, UTF-8 avec BOM) : « données » donne les "
        "chiffres bruts avec virgule décimale et la provenance de chaque ligne ; « tel qu'imprimé » reprend la mise en "
        'page de la délibération, prête à coller.</p><table><thead><tr><th scope="col">Fichier</th><th scope="col">'
        'Forme</th><th scope="col">Lignes</th><th scope="col">Rapport</th></tr></thead><tbody>'
        f"{''.join(rows)}</tbody></table>"
    )


def _reconciliation(con: duckdb.DuckDBPyConnection, reports_dir: Path) -> tuple[str, str]:
    """(HTML block, one-line summary) of marts.reconciliation_checks, when it exists, in the words
    and counts the run summary prints (reconciliation.status_summary); every discrepancy is
    detailed in reconciliation.html."""
    status = reconciliation.status_summary(con)
    if status is None:
        return f'<h2>Rapprochement</h2><p class="note">{html.escape(UNAVAILABLE.capitalize())}.</p>', UNAVAILABLE
    table = (
        html_table(
            ["Statut", "Sévérité", "Contrôles"],
            [[reconciliation.STATUS_LABELS[s], reconciliation.SEVERITY_LABELS[v], format_count(n)] for s, v, n in status.rows],
            numeric_from=2,
        )
        if status.rows
        else ""
    )
    if status.official:
        table += f"<p>{html.escape(status.official)}.</p>"
    detail = ""
    if (reports_dir / DETAIL).exists():
        detail = f'<p><a href="{DETAIL}">Détail de chaque écart, avec le texte imprimé de sa ligne</a></p>'
    return f"<h2>Rapprochement</h2><p>{html.escape(status.line)}</p>{table}{detail}", status.line

"""CSV exports of the reports' tables, each in two forms, through ONE writer.

- "data" (`<base>.csv`): plain numbers for a spreadsheet: the figures exactly as the marts hold
  them (DECIMAL digits, no rounding, no thousands separator), decimal comma, dates ISO, one row
  per record (no TOTAL row), and the provenance of every row (document and line, or file).
- "as printed" (`<base>_imprime.csv`): the table as the deliberation lays it out, figures written
  by the project formatter (core/frenchfmt.format_plain: `1 234,56 €`, `0,55%`), TOTAL row where
  the document prints one, then a blank row and the source line (pasting the table stops there).

Both: `;`, CRLF, UTF-8 with BOM (French Excel decodes them right). Counts of people under the
disclosure threshold carry the report's own masked text in both forms. File names: `<report>_<table>`
for the refresh's exports, `whatif_<year>_<amount>` for the what-if CLI; `_imprime` marks the
printed form. What each report exports is in exports.py (read from the marts; nothing is
summed or rounded there or here).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from ..core.frenchfmt import format_date, format_month, format_plain
from .framework import Document, Source

PRINTED_SUFFIX = "_imprime"
WHATIF_PREFIX = "whatif_"
FORM_LABELS = {"data": "données (nombres bruts)", "printed": "tel qu'imprimé (mise en page française)"}


@dataclass(frozen=True)
class Masked:
    """A count of people under the threshold: the text the report shows in its place."""

    text: str


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, count, decimal, eur, pct, permille, hours, date, month, bool
    decimals: int | None = None  # as printed (None: the value's own significant digits)
    suffix: str | None = None  # as printed, after the figure (default by kind: " €", " %", " ‰")
    printed: bool = True  # False: provenance columns, in the data form only
    data: bool = True  # False: in the printed form only (e.g. a share rounded for print beside the exact one)


DEFAULT_SUFFIX = {"eur": " €", "pct": " %", "permille": " ‰"}


@dataclass
class Table:
    """One exported table: its records (marts' values), the printed TOTAL row if any, its source."""

    report: str  # slug of the report it belongs to (index.html's "Téléchargements")
    base: str  # file name without .csv
    title: str  # French, what the links say
    columns: list[Column]
    rows: list[list]
    source: str  # the footnote, last line of the printed form
    total: list | None = None  # printed form only, same columns
    chart_id: str | None = None  # the chart whose table it exports: the links go there
    files: dict[str, bytes] = field(init=False)

    def __post_init__(self) -> None:
        for row in [*self.rows, *([self.total] if self.total else [])]:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.base}: row of {len(row)} cells for {len(self.columns)} columns: {row!r}")
        self.files = {self.data_name: data_csv(self), self.printed_name: printed_csv(self)}

    @property
    def data_name(self) -> str:
        return f"{self.base}.csv"

    @property
    def printed_name(self) -> str:
        return f"{self.base}{PRINTED_SUFFIX}.csv"


# ------------------------------------------------------------------ the writer


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """THE CSV writer of every export: `;`, CRLF, UTF-8 with BOM."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def data_cell(value, column: Column) -> str:
    """The mart's value as a spreadsheet reads it: decimal comma, every digit the mart keeps."""
    if value is None:
        return ""
    if isinstance(value, Masked):
        return value.text
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):  # a float would print binary noise (0.1 + 0.2): the marts give DECIMAL
        raise TypeError(f"column {column.header!r}: float {value!r}, expected a DECIMAL from the marts")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def printed_cell(value, column: Column) -> str:
    """The value as the deliberation prints it (format_plain: ordinary spaces, decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, Masked):
        return value.text
    kind = column.kind
    if kind == "month":  # '2024-03' -> 'mars 2024'
        return format_month(value)
    if isinstance(value, str):
        return value
    if kind == "bool":
        return "oui" if value else "non"
    if kind == "date":
        return format_date(value)
    if kind == "count":
        return format_plain(value, 0)
    if kind in ("decimal", "hours", "eur", "pct", "permille"):
        decimals = 2 if kind == "eur" and column.decimals is None else column.decimals
        suffix = column.suffix if column.suffix is not None else DEFAULT_SUFFIX.get(kind, "")
        return f"{format_plain(value, decimals)}{suffix}"
    return str(value)


def data_csv(table: Table) -> bytes:
    keep = [i for i, c in enumerate(table.columns) if c.data]
    return csv_bytes(
        [[table.columns[i].header for i in keep]] + [[data_cell(row[i], table.columns[i]) for i in keep] for row in table.rows]
    )


def printed_csv(table: Table) -> bytes:
    keep = [i for i, c in enumerate(table.columns) if c.printed]
    rows = [[table.columns[i].header for i in keep]]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        rows.append([printed_cell(row[i], table.columns[i]) for i in keep])
    rows += [[], [table.source]]
    return csv_bytes(rows)


# ------------------------------------------------------------------ links


def links_html(table: Table) -> str:
    """The two download links placed under the table they export."""
    rows = len(table.rows)
    return (
        f'<p class="download">Télécharger {html.escape(table.title)}, {rows} ligne{"s" if rows > 1 else ""} : '
        f'<a href="{table.data_name}" download>données</a> ({table.data_name} : nombres bruts, virgule décimale) · '
        f'<a href="{table.printed_name}" download>tel qu\'imprimé</a> ({table.printed_name} : mise en page de la '
        "délibération). Séparateur point-virgule, UTF-8 avec BOM (s'ouvre directement dans Excel).</p>"
    )


# ------------------------------------------------------------------ provenance


def _documents(con: duckdb.DuckDBPyConnection) -> dict[str, Document]:
    from .queries import documents

    return documents(con)


def footnote(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, int]], what: str) -> str:
    """'Source : <what> ; <document citation>, lignes …' for every document among the rows."""
    docs = _documents(con)
    parts = []
    for document_id in sorted({d for d, _ in pairs if d}):
        lines = tuple(line for d, line in pairs if d == document_id and line is not None)
        parts.append(Source(docs[document_id], lines).footnote().removeprefix("Source : ").removesuffix("."))
    return f"Source : {what} ; " + " ; ".join(parts) + "."


PROVENANCE = [Column("Document", printed=False), Column("Ligne du document", "count", printed=False)]


def annex_columns(basis_year: int) -> list[Column]:
    """The first columns of the SAD annex as the deliberation prints them (envelope and what-if)."""
    return [
        Column("Ville"),
        Column("SAD"),
        Column(f"Activité APA {basis_year} (sur 12 mois en heures)", "hours", 2),
        Column(f"Répartition de l'activité {basis_year} (en %)", "pct", 2, "%"),
    ]


# ------------------------------------------------------------------ what lies in reports/


@dataclass(frozen=True)
class Download:
    name: str
    form: str  # "data" or "printed"
    rows: int  # records (the printed form counts its TOTAL row too), header and source line excluded
    report: str  # slug of the owning report


def downloads(reports_dir: Path, slugs: Sequence[str]) -> list[Download]:
    """Every CSV beside the reports that belongs to one of them (its name starts with the report's
    slug; what-if annexes belong to the envelope report), with its form and row count."""
    found = []
    for path in sorted(reports_dir.glob("*.csv")):
        report = "enveloppe" if path.name.startswith(WHATIF_PREFIX) else _owner(path.name, slugs)
        if report is None:
            continue
        form = "printed" if path.stem.endswith(PRINTED_SUFFIX) else "data"
        found.append(Download(path.name, form, _row_count(path), report))
    return found


def _owner(name: str, slugs: Sequence[str]) -> str | None:
    owners = [s for s in slugs if name.startswith(f"{s}_")]
    return max(owners, key=len) if owners else None


def _row_count(path: Path) -> int:
    """Rows after the header, up to the blank row that precedes a printed form's source line."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    body = rows[1:]
    if [] in body:
        body = body[: body.index([])]
    return len(body)


def whatif_links_html(reports_dir: Path) -> str:
    """The what-if annexes `make whatif` wrote beside the reports (listed by name, newest run last)."""
    found = [d for d in downloads(reports_dir, ()) if d.report == "enveloppe" and d.name.startswith(WHATIF_PREFIX)]
    if not found:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(d.name)}" download>{html.escape(d.name)}</a> : {FORM_LABELS[d.form]}, {d.rows} lignes</li>'
        for d in found
    )
    return (
        '<section class="chart" id="simulations_csv" aria-label="Simulations (make whatif)"><h2>Simulations calculées '
        "avec make whatif (annexes CSV)</h2><p>Annexes écrites par <code>make whatif AMOUNT=…</code> à partir de "
        f"l'entrepôt publié ; aucune délibération n'a voté ces montants.</p><ul>{items}</ul></section>"
    )

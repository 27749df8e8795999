"""The declarative catalogue: what to extract from each deliberation, and where.

A *table* entry points at a tab-separated table: its header line (whose text must be exactly
the printed headers, the table's anchor) and its last line. A *prose* entry lists figures that
appear only in running text: each with the line it is printed on and the exact quote, so a
figure can never be read from the wrong place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...core.errors import CatalogueError

CATALOGUE_FILE = "catalogue.yml"
UNITS = {
    "count",
    "pct",
    "ratio",
    "eur",
    "hours",
    "per_1000",
    "eur_per_inhabitant",
    "eur_per_beneficiary",
    "eur_per_hour",
    "months",
    "years",
    "text",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_TOTAL = r"^(TOTAL|Total général)$"


@dataclass(frozen=True)
class Column:
    header: str
    name: str
    type: str  # 'text' | 'number'
    unit: str | None = None
    indicator: str | None = None
    territory: str | None = None
    source: str | None = None
    reference_period: str | None = None


@dataclass(frozen=True)
class RowSpec:
    label: str
    code: str
    unit: str | None = None


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    document_id: str
    title: str
    header_line: int
    last_line: int
    expected_rows: int
    columns: tuple[Column, ...]
    total_pattern: str = DEFAULT_TOTAL
    section_rows: bool = False
    # Indicator semantics (only for tables that feed marts.indicator_values)
    layout: str | None = None  # 'rows_are_indicators' | 'rows_are_territories' | 'rows_are_items'
    rows: tuple[RowSpec, ...] = ()
    territories: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    reference_period: str | None = None

    @property
    def header_text(self) -> str:
        return "\t".join(column.header for column in self.columns)

    @property
    def key_columns(self) -> list[Column]:
        return [column for column in self.columns if column.type == "text"]


@dataclass(frozen=True)
class ProseFigure:
    figure_id: str
    line: int
    quote: str
    number: str | None  # the part of the quote to read as a number
    text: str | None  # or the part of the quote kept as text (codes, dates)
    unit: str
    label: str
    indicator_code: str | None = None
    territory_code: str | None = None
    source: str | None = None
    reference_period: str | None = None


@dataclass(frozen=True)
class ProseSpec:
    table_id: str
    document_id: str
    title: str
    figures: tuple[ProseFigure, ...]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    tables: tuple[TableSpec, ...]
    prose: tuple[ProseSpec, ...]

    def for_document(self, document_id: str) -> tuple[list[TableSpec], list[ProseSpec]]:
        return (
            [t for t in self.tables if t.document_id == document_id],
            [p for p in self.prose if p.document_id == document_id],
        )

    @property
    def table_ids(self) -> list[str]:
        return [t.table_id for t in self.tables] + [p.table_id for p in self.prose]


def load_catalogue(path: Path) -> Catalogue:
    if not path.exists():
        raise CatalogueError("catalogue not found", file=str(path))
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = str(path)
    tables = tuple(_table(entry, where) for entry in data.get("tables") or [])
    prose = tuple(_prose(entry, where) for entry in data.get("prose") or [])
    ids = [t.table_id for t in tables] + [p.table_id for p in prose]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"table_id declared twice: {', '.join(duplicates)}", file=where)
    figure_ids = [f.figure_id for p in prose for f in p.figures]
    duplicates = sorted({i for i in figure_ids if figure_ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"figure_id declared twice: {', '.join(duplicates)}", file=where)
    return Catalogue(path=path, tables=tables, prose=prose)


def _require(entry: dict, keys: tuple[str, ...], where: str, what: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise CatalogueError(f"{what} lacks {', '.join(missing)}", file=where)


def _name(value: str, where: str, what: str) -> str:
    if not _NAME.match(value or ""):
        raise CatalogueError(f"{what} must be snake_case", file=where, value=value)
    return value


def _unit(value: str | None, where: str, what: str) -> str | None:
    if value is not None and value not in UNITS:
        raise CatalogueError(f"{what}: unknown unit (known: {', '.join(sorted(UNITS))})", file=where, value=value)
    return value


def _table(entry: dict, where: str) -> TableSpec:
    what = f"table {entry.get('table_id', '?')!r}"
    _require(entry, ("table_id", "document_id", "title", "header_line", "last_line", "expected_rows", "columns"), where, what)
    columns = []
    for col in entry["columns"]:
        if "header" not in col or "name" not in col:
            raise CatalogueError(f"{what}: every column needs header and name", file=where, value=str(col))
        kind = col.get("type", "number")
        if kind not in ("text", "number"):
            raise CatalogueError(f"{what}: column type must be text or number", file=where, value=kind)
        columns.append(
            Column(
                header=str(col["header"]),
                name=_name(col["name"], where, f"{what} column name"),
                type=kind,
                unit=_unit(col.get("unit"), where, what),
                indicator=col.get("indicator"),
                territory=None if col.get("territory") is None else str(col["territory"]),
                source=col.get("source"),
                reference_period=None if col.get("reference_period") is None else str(col["reference_period"]),
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{what}: two columns share a name", file=where)
    if int(entry["last_line"]) <= int(entry["header_line"]):
        raise CatalogueError(f"{what}: last_line must come after header_line", file=where)
    layout = entry.get("layout")
    if layout not in (None, "rows_are_indicators", "rows_are_territories", "rows_are_items"):
        raise CatalogueError(f"{what}: unknown layout", file=where, value=layout)
    rows = tuple(
        RowSpec(label=str(r["label"]), code=_name(r["code"], where, f"{what} row code"), unit=_unit(r.get("unit"), where, what))
        for r in entry.get("rows") or []
    )
    return TableSpec(
        table_id=_name(entry["table_id"], where, "table_id"),
        document_id=str(entry["document_id"]),
        title=str(entry["title"]),
        header_line=int(entry["header_line"]),
        last_line=int(entry["last_line"]),
        expected_rows=int(entry["expected_rows"]),
        columns=tuple(columns),
        total_pattern=entry.get("total_pattern", DEFAULT_TOTAL),
        section_rows=bool(entry.get("section_rows", False)),
        layout=layout,
        rows=rows,
        territories={str(k): str(v) for k, v in (entry.get("territories") or {}).items()},
        source=entry.get("source"),
        reference_period=None if entry.get("reference_period") is None else str(entry["reference_period"]),
    )


def _prose(entry: dict, where: str) -> ProseSpec:
    what = f"prose {entry.get('table_id', '?')!r}"
    _require(entry, ("table_id", "document_id", "title", "figures"), where, what)
    figures = []
    for fig in entry["figures"]:
        fwhat = f"{what} figure {fig.get('figure_id', '?')!r}"
        _require(fig, ("figure_id", "line", "quote", "unit", "label"), where, fwhat)
        if (fig.get("number") is None) == (fig.get("text") is None):
            raise CatalogueError(f"{fwhat}: give exactly one of number or text", file=where)
        part = fig.get("number") if fig.get("number") is not None else fig.get("text")
        if str(part) not in str(fig["quote"]):
            raise CatalogueError(f"{fwhat}: {part!r} is not part of its quote", file=where, value=str(fig["quote"]))
        figures.append(
            ProseFigure(
                figure_id=_name(fig["figure_id"], where, "figure_id"),
                line=int(fig["line"]),
                quote=str(fig["quote"]),
                number=None if fig.get("number") is None else str(fig["number"]),
                text=None if fig.get("text") is None else str(fig["text"]),
                unit=_unit(fig["unit"], where, fwhat),
                label=str(fig["label"]),
                indicator_code=fig.get("indicator_code"),
                territory_code=None if fig.get("territory_code") is None else str(fig["territory_code"]),
                source=fig.get("source"),
                reference_period=None if fig.get("reference_period") is None else str(fig["reference_period"]),
            )
        )
    return ProseSpec(
        table_id=_name(entry["table_id"], where, "table_id"),
        document_id=str(entry["document_id"]),
        title=str(entry["title"]),
        figures=tuple(figures),
    )

"""The declarative catalogue: what to extract from each deliberation, and where.

A *table* entry points at a tab-separated table and says which *kind* of table it is
(dbt/seeds/deliberations/deliberation_kinds.csv): its header line (whose text must be exactly
the printed headers, the table's anchor), its last line, and a column map from each printed
header to one of the kind's columns. Types and units come from the kind. A *prose* entry lists
figures that appear only in running text: each with the line it is printed on and the exact
quote, so a figure can never be read from the wrong place, and optionally the *role* it plays
(deliberation_figure_roles.csv), what it is about (`subject`) and the figure it repeats
(`copy_of`). Reconciliation rules attach to kinds and roles, so a new deliberation of a known
kind is checked as soon as its entries are written.

Every refusal names the catalogue file, the entry, its line in the file, what was expected and
what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...core.errors import CatalogueError
from .kinds import Kind, load_kinds, load_roles

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
_LINE = "__line__"


@dataclass(frozen=True)
class Column:
    header: str
    name: str  # one of the kind's columns
    type: str  # 'text' | 'number', from the kind
    unit: str | None = None
    year: int | None = None  # for a column the kind prints once per year
    indicator: str | None = None
    territory: str | None = None
    source: str | None = None
    reference_period: str | None = None

    @property
    def key(self) -> str:
        """Unique within a table: the kind's column, and its year when printed once per year."""
        return self.name if self.year is None else f"{self.name}_{self.year}"


@dataclass(frozen=True)
class RowSpec:
    label: str
    code: str | None = None
    unit: str | None = None
    finances: tuple[tuple[str, str], ...] = ()  # (table_id, column) totals a budget line pays for


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    document_id: str
    kind: str
    title: str
    header_line: int
    last_line: int
    expected_rows: int
    columns: tuple[Column, ...]
    total_pattern: str = DEFAULT_TOTAL
    section_rows: bool = False
    layout: str | None = None  # the kind's: 'rows_are_indicators' | 'rows_are_territories' | 'rows_are_items'
    rows: tuple[RowSpec, ...] = ()
    territories: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    reference_period: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    entry_line: int | None = None  # line of the entry in catalogue.yml

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
    role: str | None = None
    subject: str | None = None  # several subjects joined by '|'
    copy_of: str | None = None


@dataclass(frozen=True)
class ProseSpec:
    table_id: str
    document_id: str
    title: str
    figures: tuple[ProseFigure, ...]
    entry_line: int | None = None


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

    def only(self, document_ids: set[str]) -> Catalogue:
        """The entries of the documents a deployment loads (its manifest); the others are ignored."""
        return Catalogue(
            path=self.path,
            tables=tuple(t for t in self.tables if t.document_id in document_ids),
            prose=tuple(p for p in self.prose if p.document_id in document_ids),
        )

    @property
    def table_ids(self) -> list[str]:
        return [t.table_id for t in self.tables] + [p.table_id for p in self.prose]


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line in the file, so that a refusal can point at its entry."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue, checked against the kinds and roles. No file: an empty catalogue (a
    deployment with no deliberation)."""
    if not path.exists():
        return Catalogue(path=path, tables=(), prose=())
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"not valid YAML: {exc}", file=str(path)) from exc
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
    catalogue = Catalogue(path=path, tables=tables, prose=prose)
    _check_references(catalogue)
    return catalogue


def _err(message: str, where: str, entry: dict | None, value=None) -> CatalogueError:
    return CatalogueError(message, file=where, line=(entry or {}).get(_LINE), value=None if value is None else str(value))


def _require(entry: dict, keys: tuple[str, ...], where: str, what: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise _err(f"{what} lacks {', '.join(missing)}", where, entry)


def _name(value: str, where: str, what: str, entry: dict | None = None) -> str:
    if not _NAME.match(str(value or "")):
        raise _err(f"{what} must be snake_case", where, entry, value)
    return value


def _unit(value: str | None, where: str, what: str, entry: dict | None = None) -> str | None:
    if value is not None and value not in UNITS:
        raise _err(f"{what}: unknown unit (known: {', '.join(sorted(UNITS))})", where, entry, value)
    return value


def _kind(entry: dict, where: str, what: str) -> Kind:
    kinds = load_kinds()
    name = entry.get("kind")
    if name not in kinds:
        raise _err(f"{what}: unknown kind {name!r}; expected one of: {', '.join(sorted(kinds))}", where, entry, name)
    return kinds[name]


def _columns(entry: dict, kind: Kind, where: str, what: str) -> tuple[Column, ...]:
    columns = []
    for col in entry["columns"]:
        if "header" not in col or "name" not in col:
            raise _err(f"{what}: every column needs header and name", where, col, {k: v for k, v in col.items() if k != _LINE})
        spec = kind.columns.get(col["name"])
        if spec is None:
            raise _err(
                f"{what}: column {col['header']!r} is mapped to {col['name']!r}, which is not a column of kind {kind.kind!r} "
                f"(expected one of: {', '.join(kind.columns)})",
                where,
                col,
                col["name"],
            )
        for attribute, expected in (("type", spec.type), ("unit", spec.unit)):
            given = col.get(attribute)
            if given is not None and given != expected:
                raise _err(
                    f"{what}: column {col['name']!r} of kind {kind.kind!r} has {attribute} {expected!r}, the entry says {given!r}",
                    where,
                    col,
                    given,
                )
        year = col.get("year")
        if spec.per_year and year is None:
            raise _err(f"{what}: column {col['name']!r} is printed once per year: give its year", where, col, col["header"])
        if not spec.per_year and year is not None:
            raise _err(f"{what}: column {col['name']!r} of kind {kind.kind!r} has no year", where, col, year)
        columns.append(
            Column(
                header=str(col["header"]),
                name=col["name"],
                type=spec.type,
                unit=spec.unit,
                year=None if year is None else int(year),
                indicator=col.get("indicator"),
                territory=None if col.get("territory") is None else str(col["territory"]),
                source=col.get("source"),
                reference_period=None if col.get("reference_period") is None else str(col["reference_period"]),
            )
        )
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise _err(f"{what}: two printed columns are mapped to the same column of the kind", where, entry, ", ".join(twice))
    missing = [name for name in kind.required_columns if name not in {c.name for c in columns}]
    if missing:
        raise _err(
            f"{what}: kind {kind.kind!r} needs the column(s) {', '.join(missing)}; the entry maps "
            f"{', '.join(c.name for c in columns)}",
            where,
            entry,
        )
    return tuple(columns)


def _parameters(entry: dict, kind: Kind, where: str, what: str) -> dict[str, str]:
    given = {k: v for k, v in (entry.get("parameters") or {}).items() if k != _LINE}
    unknown = sorted(set(given) - set(kind.parameters))
    if unknown:
        raise _err(
            f"{what}: kind {kind.kind!r} takes the parameters {', '.join(kind.parameters) or '(none)'}",
            where,
            entry,
            ", ".join(unknown),
        )
    missing = [p for p in kind.parameters if given.get(p) in (None, "")]
    if missing:
        raise _err(f"{what}: kind {kind.kind!r} needs the parameter(s) {', '.join(missing)}", where, entry)
    return {k: str(v) for k, v in given.items()}


def _finances(row: dict, where: str, what: str) -> tuple[tuple[str, str], ...]:
    links = []
    for link in row.get("finances") or []:
        table_id, _, column = str(link).partition(".")
        if not table_id or not column:
            raise _err(f"{what}: `finances` names <table_id>.<column> totals", where, row, link)
        links.append((table_id, column))
    return tuple(links)


def _table(entry: dict, where: str) -> TableSpec:
    what = f"table {entry.get('table_id', '?')!r}"
    _require(
        entry, ("table_id", "document_id", "kind", "title", "header_line", "last_line", "expected_rows", "columns"), where, what
    )
    kind = _kind(entry, where, what)
    if entry.get("layout") not in (None, kind.layout):
        raise _err(f"{what}: kind {kind.kind!r} has layout {kind.layout!r}", where, entry, entry.get("layout"))
    columns = _columns(entry, kind, where, what)
    if int(entry["last_line"]) <= int(entry["header_line"]):
        raise _err(f"{what}: last_line must come after header_line", where, entry, entry["last_line"])
    rows = []
    for r in entry.get("rows") or []:
        code = r.get("code")
        if kind.layout in ("rows_are_indicators", "rows_are_items") and not code:
            raise _err(f"{what}: every row of a {kind.layout} table needs a code", where, r, r.get("label"))
        rows.append(
            RowSpec(
                label=str(r["label"]),
                code=None if code is None else _name(code, where, f"{what} row code", r),
                unit=_unit(r.get("unit"), where, what, r),
                finances=_finances(r, where, what),
            )
        )
    return TableSpec(
        table_id=_name(entry["table_id"], where, "table_id", entry),
        document_id=str(entry["document_id"]),
        kind=kind.kind,
        title=str(entry["title"]),
        header_line=int(entry["header_line"]),
        last_line=int(entry["last_line"]),
        expected_rows=int(entry["expected_rows"]),
        columns=columns,
        total_pattern=entry.get("total_pattern", DEFAULT_TOTAL),
        section_rows=bool(entry.get("section_rows", False)),
        layout=kind.layout,
        rows=tuple(rows),
        territories={str(k): str(v) for k, v in (entry.get("territories") or {}).items() if k != _LINE},
        source=entry.get("source"),
        reference_period=None if entry.get("reference_period") is None else str(entry["reference_period"]),
        parameters=_parameters(entry, kind, where, what),
        entry_line=entry.get(_LINE),
    )


def _subject(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def _prose(entry: dict, where: str) -> ProseSpec:
    what = f"prose {entry.get('table_id', '?')!r}"
    _require(entry, ("table_id", "document_id", "title", "figures"), where, what)
    roles = load_roles()
    figures = []
    for fig in entry["figures"]:
        fwhat = f"{what} figure {fig.get('figure_id', '?')!r}"
        _require(fig, ("figure_id", "line", "quote", "unit", "label"), where, fwhat)
        if (fig.get("number") is None) == (fig.get("text") is None):
            raise _err(f"{fwhat}: give exactly one of number or text", where, fig)
        part = fig.get("number") if fig.get("number") is not None else fig.get("text")
        if str(part) not in str(fig["quote"]):
            raise _err(f"{fwhat}: {part!r} is not part of its quote", where, fig, fig["quote"])
        unit = _unit(fig["unit"], where, fwhat, fig)
        role = fig.get("role")
        if role is not None:
            if role not in roles:
                raise _err(f"{fwhat}: unknown role; expected one of: {', '.join(sorted(roles))}", where, fig, role)
            if roles[role].unit != unit:
                raise _err(
                    f"{fwhat}: role {role!r} is a figure in {roles[role].unit!r}, the entry says {unit!r}", where, fig, unit
                )
            if (roles[role].subject != "none") != (fig.get("subject") is not None):
                expected = f"a subject ({roles[role].subject})" if roles[role].subject != "none" else "no subject"
                raise _err(f"{fwhat}: role {role!r} takes {expected}", where, fig, fig.get("subject"))
        figures.append(
            ProseFigure(
                figure_id=_name(fig["figure_id"], where, "figure_id", fig),
                line=int(fig["line"]),
                quote=str(fig["quote"]),
                number=None if fig.get("number") is None else str(fig["number"]),
                text=None if fig.get("text") is None else str(fig["text"]),
                unit=unit,
                label=str(fig["label"]),
                indicator_code=fig.get("indicator_code"),
                territory_code=None if fig.get("territory_code") is None else str(fig["territory_code"]),
                source=fig.get("source"),
                reference_period=None if fig.get("reference_period") is None else str(fig["reference_period"]),
                role=role,
                subject=_subject(fig.get("subject")),
                copy_of=fig.get("copy_of"),
            )
        )
    return ProseSpec(
        table_id=_name(entry["table_id"], where, "table_id", entry),
        document_id=str(entry["document_id"]),
        title=str(entry["title"]),
        figures=tuple(figures),
        entry_line=entry.get(_LINE),
    )


def _check_references(catalogue: Catalogue) -> None:
    """copy_of, table subjects and budget links must name entries of the same document."""
    where = str(catalogue.path)
    tables = {t.table_id: t for t in catalogue.tables}
    roles = load_roles()
    for spec in catalogue.prose:
        figures = {f.figure_id: f for p in catalogue.prose if p.document_id == spec.document_id for f in p.figures}
        for fig in spec.figures:
            what = f"prose {spec.table_id!r} figure {fig.figure_id!r}"
            if fig.copy_of is not None and fig.copy_of not in figures:
                raise CatalogueError(
                    f"{what}: copy_of names no figure of the same document", file=where, line=spec.entry_line, value=fig.copy_of
                )
            if fig.role and roles[fig.role].subject == "table":
                for table_id in fig.subject.split("|"):
                    if tables.get(table_id) is None or tables[table_id].document_id != spec.document_id:
                        raise CatalogueError(
                            f"{what}: subject names no table of the same document",
                            file=where,
                            line=spec.entry_line,
                            value=table_id,
                        )
    for spec in catalogue.tables:
        for row in spec.rows:
            for table_id, column in row.finances:
                target = tables.get(table_id)
                if target is None or target.document_id != spec.document_id or column not in {c.key for c in target.columns}:
                    raise CatalogueError(
                        f"table {spec.table_id!r} row {row.label!r}: `finances` names no column of a table of the same document",
                        file=where,
                        line=spec.entry_line,
                        value=f"{table_id}.{column}",
                    )

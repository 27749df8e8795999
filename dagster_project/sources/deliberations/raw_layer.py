"""The raw layer: verify every deliberation, extract the catalogue, write it in one transaction.

Nothing is written unless every document matches its manifest hash and every catalogue
entry extracts cleanly: the raw schema never mixes an old and a new reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from ...core.errors import CatalogueError
from ...core.faults import fault_point
from ...warehouse.connections import connect_work, replace_table
from .catalogue import Catalogue, load_catalogue
from .extract import TableExtract, extract_prose, extract_table
from .manifest import Document, check_departments, load_manifest, read_lines, verify_document
from .register import COMMENTS as REGISTER_COMMENTS
from .register import register_table

RAW_SCHEMA = "raw"
VALUE_TYPE = pa.decimal128(18, 4)
_MAX_DECIMALS = 4

DOCUMENTS_SCHEMA = pa.schema(
    [
        ("document_id", pa.string()),
        ("slug", pa.string()),
        ("file", pa.string()),
        ("sha256", pa.string()),
        ("title", pa.string()),
        ("collectivity", pa.string()),
        ("department_code", pa.string()),
        ("body", pa.string()),
        ("deliberation_date", pa.date32()),
        ("deliberation_number", pa.string()),
        ("line_count", pa.int32()),
        ("byte_count", pa.int64()),
    ]
)
LINES_SCHEMA = pa.schema([("document_id", pa.string()), ("source_line", pa.int32()), ("text", pa.string())])
CELLS_SCHEMA = pa.schema(
    [
        ("document_id", pa.string()),
        ("table_id", pa.string()),
        ("kind", pa.string()),
        ("source_line", pa.int32()),
        ("row_number", pa.int32()),
        ("row_label", pa.string()),
        ("section", pa.string()),
        ("is_total", pa.bool_()),
        ("column_index", pa.int16()),
        ("column_header", pa.string()),
        ("column_name", pa.string()),
        ("kind_column", pa.string()),
        ("column_year", pa.int16()),
        ("raw_text", pa.string()),
        ("value", VALUE_TYPE),
        ("text_value", pa.string()),
        ("printed_unit", pa.string()),
        ("printed_decimals", pa.int8()),
        ("indicator_code", pa.string()),
        ("indicator_label", pa.string()),
        ("territory_code", pa.string()),
        ("unit", pa.string()),
        ("source", pa.string()),
        ("reference_period", pa.string()),
    ]
)
PROSE_SCHEMA = pa.schema(
    [
        ("document_id", pa.string()),
        ("table_id", pa.string()),
        ("figure_id", pa.string()),
        ("source_line", pa.int32()),
        ("quote", pa.string()),
        ("raw_text", pa.string()),
        ("value", VALUE_TYPE),
        ("text_value", pa.string()),
        ("printed_unit", pa.string()),
        ("printed_decimals", pa.int8()),
        ("unit", pa.string()),
        ("label", pa.string()),
        ("indicator_code", pa.string()),
        ("territory_code", pa.string()),
        ("source", pa.string()),
        ("reference_period", pa.string()),
        ("role", pa.string()),
        ("subject", pa.string()),
        ("copy_of", pa.string()),
    ]
)
CATALOGUE_SCHEMA = pa.schema(
    [
        ("table_id", pa.string()),
        ("document_id", pa.string()),
        ("entry_type", pa.string()),
        ("kind", pa.string()),
        ("title", pa.string()),
        ("header_line", pa.int32()),
        ("last_line", pa.int32()),
        ("expected_rows", pa.int32()),
        ("row_count", pa.int32()),
        ("column_count", pa.int32()),
        ("entry_line", pa.int32()),
    ]
)
PARAMETERS_SCHEMA = pa.schema([("table_id", pa.string()), ("parameter", pa.string()), ("value", pa.string())])
LINKS_SCHEMA = pa.schema(
    [
        ("document_id", pa.string()),
        ("table_id", pa.string()),
        ("source_line", pa.int32()),
        ("row_label", pa.string()),
        ("finances_table_id", pa.string()),
        ("finances_column", pa.string()),
    ]
)
# Column comments of the raw tables (DuckDB comments, copied into the published file).
_COMMENTS = {
    "document_id": "Deliberation file name without extension",
    "table_id": "Catalogue table (or prose group) the figure belongs to",
    "source_line": "1-based line of the figure in the raw deliberation file",
    "row_number": "Position of the row in the printed table (1 = first row after the header)",
    "row_label": "The row's text cells as printed, joined by ' / '",
    "section": "Section heading printed above the row, if any",
    "is_total": "True for the printed TOTAL / Total général row",
    "column_index": "1-based position of the column in the printed table",
    "column_header": "Column header exactly as printed",
    "column_name": "Column of the table: its kind's column, with _<year> for a column printed once per year",
    "kind": "Kind of the table (reference.deliberation_kinds)",
    "kind_column": "Column of the kind the printed header is mapped to (reference.deliberation_kind_columns)",
    "column_year": "Year of a column the kind prints once per year (NULL otherwise)",
    "role": "Role the prose figure plays (reference.deliberation_figure_roles): what the checks compare it with",
    "subject": "What the figure is about, for roles that take one: a printed row label, table ids (joined by |), an instalment",
    "copy_of": "The figure of the same document this one repeats (compared with it)",
    "raw_text": "The figure's text exactly as printed",
    "value": "Parsed number (NULL for an empty cell, '-' or '- €', or a text figure)",
    "text_value": "The figure as text, for text columns and text figures (codes, due dates)",
    "printed_unit": "'%' or '€' when printed next to the number",
    "printed_decimals": "Digits printed after the decimal comma (the printed precision)",
    "indicator_code": "Indicator the figure publishes, when it feeds marts.indicator_values",
    "indicator_label": "Indicator label as printed (without its source and period)",
    "territory_code": "COG code of the territory the figure is about (a département, 'FR', a région as R + its code)",
    "unit": "What the number measures (count, pct, per_1000, eur, ...)",
    "source": "Producer named in the document (INSEE, DREES, CNSA, CNAF, MDPH, ARS, Département)",
    "reference_period": "Reference period as printed ('2022', 'T2_2024', '31/12/2023')",
    "figure_id": "Catalogue identifier of the prose figure",
    "quote": "Exact quote containing the figure (extraction fails if it is not at that line)",
    "label": "Label of the figure in French, for reports",
}
_DOCUMENTS_COMMENTS = {
    "document_id": "File name without extension (the provenance key used everywhere)",
    "slug": "Short name of the deliberation (collectivity, body, number)",
    "file": "File name in raw/deliberations/",
    "sha256": "SHA-256 of the file, equal to the manifest's (ingestion refuses anything else)",
    "title": "Title of the deliberation as printed",
    "collectivity": "Département that published it",
    "department_code": "COG code of that département (checked against the COG)",
    "body": "Deliberating body (Commission permanente, Conseil départemental)",
    "deliberation_date": "Date of the meeting",
    "deliberation_number": "Deliberation (or report) number as printed",
    "line_count": "Number of lines in the file",
    "byte_count": "Size of the file in bytes",
}
_LINES_COMMENTS = {
    "document_id": "Deliberation file name without extension",
    "source_line": "1-based line number in the raw file",
    "text": "The line as printed (tabs kept)",
}
_CATALOGUE_COMMENTS = {
    "table_id": "Catalogue identifier of the table or prose group",
    "document_id": "Deliberation file name without extension",
    "entry_type": "table or prose",
    "kind": "Kind of the table (reference.deliberation_kinds); NULL for a prose group",
    "column_count": "Printed columns of the table mapped by the catalogue",
    "entry_line": "Line of the entry in catalogue.yml",
    "title": "Title of the table or prose group (French)",
    "header_line": "1-based line of the printed header (tables)",
    "last_line": "1-based last line of the table",
    "expected_rows": "Data rows (or figures) the catalogue expects",
    "row_count": "Rows actually extracted (including the TOTAL row)",
}
_DESCRIPTIONS = {
    "documents": "One row per deliberation, as declared in manifest.yml, with its verified sha256",
    "document_lines": "Every line of every deliberation, as printed (1-based line numbers)",
    "deliberation_cells": "Every cell of every catalogue table, with its raw text, parsed value and provenance",
    "prose_figures": "Every figure printed in prose, with the exact quote and its line",
    "catalogue_entries": "The catalogue entries (tables and prose groups) with their kinds, lines and row counts",
    "catalogue_parameters": "The parameters of each catalogue table (those its kind takes: years, measure)",
    "catalogue_row_links": "The totals each budget line pays for, as the catalogue says (rows: finances)",
    "acknowledged_discrepancies": (
        "The register of reviewed discrepancies (raw/acknowledged_discrepancies.yml), one row per entry, both figures pinned"
    ),
}


@dataclass
class RawLoad:
    documents: list[Document]
    catalogue: Catalogue | None = None  # the entries of the listed documents
    tables: dict[str, TableExtract] = field(default_factory=dict)
    prose: dict[str, list[dict]] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)
    acknowledged: list[dict] = field(default_factory=list)  # raw/acknowledged_discrepancies.yml (register.py)

    @property
    def row_counts(self) -> dict[str, int]:
        counts = {t: len(x.rows) for t, x in self.tables.items()}
        counts.update({t: len(rows) for t, rows in self.prose.items()})
        return counts


def read_deliberations(deliberations_dir: Path, catalogue_path: Path, cog_departments: set[str] | None = None) -> RawLoad:
    """Verify hashes and extract everything, in memory. Raises on the first problem.

    The manifest lists what the deployment loads: catalogue entries of documents it does not
    list are ignored, a listed document that is missing is refused. cog_departments, when given,
    are the COG's département codes every document's département must be one of."""
    documents = load_manifest(deliberations_dir)
    if cog_departments is not None:
        check_departments(documents, cog_departments, deliberations_dir)
    catalogue = load_catalogue(catalogue_path).only({d.document_id for d in documents})
    _check_one_annex_per_year(catalogue, documents)
    load = RawLoad(documents=documents, catalogue=catalogue)
    for document in documents:
        path = verify_document(deliberations_dir, document)
        lines = read_lines(path)
        load.lines[document.document_id] = lines
        tables, prose = catalogue.for_document(document.document_id)
        for spec in tables:
            load.tables[spec.table_id] = extract_table(spec, lines, str(path))
        for spec in prose:
            load.prose[spec.table_id] = extract_prose(spec, lines, str(path))
    return load


def _check_one_annex_per_year(catalogue: Catalogue, documents: list[Document]) -> None:
    """Two envelope annexes for one département and year would split one envelope twice."""
    department = {d.document_id: d.department_code for d in documents}
    seen: dict[tuple[str, str], str] = {}
    for spec in catalogue.tables:
        if spec.kind != "sad_envelope_annex":
            continue
        key = (department[spec.document_id], spec.parameters["envelope_year"])
        if key in seen:
            raise CatalogueError(
                f"tables {seen[key]!r} and {spec.table_id!r} are both the envelope annex of département {key[0]} "
                f"for {key[1]}: keep the one the département adopted (a corrected deliberation replaces the other)",
                file=str(catalogue.path),
                line=spec.entry_line,
                value=spec.table_id,
            )
        seen[key] = spec.table_id


def write_raw_layer(work_db: Path, load: RawLoad) -> dict[str, int]:
    """Replace the whole raw layer of the deliberations in one transaction."""
    catalogue = load.catalogue
    payload: list[tuple[str, pa.Table, dict[str, str], str]] = [
        ("documents", _documents_table(load), _DOCUMENTS_COMMENTS, _DESCRIPTIONS["documents"]),
        ("document_lines", _lines_table(load), _LINES_COMMENTS, _DESCRIPTIONS["document_lines"]),
        ("deliberation_cells", _cells_table(load), _COMMENTS, _DESCRIPTIONS["deliberation_cells"]),
        ("prose_figures", _prose_table(load), _COMMENTS, _DESCRIPTIONS["prose_figures"]),
        ("catalogue_entries", _catalogue_table(catalogue, load), _CATALOGUE_COMMENTS, _DESCRIPTIONS["catalogue_entries"]),
        (
            "catalogue_parameters",
            _parameters_table(catalogue),
            {"table_id": _COMMENTS["table_id"], "parameter": "Parameter of the table's kind", "value": "Its value, as written"},
            _DESCRIPTIONS["catalogue_parameters"],
        ),
        (
            "catalogue_row_links",
            pa.Table.from_pylist([link for x in load.tables.values() for link in x.links], schema=LINKS_SCHEMA),
            {
                **_COMMENTS,
                "finances_table_id": "Table whose printed TOTAL the budget line pays for",
                "finances_column": "Column of that table",
            },
            _DESCRIPTIONS["catalogue_row_links"],
        ),
        (
            "acknowledged_discrepancies",
            register_table(load.acknowledged),
            {
                **REGISTER_COMMENTS,
                "acknowledged_by": "Who reviewed the discrepancy",
                "acknowledged_on": "When it was reviewed (as written in the register)",
            },
            _DESCRIPTIONS["acknowledged_discrepancies"],
        ),
    ]
    counts = {}
    with connect_work(work_db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for index, (name, table, comments, description) in enumerate(payload):
                replace_table(con, RAW_SCHEMA, name, table, comments, description)
                counts[name] = table.num_rows
                if index == len(payload) // 2:
                    fault_point("raw_ingestion")  # half the raw schema written, not committed
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return counts


def _documents_table(load: RawLoad) -> pa.Table:
    rows = []
    for d in load.documents:
        lines = load.lines[d.document_id]
        rows.append(
            {
                "document_id": d.document_id,
                "slug": d.slug,
                "file": d.file,
                "sha256": d.sha256,
                "title": d.title,
                "collectivity": d.collectivity,
                "department_code": d.department_code,
                "body": d.body,
                "deliberation_date": d.date,
                "deliberation_number": d.deliberation_number,
                "line_count": len(lines) - (1 if lines and lines[-1] == "" else 0),
                "byte_count": len("\n".join(lines).encode("utf-8")),
            }
        )
    return pa.Table.from_pylist(rows, schema=DOCUMENTS_SCHEMA)


def _lines_table(load: RawLoad) -> pa.Table:
    rows = [
        {"document_id": doc, "source_line": number, "text": text}
        for doc, lines in load.lines.items()
        for number, text in enumerate(lines[:-1] if lines and lines[-1] == "" else lines, start=1)
    ]
    return pa.Table.from_pylist(rows, schema=LINES_SCHEMA)


def _checked(value: Decimal | None, where: str) -> Decimal | None:
    if value is not None and -value.as_tuple().exponent > _MAX_DECIMALS:
        raise CatalogueError(f"more than {_MAX_DECIMALS} decimals cannot be stored exactly", file=where, value=str(value))
    return value


def _cells_table(load: RawLoad) -> pa.Table:
    rows = []
    for extract in load.tables.values():
        for cell in extract.cells:
            row = {name: cell.get(name) for name in CELLS_SCHEMA.names}
            row["value"] = _checked(row["value"], cell["document_id"])
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=CELLS_SCHEMA)


def _prose_table(load: RawLoad) -> pa.Table:
    rows = [fig for figures in load.prose.values() for fig in figures]
    return pa.Table.from_pylist(rows, schema=PROSE_SCHEMA)


def _catalogue_table(catalogue: Catalogue, load: RawLoad) -> pa.Table:
    rows = [
        {
            "table_id": t.table_id,
            "document_id": t.document_id,
            "entry_type": "table",
            "kind": t.kind,
            "title": t.title,
            "header_line": t.header_line,
            "last_line": t.last_line,
            "expected_rows": t.expected_rows,
            "row_count": len(load.tables[t.table_id].rows),
            "column_count": len(t.columns),
            "entry_line": t.entry_line,
        }
        for t in catalogue.tables
    ] + [
        {
            "table_id": p.table_id,
            "document_id": p.document_id,
            "entry_type": "prose",
            "kind": None,
            "title": p.title,
            "header_line": None,
            "last_line": None,
            "expected_rows": len(p.figures),
            "row_count": len(load.prose[p.table_id]),
            "column_count": None,
            "entry_line": p.entry_line,
        }
        for p in catalogue.prose
    ]
    return pa.Table.from_pylist(rows, schema=CATALOGUE_SCHEMA)


def _parameters_table(catalogue: Catalogue) -> pa.Table:
    rows = [
        {"table_id": t.table_id, "parameter": name, "value": value}
        for t in catalogue.tables
        for name, value in t.parameters.items()
    ]
    return pa.Table.from_pylist(rows, schema=PARAMETERS_SCHEMA)

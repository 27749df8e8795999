"""Extraction of catalogue tables and prose figures from a deliberation's lines.

Pure functions: lines in, rows out, each row carrying its document and 1-based line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...core.errors import CatalogueError
from ...core.frenchnum import FrenchNumberError, Where, parse_french_number
from .catalogue import ProseSpec, TableSpec

_SEPARATOR = re.compile(r"^[-\t ]+$")
_LABEL_SOURCE = re.compile(r"^(?P<label>.*?)\s*\((?P<source>[A-Z]+),\s*(?P<period>[^()]+)\)\s*$")
_INDICATOR_FIELDS = ("indicator_code", "indicator_label", "territory_code", "unit", "source", "reference_period")


@dataclass
class TableExtract:
    spec: TableSpec
    rows: list[dict]  # one dict per table row (wide), in printed order
    cells: list[dict]  # one dict per cell (long), with provenance
    links: list[dict]  # one dict per (budget row, total it finances), from the catalogue's rows


def extract_table(spec: TableSpec, lines: list[str], file: str) -> TableExtract:
    n_lines = len(lines) - (1 if lines and lines[-1] == "" else 0)
    if spec.last_line > n_lines:
        raise CatalogueError(
            f"table {spec.table_id!r} ends at line {spec.last_line}, past the end of the document ({n_lines} lines)",
            file=file,
            line=spec.last_line,
        )
    header = lines[spec.header_line - 1]
    if header != spec.header_text:
        raise CatalogueError(
            f"table {spec.table_id!r}: its header (the table's anchor) is not at line {spec.header_line}"
            + _found_elsewhere(spec.header_text, lines),
            file=file,
            line=spec.header_line,
            value=header[:200],
        )
    total = re.compile(spec.total_pattern)
    rows: list[dict] = []
    cells: list[dict] = []
    links: list[dict] = []
    section = None
    row_specs = {r.label: r for r in spec.rows}
    seen_labels: set[str] = set()
    for line_no in range(spec.header_line + 1, spec.last_line + 1):
        text = lines[line_no - 1]
        if not text.strip() or _SEPARATOR.match(text):
            continue
        parts = text.split("\t")
        if len(parts) != len(spec.columns):
            raise CatalogueError(
                f"table {spec.table_id!r}: {len(parts)} cells where the header has {len(spec.columns)} "
                "(a shifted or missing column?)",
                file=file,
                line=line_no,
                value=text[:200],
            )
        texts = [p.strip() for p in parts]
        keys = [t for t, c in zip(texts, spec.columns) if c.type == "text" and t]
        numbers_empty = all(not t for t, c in zip(texts, spec.columns) if c.type == "number")
        if spec.section_rows and numbers_empty and len(keys) == 1:
            section = keys[0]
            continue
        is_total = any(total.match(t) for t, c in zip(texts, spec.columns) if c.type == "text" and t)
        row_label = " / ".join(keys)
        row = {
            "source_line": line_no,
            "row_number": len(rows) + 1,
            "row_label": row_label,
            "section": section,
            "is_total": is_total,
        }
        row_spec = None if is_total else row_specs.get(keys[0] if keys else "")
        if row_spec is not None:
            seen_labels.add(row_spec.label)
            links += [
                {
                    "document_id": spec.document_id,
                    "table_id": spec.table_id,
                    "source_line": line_no,
                    "row_label": row_label,
                    "finances_table_id": table_id,
                    "finances_column": column,
                }
                for table_id, column in row_spec.finances
            ]
        if spec.layout in ("rows_are_indicators", "rows_are_items") and not is_total and row_spec is None:
            raise CatalogueError(
                f"table {spec.table_id!r}: row label not declared in the catalogue's rows",
                file=file,
                line=line_no,
                column=spec.columns[0].header,
                value=keys[0] if keys else "",
            )
        for index, (raw, column) in enumerate(zip(parts, spec.columns), start=1):
            cell = {
                "document_id": spec.document_id,
                "table_id": spec.table_id,
                "kind": spec.kind,
                "source_line": line_no,
                "row_number": row["row_number"],
                "row_label": row_label,
                "section": section,
                "is_total": is_total,
                "column_index": index,
                "column_header": column.header,
                "column_name": column.key,
                "kind_column": column.name,
                "column_year": column.year,
                "raw_text": raw,
                "value": None,
                "text_value": None,
                "printed_unit": None,
                "printed_decimals": None,
                **dict.fromkeys(_INDICATOR_FIELDS),
            }
            if column.type == "text":
                row[column.key] = raw.strip() or None
                cell["text_value"] = raw.strip() or None
            else:
                where = Where(file, line_no, column.header)
                try:
                    parsed = parse_french_number(raw, where)
                except FrenchNumberError as exc:
                    raise CatalogueError(
                        f"table {spec.table_id!r}: not a number ({exc.reason})",
                        file=file,
                        line=line_no,
                        column=column.header,
                        value=raw,
                    ) from exc
                unit = (row_spec.unit if row_spec else None) or column.unit
                if parsed is not None and parsed.unit and unit not in _allowed_units(parsed.unit):
                    raise CatalogueError(
                        f"table {spec.table_id!r}: a {parsed.unit!r} figure where the catalogue expects unit {unit!r} "
                        "(a shifted column?)",
                        file=file,
                        line=line_no,
                        column=column.header,
                        value=raw,
                    )
                row[column.key] = None if parsed is None else parsed.value
                cell.update(
                    value=None if parsed is None else parsed.value,
                    printed_unit=None if parsed is None else parsed.unit,
                    printed_decimals=None if parsed is None else parsed.decimals,
                    unit=unit,
                )
                cell.update(_indicator(spec, column, row_spec, texts, is_total, file, line_no))
            cells.append(cell)
        rows.append(row)
    data_rows = sum(1 for r in rows if not r["is_total"])
    if data_rows != spec.expected_rows:
        raise CatalogueError(
            f"table {spec.table_id!r}: {data_rows} data rows between lines {spec.header_line} and "
            f"{spec.last_line}, the catalogue expects {spec.expected_rows}",
            file=file,
            line=spec.header_line,
        )
    missing = [r.label for r in spec.rows if r.label not in seen_labels]
    if missing:
        raise CatalogueError(f"table {spec.table_id!r}: declared rows not found: {missing}", file=file, line=spec.header_line)
    return TableExtract(spec=spec, rows=rows, cells=cells, links=links)


def _allowed_units(marker: str) -> set[str | None]:
    if marker == "%":
        return {"pct"}
    return {"eur", "eur_per_inhabitant", "eur_per_beneficiary", "eur_per_hour"}


def _indicator(spec: TableSpec, column, row_spec, texts, is_total, file, line_no) -> dict:
    """Indicator semantics of one numeric cell, from the catalogue; empty when the table has none."""
    if spec.layout is None:
        return {}
    label = texts[0]
    source, period = column.source or spec.source, column.reference_period or spec.reference_period
    if spec.layout == "rows_are_indicators":
        match = _LABEL_SOURCE.match(label)
        if match:
            label, source, period = match["label"], match["source"], match["period"].strip()
        return {
            "indicator_code": row_spec.code,
            "indicator_label": label,
            "territory_code": column.territory,
            "unit": row_spec.unit or column.unit,
            "source": source,
            "reference_period": period,
        }
    if spec.layout == "rows_are_territories":
        territory = spec.territories.get(label)
        if territory is None:
            raise CatalogueError(
                f"table {spec.table_id!r}: territory not declared in the catalogue's territories",
                file=file,
                line=line_no,
                column=spec.columns[0].header,
                value=label,
            )
        return {
            "indicator_code": column.indicator,
            "indicator_label": column.header,
            "territory_code": territory,
            "unit": column.unit,
            "source": source,
            "reference_period": period,
        }
    # rows_are_items: one indicator per (item, column)
    if is_total:
        return {}
    return {
        "indicator_code": f"{column.indicator}__{row_spec.code}",
        "indicator_label": f"{column.header} – {label}",
        "territory_code": column.territory,
        "unit": column.unit,
        "source": source,
        "reference_period": period,
    }


def _found_elsewhere(needle: str, lines: list[str]) -> str:
    hits = [i + 1 for i, text in enumerate(lines) if text == needle]
    if hits:
        return f"; it is printed at line {hits[0]}: update header_line and last_line in the catalogue"
    first = needle.split("\t")[0]
    near = [i + 1 for i, text in enumerate(lines) if first and text.startswith(first + "\t")]
    if near:
        return f"; a similar header starts at line {near[0]} but its columns differ"
    return "; it is not printed anywhere in the document"


def extract_prose(spec: ProseSpec, lines: list[str], file: str) -> list[dict]:
    n_lines = len(lines) - (1 if lines and lines[-1] == "" else 0)
    out = []
    for fig in spec.figures:
        if fig.line > n_lines:
            raise CatalogueError(
                f"figure {fig.figure_id!r} points at line {fig.line}, past the end of the document ({n_lines} lines)",
                file=file,
                line=fig.line,
            )
        text = lines[fig.line - 1]
        if fig.quote not in text:
            hits = [i + 1 for i, t in enumerate(lines) if fig.quote in t]
            hint = f"; the quote is printed at line {hits[0]}" if hits else "; the quote is not printed anywhere"
            raise CatalogueError(
                f"figure {fig.figure_id!r}: quote {fig.quote!r} not found at its line{hint}",
                file=file,
                line=fig.line,
                value=text[:200],
            )
        value: Decimal | None = None
        decimals = None
        unit_marker = None
        if fig.number is not None:
            try:
                parsed = parse_french_number(fig.number, Where(file, fig.line, fig.figure_id))
            except FrenchNumberError as exc:
                raise CatalogueError(
                    f"figure {fig.figure_id!r}: not a number ({exc.reason})",
                    file=file,
                    line=fig.line,
                    column=fig.figure_id,
                    value=fig.number,
                ) from exc
            if parsed is None:
                raise CatalogueError(
                    f"figure {fig.figure_id!r}: the number part is empty", file=file, line=fig.line, value=fig.number
                )
            value, decimals, unit_marker = parsed.value, parsed.decimals, parsed.unit
        out.append(
            {
                "document_id": spec.document_id,
                "table_id": spec.table_id,
                "figure_id": fig.figure_id,
                "source_line": fig.line,
                "quote": fig.quote,
                "raw_text": fig.number if fig.number is not None else fig.text,
                "value": value,
                "text_value": fig.text,
                "printed_unit": unit_marker,
                "printed_decimals": decimals,
                "unit": fig.unit,
                "label": fig.label,
                "indicator_code": fig.indicator_code,
                "territory_code": fig.territory_code,
                "source": fig.source,
                "reference_period": fig.reference_period,
                "role": fig.role,
                "subject": fig.subject,
                "copy_of": fig.copy_of,
            }
        )
    return out

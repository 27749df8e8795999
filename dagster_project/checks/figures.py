"""Printed figures with their provenance, as the checks read them from the work database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb


@dataclass(frozen=True)
class Figure:
    """One printed figure: its value, printed precision and where it is printed."""

    value: Decimal | None
    decimals: int | None
    document_id: str
    source_line: int | None
    table_id: str
    measure: str  # the column header (or prose label) as printed
    row_label: str | None = None
    unit: str | None = None


@dataclass
class Row:
    source_line: int
    row_label: str
    is_total: bool
    cells: dict[str, Figure] = field(default_factory=dict)
    indicator_codes: dict[str, str] = field(default_factory=dict)  # column_name -> indicator code


@dataclass
class Printed:
    """Everything the deliberations print, indexed for the rules, and the database our own
    computations (marts) are read from."""

    tables: dict[str, list[Row]]
    prose: dict[str, Figure]
    header_lines: dict[str, int]
    con: duckdb.DuckDBPyConnection | None = None

    def rows(self, table_id: str) -> list[Row]:
        return [r for r in self.tables[table_id] if not r.is_total]

    def total(self, table_id: str) -> Row:
        totals = [r for r in self.tables[table_id] if r.is_total]
        if len(totals) != 1:
            raise LookupError(f"table {table_id!r} has {len(totals)} total rows")
        return totals[0]

    def indicator(self, table_id: str, code: str, territory: str | None = None) -> Figure:
        for row in self.tables[table_id]:
            for column, figure in row.cells.items():
                if row.indicator_codes.get(column) == code and (territory is None or figure_territory(row, column) == territory):
                    return figure
        raise LookupError(f"indicator {code!r} not in table {table_id!r}")


def figure_territory(row: Row, column: str) -> str | None:
    return row.indicator_codes.get(f"{column}@territory")


def load_printed(con: duckdb.DuckDBPyConnection) -> Printed:
    cells = con.execute(
        """
        SELECT table_id, document_id, source_line, row_label, is_total, column_name, column_header,
               value, printed_decimals, unit, indicator_code, territory_code
        FROM staging.stg_deliberations__cells
        ORDER BY table_id, source_line, column_index
        """
    ).fetchall()
    tables: dict[str, list[Row]] = {}
    by_line: dict[tuple[str, int], Row] = {}
    for table_id, document_id, line, label, is_total, column, header, value, decimals, unit, code, territory in cells:
        key = (table_id, line)
        if key not in by_line:
            by_line[key] = Row(source_line=line, row_label=label, is_total=bool(is_total))
            tables.setdefault(table_id, []).append(by_line[key])
        row = by_line[key]
        row.cells[column] = Figure(value, decimals, document_id, line, table_id, header, label, unit)
        if code:
            row.indicator_codes[column] = code
            row.indicator_codes[f"{column}@territory"] = territory
    prose = {
        figure_id: Figure(value, decimals, document_id, line, table_id, label, None, unit)
        for figure_id, value, decimals, document_id, line, table_id, label, unit in con.execute(
            """
            SELECT figure_id, value, printed_decimals, document_id, source_line, table_id, label, unit
            FROM staging.stg_deliberations__prose_figures
            """
        ).fetchall()
    }
    header_lines = dict(
        con.execute("SELECT table_id, header_line FROM staging.stg_deliberations__catalogue_entries").fetchall()
    )
    return Printed(tables=tables, prose=prose, header_lines=header_lines, con=con)

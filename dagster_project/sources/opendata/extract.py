"""Read the official spreadsheets into cells that keep their provenance; no arithmetic here.

Every value becomes one row: publication, edition, file, sha256, sheet, the cell as a spreadsheet
shows it (`Tab4-pa!V68`), the territory of its row and the header of its column as printed, and
the raw cell. dbt types, names and sums them (dbt/models/staging/insee/, staging/drees/).

Spreadsheets are read with fastexcel (calamine: .xls, .xlsx, .ods). A sheet whose header is not
where its layout says, or a cell that is neither a number nor a publisher's missing-value marker,
is refused with file, sheet, cell and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import fastexcel
import polars as pl

from ...core.errors import InputError
from .manifest import SourceFile

MISSING_MARKERS = {"", "-", "–", "nd", "n.d.", "ns", "s", "nc", "/"}  # DREES and INSEE: not available
CELL_COLUMNS = [
    "publication_id",
    "edition",
    "source_file",
    "sha256",
    "sheet",
    "table_title",
    "block",
    "row_number",
    "column_letter",
    "source_cell",
    "region_code",
    "territory_code",
    "territory_label",
    "group_header",
    "header",
    "raw_value",
]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value) -> str:
    """A cell as text, numbers without a spurious '.0' (2016.0 -> '2016')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split())  # INSEE/DREES headers carry line breaks and trailing spaces


@dataclass
class Sheet:
    source: SourceFile
    name: str
    rows: list[list[str]]  # row 0 is spreadsheet row 1 (see _read_sheet)

    def cell_ref(self, row: int, col: int) -> str:
        quoted = f"'{self.name}'" if re.search(r"[^A-Za-z0-9_-]", self.name) else self.name
        return f"{quoted}!{column_letter(col)}{row + 1}"

    def refuse(self, message: str, row: int | None = None, col: int | None = None, value: str | None = None):
        where = (
            f" ({self.cell_ref(row, col)})"
            if row is not None and col is not None
            else f" (row {row + 1})"
            if row is not None
            else ""
        )
        raise InputError(
            f"{self.source.relative}, sheet {self.name!r}{where}: {message}",
            file=str(self.source.path),
            line=None if row is None else row + 1,
            column=None if col is None else column_letter(col),
            value=value,
        )

    def get(self, row: int, col: int) -> str:
        line = self.rows[row] if row < len(self.rows) else []
        return line[col] if col < len(line) else ""


def _read_sheet(reader: fastexcel.ExcelReader, source: SourceFile, name: str) -> Sheet:
    # skip_rows=0 with no header: calamine otherwise starts at the first non-empty row, and the
    # row numbers of the provenance would shift.
    frame = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    rows = [[_text(v) for v in row] for row in frame.iter_rows()]
    return Sheet(source, name, rows)


def _cells(sheet: Sheet, row: int, first_col: int, headers: dict[int, str], groups: dict[int, str], **where) -> Iterator[dict]:
    for col, header in headers.items():
        if col < first_col:
            continue
        raw = sheet.get(row, col)
        if raw.lower() not in MISSING_MARKERS and _number(raw) is None:
            sheet.refuse(
                f"{raw!r} is neither a number nor a missing-value marker ({', '.join(sorted(m for m in MISSING_MARKERS if m))})",
                row,
                col,
                raw,
            )
        yield {
            "sheet": sheet.name,
            "row_number": row + 1,
            "column_letter": column_letter(col),
            "source_cell": sheet.cell_ref(row, col),
            "group_header": groups.get(col, ""),
            "header": header,
            "raw_value": raw,
            **where,
        }


def _number(raw: str) -> float | None:
    try:
        return float(raw.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _blank(sheet: Sheet, row: int, cols: range) -> bool:
    return all(not sheet.get(row, c) for c in cols)


# ---------------------------------------------------------------- layouts
def insee_population(sheet: Sheet) -> Iterator[dict]:
    """INSEE ELP: one sheet per year; 'Départements' row (Ensemble/Hommes/Femmes above merged
    columns), the age row below it, one row per territory until the first blank row."""
    header_row = next((r for r in range(min(12, len(sheet.rows))) if sheet.get(r, 0).startswith("Départements")), None)
    if header_row is None:
        sheet.refuse("no 'Départements' header row in the first 12 rows (moved header?)")
    groups, current = {}, ""
    width = max(len(r) for r in sheet.rows)
    for col in range(2, width):
        current = sheet.get(header_row, col) or current  # merged cells: the group spans to the right
        groups[col] = current
    headers = {c: sheet.get(header_row + 1, c) for c in range(2, width) if sheet.get(header_row + 1, c)}
    if not headers or "Total" not in headers.values():
        sheet.refuse("the age header row (…, Total) is not right below 'Départements'", header_row + 1, 2)
    row = header_row + 2
    while row < len(sheet.rows) and not _blank(sheet, row, range(0, 3)):
        code, label = sheet.get(row, 0), sheet.get(row, 1)
        yield from _cells(
            sheet,
            row,
            2,
            headers,
            groups,
            block="departements",
            region_code="",
            territory_code=code if label else "",
            territory_label=label or code,
        )
        row += 1


def drees_series(sheet: Sheet) -> Iterator[dict]:
    """DREES séries longues: blocks whose header row starts with 'Code région'. The département
    block ('Code département' second) has one row per département then 'TOTAL estimé …' rows;
    the regional block ('Région' second) one row per région then totals."""
    starts = [r for r in range(len(sheet.rows)) if sheet.get(r, 0).lower().replace(" ", "") == "coderégion"]
    blocks = {}
    for start in starts:
        second = sheet.get(start, 1).lower().replace(" ", "")
        block = "departements" if second.startswith("codedépartement") else "regions" if second.startswith("région") else None
        if block is None:
            sheet.refuse(f"unknown block header {sheet.get(start, 1)!r} beside 'Code région'", start, 1, sheet.get(start, 1))
        blocks[start] = block
    if "departements" not in blocks.values():
        # the regional block alone would load without a word: its départements would be lost
        sheet.refuse("no header row starting with 'Code région', 'Code département' (moved or renamed header?)")
    width = max(len(r) for r in sheet.rows)
    for start, block in blocks.items():
        headers = {
            c: sheet.get(start, c)
            for c in range(3 if block == "departements" else 2, width)
            if re.match(r"^\d{4}", sheet.get(start, c))
        }
        first = min(headers) if headers else width
        row = start + 1
        while row < len(sheet.rows) and not _blank(sheet, row, range(0, 3)):
            a, b, c = sheet.get(row, 0), sheet.get(row, 1), sheet.get(row, 2)
            if a.upper().startswith("TOTAL"):
                where = {"region_code": "", "territory_code": "", "territory_label": a}
            elif block == "departements":
                where = {"region_code": a, "territory_code": b, "territory_label": c}
            else:
                where = {"region_code": a, "territory_code": a, "territory_label": b}
            yield from _cells(sheet, row, first, headers, {}, block=block, **where)
            row += 1


def drees_annual(sheet: Sheet) -> Iterator[dict]:
    """DREES annual file of one year ("… en 2020"): the blocks of the séries longues ('Code région'
    then 'Code département' or 'Région'), but one column per aid instead of one per year. A header
    may have a second row (Tab5-ph: 'ACTP' above 'Bénéficiaires de moins de 60 ans'…): the upper
    cell, carried over its merged columns, is the group, the lower one the header. A block ends at
    a blank row or a row that is neither a territory nor a 'TOTAL' row (a footnote)."""
    starts = [r for r in range(len(sheet.rows)) if sheet.get(r, 0).lower().replace(" ", "") == "coderégion"]
    width = max(len(r) for r in sheet.rows)
    blocks = {}
    for start in starts:
        second = sheet.get(start, 1).lower().replace(" ", "")
        block = "departements" if second.startswith("codedépartement") else "regions" if second.startswith("région") else None
        if block is None:
            sheet.refuse(f"unknown block header {sheet.get(start, 1)!r} beside 'Code région'", start, 1, sheet.get(start, 1))
        blocks[start] = block
    if "departements" not in blocks.values():
        sheet.refuse("no header row starting with 'Code région', 'Code département' (moved or renamed header?)")
    for start, block in blocks.items():
        two_rows = _blank(sheet, start + 1, range(0, 3)) and not _blank(sheet, start + 1, range(3, width))
        first = sheet.get(start + (2 if two_rows else 1), 1)
        if block == "departements" and start != starts[0] and first and not DEPARTMENT_CODE.match(first):
            block = "regions"  # Tab5-ph prints its regional block under the départements' header
        groups, headers, current = {}, {}, ""
        for col in range(3, width):
            top = sheet.get(start, col)
            current = top or (current if two_rows else "")
            lower = sheet.get(start + 1, col) if two_rows else ""
            if lower or top:
                headers[col] = lower or top
                groups[col] = current if lower else ""
        if not headers:
            sheet.refuse("no aid column right of 'Département'", start, 3)
        row = start + (2 if two_rows else 1)
        while row < len(sheet.rows) and not _blank(sheet, row, range(0, 3)):
            a, b, c = sheet.get(row, 0), sheet.get(row, 1), sheet.get(row, 2)
            if a.upper().startswith("TOTAL"):
                where = {"region_code": "", "territory_code": "", "territory_label": a}
            elif not re.fullmatch(r"\d{1,3}", a):
                break  # a footnote under the table
            elif block == "departements":
                where = {"region_code": a, "territory_code": b, "territory_label": c}
            else:
                where = {"region_code": a, "territory_code": a, "territory_label": b}
            yield from _cells(sheet, row, 3, headers, groups, block=block, **where)
            row += 1


def drees_minima(sheet: Sheet) -> Iterator[dict]:
    """DREES minima sociaux par département: 'N° Dep' / 'Libelle Dep' / years, one row per
    département, then the France métropolitaine, DOM and France rows (no code)."""
    start = next((r for r in range(min(12, len(sheet.rows))) if sheet.get(r, 1).startswith("N° Dep")), None)
    if start is None:
        sheet.refuse("no 'N° Dep' header in column B of the first 12 rows (moved header?)")
    width = max(len(r) for r in sheet.rows)
    headers = {c: sheet.get(start, c) for c in range(3, width) if re.match(r"^\d{4}", sheet.get(start, c))}
    row = start + 1
    while row < len(sheet.rows) and not _blank(sheet, row, range(1, 3)):
        code, label = sheet.get(row, 1), sheet.get(row, 2)
        yield from _cells(
            sheet, row, 3, headers, {}, block="departements", region_code="", territory_code=code, territory_label=label
        )
        row += 1


# COG codes a département row may print (DREES prints Corsica whole as 20, or as 20A/20B in the
# minima sociaux, and the Rhône's parts 69D and 69M); région rows print 2 or 3 digits.
DEPARTMENT_CODE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|20[AB]?|69[DM]|97[1-6])$")
REGION_CODE = re.compile(r"^\d{2,3}$")


def _check_territory(sheet: Sheet, cell: dict, seen: dict[tuple[str, str], int]) -> None:
    """Refuse an unknown or duplicated territory code (a sum would count it wrong)."""
    code, row = cell["territory_code"], cell["row_number"]
    if not code:
        return  # total rows
    pattern = REGION_CODE if cell["block"] == "regions" else DEPARTMENT_CODE
    if not pattern.match(code):
        sheet.refuse(f"unknown territory code {code!r} ({cell['territory_label']})", row - 1, None, code)
    first = seen.setdefault((cell["block"], code), row)
    if first != row:
        sheet.refuse(f"territory code {code!r} printed twice, rows {first} and {row}", row - 1, None, code)


LAYOUTS = {
    "insee_population": insee_population,
    "drees_series": drees_series,
    "drees_annual": drees_annual,
    "drees_minima": drees_minima,
}


def _sheet_names(source: SourceFile, reader: fastexcel.ExcelReader) -> list[str]:
    names = reader.sheet_names
    if source.publication.layout == "insee_population":
        chosen = [n for n in names if re.fullmatch(r"\d{4}", n.strip())]
    else:
        chosen = [n for n in names if re.search(source.publication.sheets or ".", n.strip())]
    missing = [name for name in source.publication.required_sheets if name not in {n.strip() for n in names}]
    if missing:
        raise InputError(
            f"{source.relative}: sheet {missing[0]!r} missing (sheets found: {', '.join(names)}): a missing or renamed "
            f"sheet; the marts need {', '.join(source.publication.required_sheets)} (required_sheets of "
            f"{source.publication.publication_id} in raw/opendata/manifest.yml)",
            file=str(source.path),
            value=missing[0],
        )
    if not chosen:
        raise InputError(
            f"{source.relative}: no sheet this layout reads ({source.publication.layout}; sheets found: {', '.join(names)}): "
            "a missing or renamed sheet",
            file=str(source.path),
        )
    return chosen


def read_spreadsheet(source: SourceFile) -> pl.DataFrame:
    """Every value cell of the file, with provenance (CELL_COLUMNS)."""
    try:
        reader = fastexcel.read_excel(str(source.path))
    except Exception as exc:  # calamine: truncated or not a spreadsheet
        raise InputError(
            f"{source.relative}: cannot be read as a spreadsheet ({exc}); truncated file?", file=str(source.path)
        ) from exc
    layout = LAYOUTS[source.publication.layout]
    rows: list[dict] = []
    for name in _sheet_names(source, reader):
        sheet = _read_sheet(reader, source, name)
        title = next((v for v in (sheet.get(0, 0), sheet.get(0, 1)) if v), "")
        seen: dict[tuple[str, str], int] = {}
        for cell in layout(sheet):
            _check_territory(sheet, cell, seen)
            cell["table_title"] = title
            rows.append(cell)
    if not rows:
        raise InputError(f"{source.relative}: no value read (a layout this loader does not recognise)", file=str(source.path))
    provenance = {
        "publication_id": source.publication.publication_id,
        "edition": source.edition,
        "source_file": source.relative,
        "sha256": source.sha256,
    }
    return pl.DataFrame(
        [{**provenance, **r} for r in rows], schema={c: pl.Int64 if c == "row_number" else pl.Utf8 for c in CELL_COLUMNS}
    )


def read_cog(source: SourceFile) -> pl.DataFrame:
    """COG CSV (comma-separated, UTF-8): every column as text, with its line in the file."""
    try:
        frame = pl.read_csv(source.path, infer_schema=False, encoding="utf8")
    except Exception as exc:
        raise InputError(f"{source.relative}: cannot be read as the COG's CSV ({exc})", file=str(source.path)) from exc
    frame = frame.rename({c: c.lower() for c in frame.columns})
    return frame.with_row_index("source_line", offset=2).with_columns(
        pl.col("source_line").cast(pl.Int64),
        pl.lit(source.publication.publication_id).alias("publication_id"),
        pl.lit(source.edition).alias("edition"),
        pl.lit(source.relative).alias("source_file"),
        pl.lit(source.sha256).alias("sha256"),
    )

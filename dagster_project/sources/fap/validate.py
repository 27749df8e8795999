"""Validation of one monthly FAP export, before anything is written.

Fast path (a good file): DuckDB reads the file once, typed, into a temporary table
(`fap_incoming`); one query counts the rows that break a rule, one the duplicates. Zero and
zero: the file is accepted. Otherwise, or when the typed read itself fails, the diagnosis path
finds the first problems with their 1-based file line (header = line 1), column and value.

Values are shown as found, except beneficiary identifiers: they are personal data and never
appear in a message (a duplicate names the other line instead).
"""

from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ...core.errors import InputError, InputErrors
from ...core.frenchnum import SPACES, FrenchNumberError, parse_french_number
from .contract import AMOUNT_TOLERANCE_EUR, COLUMNS, FINESS_LENGTH, GIR_VALUES, NUMERIC_COLUMNS, PRESTATIONS, SEPARATOR

INCOMING = "fap_incoming"
REGISTRY = "raw.fap_sad_registry"
MAX_PROBLEMS = 20
REJECTS_LIMIT = 1_000_000
# Numbers are read with 6 decimals so that a third decimal is seen, not rounded away.
READ_TYPES = {
    "month": "VARCHAR",
    "sad_id": "VARCHAR",
    "finess": "VARCHAR",
    "beneficiary_id": "VARCHAR",
    "prestation": "VARCHAR",
    "gir": "TINYINT",
    "hours_planned": "DECIMAL(18,6)",
    "hours_billed": "DECIMAL(18,6)",
    "hourly_rate_eur": "DECIMAL(18,6)",
    "amount_eur": "DECIMAL(18,6)",
}
# Upper bounds (exclusive) of the stored DECIMAL types of raw.fap_lines.
MAX_VALUES = {"hours_planned": 10**7, "hours_billed": 10**7, "hourly_rate_eur": 10**7, "amount_eur": 10**10}
_SPACE_NAMES = {
    " ": "a space",
    "\u00a0": "a no-break space (U+00A0)",
    "\u202f": "a narrow no-break space (U+202F)",
    "\u2009": "a thin space (U+2009)",
}


class FileRejected(Exception):
    """The file breaks the contract; `errors` (InputErrors) says where."""

    def __init__(self, errors: InputErrors):
        self.errors = errors
        super().__init__(str(errors))


@dataclass(frozen=True)
class Rule:
    column: str
    condition: str  # SQL over fap_incoming i LEFT JOIN registry r, true when the row is wrong
    message: str  # SQL text expression
    value: str  # SQL expression of the value shown


def _fr(expr: str) -> str:
    """A DECIMAL as French text, trailing zeros after the 2nd decimal dropped."""
    return rf"regexp_replace(replace(CAST({expr} AS VARCHAR), '.', ','), '(,\d\d\d*?)0+$', '\1')"


# Widened first: DECIMAL(18,6) x DECIMAL(18,6) overflows on absurd hours before the bounds rule can say so.
_MONTH_HOURS = "(24 * day(last_day(CAST($month || '-01' AS DATE))))"
_PRODUCT = "CAST(i.hours_billed AS DECIMAL(38, 6)) * CAST(i.hourly_rate_eur AS DECIMAL(38, 6))"


def _rules() -> list[Rule]:
    prestations = ", ".join(f"'{p}'" for p in PRESTATIONS)
    rules = [
        Rule("month", "i.month IS DISTINCT FROM $month", "'month differs from the file name (' || $month || ')'", "i.month"),
        Rule("sad_id", "i.sad_id IS NULL", "'sad_id is empty'", "''"),
        Rule("sad_id", "i.sad_id IS NOT NULL AND r.sad_id IS NULL", "'unknown sad_id: not in sad_registry.csv'", "i.sad_id"),
        Rule(
            "finess",
            f"i.finess IS NULL OR length(i.finess) <> {FINESS_LENGTH}",
            f"'FINESS must be {FINESS_LENGTH} characters'",
            "coalesce(i.finess, '')",
        ),
        Rule(
            "finess",
            f"length(i.finess) = {FINESS_LENGTH} AND r.sad_id IS NOT NULL AND i.finess <> r.finess",
            "'FINESS does not match sad_registry.csv for ' || i.sad_id || ' (' || r.finess || ')'",
            "i.finess",
        ),
        Rule("beneficiary_id", "i.beneficiary_id IS NULL", "'beneficiary_id is empty'", "''"),
        Rule(
            "prestation",
            f"i.prestation IS NULL OR i.prestation NOT IN ({prestations})",
            f"'prestation must be one of {'|'.join(PRESTATIONS)}'",
            "coalesce(i.prestation, '')",
        ),
        Rule(
            "gir",
            f"i.gir IS NOT NULL AND i.gir NOT BETWEEN {min(GIR_VALUES)} AND {max(GIR_VALUES)}",
            "'gir must be 1 to 6, or empty'",
            "CAST(i.gir AS VARCHAR)",
        ),
    ]
    for column in NUMERIC_COLUMNS:
        rules += [
            Rule(column, f"i.{column} IS NULL", f"'{column} is empty'", "''"),
            Rule(column, f"i.{column} < 0", f"'{column} must not be negative'", _fr(f"i.{column}")),
            Rule(column, f"i.{column} <> round(i.{column}, 2)", f"'{column} has more than 2 decimals'", _fr(f"i.{column}")),
            Rule(
                column,
                f"i.{column} >= {MAX_VALUES[column]}",
                f"'{column} is too large (at most {MAX_VALUES[column] - 1} and cents)'",
                _fr(f"i.{column}"),
            ),
        ]
    for column in ("hours_planned", "hours_billed"):
        # One beneficiary cannot receive more hours in a month than the month has.
        rules.append(
            Rule(
                column,
                f"i.{column} > {_MONTH_HOURS} AND i.{column} < {MAX_VALUES[column]}",
                f"'{column} exceeds the ' || {_MONTH_HOURS} || ' hours of ' || $month || ' for one beneficiary'",
                _fr(f"i.{column}"),
            )
        )
    rules += [
        Rule(
            "hours_billed",
            "i.hours_billed > i.hours_planned",
            "'hours_billed exceeds hours_planned (' || " + _fr("i.hours_planned") + " || ')'",
            _fr("i.hours_billed"),
        ),
        Rule(
            "amount_eur",
            f"abs(i.amount_eur - {_PRODUCT}) > {AMOUNT_TOLERANCE_EUR}",
            "'amount_eur is not hours_billed x hourly_rate_eur within a cent (' || " + _fr(f"round({_PRODUCT}, 4)") + " || ')'",
            _fr("i.amount_eur"),
        ),
    ]
    return rules


RULES = _rules()
_FROM = f"{INCOMING} AS i LEFT JOIN {REGISTRY} AS r ON r.sad_id = i.sad_id"
_KEY = "i.sad_id, i.beneficiary_id, i.prestation"


def open_file_text(path: Path):
    return (
        gzip.open(path, "rt", encoding="utf-8", newline="")
        if path.name.endswith(".gz")
        else open(path, encoding="utf-8", newline="")
    )


def check_header(path: Path) -> None:
    """Line 1 must be the contract's header, exactly (a UTF-8 BOM is tolerated)."""
    expected = SEPARATOR.join(COLUMNS)
    try:
        with open_file_text(path) as handle:
            first = handle.readline()
    except UnicodeDecodeError as exc:
        raise _rejected(path, [InputError(f"not UTF-8 text ({exc.reason})", file=str(path), line=1)]) from None
    except (OSError, EOFError) as exc:
        raise _rejected(path, [InputError(f"cannot read the file ({exc})", file=str(path))]) from None
    header = first.lstrip("\ufeff").rstrip("\r\n")
    if header == expected:
        return
    if not header:
        problem = InputError("empty file: expected the header line " + expected, file=str(path), line=1)
    elif SEPARATOR not in header and ("," in header or "\t" in header):
        found = "','" if "," in header else "a tab"
        problem = InputError(
            f"the separator is {found}: FAP exports are separated by ';'", file=str(path), line=1, value=header[:120]
        )
    else:
        names = header.split(SEPARATOR)
        for index, name in enumerate(COLUMNS):
            got = names[index] if index < len(names) else None
            if got != name:
                problem = InputError(
                    f"header column {index + 1} must be {name!r}" + (" (missing)" if got is None else ""),
                    file=str(path),
                    line=1,
                    column=name,
                    value=got,
                )
                break
        else:
            problem = InputError(
                f"{len(names) - len(COLUMNS)} column(s) after {COLUMNS[-1]!r}", file=str(path), line=1, value=header[:120]
            )
    raise _rejected(path, [problem])


def _read_csv_sql(path: Path, rejects: bool = False) -> str:
    columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in READ_TYPES.items()) + "}"
    options = f", store_rejects = true, rejects_limit = {REJECTS_LIMIT}" if rejects else ""
    literal = "'" + str(path).replace("'", "''") + "'"
    return (
        f"read_csv({literal}, delim = '{SEPARATOR}', header = true, decimal_separator = ',', quote = '\"', "
        f"escape = '\"', auto_detect = false, strict_mode = true, columns = {columns}{options})"
    )


def read_month(con: duckdb.DuckDBPyConnection, path: Path, month: str) -> int:
    """Read and validate one export into the temporary table fap_incoming; returns its rows.

    Raises FileRejected (first problems with line, column, value) when the file breaks the
    contract. Nothing is written to the database's tables.
    """
    check_header(path)
    _require_registry(con, path)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {INCOMING} AS SELECT * FROM {_read_csv_sql(path)}")
    except duckdb.Error:
        # Never pass DuckDB's message on: it quotes the whole line, beneficiary id included.
        raise _rejected(path, *_diagnose(con, path, month, with_rejects=True)) from None
    rows = con.execute(f"SELECT count(*) FROM {INCOMING}").fetchone()[0]
    if rows == 0:
        raise _rejected(path, [InputError("no data lines after the header", file=str(path), line=2)])
    if _count_broken_rows(con, month) or _has_duplicates(con):
        raise _rejected(path, *_diagnose(con, path, month, with_rejects=False))
    return rows


def _require_registry(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'fap_sad_registry'"
    ).fetchone()[0]
    if not exists:
        raise _rejected(
            path, [InputError("the SAD registry is not loaded: materialize raw/fap/sad_registry first", file=str(path))]
        )


def _count_broken_rows(con: duckdb.DuckDBPyConnection, month: str) -> int:
    where = " OR ".join(f"({rule.condition})" for rule in RULES)
    return con.execute(f"SELECT count(*) FROM {_FROM} WHERE {where}", {"month": month}).fetchone()[0]


def _has_duplicates(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {INCOMING} AS i GROUP BY {_KEY} HAVING count(*) > 1)").fetchone()[0]


def _diagnose(con, path: Path, month: str, with_rejects: bool) -> tuple[list[InputError], int]:
    """The first problems of a bad file, by line, and how many there are in all."""
    found: list[tuple[int, InputError]] = []
    total = 0
    skipped = _blank_lines(path)
    if with_rejects:
        reject_lines, reject_problems, reject_total = _csv_rejects(con, path)
        skipped = sorted(set(skipped) | reject_lines)
        found += reject_problems
        total += reject_total
    found_rows, rows_total = _rule_problems(con, path, month, skipped)
    found += found_rows
    total += rows_total
    found.sort(key=lambda item: item[0])
    return [error for _, error in found[:MAX_PROBLEMS]], total


def _rule_problems(con, path: Path, month: str, skipped: list[int]) -> tuple[list[tuple[int, InputError]], int]:
    parts = [
        f"SELECT i.rowid AS row_index, '{rule.column}' AS column_name, ({rule.value}) AS value, ({rule.message}) AS message "
        f"FROM {_FROM} WHERE {rule.condition}"
        for rule in RULES
    ]
    duplicates = (
        f"SELECT row_index, 'beneficiary_id', sad_id || ' / ' || prestation, 'duplicate (month, sad_id, beneficiary_id, "
        f"prestation) of row ' || first_index FROM (SELECT i.rowid AS row_index, i.sad_id, i.prestation, "
        f"min(i.rowid) OVER (PARTITION BY {_KEY}) AS first_index FROM {INCOMING} AS i) WHERE row_index > first_index"
    )
    union = " UNION ALL ".join([*parts, duplicates])
    params = {"month": month}
    total = con.execute(f"SELECT count(*) FROM ({union})", params).fetchone()[0]
    rows = con.execute(f"SELECT * FROM ({union}) ORDER BY row_index, column_name LIMIT {MAX_PROBLEMS}", params).fetchall()
    lines = _line_numbers(sorted({r[0] for r in rows} | _first_rows(rows)), skipped)
    out = []
    for row_index, column, value, message in rows:
        message = re.sub(r"of row (\d+)$", lambda m: f"of line {lines[int(m.group(1))]}", message)
        out.append((lines[row_index], InputError(message, file=str(path), line=lines[row_index], column=column, value=value)))
    return out, total


def _first_rows(rows) -> set[int]:
    return {int(m.group(1)) for *_, message in rows for m in [re.search(r"of row (\d+)$", message)] if m}


def _line_numbers(row_indexes: list[int], skipped: list[int]) -> dict[int, int]:
    """File line of each row of fap_incoming: rows are in file order, after the header and
    without the lines DuckDB did not turn into rows (blank lines, rejected lines)."""
    skipped = sorted(s for s in skipped if s > 1)
    out = {}
    for row_index in row_indexes:
        line = row_index + 2
        while (fixed := row_index + 2 + bisect.bisect_right(skipped, line)) != line:
            line = fixed
        out[row_index] = line
    return out


def _blank_lines(path: Path) -> list[int]:
    blanks = []
    with open_file_text(path) as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip("\r\n"):
                blanks.append(number)
    return blanks


def _csv_rejects(con, path: Path) -> tuple[set[int], list[tuple[int, InputError]], int]:
    """Lines DuckDB's reader refused (shape, encoding, types); re-reads into fap_incoming."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {INCOMING} AS SELECT * FROM {_read_csv_sql(path, rejects=True)}")
    try:
        lines = {r[0] for r in con.execute("SELECT DISTINCT line FROM reject_errors").fetchall()}
        total = con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]
        rows = con.execute(
            f"SELECT line, column_idx, column_name, error_type, csv_line FROM reject_errors ORDER BY line, column_idx LIMIT {MAX_PROBLEMS}"
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS reject_errors")
        con.execute("DROP TABLE IF EXISTS reject_scans")
    problems = [(line, _reject_error(path, line, idx, name, kind, csv_line)) for line, idx, name, kind, csv_line in rows]
    return lines, problems, total


def _reject_error(path: Path, line: int, column_idx: int | None, column: str | None, kind: str, csv_line: str) -> InputError:
    fields = (csv_line or "").split(SEPARATOR)
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return InputError(
            f"{len(fields)} fields where the header has {len(COLUMNS)} (separated by ';')", file=str(path), line=line
        )
    if kind == "INVALID ENCODING":
        return InputError("not UTF-8 text", file=str(path), line=line, column=column)
    value = fields[column_idx - 1] if column_idx and column_idx <= len(fields) else None
    if column == "beneficiary_id":
        value = None
    if kind == "CAST" and column in NUMERIC_COLUMNS:
        return InputError(f"{column}: {describe_number(value or '')}", file=str(path), line=line, column=column, value=value)
    if kind == "CAST" and column == "gir":
        return InputError("gir must be 1 to 6, or empty", file=str(path), line=line, column=column, value=value)
    return InputError(f"unreadable line ({kind.lower()})", file=str(path), line=line, column=column, value=value)


def describe_number(text: str) -> str:
    """Why a numeric cell is not in the FAP format (digits, a decimal comma, no separators)."""
    try:
        parsed = parse_french_number(text)
    except FrenchNumberError as exc:
        return f"not a number ({exc.reason})"
    if parsed is None:
        return "not a number"
    if parsed.unit:
        return f"the unit {parsed.unit!r} must not be written in the cell"
    grouped = re.search(f"\\d([{SPACES}])\\d", text)
    if grouped:
        plain = str(abs(parsed.value)).replace(".", ",")
        return f"thousands separated by {_SPACE_NAMES[grouped.group(1)]}: FAP exports take plain digits and a decimal comma ({plain})"
    return "not a number in the FAP format (digits, a decimal comma, at most 2 decimals)"


def _rejected(path: Path, errors: list[InputError], total: int | None = None) -> FileRejected:
    return FileRejected(InputErrors(str(path), errors, total))

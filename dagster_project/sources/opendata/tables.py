"""Read the official CSV files (CNSA price exports, the government's results barometer) into rows
that keep their provenance: file, sha256, edition and the line of each record. No arithmetic here:
dbt types, names and computes (dbt/models/staging/cnsa/, staging/barometre/).

The quoting is DuckDB's CSV reader's (strict mode, the columns of the header row, every value as
text): a record with more or fewer fields than the header, or an unterminated quote, is refused
with its line. The bytes are decoded first, strictly: UTF-8 (a BOM is dropped), else Windows-1252
(the CNSA exports: Latin-1 for letters, plus the € and ’ of Windows); a byte neither can read is
refused with its line, column and bytes. Then each value a mart types is validated here, so that
a bad value is refused with file, line, column and value before anything is written; the
publishers' missing-value markers become NULL (the raw text is kept otherwise).
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass

import duckdb
import polars as pl

from ...core.errors import InputError
from .manifest import SourceFile

ENCODINGS = ("utf-8", "windows-1252")
# What CNSA (and the barometer) print for "no value": `\N` (SQL NULL of the exports), an empty
# field (other CNSA editions), NULL, NA, N/A or a dash. Compared case-insensitively, trimmed.
MISSING_MARKERS = ("", "\\n", "null", "na", "n/a", "-")
PROVENANCE_COMMENTS = {
    "source_line": "1-based line of the record in the file (line 1 is the header)",
    "encoding": "How the file's bytes were decoded (utf-8, or windows-1252 for Latin-1 exports with € and ’)",
}


@dataclass(frozen=True)
class Rule:
    """What a typed column must hold when it is not a missing-value marker."""

    pattern: re.Pattern
    expected: str  # in words, for the refusal


# 9 characters: the département's two (01-95 but 20, 2A, 2B) or an overseas prefix 9701-9704
# (Guadeloupe, Martinique, Guyane, La Réunion), then digits.
FINESS = Rule(re.compile(r"(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{7}|2[AB]\d{7}|970[1-4]\d{5}"),
              "a FINESS number of 9 characters (département 01-95, 2A, 2B, or 9701-9704 overseas)")  # fmt: skip
EUROS = Rule(re.compile(r"\d{1,6}(?:[,.]\d{1,2})?"), "an amount in euros to the cent (decimal comma or point)")
TIMESTAMP = Rule(
    re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"), "a date YYYY-MM-DD [HH:MM[:SS[.fff]]]"
)
DATE = Rule(re.compile(r"\d{4}-\d{2}-\d{2}"), "a date YYYY-MM-DD")
DECIMAL = Rule(re.compile(r"-?\d{1,6}(?:\.\d{1,2})?"), "a number with a decimal point and at most two decimals")
INDICATOR = Rule(re.compile(r"IND-\d+"), "an indicator id IND-<number>")
# COG: D + département code, R + région code, FRANCE (the barometer's ids)
TERRITORY = Rule(
    re.compile(r"D(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5]|2[AB]|97[1-46])|R(?:0[1-6]|[1-9]\d)|FRANCE"),
    "a territory of the COG: D + département code (D01, D2A, D971), R + région code (R32) or FRANCE",
)
LEVEL = Rule(re.compile(r"DEPT|REG|NAT"), "DEPT, REG or NAT")

# The columns as their publishers print them, for messages about a column the file lacks.
CANONICAL = {
    "finesset": "finessEt", "prixhebpermcs": "prixHebPermCs", "prixhebpermcd": "prixHebPermCd",
    "prixhebpermcsa": "prixHebPermCsa", "prixhebpermcda": "prixHebPermCda", "prixhebtempcs": "prixHebTempCs",
    "prixhebtempcd": "prixHebTempCd", "prixhebtempcsa": "prixHebTempCsa", "prixhebtempcda": "prixHebTempCda",
    "tarif_gir_12": "TARIF_GIR_12", "tarif_gir_34": "TARIF_GIR_34", "tarif_gir_56": "TARIF_GIR_56", "date_maj": "DATE_MAJ",
}  # fmt: skip
# CNSA price export: the columns the marts read (names compared case-insensitively) and their rule.
CNSA_PRICE_COLUMNS = (
    "prixhebpermcs",
    "prixhebpermcd",
    "prixhebpermcsa",
    "prixhebpermcda",
    "prixhebtempcs",
    "prixhebtempcd",
    "prixhebtempcsa",
    "prixhebtempcda",
)
CNSA_TARIFF_COLUMNS = ("tarif_gir_12", "tarif_gir_34", "tarif_gir_56")
CNSA_RULES = {
    "finesset": FINESS,
    **{c: EUROS for c in CNSA_PRICE_COLUMNS + CNSA_TARIFF_COLUMNS},
    "date_maj": TIMESTAMP,
}
CNSA_REQUIRED = ("finesset",)  # a record without a FINESS number cannot be an establishment
BAROMETRE_RULES = {
    "indic_id": INDICATOR,
    "enforce_zone_id": TERRITORY,
    "maille": LEVEL,
    "metric_enforce_date": DATE,
    "indic_vi": DECIMAL,
    "indic_va": DECIMAL,
    "indic_vc": DECIMAL,
    "indic_ta": DECIMAL,
}
BAROMETRE_REQUIRED = ("indic_id", "enforce_zone_id", "maille")
META_RULES = {"indic_id": INDICATOR}
META_COLUMNS = ("indic_id", "indic_nom_baro", "indic_descr_baro", "tendance")
# the level a barometer territory id belongs to
LEVEL_OF = {"D": "DEPT", "R": "REG", "F": "NAT"}

COMMENTS = {
    **PROVENANCE_COMMENTS,
    # CNSA price exports (columns as CNSA names them, lower-cased)
    "finesset": "CNSA: FINESS number of the establishment (finessEt), as printed",
    "prixhebpermcs": "CNSA: permanent accommodation, single room, price per day (€, as printed; NULL: not declared)",
    "prixhebpermcd": "CNSA: permanent accommodation, double room, price per day (€, as printed)",
    "prixhebpermcsa": "CNSA: permanent accommodation, single room, residents under aide sociale, price per day (€)",
    "prixhebpermcda": "CNSA: permanent accommodation, double room, residents under aide sociale, price per day (€)",
    "prixhebtempcs": "CNSA: temporary accommodation, single room, price per day (€)",
    "prixhebtempcd": "CNSA: temporary accommodation, double room, price per day (€)",
    "prixhebtempcsa": "CNSA: temporary accommodation, single room, residents under aide sociale, price per day (€)",
    "prixhebtempcda": "CNSA: temporary accommodation, double room, residents under aide sociale, price per day (€)",
    "tarif_gir_12": "CNSA: dependency tariff GIR 1-2 per day (€), set by the département",
    "tarif_gir_34": "CNSA: dependency tariff GIR 3-4 per day (€)",
    "tarif_gir_56": "CNSA: dependency tariff GIR 5-6 per day (€)",
    "date_maj": "CNSA: when the establishment last updated its declaration (DATE_MAJ)",
    "autres_prix_ou_prestations": "CNSA: other prices or services, free text",
    "autre_prestation_incluse": "CNSA: other service included in the accommodation price, free text",
    "prix_linge": "CNSA: price of the laundry service (as printed)",
    "unite_prix_linge": "CNSA: unit of the laundry price (as printed)",
    **{f"prest{n}": f"CNSA: included service no. {n} of CNSA's list (1: included in the price)" for n in range(1, 12)},
    **{f"prestsus{n}": f"CNSA: additional service no. {n} of CNSA's list (1: offered)" for n in range(1, 12)},
    "prestsus9_1": "CNSA: additional service no. 9, its second item in CNSA's list (1: offered)",
    # barometer
    "indic_id": "Baromètre: indicator id (IND-296, IND-297...)",
    "enforce_zone_id": "Baromètre: territory (D + département code, R + région code, FRANCE)",
    "metric_enforce_date": "Baromètre: date of the measure (YYYY-MM-DD; the target's date on the target row)",
    "maille": "Baromètre: level of the territory (DEPT, REG, NAT)",
    "indic_vi": "Baromètre: initial value (on the row of the initial date)",
    "indic_va": "Baromètre: current value at the date",
    "indic_vc": "Baromètre: target value (on the row of the target's date)",
    "indic_ta": "Baromètre: progress rate towards the target (%)",
    "indic_parent_ch": "Baromètre: the chantier the indicator belongs to",
    "indic_nom": "Baromètre: indicator name",
    "indic_nom_baro": "Baromètre: indicator name as the barometer prints it",
    "indic_descr": "Baromètre: description",
    "indic_descr_baro": "Baromètre: description as the barometer prints it",
    "tendance": "Baromètre: the good direction (baisse: lower is better)",
    "indic_categorie_evolution": "Baromètre: category of the indicator's evolution",
}


# ---------------------------------------------------------------- bytes and records
def _decode(source: SourceFile, separator: str) -> tuple[str, str]:
    """(text, encoding): UTF-8, else Windows-1252; refused with line, column and bytes otherwise."""
    data = source.path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    failure: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = exc
    assert failure is not None
    start = data.rfind(b"\n", 0, failure.start) + 1
    header_end = data.find(b"\n")
    bad = data[failure.start : failure.end]
    raise InputError(
        f"{source.relative}: byte {bad.hex(' ').upper()} is neither UTF-8 nor Windows-1252 (Latin-1) text: another "
        "encoding? (re-save the file as UTF-8)",
        file=str(source.path),
        line=data.count(b"\n", 0, failure.start) + 1,
        column=_column_at(data[: header_end if header_end >= 0 else None], data[start : failure.start], separator),
        value=repr(bad),
    )


def _column_at(header: bytes, before: bytes, separator: str) -> str | None:
    """The header's name of the field that follows the bytes `before` on their line (both read by
    DuckDB's CSV reader, undecodable bytes replaced), for the refusal's message."""
    head = header.decode("utf-8", errors="replace").rstrip("\r")
    text = before.decode("utf-8", errors="replace")
    text += '"' * (text.count('"') % 2)  # close the quoted field the byte is in
    try:
        names = _fields(head, separator)
        index = max(len(_fields(text, separator)) - 1, 0)  # the last field of the line so far holds the byte
        return names[index] if index < len(names) else None
    except duckdb.Error:
        return None


def _fields(line: str, separator: str) -> list[str]:
    """One line's fields through DuckDB's CSV reader (no header, as many columns as it has)."""
    if not line:
        return []
    with duckdb.connect() as con:
        rows = con.read_csv(
            io.BytesIO((line + "\n").encode("utf-8")), sep=separator, quotechar='"', escapechar='"', header=False,
            all_varchar=True,
        ).fetchall()  # fmt: skip
    return ["" if v is None else str(v).strip() for v in (rows[0] if rows else ())]


def _records(text: str, separator: str, names: list[str]) -> pl.DataFrame:
    """Every record after the header as text, through DuckDB's CSV reader: strict (every record
    has the header's fields), RFC 4180 quoting ("" inside quotes), the header's column names."""
    with duckdb.connect() as con:
        relation = con.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep=separator,
            quotechar='"',
            escapechar='"',
            header=True,
            auto_detect=False,
            strict_mode=True,
            columns={f"c{i}": "VARCHAR" for i in range(len(names))},
        )
        return relation.pl().rename({f"c{i}": name for i, name in enumerate(names)})


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@dataclass(frozen=True)
class Records:
    frame: pl.DataFrame  # every column as text (lower-case names) and source_line
    printed: dict[str, str]  # lower-case name -> as the header prints it (finesset -> finessEt)
    encoding: str

    def name(self, column: str) -> str:
        return self.printed.get(column) or CANONICAL.get(column, column)


def read_records(source: SourceFile, separator: str) -> Records:
    """The file's records as text, each with the line it starts on."""
    text, encoding = _decode(source, separator)
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        printed = _fields(first, separator)
    except duckdb.Error as exc:
        raise InputError(
            f"{source.relative}: cannot read the header ({_first_line(exc)})", file=str(source.path), line=1
        ) from exc
    names = [n.lower() for n in printed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if not names or duplicates or "" in names:
        raise InputError(
            f"{source.relative}: no header on line 1, or a header that names a column twice or leaves one unnamed",
            file=str(source.path),
            line=1,
            column=(duplicates or [""])[0],
        )
    try:
        frame = _records(text, separator, names)
    except duckdb.Error as exc:
        lines = str(exc).splitlines()
        found = re.search(r"CSV Error on Line: (\d+)", str(exc))
        original = next((ln.removeprefix("Original Line: ") for ln in lines if ln.startswith("Original Line: ")), None)
        detail = next((ln.strip() for ln in lines[1:4] if ln.strip() and not ln.startswith("Original Line")), "")
        raise InputError(
            f"{source.relative}: a record that does not have the header's {len(names)} fields, or an unterminated "
            f"quote ({detail or _first_line(exc)})",
            file=str(source.path),
            line=int(found.group(1)) if found else None,
            value=original,
        ) from exc
    if frame.height == 0:
        raise InputError(f"{source.relative}: a header and no record", file=str(source.path), line=2)
    # the line of each record: the records before it, plus the line breaks inside their quoted fields
    breaks = pl.sum_horizontal(pl.col(c).fill_null("").str.count_matches("\n") for c in names)
    line = pl.lit(2, pl.Int64) + pl.int_range(pl.len(), dtype=pl.Int64) + breaks.cum_sum().shift(1, fill_value=0)
    return Records(frame.with_columns(line.cast(pl.Int64).alias("source_line")), dict(zip(names, printed)), encoding)


def _missing_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """The missing-value markers become NULL; every other value is kept as printed, trimmed."""
    columns = [c for c in frame.columns if c != "source_line"]
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars().str.to_lowercase().is_in(MISSING_MARKERS) | pl.col(c).is_null())
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in columns
    )


def _refuse(source: SourceFile, records: Records, message: str, row: dict, column: str) -> InputError:
    return InputError(
        f"{source.relative}: {message}",
        file=str(source.path),
        line=row["source_line"],
        column=records.name(column),
        value="" if row.get(column) is None else row[column],
    )


def _validate(source: SourceFile, records: Records, frame: pl.DataFrame, rules: dict[str, Rule]) -> None:
    """Refuse the first value of a typed column that breaks its rule (file, line, column, value)."""
    for column, rule in rules.items():
        if column not in frame.columns:
            continue
        bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).str.contains(f"^(?:{rule.pattern.pattern})$"))
        if bad.height:
            more = f" ({bad.height - 1} other value(s) of this column too)" if bad.height > 1 else ""
            raise _refuse(
                source, records, f"{bad[column][0]!r} is not {rule.expected}, nor a missing-value marker "
                f"(\\N, empty, NULL, NA, -){more}", bad.row(0, named=True), column,
            )  # fmt: skip


def _require(source: SourceFile, records: Records, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in records.frame.columns]
    if missing:
        found = ", ".join(records.name(c) for c in records.frame.columns if c != "source_line")
        raise InputError(
            f"{source.relative}: column {records.name(missing[0])!r} missing from the header (columns found: {found}); {what}",
            file=str(source.path),
            line=1,
            column=records.name(missing[0]),
        )


def _present(source: SourceFile, records: Records, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        empty = frame.filter(pl.col(column).is_null())
        if empty.height:
            raise _refuse(source, records, f"a record without {records.name(column)}", empty.row(0, named=True), column)


def _provenance(source: SourceFile, frame: pl.DataFrame, encoding: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(source.publication.publication_id).alias("publication_id"),
        pl.lit(source.edition).alias("edition"),
        pl.lit(source.relative).alias("source_file"),
        pl.lit(source.sha256).alias("sha256"),
        pl.lit(encoding).alias("encoding"),
    )


# ---------------------------------------------------------------- layouts
def read_cnsa_prices(source: SourceFile) -> pl.DataFrame:
    """CNSA export of the prices EHPAD declare: `;`-separated, one record per establishment."""
    if not re.fullmatch(r"\d{4}", source.edition):
        raise InputError(
            f"{source.relative}: no edition year in the file name (expected cnsa-export-prix-ehpad-<year>…csv, "
            f"edition_regex of {source.publication.publication_id} in raw/opendata/manifest.yml)",
            file=str(source.path),
            value=source.edition,
        )
    records = read_records(source, ";")
    _require(
        source,
        records,
        ("finesset", *CNSA_PRICE_COLUMNS, *CNSA_TARIFF_COLUMNS, "date_maj"),
        "the marts need the FINESS number, the eight accommodation prices, the three GIR tariffs and DATE_MAJ",
    )
    frame = _missing_to_null(records.frame)
    _present(source, records, frame, CNSA_REQUIRED)
    _validate(source, records, frame, CNSA_RULES)
    duplicated = frame.filter(pl.col("finesset").is_duplicated()).sort("source_line")
    if duplicated.height:
        first = duplicated.row(0, named=True)
        lines = duplicated.filter(pl.col("finesset") == first["finesset"])["source_line"].to_list()
        raise _refuse(
            source, records, f"FINESS {first['finesset']} listed twice, lines {lines[0]} and {lines[1]}",
            duplicated.filter(pl.col("finesset") == first["finesset"]).row(1, named=True), "finesset",
        )  # fmt: skip
    return _provenance(source, frame, records.encoding)


def read_barometre_values(source: SourceFile) -> pl.DataFrame:
    """The results barometer (DITP), one indicator per file: `,`-separated, decimal point."""
    records = read_records(source, ",")
    _require(source, records, tuple(BAROMETRE_RULES), "the mart mdph_processing_times needs them")
    frame = _missing_to_null(records.frame)
    _present(source, records, frame, BAROMETRE_REQUIRED)
    _validate(source, records, frame, BAROMETRE_RULES)
    level = pl.col("enforce_zone_id").str.slice(0, 1).replace_strict(LEVEL_OF, default=None)
    wrong = frame.filter(level != pl.col("maille"))
    if wrong.height:
        row = wrong.row(0, named=True)
        raise _refuse(
            source, records, f"territory {row['enforce_zone_id']} is not at the level {row['maille']} the record gives "
            "(D… DEPT, R… REG, FRANCE NAT)", row, "maille",
        )  # fmt: skip
    values = ("indic_vi", "indic_va", "indic_vc", "indic_ta")
    undated = frame.filter(pl.col("metric_enforce_date").is_null() & pl.any_horizontal(pl.col(c).is_not_null() for c in values))
    if undated.height:
        raise _refuse(source, records, "a value without the date it was measured on", undated.row(0, named=True),
                      "metric_enforce_date")  # fmt: skip
    return _provenance(source, frame, records.encoding)


def read_barometre_meta(source: SourceFile) -> pl.DataFrame:
    """The barometer's definitions of its indicators (metadata/meta_indicateurs.csv)."""
    records = read_records(source, ",")
    _require(source, records, META_COLUMNS, "the marts take the indicators' names and direction from it")
    frame = _missing_to_null(records.frame)
    _present(source, records, frame, ("indic_id",))
    _validate(source, records, frame, META_RULES)
    return _provenance(source, frame, records.encoding)


CSV_LAYOUTS = {
    "cnsa_prices": read_cnsa_prices,
    "barometre_values": read_barometre_values,
    "barometre_meta": read_barometre_meta,
}

"""A bad monthly export is refused whole, each problem naming file, line, column and value,
and never quoting a beneficiary identifier."""

import gzip
import re
import shutil
from decimal import Decimal

import duckdb
import pytest
from conftest import RAW
from fap_helpers import edit_line, read_fields

from dagster_project.sources.fap import load, validate
from dagster_project.sources.fap.generate import write_sample

MONTH = "2024-03"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    fap = tmp_path_factory.mktemp("fap")
    for name in ("sad_registry.csv", "activity_profile_2024.csv"):
        shutil.copy(RAW / "fap" / name, fap / name)
    write_sample(fap, progress=False)
    return fap


@pytest.fixture
def export(sample, tmp_path):
    path = tmp_path / f"fap_{MONTH}.csv"
    shutil.copy(sample / path.name, path)
    return path


@pytest.fixture(scope="module")
def con(sample):
    connection = duckdb.connect()
    load.ensure_tables(connection)
    load.load_registry(connection, sample / "sad_registry.csv")
    yield connection
    connection.close()


def _problems(con, path) -> validate.FileRejected:
    with pytest.raises(validate.FileRejected) as info:
        validate.read_month(con, path, MONTH)
    return info.value


def _only(rejected, line, column, value, message):
    errors = rejected.errors.errors
    assert [(e.line, e.column, e.value) for e in errors] == [(line, column, value)], str(rejected)
    assert message in errors[0].detail
    assert errors[0].file.endswith(f"fap_{MONTH}.csv")
    text = str(rejected)
    assert f"line {line}, column {column!r}" in text and repr(value) in text


def test_good_file_is_accepted(con, export):
    assert validate.read_month(con, export, MONTH) == 15342


@pytest.mark.parametrize(
    "line, changes, column, value, message",
    [
        (
            3,
            {"hours_planned": "1\u00a0000,00"},
            "hours_planned",
            "1\u00a0000,00",
            "thousands separated by a no-break space (U+00A0)",
        ),
        (4, {"hours_billed": "9.5"}, "hours_billed", "9.5", "a '.' is not a French decimal separator; use a comma"),
        (5, {"hourly_rate_eur": "24,5 €"}, "hourly_rate_eur", "24,5 €", "the unit '€' must not be written in the cell"),
        (6, {"sad_id": "62-999"}, "sad_id", "62-999", "unknown sad_id: not in sad_registry.csv"),
        (7, {"finess": "629900099"}, "finess", "629900099", "FINESS does not match sad_registry.csv for 62-001 (629900001)"),
        (8, {"finess": "62990001"}, "finess", "62990001", "FINESS must be 9 characters"),
        (9, {"prestation": "APX"}, "prestation", "APX", "prestation must be one of APA|PCH|ASG"),
        (10, {"gir": "7"}, "gir", "7", "gir must be 1 to 6, or empty"),
        (11, {"gir": "x"}, "gir", "x", "gir must be 1 to 6, or empty"),
        (12, {"hours_planned": "0,50"}, "hours_billed", None, "hours_billed exceeds hours_planned (0,50)"),
        (13, {"amount_eur": "1,00"}, "amount_eur", "1,00", "amount_eur is not hours_billed x hourly_rate_eur within a cent"),
        (14, {"month": "2024-04"}, "month", "2024-04", "month differs from the file name (2024-03)"),
        (15, {"hours_planned": "12345678,00"}, "hours_planned", "12345678,00", "hours_planned is too large"),
        (
            16,
            {"hours_planned": "800,00"},
            "hours_planned",
            "800,00",
            "hours_planned exceeds the 744 hours of 2024-03 for one beneficiary",
        ),
    ],
)
def test_each_rule_names_line_column_value(con, export, line, changes, column, value, message):
    before = edit_line(export, line, **changes)
    if value is None:
        value = before["hours_billed"]
    _only(_problems(con, export), line, column, value, message)


def test_a_third_decimal_is_refused_not_rounded(con, export):
    rate = Decimal(read_fields(export, 5)["hourly_rate_eur"].replace(",", "."))
    amount = f"{(Decimal('1.125') * rate).quantize(Decimal('0.01'))}".replace(".", ",")
    edit_line(export, 5, hours_billed="1,125", hours_planned="2,00", amount_eur=amount)
    _only(_problems(con, export), 5, "hours_billed", "1,125", "hours_billed has more than 2 decimals")


def test_negative_hours(con, export):
    edit_line(export, 10, hours_planned="-1,00")
    rejected = _problems(con, export)
    assert (10, "hours_planned", "-1,00") in [(e.line, e.column, e.value) for e in rejected.errors.errors]
    assert "hours_planned must not be negative" in str(rejected)


def test_duplicate_names_the_first_line_not_the_beneficiary(con, export):
    first = read_fields(export, 13)
    edit_line(export, 20, beneficiary_id=first["beneficiary_id"])
    rejected = _problems(con, export)
    _only(rejected, 20, "beneficiary_id", "62-001 / APA", "duplicate (month, sad_id, beneficiary_id, prestation) of line 13")
    assert first["beneficiary_id"] not in str(rejected)


def test_line_numbers_count_blank_and_refused_lines(con, export):
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("\n", "\n\n", 2), encoding="utf-8")  # lines 3 and 5 are blank
    edit_line(export, 8, hours_billed="9.5")  # refused by the CSV reader
    edit_line(export, 12, amount_eur="1,00")  # refused by a rule
    edit_line(export, 30, gir="x")
    rejected = _problems(con, export)
    assert [(e.line, e.column) for e in rejected.errors.errors] == [(8, "hours_billed"), (12, "amount_eur"), (30, "gir")]


def test_shape_header_separator_and_empty_file(con, export):
    original = export.read_text(encoding="utf-8")
    export.write_text(original.replace(";APA;", ";APA;;", 1), encoding="utf-8")
    rejected = _problems(con, export)
    assert [(e.line, e.column) for e in rejected.errors.errors] == [(2, None)]
    assert "11 fields where the header has 10" in str(rejected)
    assert read_fields(export, 2)["beneficiary_id"] not in str(rejected)

    export.write_text(original.replace(";", ","), encoding="utf-8")
    assert "line 1: the separator is ',': FAP exports are separated by ';'" in str(_problems(con, export))

    export.write_text(original.replace("hours_billed", "heures", 1), encoding="utf-8")
    _only(_problems(con, export), 1, "hours_billed", "heures", "header column 8 must be 'hours_billed'")

    export.write_text(original.split("\n")[0] + "\n", encoding="utf-8")
    assert "line 2: no data lines after the header" in str(_problems(con, export))

    export.write_bytes(original.encode("utf-8").replace(b"62-001", b"62-\xe9001", 1))
    assert "not UTF-8 text" in str(_problems(con, export))


def test_first_twenty_problems_and_the_total(con, export):
    export.write_text(export.read_text(encoding="utf-8").replace(";APA;", ";XXX;"), encoding="utf-8")
    rejected = _problems(con, export)
    errors = rejected.errors.errors
    assert len(errors) == 20 and [e.line for e in errors] == list(range(2, 22))
    apa_lines = 13849
    assert rejected.errors.total == apa_lines
    assert str(rejected).endswith(f"... and {apa_lines - 20} more")


def test_gzipped_export(con, export, tmp_path):
    edit_line(export, 7, sad_id="62-999")
    gz = tmp_path / "gz" / f"fap_{MONTH}.csv.gz"
    gz.parent.mkdir()
    gz.write_bytes(gzip.compress(export.read_bytes()))
    rejected = _problems(con, gz)
    assert [(e.line, e.column, e.value) for e in rejected.errors.errors] == [(7, "sad_id", "62-999")]


def test_no_message_quotes_a_beneficiary_id(con, export):
    ids = {read_fields(export, n)["beneficiary_id"] for n in range(2, 40)}
    for n in range(2, 40, 3):
        edit_line(export, n, hours_billed="9.5")
    for n in range(3, 40, 3):
        edit_line(export, n, beneficiary_id=read_fields(export, 2)["beneficiary_id"], prestation="APA")
    text = str(_problems(con, export))
    assert not {token for token in re.findall(r"\d{12}", text)} & ids

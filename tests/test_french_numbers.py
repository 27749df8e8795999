"""The one French-number parser: every form printed in the seeds, and refusals that say where."""

from decimal import Decimal

import pytest

from dagster_project.core.frenchnum import FrenchNumberError, Where, parse_french_number, parse_value


@pytest.mark.parametrize(
    "raw, value, unit, decimals",
    [
        ("887 490,00 €", Decimal("887490.00"), "€", 2),  # 002 annex TOTAL
        ("4 206,90 €", Decimal("4206.90"), "€", 2),
        ("816 908 022,92 €", Decimal("816908022.92"), "€", 2),  # 001 DRL enfants total
        ("624 550 772", Decimal("624550772"), None, 0),  # 001 DRL adultes total, no € printed
        ("1 147 837,00", Decimal("1147837.00"), None, 2),  # ADMR hours
        ("72,6%", Decimal("72.6"), "%", 1),
        ("7,3 %", Decimal("7.3"), "%", 1),  # space before %
        ("100,00%", Decimal("100.00"), "%", 2),
        ("+ 57%", Decimal("57"), "%", 0),  # MDPH over-representation, sign then space
        ("+140%", Decimal("140"), "%", 0),
        ("- 8%", Decimal("-8"), "%", 0),
        ("1,22", Decimal("1.22"), None, 2),
        ("102", Decimal("102"), None, 0),
        ("9924", Decimal("9924"), None, 0),  # no thousands separator
        ("0 €", Decimal("0"), "€", 0),  # CPOM model tables: a real zero
        ("0,00 €", Decimal("0.00"), "€", 2),
        ("200 000€", Decimal("200000"), "€", 0),  # no space before €
        ("1\u00a0234\u00a0567,89\u00a0€", Decimal("1234567.89"), "€", 2),  # non-breaking spaces
        ("1\u202f234,5", Decimal("1234.5"), None, 1),  # narrow non-breaking space
        ("  42  ", Decimal("42"), None, 0),
    ],
)
def test_reads_every_printed_form(raw, value, unit, decimals):
    parsed = parse_french_number(raw)
    assert parsed.value == value
    assert isinstance(parsed.value, Decimal)
    assert parsed.unit == unit
    assert parsed.decimals == decimals


@pytest.mark.parametrize("raw", ["", "   ", "\t", "- €", "-", "-\u00a0€", None])
def test_missing_is_null_not_zero(raw):
    assert parse_french_number(raw) is None
    assert parse_value(raw) is None


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("1.5", "'.' is not a French decimal separator"),
        ("1.234,56", "both '.' and ','"),
        ("12 34", "grouped other than by three"),
        ("3 400 12", "grouped other than by three"),
        ("1,2,3", "more than one decimal comma"),
        ("abc", "no digits"),
        ("€/h", "no digits"),
        ("12 kg", "unexpected characters"),
        ("1 234,5 $", "unexpected characters"),
    ],
)
def test_refuses_with_document_line_column(raw, reason):
    where = Where("raw/deliberations/002_49f42b73bb0da1f1.txt", 92, "Activité APA 2024 (sur 12 mois en heures)")
    with pytest.raises(FrenchNumberError) as info:
        parse_french_number(raw, where)
    message = str(info.value)
    assert "002_49f42b73bb0da1f1.txt" in message
    assert "line 92" in message
    assert "'Activité APA 2024 (sur 12 mois en heures)'" in message
    assert repr(raw) in message
    assert reason in message

"""French figures as users read them: 1 234 567,89 €, 72,6 %, 29 mars 2026 à 04 h 30."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from conftest import plain

from dagster_project.core.frenchfmt import (
    THOUSANDS as T,
)
from dagster_project.core.frenchfmt import (
    UNIT_SPACE as S,
)
from dagster_project.core.frenchfmt import (
    format_change,
    format_count,
    format_date,
    format_datetime,
    format_eur,
    format_hours,
    format_month,
    format_number,
    format_pct,
    format_people,
    format_per_1000,
    format_plain,
    format_rate,
    format_value,
    french_minus,
)


def test_euros_are_grouped_with_a_narrow_no_break_space_and_a_decimal_comma():
    assert format_eur(Decimal("1234567.89")) == f"1{T}234{T}567,89{S}€"
    assert plain(format_eur(Decimal("887490"))) == "887 490,00 €"
    assert plain(format_eur(Decimal("887490"), decimals=0)) == "887 490 €"
    assert plain(format_eur(Decimal("0.5"))) == "0,50 €"
    assert plain(format_eur(Decimal("-1234.5"))) == "-1 234,50 €"
    assert plain(format_eur(Decimal("1234.5"), sign=True)) == "+1 234,50 €"
    assert format_eur(None) == "–"


def test_rounding_is_half_up_on_decimals_never_through_float():
    assert format_number(Decimal("2.675"), 2) == "2,68"  # float 2.675 rounds to 2,67
    assert format_number(Decimal("0.125"), 2) == "0,13"  # banker's rounding would give 0,12
    assert format_number(2.675, 2) == "2,68"  # floats are read through their shortest repr
    assert format_number(Decimal("-0.004"), 2) == "0,00"  # no "-0,00"


def test_percent_takes_percent_points():
    assert format_pct(Decimal("72.6")) == f"72,6{S}%"
    assert format_pct(Decimal("2.98"), None) == f"2,98{S}%"
    assert format_pct(Decimal("140"), 0, sign=True) == f"+140{S}%"
    assert plain(format_pct(Decimal("-8"), 0, sign=True)) == "-8 %"


def test_printed_decimals_are_kept_and_trailing_zeros_of_the_storage_type_dropped():
    assert format_number(Decimal("7.4000")) == "7,4"
    assert format_number(Decimal("14.0000")) == "14"
    assert format_number(Decimal("100")) == "100"
    assert format_number(Decimal("1545866.0000")) == f"1{T}545{T}866"
    assert format_count(Decimal("136352.0000")) == f"136{T}352"
    assert format_count(999) == "999"


def test_units_of_the_marts():
    assert plain(format_value(Decimal("102.0000"), "per_1000")) == "102,0 ‰"  # one decimal per rate per 1 000
    assert plain(format_value(Decimal("508.59"), "eur_per_inhabitant")) == "508,59 € par habitant"
    assert plain(format_value(Decimal("83.8"), "years")) == "83,8 ans"
    assert format_value(None, "eur") == "–"
    with pytest.raises(ValueError, match="no French format for unit 'furlongs'"):
        format_value(Decimal(1), "furlongs")


def test_dates_in_french_and_instants_in_paris_time():
    assert format_date(date(2026, 3, 29)) == "29 mars 2026"
    assert format_date(date(2025, 12, 1)) == "1er décembre 2025"
    assert format_date(datetime(2023, 8, 15, 23, 0)) == "15 août 2023"
    assert format_month("2024-03") == "mars 2024" and format_month("2024-12") == "décembre 2024"
    # 02:30 UTC is 04:30 in summer (UTC+2) and 03:30 in winter (UTC+1)
    assert plain(format_datetime("2026-07-01T02:30:00+00:00")) == "1er juillet 2026 à 04 h 30"
    assert plain(format_datetime(datetime(2026, 1, 15, 2, 30, tzinfo=UTC))) == "15 janvier 2026 à 03 h 30"
    with pytest.raises(ValueError, match="without a time zone"):
        format_datetime(datetime(2026, 1, 15, 2, 30))


def test_plain_variant_for_text_copied_into_other_tools():
    """Reconciliation explanations and CSV annexes: ordinary spaces and '-', same rounding."""
    assert format_plain(Decimal("887489.98"), 4) == "887 489,9800"
    assert format_plain(Decimal("-0.0746566395"), 3) == "-0,075"
    assert format_plain(Decimal("0.005")) == "0,005"
    assert format_plain(Decimal("12.345"), 2) == "12,35"  # half-up, as the formatter of the reports
    assert format_plain(Decimal("-0.004"), 2) == "0,00"
    assert format_number(Decimal("-1234.5"), 1, plain=True) == "-1 234,5" != format_number(Decimal("-1234.5"), 1)


def test_one_precision_per_unit():
    """Issue 14: "4 319 502,00 h" beside "4 319 502 h", "14 ‰" beside "7,4 ‰"."""
    assert plain(format_people(Decimal("136352.0000"))) == "136 352"
    assert plain(format_hours(Decimal("4319502.00"))) == "4 319 502 h"
    assert plain(format_hours(Decimal("692.95"))) == "693 h"  # whole hours, half-up
    assert plain(format_hours(Decimal("692.95"), 2)) == "692,95 h"  # where the document prints decimals
    assert format_value(Decimal("4319502.0000"), "hours") == format_hours(Decimal("4319502"))
    assert plain(format_per_1000(Decimal("14.0000"))) == "14,0 ‰" and plain(format_per_1000(Decimal("7.35"))) == "7,4 ‰"
    assert plain(format_rate(Decimal("72.6"))) == "72,6 %" and plain(format_rate(Decimal("2.98"), None)) == "2,98 %"
    assert format_eur(Decimal("17369.7031488507")) == f"17{T}369,70{S}€"
    assert format_hours(None) == format_per_1000(None) == format_change(None) == "–"


def test_signed_changes_carry_the_french_minus():
    assert format_change(Decimal("-8"), unit="%") == f"\u22128{S}%"
    assert format_change(Decimal("1234.5"), 2, "€") == f"+1{T}234,50{S}€"
    assert format_change(Decimal("-0.004"), 2) == "0,00"  # no "−0,00"
    assert "-" not in format_change(Decimal("-5888"))


def test_ascii_signs_of_text_written_elsewhere_become_french_minus():
    text = "écart -0,0200 ; (-8 %) ; 0-19 ans (2019-2023), T2-2024, Hauts-de-France : -5 888,00"
    assert (
        french_minus(text) == "écart \u22120,0200 ; (\u22128 %) ; 0-19 ans (2019-2023), T2-2024, Hauts-de-France : \u22125 888,00"
    )

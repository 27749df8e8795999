"""THE French number formatter: every label, hover, footnote, preview, explanation and CSV figure.

Typography (CLDR `fr`, as printed by the French administration): thousands grouped with a
narrow no-break space (U+202F), decimal comma, a no-break space (U+00A0) before `€`, `%` and
other units, so a figure never wraps across two lines: `1 234 567,89 €`, `72,6 %`.
Text that analysts copy into other tools (reconciliation explanations, CSV annexes) uses the
plain variant (`format_plain`): ordinary spaces and a hyphen-minus, as the deliberations print.
Rounding is half-up (public-finance practice), on Decimal, never through float.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

THOUSANDS = "\u202f"  # narrow no-break space
UNIT_SPACE = "\u00a0"  # no-break space
MINUS = "\u2212"  # true minus sign, as plotly draws on its axes
PARIS = ZoneInfo("Europe/Paris")
# Plotly's `layout.separators`: decimal mark, then thousands separator (same typography as above).
PLOTLY_SEPARATORS = "," + THOUSANDS

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest repr, not the binary expansion
    return Decimal(value)


def format_number(value, decimals: int | None = None, sign: bool = False, *, plain: bool = False) -> str:
    """`1234567.891, 2` -> `1 234 567,89`. decimals=None keeps the significant decimals of the
    value (a DECIMAL(18,4) 7.4000 is shown `7,4`, 14.0000 `14`), as the document printed it.
    plain=True: ordinary spaces and `-` (see format_plain)."""
    if value is None:
        return "–"
    number = _decimal(value)
    if decimals is None:
        number = number.normalize() if number != number.to_integral_value() else number.quantize(Decimal(1))
        decimals = max(0, -number.as_tuple().exponent)
    else:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = number < 0
    integer, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = (" " if plain else THOUSANDS).join(groups) + ("," + fraction if fraction else "")
    if negative and number != 0:
        return ("-" if plain else MINUS) + text
    return ("+" + text) if sign and number != 0 else text


def format_plain(value, decimals: int | None = None, sign: bool = False) -> str:
    """`1234567.891, 2` -> `1 234 567,89` with ordinary spaces and `-`: for text analysts copy
    into other tools (marts' explanations, CSV annexes), where no-break spaces get in the way."""
    return format_number(value, decimals, sign, plain=True)


def format_eur(value, decimals: int = 2, sign: bool = False) -> str:
    """`1234567.89` -> `1 234 567,89 €` (cents by default; decimals=0 for rounded amounts)."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals, sign)}{UNIT_SPACE}€"


def format_pct(value, decimals: int | None = 1, sign: bool = False) -> str:
    """A value already in percent points: `72.6` -> `72,6 %` (not a fraction: 0.726 is 0,7 %)."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals, sign)}{UNIT_SPACE}%"


def format_count(value) -> str:
    """Whole people, rights or hours: `136352` -> `136 352` (the same rule as format_people)."""
    return format_number(value, 0)


# ---------------------------------------------------------------- one precision rule per unit
# Every figure a report prints goes through one of these (issue 14): the same kind of figure has
# the same number of decimals on every page, and a negative figure the true minus (U+2212).
EUR_DECIMALS = 2  # euros: always to the cent, as the deliberations print them
PCT_DECIMALS = 1  # shares and growth rates computed by dbt: one decimal (72,6 %)
# Rates per 1 000 inhabitants: one decimal. The marts cannot tell a printed "14" from "14,0"
# (DECIMAL(18,4)), and the deliberations' columns print one decimal ("7,4", "74,0", "28,0").
PER_1000_DECIMALS = 1


def format_people(value) -> str:
    """People, rights, services, lines: whole numbers, `136352` -> `136 352`."""
    return format_number(value, 0)


def format_hours(value, decimals: int = 0) -> str:
    """Hours: whole hours (`4 319 502 h`); decimals only where the document prints them."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals)}{UNIT_SPACE}h"


def format_rate(value, decimals: int | None = PCT_DECIMALS, sign: bool = False) -> str:
    """A percentage with the printed precision: decimals=None keeps the decimals the mart carries
    (a rate printed `2,98` stays `2,98 %`); else the documented rule of its kind (PCT_DECIMALS)."""
    return format_pct(value, decimals, sign)


def format_per_1000(value, decimals: int | None = PER_1000_DECIMALS) -> str:
    """A rate per 1 000 inhabitants: `6.7` -> `6,7 ‰` (decimals=None: as printed)."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals)}{UNIT_SPACE}‰"


def format_change(value, decimals: int = 0, unit: str = "") -> str:
    """A signed change: always `+` or `−` (U+2212), `−8 %`, `+1 234 €` (unit after a no-break space)."""
    if value is None:
        return "–"
    return format_number(value, decimals, sign=True) + (f"{UNIT_SPACE}{unit}" if unit else "")


_SIGN = re.compile(r"(?<![\w.,\-])-(?=\d)")  # a hyphen-minus used as a sign: not in "0-19 ans", "2019-2023"


def french_minus(text: str) -> str:
    """Text written elsewhere with ASCII signs (marts' explanations, format_plain) as a report shows
    it: `écart -0,0200` -> `écart −0,0200` (U+2212); ranges such as `0-19 ans` are left alone."""
    return _SIGN.sub(MINUS, text)


def format_month(month: str) -> str:
    """A month key `2024-03` -> `mars 2024`."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def format_date(value: date | datetime) -> str:
    """`2026-03-29` -> `29 mars 2026` (`1er` for the first day of a month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime | str) -> str:
    """An instant, shown in Paris time: `2026-11-22T08:09:15+00:00` -> `22 novembre 2026 à 09 h 09`."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError(f"datetime without a time zone: {value!r}")
    local = value.astimezone(PARIS)
    return f"{format_date(local)} à {local.hour:02d}{UNIT_SPACE}h{UNIT_SPACE}{local.minute:02d}"


# How each unit of the marts (`unit` column of marts.indicator_values) is written.
UNIT_FORMATS = {
    "count": format_count,
    "pct": lambda v: format_pct(v, None),
    "eur": format_eur,
    "eur_per_inhabitant": lambda v: f"{format_eur(v)}{UNIT_SPACE}par habitant",
    "eur_per_beneficiary": lambda v: f"{format_eur(v)}{UNIT_SPACE}par allocataire",
    "per_1000": format_per_1000,
    "ratio": format_number,
    "years": lambda v: f"{format_number(v)}{UNIT_SPACE}ans",
    "hours": format_hours,
}


def format_value(value, unit: str) -> str:
    """A figure with its unit, as the report shows it; an unknown unit is an error, not a guess."""
    if value is None:
        return "–"
    try:
        return UNIT_FORMATS[unit](value)
    except KeyError:
        raise ValueError(f"no French format for unit {unit!r}; known: {sorted(UNIT_FORMATS)}") from None

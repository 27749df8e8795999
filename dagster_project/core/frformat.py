"""French number formatting for text an analyst reads: `1 234 567,89 €`, `72,6 %`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNITS = {"eur": " €", "pct": " %", "per_1000": " ‰", "hours": " h", "eur_per_hour": " €/h"}


def format_number(value: Decimal | float | int | None, decimals: int | None = None, unit: str | None = None, space: str = " ") -> str:
    """Format with a decimal comma and thousands separated by `space` (a non-breaking space in HTML).

    `decimals=None` keeps the value's own decimals (trailing zeros dropped)."""
    if value is None:
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    integer, _, fraction = format(abs(number), "f").partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + space.join(groups) + ("," + fraction if fraction else "")
    return text + (UNITS.get(unit, "").replace(" ", space) if unit else "")

"""The one parser for numbers printed the French way, used by every loader.

Accepted: thousands separated by a space, a non-breaking space (U+00A0), a narrow
non-breaking space (U+202F) or a thin space (U+2009); a decimal comma; an optional
leading `+`/`-` sign (which may be followed by spaces, as in `+ 57%`); an optional
trailing `%` or `€`. An empty cell, `-` or `- €` is *missing* (None), never zero.
Anything else raises FrenchNumberError naming where the text was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

SPACES = " \u00a0\u202f\u2009"
_SPACE_CLASS = "[ \u00a0\u202f\u2009]"
_NUMBER = re.compile(
    rf"""^
    (?P<sign>[+-])?{_SPACE_CLASS}*
    (?P<int>\d{{1,3}}(?:{_SPACE_CLASS}\d{{3}})+|\d+)
    (?:,(?P<frac>\d+))?
    {_SPACE_CLASS}*(?P<unit>%|€)?
    $""",
    re.VERBOSE,
)
_MISSING = re.compile(rf"^(?:-{_SPACE_CLASS}*€?|€)?$")


@dataclass(frozen=True)
class Where:
    """Where a piece of text was read: enough for a person to find it."""

    file: str
    line: int | None = None
    column: str | int | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f", line {self.line}"
        if self.column is not None:
            out += f", column {self.column!r}" if isinstance(self.column, str) else f", column {self.column}"
        return out


class FrenchNumberError(ValueError):
    def __init__(self, raw: str, where: Where | None, reason: str):
        self.raw = raw
        self.where = where
        self.reason = reason
        place = f"{where}: " if where else ""
        super().__init__(
            f"{place}cannot read {raw!r} as a French number ({reason}); "
            "expected forms like '1 234 567,89 €', '72,6%', '+ 57%', '- €' or an empty cell"
        )


@dataclass(frozen=True)
class FrenchNumber:
    value: Decimal
    unit: str | None  # '%', '€' or None, as printed
    decimals: int  # digits printed after the comma: the printed precision


def parse_french_number(raw: str | None, where: Where | None = None) -> FrenchNumber | None:
    """Parse one printed number. Returns None for a missing value."""
    if raw is None:
        return None
    text = raw.strip(SPACES + "\t")
    if _MISSING.match(text):
        return None
    match = _NUMBER.match(text)
    if match is None:
        raise FrenchNumberError(raw, where, _diagnose(text))
    digits = re.sub(_SPACE_CLASS, "", match["int"])
    frac = match["frac"] or ""
    value = Decimal(f"{digits}.{frac}" if frac else digits)
    if match["sign"] == "-":
        value = -value
    return FrenchNumber(value=value, unit=match["unit"], decimals=len(frac))


def parse_value(raw: str | None, where: Where | None = None) -> Decimal | None:
    parsed = parse_french_number(raw, where)
    return None if parsed is None else parsed.value


def _diagnose(text: str) -> str:
    if re.search(r"\d", text) is None:
        return "no digits"
    if re.search(rf"[^0-9{SPACES},.%€+-]", text):
        return "unexpected characters"
    if "." in text and "," in text:
        return "both '.' and ',' present: thousands must be spaces, decimals a comma"
    if "." in text:
        return "a '.' is not a French decimal separator; use a comma"
    if text.count(",") > 1:
        return "more than one decimal comma"
    if re.search(r"\d", text) is None:
        return "no digits"
    if re.search(rf"\d{_SPACE_CLASS}\d", text):
        return "digits grouped other than by three"
    return "unexpected characters"

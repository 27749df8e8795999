"""Tolerance and severity policy of the reconciliation checks: implemented here and only here.
The reasoning is written for the data team in docs/reconciliation.md.

Tolerance follows the printed precision. A rounded figure printed with d decimals stands for any
value within half a unit of its last digit: 72,6 means [72,55 ; 72,65]. Counted and paid
quantities (people, euros, hours, months) are not rounded: 4 481 allocataires or 4 206,90 € are
exact, and a total of them must be their sum. So:
- one printed value against an exact computation: half a unit of its last printed digit;
- a printed total against the sum of n rounded values: n half-units of the summed values, plus
  the half-unit of the printed total itself (exact values add nothing but the total's half-unit);
- a printed value derived from other printed values (a share, a rate, an index): its own
  half-unit, plus how far the formula moves when each rounded input moves within its half-unit
  (evaluated at the corners of the input intervals, which bounds monotonic formulas exactly).

Severity says whose figures disagree:
- error: OUR figures disagree with the document (our allocation engine, our FAP hours). The check
  blocks: nothing is published and `make run` exits non-zero naming it.
- warning: the DOCUMENT disagrees with itself (a total that is not the sum of its rows, a derived
  column that does not follow from its inputs, a regional figure that is an unweighted mean, two
  documents printing different amounts for the same thing). Recorded and reported, never dropped,
  never blocking.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext

from ..core.frenchfmt import format_plain

HALF = Decimal("0.5")
MICRO = Decimal("1000000")

# Every kind of check and whose figures it compares.
SEVERITY_BY_KIND = {
    "total_row": "warning",  # the document's TOTAL row against the sum of its own rows
    "derived_column": "warning",  # a printed share/rate/index against its recomputation from the same row
    "regional_aggregate": "warning",  # a printed regional figure against the population-weighted one
    "cross_row": "warning",  # rows of one table that must agree with each other (implied populations)
    "cross_document": "warning",  # the same amount printed twice, in one or two documents
    "engine": "error",  # our engine (allocation, FAP aggregation) against the printed result
}
KINDS = tuple(SEVERITY_BY_KIND)


def severity_of(kind: str) -> str:
    return SEVERITY_BY_KIND[kind]


# Quantities that are counted or paid, never rounded: they add no rounding to what uses them.
EXACT_UNITS = frozenset({"count", "eur", "hours", "months"})


def half_unit(decimals: int | None) -> Decimal:
    """Half a unit of the last printed digit (0,005 for a figure printed to the cent)."""
    return HALF * Decimal(10) ** -(decimals or 0)


def is_exact(unit: str | None) -> bool:
    return unit in EXACT_UNITS


def rounding_of(decimals: int | None, unit: str | None) -> Decimal:
    """How far a printed input may be from the value it stands for: zero when it is exact."""
    return Decimal(0) if unit in EXACT_UNITS else half_unit(decimals)


def tolerance_single(published_decimals: int | None) -> Decimal:
    return half_unit(published_decimals)


def tolerance_sum(components: Sequence[tuple[int | None, str | None]], published_decimals: int | None) -> Decimal:
    """components: (printed decimals, unit) of each summed value."""
    return sum((rounding_of(d, u) for d, u in components), Decimal(0)) + half_unit(published_decimals)


def tolerance_formula(
    formula: Callable[..., Decimal],
    inputs: Sequence[tuple[Decimal, int | None, str | None]],
    published_decimals: int | None,
) -> Decimal:
    """Own half-unit plus the largest move of `formula` over the corners of the rounded inputs'
    intervals. inputs: (value, printed decimals, unit)."""
    with localcontext() as ctx:
        ctx.prec = 34
        centre = formula(*(value for value, _, _ in inputs))
        spread = Decimal(0)
        for signs in itertools.product((-1, 1), repeat=len(inputs)):
            corner = [value + sign * rounding_of(decimals, unit) for (value, decimals, unit), sign in zip(inputs, signs)]
            try:
                spread = max(spread, abs(formula(*corner) - centre))
            except (ArithmeticError, ZeroDivisionError):
                continue
    return half_unit(published_decimals) + spread


def describe_tolerance(kind: str, n: int | None = None, decimals: int | None = None) -> str:
    """The tolerance rule of a check, in French, for the explanation column."""
    unit = f"½ unité du dernier chiffre imprimé ({format_plain(half_unit(decimals))})"
    if kind == "total_row":
        if not n:
            return f"valeurs exactes (effectifs, euros, heures) : {unit} pour le total seulement"
        return f"{n} × {unit} pour les {n} valeurs arrondies additionnées + {unit} pour le total"
    if kind in ("derived_column", "regional_aggregate", "cross_row"):
        return f"{unit} + effet des arrondis des valeurs d'entrée"
    if kind == "cross_document":
        return "½ unité du dernier chiffre de chacun des deux chiffres imprimés"
    return f"{unit} : nos montants doivent être égaux au chiffre imprimé"


def to_micro_ceil(value: Decimal) -> int:
    """|delta| in millionths, rounded up: a check never passes by rounding."""
    return int(math.ceil(abs(value) * MICRO))


def to_micro_floor(value: Decimal) -> int:
    return int(math.floor(value * MICRO))

"""Tolerance and severity policy of the reconciliation checks: implemented here and only here.
The reasoning is written for the data team in docs/reconciliation.md.

Tolerance follows the printed precision. A printed figure with d decimals stands for any value
within half a unit of its last digit: 72,6 means [72,55 ; 72,65]. So:
- one printed value against an exact computation: half a unit of its last printed digit;
- a printed total against the sum of n printed values: n half-units of the summed values, plus
  the half-unit of the printed total itself;
- a printed value derived from other printed values (a share, a rate, an index): its own
  half-unit, plus how far the formula moves when each input moves within its half-unit
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


def half_unit(decimals: int | None) -> Decimal:
    """Half a unit of the last printed digit (0,005 for a figure printed to the cent)."""
    return HALF * Decimal(10) ** -(decimals or 0)


def tolerance_single(published_decimals: int | None) -> Decimal:
    return half_unit(published_decimals)


def tolerance_sum(component_decimals: Sequence[int | None], published_decimals: int | None) -> Decimal:
    return sum((half_unit(d) for d in component_decimals), Decimal(0)) + half_unit(published_decimals)


def tolerance_formula(
    formula: Callable[..., Decimal],
    inputs: Sequence[tuple[Decimal, int | None]],
    published_decimals: int | None,
) -> Decimal:
    """Own half-unit plus the largest move of `formula` over the corners of the input intervals."""
    with localcontext() as ctx:
        ctx.prec = 34
        centre = formula(*(value for value, _ in inputs))
        spread = Decimal(0)
        for signs in itertools.product((-1, 1), repeat=len(inputs)):
            corner = [value + sign * half_unit(decimals) for (value, decimals), sign in zip(inputs, signs)]
            try:
                spread = max(spread, abs(formula(*corner) - centre))
            except (ArithmeticError, ZeroDivisionError):
                continue
    return half_unit(published_decimals) + spread


def describe_tolerance(kind: str, n: int | None = None, decimals: int | None = None) -> str:
    """The tolerance rule of a check, in French, for the explanation column."""
    unit = f"½ unité du dernier chiffre imprimé ({_fr(half_unit(decimals))})"
    if kind == "total_row":
        return f"{n} × {unit} pour les {n} valeurs additionnées + {unit} pour le total"
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


def _fr(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")

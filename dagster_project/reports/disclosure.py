"""Statistical disclosure control for counts of people shown in reports.

Counts under the threshold (AUTONOMY_DISCLOSURE_THRESHOLD, default 5, DREES practice) are
replaced by a visible "masqué" and the chart gets a note saying how many were masked: a masked
figure is never silently dropped, and never drawn as a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.frenchfmt import format_count
from .charts import MASKED_TEXT
from .framework import MASKED_PREFIX


@dataclass(frozen=True)
class Disclosed:
    values: list  # the count, or None where masked
    texts: list[str]  # the count written the French way, or the masked label
    masked: list[str]  # labels of the masked categories

    def note(self, threshold: int) -> list[str]:
        return masked_note(self.masked, threshold)


def masked_note(masked: Sequence[str], threshold: int) -> list[str]:
    """The visible note naming the masked categories ([] when nothing was masked)."""
    if not masked:
        return []
    names = ", ".join(masked)
    plural = "s" if len(masked) > 1 else ""
    return [
        f"{MASKED_PREFIX} : {len(masked)} effectif{plural} inférieur{plural} à {format_count(threshold)} "
        f"({names}) {'ne sont' if plural else 'n’est'} pas affiché{plural}, au titre du secret statistique."
    ]


def disclose_counts(labels: Sequence[str], counts: Sequence[object], threshold: int) -> Disclosed:
    """Mask every count in [1, threshold) (a zero reveals nobody; None stays 'not published')."""
    values, texts, masked = [], [], []
    for label, count in zip(labels, counts, strict=True):
        if count is not None and 0 < count < threshold:
            values.append(None)
            texts.append(f"{MASKED_TEXT} (< {threshold})")
            masked.append(label)
        else:
            values.append(count)
            texts.append(format_count(count) if count is not None else "non publié")
    return Disclosed(values, texts, masked)

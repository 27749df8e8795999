"""Statistical disclosure control for counts of people shown in reports.

Counts under the threshold (AUTONOMY_DISCLOSURE_THRESHOLD, default 5, DREES practice) are
replaced by a visible "masqué" and the chart gets a note saying how many were masked: a masked
figure is never silently dropped, and never drawn as a zero.

Secondary (complementary) suppression: a table whose cells add up to a total shown beside them
(or are bounded by it, as "toutes prestations" is by its prestations) would let a reader rebuild a
lone masked cell by subtraction. `disclose_table` masks, in every such group left with exactly one
masked cell, the smallest other positive cell, and repeats until no group changes. It stays here,
in the rendering: it compares figures dbt computed and decides which to show, it computes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

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


def masked_note(masked: Sequence[str], threshold: int, secondary: Sequence[str] = ()) -> list[str]:
    """The visible note naming the masked categories ([] when nothing was masked), then the cells
    masked only because they would let a reader recompute one of them."""
    if not masked:
        return []
    names = ", ".join(masked)
    plural = "s" if len(masked) > 1 else ""
    note = (
        f"{MASKED_PREFIX} : {len(masked)} effectif{plural} inférieur{plural} à {format_count(threshold)} "
        f"({names}) {'ne sont' if plural else 'n’est'} pas affiché{plural}"
    )
    if secondary:
        many = len(secondary) > 1
        note += (
            f", et les cases qui permettraient de {'les' if plural else 'le'} recalculer : "
            f"{format_count(len(secondary))} effectif{'s' if many else ''} ({', '.join(secondary)}) "
            f"masqué{'s' if many else ''} à {'leur' if many else 'son'} tour"
        )
    return [note + ", au titre du secret statistique."]


def disclose_counts(labels: Sequence[str], counts: Sequence[object], threshold: int) -> Disclosed:
    """Mask every count in [1, threshold) (a zero reveals nobody; None stays 'not published'):
    a one-row table with no total beside it, so no complementary cell."""
    if len(labels) != len(counts):
        raise ValueError(f"{len(labels)} labels for {len(counts)} counts")
    table = disclose_table([list(labels)], [list(counts)], threshold, groups=())
    return Disclosed(table.values[0], table.texts[0], table.masked)


@dataclass(frozen=True)
class DisclosedTable:
    values: list[list]  # the counts, None where masked
    texts: list[list[str]]
    masked: list[str]  # labels of the cells under the threshold
    secondary: list[str]  # labels of the cells masked so that no masked cell can be recalculated

    def note(self, threshold: int) -> list[str]:
        return masked_note(self.masked, threshold, self.secondary)


Cell = tuple[int, int]  # (row, column) of a table


def disclose_table(
    labels: Sequence[Sequence[str]],
    counts: Sequence[Sequence[object]],
    threshold: int,
    groups: Sequence[tuple[Cell, Sequence[Cell]]],
) -> DisclosedTable:
    """Mask every count in [1, threshold), then complementary cells. `groups` lists the relations
    a reader knows, (total, parts): the total is the sum of its parts, or bounds it ("toutes
    prestations": a person with two prestations counts once), taken as a sum, the worst case.
    A group with exactly one masked cell (or masked small parts whose known sum allows one split
    only) gets its smallest other positive cell masked too (a zero reveals nobody); then, since tables with totals both ways can still pin a cell down through
    several groups, any masked cell the visible cells and totals determine (exact rank test)
    gets the smallest visible positive cell of one of its groups masked; until nothing changes."""
    value = {(i, j): count for i, row in enumerate(counts) for j, count in enumerate(row)}
    primary = {cell for cell, count in value.items() if count is not None and 0 < count < threshold}
    hidden = set(primary)
    relations = [(total, *parts) for total, parts in groups]

    def smallest_visible(cells) -> Cell | None:
        visible = [c for c in cells if c not in hidden and (value[c] or 0) > 0]
        return min(visible, key=lambda c: (value[c], c)) if visible else None

    def exposed(total: Cell, parts: Sequence[Cell]) -> bool:
        """One masked cell in the group, or masked parts all under the threshold whose sum the
        visible cells give and which is only possible one way (all 1, or all threshold - 1)."""
        masked = [c for c in (total, *parts) if c in hidden]
        if len(masked) == 1:
            return True
        if not masked or total in hidden or not all(c in primary for c in masked):
            return False
        rest = value[total] - sum(value[c] or 0 for c in parts if c not in hidden)
        return rest in (len(masked), len(masked) * (threshold - 1))

    while True:
        extra = None
        for (total, parts), cells in zip(groups, relations, strict=True):
            if exposed(total, parts) and (extra := smallest_visible(cells)) is not None:
                break  # with no positive cell left, the lone masked one would be 0: it never is
        else:
            for cell in sorted(determined_cells(hidden, groups)):
                candidates = [smallest_visible(cells) for cells in relations if cell in cells]
                candidates = [c for c in candidates if c is not None]
                if candidates:
                    extra = min(candidates, key=lambda c: (value[c], c))
                    break
        if extra is None:
            break
        hidden.add(extra)
    values, texts = [], []
    for i, row in enumerate(counts):
        values.append([None if (i, j) in hidden else count for j, count in enumerate(row)])
        texts.append(
            [
                f"{MASKED_TEXT} (< {threshold})"
                if (i, j) in primary
                else MASKED_TEXT
                if (i, j) in hidden
                else format_count(count)
                if count is not None
                else "non publié"
                for j, count in enumerate(row)
            ]
        )
    order = sorted(hidden, key=lambda c: (c[1], c[0]))  # column by column, as the note of the four columns read
    return DisclosedTable(
        values,
        texts,
        [labels[i][j] for i, j in order if (i, j) in primary],
        [labels[i][j] for i, j in order if (i, j) not in primary],
    )


def determined_cells(hidden: set[Cell], groups: Sequence[tuple[Cell, Sequence[Cell]]]) -> set[Cell]:
    """The masked cells whose value follows from the visible ones through the relations
    total - sum(parts) = 0: those whose unit vector lies in the row space of the relations
    restricted to the masked cells (exact Gaussian elimination on fractions)."""
    unknowns = sorted(hidden)
    index = {cell: k for k, cell in enumerate(unknowns)}
    rows = []
    for total, parts in groups:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            rows.append(row)
    basis: list[list[Fraction]] = []  # reduced rows, each with its own pivot column
    pivots: list[int] = []
    for row in rows:
        for pivot, reduced in zip(pivots, basis, strict=True):
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, reduced, strict=True)]
        lead = next((k for k, a in enumerate(row) if a), None)
        if lead is None:
            continue
        row = [a / row[lead] for a in row]
        for n, reduced in enumerate(basis):
            if reduced[lead]:
                factor = reduced[lead]
                basis[n] = [a - factor * b for a, b in zip(reduced, row, strict=True)]
        basis.append(row)
        pivots.append(lead)
    # fully reduced: a unit vector is in the row space iff one reduced row is that unit vector
    return {unknowns[pivot] for pivot, row in zip(pivots, basis, strict=True) if sum(1 for a in row if a) == 1}


def disclose_rows_with_total(
    row_labels: Sequence[str], column_names: Sequence[str], counts: Sequence[Sequence[object]], threshold: int
) -> DisclosedTable:
    """A table whose first column is each row's total (or bounds the sum of the others, as
    "toutes prestations" does): one group per row. The report and its CSV export both call it,
    so a cell masked in one is masked in the other."""
    return disclose_table(
        [[f"{label} – {name}" for name in column_names] for label in row_labels],
        [list(row) for row in counts],
        threshold,
        [((i, 0), [(i, j) for j in range(1, len(column_names))]) for i in range(len(row_labels))],
    )

"""The kinds of reconciliation rules. Each rule produces evaluations: a printed figure, the value we
compute for it, and the tolerance the policy allows. The verdict is Great Expectations' (gx_suite.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from ..core.frenchfmt import format_plain
from .figures import Figure, Printed
from .policy import describe_tolerance, half_unit, is_exact, rounding_of, tolerance_formula, tolerance_sum

HUNDRED = Decimal(100)


@dataclass
class Evaluation:
    check_id: str
    check_kind: str
    expectation: str
    published: Figure
    computed_value: Decimal
    tolerance: Decimal
    computed_desc: str  # what we computed, in French ("somme des 36 lignes")
    tolerance_desc: str
    hint_if_failed: str | None = None


@dataclass(frozen=True)
class Ref:
    """Points at one printed figure: a table cell, an indicator, a prose figure or a row count."""

    table: str | None = None
    column: str | None = None
    row: str | None = None  # printed row label; "TOTAL" is the table's total row
    indicator: str | None = None
    territory: str | None = None
    figure: str | None = None
    count_rows: str | None = None

    def resolve(self, printed: Printed) -> Figure:
        if self.figure:
            return printed.prose[self.figure]
        if self.count_rows:
            rows = printed.rows(self.count_rows)
            first = next(iter(rows[0].cells.values()))
            return Figure(
                Decimal(len(rows)), 0, first.document_id, printed.header_lines.get(self.count_rows),
                self.count_rows, "nombre de lignes du tableau", None, "count",
            )
        if self.indicator:
            return printed.indicator(self.table, self.indicator, self.territory)
        if self.row == "TOTAL":
            return printed.total(self.table).cells[self.column]
        for row in printed.tables[self.table]:
            if row.row_label == self.row:
                return row.cells[self.column]
        raise LookupError(f"no row {self.row!r} in table {self.table!r}")


def cell(table: str, column: str, row: str) -> Ref:
    return Ref(table=table, column=column, row=row)


def total(table: str, column: str) -> Ref:
    return Ref(table=table, column=column, row="TOTAL")


def indicator(table: str, code: str, territory: str | None = None) -> Ref:
    return Ref(table=table, indicator=code, territory=territory)


def prose(figure_id: str) -> Ref:
    return Ref(figure=figure_id)


def row_count(table: str) -> Ref:
    return Ref(count_rows=table)


def _present(value: Decimal | None) -> Decimal:
    """Empty 'dont' cells (PA or PH part) print nothing for a nil part: add them as zero."""
    return Decimal(0) if value is None else value


class Rule:
    """Base of the rule kinds; subclasses are dataclasses with `kind`, `name` and `description`."""

    @property
    def expectation(self) -> str:
        return f"{self.kind}__{self.name}"

    def evaluate(self, printed: Printed, table_id: str) -> list[Evaluation]:
        raise NotImplementedError

    def _id(self, table_id: str, line: int | None, suffix: str = "") -> str:
        where = f".l{line:04d}" if line else ""
        return f"{table_id}.{self.kind}.{self.name}{suffix}{where}"


@dataclass
class TotalRow(Rule):
    """The printed TOTAL row against the sum of the rows above it, column by column."""

    columns: Sequence[str]
    kind: str = field(default="total_row", init=False)
    name: str = field(default="columns", init=False)
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.description = "Ligne TOTAL / Total général = somme des lignes, pour chaque colonne totalisée"

    def evaluate(self, printed, table_id):
        out = []
        total_row = printed.total(table_id)
        rows = printed.rows(table_id)
        for column in self.columns:
            published = total_row.cells[column]
            parts = [r.cells[column] for r in rows if r.cells[column].value is not None]
            computed = sum((f.value for f in parts), Decimal(0))
            out.append(
                Evaluation(
                    check_id=f"{table_id}.total_row.{column}.l{published.source_line:04d}",
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=computed,
                    tolerance=tolerance_sum([(f.decimals, f.unit) for f in parts], published.decimals),
                    computed_desc=f"somme des {len(parts)} lignes de la colonne",
                    tolerance_desc=describe_tolerance(
                        self.kind, sum(1 for f in parts if not is_exact(f.unit)), published.decimals
                    ),
                )
            )
        return out


@dataclass
class RowFormula(Rule):
    """A printed column against its recomputation from the same row (and the printed total row)."""

    name: str
    measure: str
    inputs: Sequence[str]
    formula: Callable[..., Decimal]
    formula_desc: str
    include_total_row: bool = False
    missing_as_zero: bool = False
    kind: str = "derived_column"
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.description = f"« {self.measure} » recalculé ligne à ligne : {self.formula_desc}"

    def evaluate(self, printed, table_id):
        out = []
        rows = printed.tables[table_id] if self.include_total_row else printed.rows(table_id)
        for row in rows:
            published = row.cells[self.measure]
            figures = [row.cells[name] for name in self.inputs]
            if published.value is None or (not self.missing_as_zero and any(f.value is None for f in figures)):
                continue
            values = [(_present(f.value), f.decimals, f.unit) for f in figures]
            with localcontext() as ctx:
                ctx.prec = 34
                computed = self.formula(*(v for v, _, _ in values))
            out.append(
                Evaluation(
                    check_id=self._id(table_id, row.source_line),
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=computed,
                    tolerance=tolerance_formula(self.formula, values, published.decimals),
                    computed_desc=self.formula_desc,
                    tolerance_desc=describe_tolerance(self.kind, decimals=published.decimals),
                )
            )
        return out


@dataclass
class ShareOfTotal(Rule):
    """A printed share (%) against the row's value over the printed total of its column."""

    measure: str
    of: str
    kind: str = field(default="derived_column", init=False)
    name: str = field(default="", init=False)
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.name = self.measure
        self.description = f"« {self.measure} » = valeur de la ligne / total imprimé de « {self.of} » × 100"

    def evaluate(self, printed, table_id):
        out = []
        total_figure = printed.total(table_id).cells[self.of]
        hint = _copied_column_hint(printed, table_id, self.measure)
        for row in printed.rows(table_id):
            published, part = row.cells[self.measure], row.cells[self.of]
            if published.value is None or part.value is None:
                continue
            inputs = [(part.value, part.decimals, part.unit), (total_figure.value, total_figure.decimals, total_figure.unit)]
            formula = lambda v, t: v / t * HUNDRED  # noqa: E731
            out.append(
                Evaluation(
                    check_id=self._id(table_id, row.source_line),
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=formula(part.value, total_figure.value),
                    tolerance=tolerance_formula(formula, inputs, published.decimals),
                    computed_desc=f"valeur de la ligne / total imprimé ({total_figure.source_line}) × 100",
                    tolerance_desc=describe_tolerance(self.kind, decimals=published.decimals),
                    hint_if_failed=hint,
                )
            )
        return out


@dataclass
class RegionalAggregate(Rule):
    """A printed regional (TOTAL) rate against the population-weighted rate of its rows."""

    measure: str
    numerator: Sequence[str] | None  # columns summed as numerator; None: weight the printed rates
    denominator: Sequence[str]
    scale: Decimal
    kind: str = field(default="regional_aggregate", init=False)
    name: str = field(default="", init=False)
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.name = self.measure
        self.description = f"« {self.measure} » régional = agrégat pondéré par la population des lignes"

    def evaluate(self, printed, table_id):
        rows = printed.rows(table_id)
        published = printed.total(table_id).cells[self.measure]

        def summed(columns, weight_by=None):
            """Sum over rows (optionally rate x weight) and its half-unit spread from printed rounding."""
            total, spread = Decimal(0), Decimal(0)
            for row in rows:
                for column in columns:
                    figure = row.cells[column]
                    if weight_by is None:
                        total += figure.value
                        spread += rounding_of(figure.decimals, figure.unit)
                    else:
                        weight = sum(row.cells[w].value for w in weight_by)
                        total += figure.value * weight
                        spread += rounding_of(figure.decimals, figure.unit) * weight
            return total, spread

        with localcontext() as ctx:
            ctx.prec = 34
            den, den_spread = summed(self.denominator)
            if self.numerator:
                num, num_spread = summed(self.numerator)
                how = "somme des numérateurs / somme des dénominateurs des lignes"
            else:
                num, num_spread = summed([self.measure], weight_by=self.denominator)
                how = "moyenne des taux des lignes pondérée par " + " + ".join(self.denominator)
            scale = self.scale if self.numerator else Decimal(1)
            computed = num / den * scale
            corners = [(num + a) / (den + b) * scale for a in (-num_spread, num_spread) for b in (-den_spread, den_spread)]
            tolerance = half_unit(published.decimals) + max(abs(c - computed) for c in corners)
            plain = sum(r.cells[self.measure].value for r in rows) / len(rows)
            plain_spread = sum(rounding_of(r.cells[self.measure].decimals, r.cells[self.measure].unit) for r in rows) / len(rows)
        hint = None
        if abs(plain - published.value) <= half_unit(published.decimals) + plain_spread:
            hint = (
                f"Le chiffre régional imprimé est la moyenne simple des {len(rows)} valeurs départementales "
                f"({_fmt(plain)}), non un agrégat pondéré par la population."
            )
        return [
            Evaluation(
                check_id=self._id(table_id, published.source_line),
                check_kind=self.kind,
                expectation=self.expectation,
                published=published,
                computed_value=computed,
                tolerance=tolerance,
                computed_desc=how,
                tolerance_desc=describe_tolerance("derived_column", decimals=published.decimals),
                hint_if_failed=hint,
            )
        ]


@dataclass
class ImpliedPopulation(Rule):
    """Rows of a per-1000 table imply a population (count / rate); they must imply the same one."""

    name: str
    rate: str
    count: str
    scale: Decimal = Decimal(1000)
    kind: str = field(default="cross_row", init=False)
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.description = f"Population implicite ({self.count} / {self.rate}) cohérente d'une ligne à l'autre"

    def evaluate(self, printed, table_id):
        rows = [r for r in printed.rows(table_id) if r.cells[self.rate].value and r.cells[self.count].value]
        # Each printed rate r (± half a unit h) and count c admit populations in [c/(r+h), c/(r-h)] x scale.
        intervals = []
        for row in rows:
            rate, count = row.cells[self.rate], row.cells[self.count]
            h = half_unit(rate.decimals)
            intervals.append((count.value / (rate.value + h) * self.scale, count.value / (rate.value - h) * self.scale))
        reference = _most_covered_point(intervals)
        out = []
        for row in rows:
            published, count = row.cells[self.rate], row.cells[self.count]
            out.append(
                Evaluation(
                    check_id=self._id(table_id, row.source_line),
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=count.value / reference * self.scale,
                    tolerance=half_unit(published.decimals),
                    computed_desc=f"{_fmt(count.value, 0)} droits / population commune à la plupart des lignes "
                    f"({_fmt(reference, 0)} habitants) × 1000",
                    tolerance_desc=describe_tolerance("derived_column", decimals=published.decimals),
                    hint_if_failed=f"Cette ligne implique une population entre "
                    f"{_fmt(count.value / (published.value + half_unit(published.decimals)) * self.scale, 0)} et "
                    f"{_fmt(count.value / (published.value - half_unit(published.decimals)) * self.scale, 0)} habitants, "
                    f"incompatible avec les autres lignes.",
                )
            )
        return out


def _most_covered_point(intervals: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Midpoint of the segment covered by the most intervals (their intersection when it exists)."""
    events = sorted([(lo, 0) for lo, _ in intervals] + [(hi, 1) for _, hi in intervals])
    best, depth, best_segment = -1, 0, None
    for index, (point, is_end) in enumerate(events):
        depth += -1 if is_end else 1
        if not is_end and depth > best:
            following = events[index + 1][0] if index + 1 < len(events) else point
            best, best_segment = depth, (point, following)
    return (best_segment[0] + best_segment[1]) / 2


@dataclass
class Formula(Rule):
    """One printed figure against a formula over other printed figures (same or other document)."""

    name: str
    published: Ref
    inputs: Sequence[Ref]
    formula: Callable[..., Decimal]
    formula_desc: str
    kind: str = "cross_document"
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.description = self.formula_desc

    def evaluate(self, printed, table_id):
        published = self.published.resolve(printed)
        figures = [ref.resolve(printed) for ref in self.inputs]
        values = [(_present(f.value), f.decimals, f.unit) for f in figures]
        with localcontext() as ctx:
            ctx.prec = 34
            computed = self.formula(*(v for v, _, _ in values))
        sources = ", ".join(sorted({f"{f.document_id} l.{f.source_line}" for f in figures}))
        return [
            Evaluation(
                check_id=f"{published.table_id}.{self.kind}.{self.name}.l{published.source_line:04d}",
                check_kind=self.kind,
                expectation=self.expectation,
                published=published,
                computed_value=computed,
                tolerance=tolerance_formula(self.formula, values, published.decimals),
                computed_desc=f"{self.formula_desc} (d'après {sources})",
                tolerance_desc=describe_tolerance(self.kind, decimals=published.decimals),
            )
        ]


@dataclass
class MatchingRows(Rule):
    """Two tables that must print the same value for the same row label (e.g. two contract models)."""

    name: str
    column: str
    other_table: str
    kind: str = "cross_document"
    description: str = field(default="", init=False)

    def __post_init__(self):
        self.description = f"« {self.column} » identique ligne à ligne dans {self.other_table}"

    def evaluate(self, printed, table_id):
        others = {r.row_label: r for r in printed.rows(self.other_table)}
        out = []
        for row in printed.rows(table_id):
            other = others.get(row.row_label)
            published = row.cells[self.column]
            if other is None or published.value is None:
                continue
            mirror = other.cells[self.column]
            out.append(
                Evaluation(
                    check_id=self._id(table_id, row.source_line),
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=mirror.value,
                    tolerance=tolerance_sum([(mirror.decimals, mirror.unit)], published.decimals),
                    computed_desc=f"valeur imprimée pour « {row.row_label} » ({mirror.document_id} l.{mirror.source_line})",
                    tolerance_desc=describe_tolerance(self.kind, decimals=published.decimals),
                )
            )
        return out


@dataclass
class EngineMatchesPrinted(Rule):
    """Our engine's figures (a mart) against the printed ones they must reproduce.

    `query` returns one row per comparison: published value, computed value, document_id,
    source_line, table_id, measure (header as printed), row label, printed decimals.
    """

    name: str
    query: str
    computed_desc: str
    kind: str = field(default="engine", init=False)
    description: str = ""

    def evaluate(self, printed, table_id):
        out = []
        for published_value, computed, document_id, line, table, measure, label, decimals in printed.con.execute(self.query).fetchall():
            published = Figure(published_value, decimals, document_id, line, table, measure, label)
            out.append(
                Evaluation(
                    check_id=self._id(table, line),
                    check_kind=self.kind,
                    expectation=self.expectation,
                    published=published,
                    computed_value=computed if computed is not None else Decimal(0),
                    tolerance=tolerance_sum([], decimals),
                    computed_desc=self.computed_desc,
                    tolerance_desc=describe_tolerance(self.kind, decimals=decimals),
                    hint_if_failed=None if computed is not None else "Notre calcul ne produit aucune valeur pour cette ligne.",
                )
            )
        return out


def _copied_column_hint(printed: Printed, table_id: str, column: str) -> str | None:
    """Says so when a printed column repeats, row for row, another column of the same table."""
    rows = printed.rows(table_id)
    values = [r.cells[column].value for r in rows]
    for other in rows[0].cells:
        if other != column and [r.cells[other].value for r in rows] == values:
            header, line = rows[0].cells[other].measure, printed.header_lines.get(table_id)
            position = list(rows[0].cells).index(other) + 1
            return (
                f"La colonne imprimée reproduit, ligne à ligne, la colonne n°{position} « {header} » "
                f"du même tableau (en-tête ligne {line}) : probable erreur de copie."
            )
    return None


def _fmt(value: Decimal, decimals: int | None = 2) -> str:
    return format_plain(value, decimals)

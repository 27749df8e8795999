"""From verdicts to result rows (marts.reconciliation_checks) and explanations an analyst reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from ..core.frenchfmt import format_plain
from .gx_suite import Verdict
from .policy import severity_of
from .register import Acknowledgement
from .rules import Evaluation

STORED = Decimal("1e-10")  # marts store DECIMAL(38,10)

MART_COLUMNS = (
    "check_id", "check_kind", "document_id", "source_line", "table_id", "measure", "published_value",
    "computed_value", "delta", "tolerance", "severity", "passed", "status", "explanation",
)


@dataclass
class Result:
    suite: str
    expectation: str
    check_id: str
    check_kind: str
    document_id: str
    source_line: int | None
    table_id: str
    measure: str
    published_value: Decimal | None
    computed_value: Decimal | None
    delta: Decimal | None
    tolerance: Decimal
    severity: str
    passed: bool
    status: str  # passed | failed | acknowledged
    explanation: str

    def as_row(self) -> dict:
        return {name: getattr(self, name) for name in MART_COLUMNS}


def build_results(
    suite: str,
    evaluations: Sequence[Evaluation],
    verdicts: dict[str, Verdict],
    register: dict[str, Acknowledgement],
) -> list[Result]:
    results = []
    for evaluation in evaluations:
        published = evaluation.published
        computed = evaluation.computed_value.quantize(STORED)
        delta = computed - published.value
        passed = evaluation.check_id not in verdicts[evaluation.expectation].failed_check_ids
        acknowledgement = register.get(evaluation.check_id)
        acknowledged = (
            not passed
            and acknowledgement is not None
            and acknowledgement.applies_to(published.value, evaluation.computed_value)
        )
        status = "passed" if passed else "acknowledged" if acknowledged else "failed"
        results.append(
            Result(
                suite=suite,
                expectation=evaluation.expectation,
                check_id=evaluation.check_id,
                check_kind=evaluation.check_kind,
                document_id=published.document_id,
                source_line=published.source_line,
                table_id=published.table_id,
                measure=published.measure,
                published_value=published.value,
                computed_value=computed,
                delta=delta,
                tolerance=evaluation.tolerance.quantize(STORED, rounding=ROUND_DOWN),
                severity=severity_of(evaluation.check_kind),
                passed=passed,
                status=status,
                explanation=explain(evaluation, delta, status, acknowledgement if acknowledged else None),
            )
        )
    return results


def _digits(evaluation: Evaluation) -> int:
    """Shown decimals: an engine's figures are exact at the printed precision; a recomputed
    ratio gets two more (at most 4) so that a rounding difference shows."""
    if evaluation.check_kind == "engine":
        return evaluation.published.decimals or 0
    return min((evaluation.published.decimals or 0) + 2, 4)


def explain(evaluation: Evaluation, delta: Decimal, status: str, acknowledgement: Acknowledgement | None) -> str:
    published = evaluation.published
    digits = _digits(evaluation)
    where = f"ligne {published.source_line}" if published.source_line else "document"
    facts = (
        f"« {published.measure} »"
        + (f" ({published.row_label})" if published.row_label else "")
        + f" imprimé {format_plain(published.value, published.decimals)} ({where}) ; {evaluation.computed_desc} : "
        f"{format_plain(evaluation.computed_value, digits)} ; écart {format_plain(delta, digits)}"
    )
    tolerance = f"tolérance {format_plain(evaluation.tolerance, digits + 1)} ({evaluation.tolerance_desc})"
    if status == "passed":
        return f"Cohérent : {facts}, dans la {tolerance}."
    text = f"Écart : {facts}, au-delà de la {tolerance}."
    if evaluation.hint_if_failed:
        text += f" {evaluation.hint_if_failed}"
    if severity_of(evaluation.check_kind) == "error":
        text += " Nos chiffres diffèrent du document : la publication est bloquée."
    else:
        text += " Le document n'est pas cohérent avec lui-même : signalé, sans bloquer la publication."
    if acknowledgement:
        text += (
            f" Écart connu, accepté le {acknowledgement.acknowledged_on} par {acknowledgement.acknowledged_by} : "
            f"{acknowledgement.reason}"
        )
    return text

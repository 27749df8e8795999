"""The reconciliation as ONE Dagster multi-asset check: one blocking check per rule, attached to the
asset its suite guards, evaluated in one step after dbt has built marts.reconciliation_checks.

dbt computes every figure, tolerance and verdict row (dbt/models/checks/, docs/reconciliation.md);
here Great Expectations re-judges those rows and Dagster reports them. The check fails closed,
with severity ERROR, when GX could not evaluate a rule, when GX's failing rows are not the rows
the mart marks as not passed, or when a rule has no row at all although what is printed calls for
some (int_reconciliation__coverage; a rule nothing loaded calls for, e.g. no table of its kind,
passes with nothing to check).
Otherwise an error-severity failure (our figures disagree with the document) blocks everything
downstream, publish included; a warning is recorded without blocking.
"""

from dataclasses import dataclass

import dagster as dg

from ..common import markdown_table
from ..core.faults import fault_point
from ..core.frenchfmt import format_plain
from ..settings import get_settings
from ..warehouse.connections import connect_work
from ..warehouse.lock import RefreshLockResource
from .gx_suite import Verdict, validate
from .rules import MART_KEY, Rule, load_rules

SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}
GX_SUITE = "reconciliation"

# The mart's rows with the rule (suite, expectation) that produced them and the integer
# millionths dbt judged them on.
ROWS_QUERY = """
SELECT v.suite || '__' || v.expectation AS check_name, c.check_id, c.check_kind, c.document_id,
       c.source_line, c.published_value, c.computed_value, c.delta, c.tolerance, c.severity,
       c.passed, c.status, c.explanation, v.abs_delta_micro, v.tolerance_micro
FROM marts.reconciliation_checks c
JOIN intermediate.int_reconciliation__verdicts v USING (check_id)
ORDER BY c.document_id, c.source_line, c.check_id
"""


# Per rule, the evaluations what is printed calls for and those missing (dbt, int_reconciliation__coverage).
COVERAGE_QUERY = "SELECT check_name, expected_evaluations, missing_evaluations, missing_check_ids FROM intermediate.int_reconciliation__coverage"
SEVERITY_ORDER = {"warning": 0, "error": 1}


def read_rows(con):
    """The mart's rows; |delta| and tolerance in integer millionths (NULL for a check not evaluable)."""
    return con.execute(ROWS_QUERY).df().astype({"abs_delta_micro": "Int64", "tolerance_micro": "Int64"})


def _plain(value, decimals: int | None = None) -> str:
    import pandas as pd

    if value is None or pd.isna(value):
        return "—"
    return format_plain(value, decimals) if decimals is not None else format_plain(value)


@dataclass(frozen=True)
class Coverage:
    expected: int
    missing: int
    missing_check_ids: tuple[str, ...]


def read_coverage(con) -> dict[str, Coverage]:
    return {
        name: Coverage(expected, missing, tuple(ids)) for name, expected, missing, ids in con.execute(COVERAGE_QUERY).fetchall()
    }


def evaluable(rows):
    """The rows Great Expectations judges: a check whose figure is missing is a failure of its own."""
    return rows[rows["status"] != "not_evaluable"]


def _fail_closed(rule: Rule, reason: str, metadata: dict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=rule.guards,
        check_name=rule.check_name,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=reason,
        metadata=metadata,
    )


def check_result(rule: Rule, rows, verdict: "Verdict | None", coverage: "Coverage | int | None" = None) -> dg.AssetCheckResult:
    """rows: this rule's rows of marts.reconciliation_checks (pandas); verdict: GX's over its
    evaluable rows, if any; coverage: the evaluations what is printed calls for and those the check
    models did not make (an int: the expected count only; None: unknown, at least one)."""
    # Records only of the rows shown or named: a rule may have tens of thousands of rows (the
    # official totals: 83 883), and records of them all cost 1.5 s of every refresh.
    count = len(rows)

    def records(status: str) -> list[dict]:
        return rows[rows["status"] == status].to_dict("records")

    if isinstance(coverage, int):
        coverage = Coverage(coverage, 0, ())
    expected = coverage.expected if coverage is not None else None
    if not count and expected == 0:
        # nothing printed calls for this rule (no table of its kind, no figure of its role loaded)
        return dg.AssetCheckResult(
            asset_key=rule.guards,
            check_name=rule.check_name,
            passed=True,
            description="Rien à contrôler : aucun document chargé n'imprime ce que cette règle compare.",
            metadata={"evaluated": 0, "expected": 0, "check_kind": rule.kind, "gx_suite": GX_SUITE, "suite": rule.suite},
        )
    failed, not_evaluable, acknowledged = records("failed"), records("not_evaluable"), records("acknowledged")
    metadata = {
        "evaluated": count,
        "expected": expected if expected is not None else count,
        "failed": len(failed),
        "not_evaluable": len(not_evaluable),
        "acknowledged": len(acknowledged),
        "check_kind": rule.kind,
        "gx_suite": GX_SUITE,
        "suite": rule.suite,
    }
    judged = rows[rows["status"] != "not_evaluable"]
    if len(judged):
        worst = judged.loc[(judged["delta"].abs() - judged["tolerance"]).idxmax()].to_dict()
        metadata.update(
            {
                "published": format_plain(worst["published_value"]),
                "computed": format_plain(worst["computed_value"], 4),
                "delta": format_plain(worst["delta"], 4),
                "tolerance": format_plain(worst["tolerance"], 5),
                "document": worst["document_id"],
                "line": int(worst["source_line"] or 0),
                "worst_check_id": worst["check_id"],
                "explanation": worst["explanation"],
            }
        )
    shown = not_evaluable + failed + acknowledged
    if shown:
        metadata["discrepancies"] = dg.MetadataValue.md(
            markdown_table(
                ["check_id", "line", "published", "computed", "delta", "status"],
                [
                    (
                        r["check_id"],
                        r["source_line"],
                        _plain(r["published_value"]),
                        _plain(r["computed_value"], 4),
                        _plain(r["delta"], 4),
                        r["status"],
                    )
                    for r in shown[:20]
                ],
            )
        )
    # Fail closed: no figure, fewer than what is printed calls for, no verdict, or not the mart's.
    if not count:
        return _fail_closed(rule, "No figure to check: the rule evaluated nothing (has the table changed?).", metadata)
    if coverage is not None and coverage.missing:
        metadata["missing"] = dg.MetadataValue.md("\n".join(f"- `{c}`" for c in coverage.missing_check_ids))
        return _fail_closed(
            rule,
            f"{coverage.missing} of the {coverage.expected} evaluations what is printed calls for were not made "
            f"(not evaluated: {', '.join(coverage.missing_check_ids[:5])}" + (", ..." if coverage.missing > 5 else "") + ").",
            metadata,
        )
    if len(judged) and (verdict is None or verdict.evaluated != len(judged)):
        return _fail_closed(rule, "Great Expectations could not evaluate every figure of this rule.", metadata)
    mart_failed = set(judged.loc[~judged["passed"].astype(bool), "check_id"])
    if len(judged) and (verdict.failed_check_ids != mart_failed or verdict.success != (not mart_failed)):
        disagree = sorted(verdict.failed_check_ids ^ mart_failed)
        return _fail_closed(
            rule,
            f"Great Expectations and marts.reconciliation_checks disagree on {', '.join(disagree) or 'the verdict'}.",
            metadata,
        )
    if failed or not_evaluable:
        # the rule's severity is its most severe failing row's, not its first's
        worst_row = max(failed + not_evaluable, key=lambda r: SEVERITY_ORDER[r["severity"]])
        parts = [f"{len(failed)} of {count} figures outside tolerance"] if failed else []
        if not_evaluable:
            parts.append(f"{len(not_evaluable)} not evaluable (a figure is missing)")
        return dg.AssetCheckResult(
            asset_key=rule.guards,
            check_name=rule.check_name,
            passed=False,
            severity=SEVERITY[worst_row["severity"]],
            description=f"{'; '.join(parts)}. {worst_row['explanation']}",
            metadata=metadata,
        )
    if acknowledged:
        blocking = [r for r in acknowledged if r["severity"] == "error"]
        head = (
            f"{len(blocking)} accepted blocking discrepancy(ies) (écart bloquant accepté, publication not blocked)"
            if blocking
            else f"{len(acknowledged)} acknowledged discrepancy(ies)"
        )
        return dg.AssetCheckResult(
            asset_key=rule.guards,
            check_name=rule.check_name,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{head}: {(blocking or acknowledged)[0]['explanation']}",
            metadata=metadata,
        )
    return dg.AssetCheckResult(asset_key=rule.guards, check_name=rule.check_name, passed=True, metadata=metadata)


def build_checks() -> list[dg.AssetChecksDefinition]:
    rules = load_rules()
    specs = [
        dg.AssetCheckSpec(
            name=rule.check_name,
            asset=rule.guards,
            blocking=True,
            description=f"[{rule.kind}] {rule.description}",
            additional_deps=[MART_KEY],  # runs once dbt has built the check models and the mart
        )
        for rule in rules
    ]

    @dg.multi_asset_check(
        specs=specs,
        name="reconciliation",
        can_subset=True,  # a job may select some rules (the FAP benchmark runs only the FAP one): yield only those
        description=(
            "Great Expectations judges every reconciliation check dbt computed (marts.reconciliation_checks): "
            "one blocking check per rule, on the asset its suite guards."
        ),
    )
    def reconciliation(context: dg.AssetCheckExecutionContext, refresh_lock: RefreshLockResource):
        with connect_work(get_settings().work_db) as con:
            rows = read_rows(con)
            coverage = read_coverage(con)
            fault_point("checks")  # tests kill the refresh here, the work database open
        try:
            verdicts = validate(
                GX_SUITE,
                [rule.check_name for rule in rules],
                evaluable(rows)[["check_id", "check_name", "abs_delta_micro", "tolerance_micro"]].astype(
                    {"abs_delta_micro": "int64", "tolerance_micro": "int64"}
                ),
            )
        except Exception as exc:  # fail closed: every rule fails with the reason
            context.log.error("Great Expectations could not validate the reconciliation rows: %s", exc)
            verdicts = {}
        selected = context.selected_asset_check_keys
        for rule in rules:
            result = check_result(
                rule, rows[rows["check_name"] == rule.check_name], verdicts.get(rule.check_name), coverage.get(rule.check_name)
            )
            if dg.AssetCheckKey(rule.guards, rule.check_name) in selected:
                yield result

    return [reconciliation]

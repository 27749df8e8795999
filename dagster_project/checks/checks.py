"""Each reconciliation suite as a Dagster multi-asset check on the asset it guards.

One check per expectation (suite x rule); its result carries the figures of the worst evaluation
(published, computed, delta, tolerance, document, line) and the list of failing ones. All checks
are blocking: an error-severity failure stops everything downstream, publish included, while a
warning is recorded without blocking (the policy decides the severity, see policy.py).
"""

import dagster as dg

from ..common import markdown_table
from ..core.faults import fault_point
from ..core.frenchfmt import format_plain
from ..warehouse.connections import connect_work
from ..warehouse.lock import RefreshLockResource
from ..settings import get_settings
from .figures import load_printed
from .gx_suite import validate
from .history import record
from .register import load_register
from .results import Result, build_results
from .suites import SUITES, Suite

SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}


def check_name(suite: Suite, expectation: str) -> str:
    return f"{suite.name}__{expectation}"


def evaluate_suite(suite: Suite, con) -> list[Result]:
    printed = load_printed(con)
    evaluations = [e for rule in suite.rules for e in rule.evaluate(printed, suite.table_id)]
    verdicts = validate(suite.name, [rule.expectation for rule in suite.rules], evaluations)
    return build_results(suite.name, evaluations, verdicts, load_register(get_settings().raw_dir))


def _check_result(suite: Suite, rule, results: list[Result]) -> dg.AssetCheckResult:
    name = check_name(suite, rule.expectation)
    mine = [r for r in results if r.expectation == rule.expectation]
    failed = [r for r in mine if r.status == "failed"]
    acknowledged = [r for r in mine if r.status == "acknowledged"]
    worst = max(mine, key=lambda r: abs(r.delta) - r.tolerance, default=None)
    metadata = {
        "evaluated": len(mine),
        "failed": len(failed),
        "acknowledged": len(acknowledged),
        "check_kind": rule.kind,
        "gx_suite": suite.name,
    }
    if worst is not None:
        metadata.update(
            {
                "published": format_plain(worst.published_value),
                "computed": format_plain(worst.computed_value, 4),
                "delta": format_plain(worst.delta, 4),
                "tolerance": format_plain(worst.tolerance, 5),
                "document": worst.document_id,
                "line": worst.source_line or 0,
                "worst_check_id": worst.check_id,
                "explanation": worst.explanation,
            }
        )
    shown = failed + acknowledged
    if shown:
        metadata["discrepancies"] = dg.MetadataValue.md(
            markdown_table(
                ["check_id", "line", "published", "computed", "delta", "status"],
                [(r.check_id, r.source_line, format_plain(r.published_value), format_plain(r.computed_value, 4),
                  format_plain(r.delta, 4), r.status) for r in shown[:20]],
            )
        )
    if not mine:
        return dg.AssetCheckResult(
            asset_key=suite.guards, check_name=name, passed=False, severity=dg.AssetCheckSeverity.WARN,
            description="No figure to check: has the table changed?", metadata=metadata,
        )
    if failed:
        severity = SEVERITY[failed[0].severity]
        return dg.AssetCheckResult(
            asset_key=suite.guards, check_name=name, passed=False, severity=severity,
            description=f"{len(failed)} of {len(mine)} figures outside tolerance. {failed[0].explanation}",
            metadata=metadata,
        )
    if acknowledged:
        return dg.AssetCheckResult(
            asset_key=suite.guards, check_name=name, passed=False, severity=dg.AssetCheckSeverity.WARN,
            description=f"{len(acknowledged)} acknowledged discrepancy(ies): {acknowledged[0].explanation}",
            metadata=metadata,
        )
    return dg.AssetCheckResult(asset_key=suite.guards, check_name=name, passed=True, metadata=metadata)


def build_suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            name=check_name(suite, rule.expectation),
            asset=suite.guards,
            blocking=True,
            description=f"[{rule.kind}] {rule.description}",
            additional_deps=[key for key in suite.reads if key != suite.guards],
        )
        for rule in suite.rules
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"reconcile_{suite.name}",
        description=f"Great Expectations suite « {suite.name} » : {suite.description}",
    )
    def _check(context: dg.AssetCheckExecutionContext, refresh_lock: RefreshLockResource):
        with connect_work(get_settings().work_db) as con:
            results = evaluate_suite(suite, con)
            record(con, context.run.run_id, results)
            fault_point("checks")
        for rule in suite.rules:
            yield _check_result(suite, rule, results)

    return _check


def build_checks() -> list[dg.AssetChecksDefinition]:
    names = [check_name(s, r.expectation) for s in SUITES for r in s.rules]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"reconciliation checks declared twice: {sorted(duplicates)}")
    return [build_suite_check(suite) for suite in SUITES]

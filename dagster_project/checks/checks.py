"""The reconciliation as ONE Dagster multi-asset check: one blocking check per rule, attached to the
asset its suite guards, evaluated in one step after dbt has built marts.reconciliation_checks.

dbt computes every figure, tolerance and verdict row (dbt/models/checks/, docs/reconciliation.md);
here Great Expectations re-judges those rows and Dagster reports them. The check fails closed,
with severity ERROR, when GX could not evaluate a rule, when GX's failing rows are not the rows
the mart marks as not passed, or when a rule has no row at all (a table that changed shape).
Otherwise an error-severity failure (our figures disagree with the document) blocks everything
downstream, publish included; a warning is recorded without blocking.

A rule without rows is NOT APPLICABLE, and passes saying so, only when no loaded deliberation
prints what it checks: no table of its suite's kind, or no figure its `published` reference names
(a département with no deliberation, or with only some documents). When the figures it checks
are loaded and it still has no row, it fails closed as above.
"""

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


def read_rows(con):
    return con.execute(ROWS_QUERY).df().astype({"abs_delta_micro": "int64", "tolerance_micro": "int64"})


# What the loaded deliberations print, in the terms of the rules' `published` references (the
# dbt macro published_predicate): one row per distinct shape of printed figure.
FIGURES_QUERY = """
SELECT DISTINCT figure_kind, kind, kind_column, is_total, finances_links > 0 AS linked, indicator_code, role,
       copy_of IS NOT NULL AS is_copy, territory_code IS NOT NULL AS has_territory,
       indicator_code IN (SELECT indicator_code FROM reference.official_cross_source) AS crosses_official
FROM intermediate.int_reconciliation__figures
"""


def read_figures(con) -> list[dict]:
    cursor = con.execute(FIGURES_QUERY)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _names(figure: dict, reference: str) -> bool:
    """Whether a printed figure is one a `published` reference names (dbt: published_predicate)."""
    prefix, _, rest = reference.partition(":")
    if prefix == "role":
        return figure["figure_kind"] == "prose" and figure["role"] == rest
    if prefix == "indicator":
        return figure["indicator_code"] == rest
    if prefix == "rows":
        return figure["figure_kind"] == "rows" and figure["kind"] == rest
    if prefix in ("cell", "linked"):
        kind, _, column = rest.partition(".")
        return (figure["figure_kind"] == "cell" and not figure["is_total"] and figure["kind"] == kind
                and figure["kind_column"] == column and (prefix == "cell" or bool(figure["linked"])))  # fmt: skip
    if prefix == "copies":
        return figure["figure_kind"] == "prose" and bool(figure["is_copy"])
    return True  # a reference this reader does not know: assume the figures are there (fail closed)


def applicable(rule: Rule, figures: list[dict]) -> bool:
    """Whether the loaded deliberations print something the rule checks. The official files'
    own totals are always loaded; a suite of one kind of table needs a table of that kind; a
    figure-level rule needs a figure its `published` reference names."""
    if rule.rule_type == "official_total":
        return True
    if rule.document_kind:
        return any(f["kind"] == rule.document_kind for f in figures)
    if rule.rule_type == "official_cross_source":
        return any(f["figure_kind"] in ("cell", "prose") and f["has_territory"] and f["crosses_official"] for f in figures)
    if rule.published:
        return any(_names(f, rule.published) for f in figures)
    return True


def _not_applicable(rule: Rule, metadata: dict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=rule.guards,
        check_name=rule.check_name,
        passed=True,
        description="Not applicable: no loaded deliberation prints what this rule checks.",
        metadata={**metadata, "applicable": False},
    )


def _fail_closed(rule: Rule, reason: str, metadata: dict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=rule.guards,
        check_name=rule.check_name,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=reason,
        metadata=metadata,
    )


def check_result(rule: Rule, rows, verdict: "Verdict | None", is_applicable: bool = True) -> dg.AssetCheckResult:
    """rows: this rule's rows of marts.reconciliation_checks (pandas); verdict: GX's, if any;
    is_applicable: whether the loaded deliberations print what the rule checks (`applicable`)."""
    records = rows.to_dict("records")
    failed = [r for r in records if r["status"] == "failed"]
    acknowledged = [r for r in records if r["status"] == "acknowledged"]
    metadata = {
        "evaluated": len(records),
        "failed": len(failed),
        "acknowledged": len(acknowledged),
        "check_kind": rule.kind,
        "gx_suite": GX_SUITE,
        "suite": rule.suite,
    }
    if records:
        worst = max(records, key=lambda r: abs(r["delta"]) - r["tolerance"])
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
    shown = failed + acknowledged
    if shown:
        metadata["discrepancies"] = dg.MetadataValue.md(
            markdown_table(
                ["check_id", "line", "published", "computed", "delta", "status"],
                [
                    (
                        r["check_id"],
                        r["source_line"],
                        format_plain(r["published_value"]),
                        format_plain(r["computed_value"], 4),
                        format_plain(r["delta"], 4),
                        r["status"],
                    )
                    for r in shown[:20]
                ],
            )
        )
    if not records and not is_applicable:
        return _not_applicable(rule, metadata)
    # Fail closed: no figure, no verdict, or a verdict that is not the mart's.
    if not records:
        return _fail_closed(rule, "No figure to check: the rule evaluated nothing (has the table changed?).", metadata)
    if verdict is None or verdict.evaluated != len(records):
        return _fail_closed(rule, "Great Expectations could not evaluate every figure of this rule.", metadata)
    mart_failed = {r["check_id"] for r in records if not r["passed"]}
    if verdict.failed_check_ids != mart_failed or verdict.success != (not mart_failed):
        disagree = sorted(verdict.failed_check_ids ^ mart_failed)
        return _fail_closed(
            rule,
            f"Great Expectations and marts.reconciliation_checks disagree on {', '.join(disagree) or 'the verdict'}.",
            metadata,
        )
    if failed:
        return dg.AssetCheckResult(
            asset_key=rule.guards,
            check_name=rule.check_name,
            passed=False,
            severity=SEVERITY[failed[0]["severity"]],
            description=f"{len(failed)} of {len(records)} figures outside tolerance. {failed[0]['explanation']}",
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
            figures = read_figures(con)
            fault_point("checks")  # tests kill the refresh here, the work database open
        try:
            verdicts = validate(
                GX_SUITE,
                [rule.check_name for rule in rules],
                rows[["check_id", "check_name", "abs_delta_micro", "tolerance_micro"]],
            )
        except Exception as exc:  # fail closed: every rule fails with the reason
            context.log.error("Great Expectations could not validate the reconciliation rows: %s", exc)
            verdicts = {}
        selected = context.selected_asset_check_keys
        for rule in rules:
            mine = rows[rows["check_name"] == rule.check_name]
            result = check_result(rule, mine, verdicts.get(rule.check_name), not mine.empty or applicable(rule, figures))
            if dg.AssetCheckKey(rule.guards, rule.check_name) in selected:
                yield result

    return [reconciliation]

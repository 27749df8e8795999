"""Each kind of reconciliation check on small fixtures: one where the figures agree (passes) and one
where they do not (fails with the severity the policy gives), judged by Great Expectations."""

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.checks.figures import Figure, Printed, Row
from dagster_project.checks.gx_suite import validate
from dagster_project.checks.policy import half_unit, tolerance_formula, tolerance_sum
from dagster_project.checks.register import load_register
from dagster_project.checks.results import build_results
from dagster_project.checks.rules import (
    HUNDRED,
    EngineMatchesPrinted,
    Formula,
    ImpliedPopulation,
    RegionalAggregate,
    RowFormula,
    ShareOfTotal,
    TotalRow,
    cell,
    prose,
    total,
)

D = Decimal


def fig(value, decimals, line, measure="m", label=None, table="t", unit=None):
    return Figure(None if value is None else D(value), decimals, "doc", line, table, measure, label, unit)


def table(rows: list[tuple[str, dict]], total_cells: dict | None, table_id="t") -> list[Row]:
    out = []
    for index, (label, cells) in enumerate(rows, start=10):
        out.append(Row(index, label, False, {c: fig(v, d, index, c, label, table_id) for c, (v, d) in cells.items()}))
    if total_cells is not None:
        line = 10 + len(rows)
        out.append(Row(line, "TOTAL", True, {c: fig(v, d, line, c, "TOTAL", table_id) for c, (v, d) in total_cells.items()}))
    return out


def judge(rule, printed, table_id="t", register=None):
    evaluations = rule.evaluate(printed, table_id)
    verdicts = validate("fixture", [rule.expectation], evaluations)
    return build_results("fixture", evaluations, verdicts, register or {})


def printed_with(tables=None, prose_figures=None, con=None):
    return Printed(tables=tables or {}, prose=prose_figures or {}, header_lines={"t": 9}, con=con)


# ------------------------------------------------------------------------------------------- policy
def test_tolerance_follows_printed_precision():
    assert half_unit(2) == D("0.005") and half_unit(0) == D("0.5") and half_unit(1) == D("0.05")
    assert tolerance_sum([(2, "pct")] * 36, 2) == D("0.185")  # 36 rounded shares + the printed total
    assert tolerance_sum([(2, "eur")] * 36, 2) == D("0.005")  # amounts paid are exact: only the total's own
    spread = tolerance_formula(
        lambda home, inst: home / (home + inst) * HUNDRED, [(D("74.0"), 1, "per_1000"), (D("28.0"), 1, "per_1000")], 1
    )
    assert D("0.09") < spread < D("0.10")  # 72,6 %: own 0,05 + the rounding of 74,0 and 28,0 moves it by ~0,049


# ----------------------------------------------------------------------------------------- total_row
def test_total_row_passes_on_rounded_percentages_summing_to_99_99():
    rows = [("a", {"share": ("33.33", 2)}), ("b", {"share": ("33.33", 2)}), ("c", {"share": ("33.33", 2)})]
    (result,) = judge(TotalRow(["share"]), printed_with({"t": table(rows, {"share": ("100.00", 2)})}))
    assert (result.passed, result.status, result.delta) == (True, "passed", D("-0.01"))
    assert result.tolerance == D("0.02")  # 3 x 0,005 + 0,005


def test_total_of_exact_amounts_must_be_their_sum_to_the_cent():
    rows = [(f"r{i}", {"eur": ("0.33", 2)}) for i in range(3)]
    tables = table(rows, {"eur": ("1.00", 2)})
    for row in tables:
        row.cells["eur"] = fig(row.cells["eur"].value, 2, row.source_line, "eur", row.row_label, unit="eur")
    (result,) = judge(TotalRow(["eur"]), printed_with({"t": tables}))
    assert (result.status, result.delta, result.tolerance) == ("failed", D("-0.01"), D("0.005"))


def test_total_row_fails_as_warning_when_the_document_disagrees_with_itself():
    rows = [("a", {"amount": ("10.00", 2)}), ("b", {"amount": ("20.00", 2)})]
    (result,) = judge(TotalRow(["amount"]), printed_with({"t": table(rows, {"amount": ("30.05", 2)})}))
    assert (result.passed, result.status, result.severity) == (False, "failed", "warning")
    assert result.source_line == 12 and result.published_value == D("30.05") and result.computed_value == D("30")
    assert "Écart" in result.explanation and "30,05" in result.explanation


# ------------------------------------------------------------------------------------ derived_column
def test_share_of_total_passes_and_fails():
    rows = [("a", {"hours": ("100", 0), "share": ("25.00", 2)}), ("b", {"hours": ("300", 0), "share": ("75.00", 2)})]
    results = judge(ShareOfTotal("share", "hours"), printed_with({"t": table(rows, {"hours": ("400", 0), "share": ("100.00", 2)})}))
    assert [r.status for r in results] == ["passed", "passed"]
    rows[0] = ("a", {"hours": ("100", 0), "share": ("26.00", 2)})
    results = judge(ShareOfTotal("share", "hours"), printed_with({"t": table(rows, {"hours": ("400", 0), "share": ("100.00", 2)})}))
    assert [(r.status, r.severity) for r in results] == [("failed", "warning"), ("passed", "warning")]


def test_row_formula_with_rounded_inputs():
    rows = [("PdC", {"n": ("15328", 0), "pop": ("373844", 0), "rate": ("4.10", 2)})]
    rule = RowFormula("rate", "rate", ["n", "pop"], lambda n, p: n / p * HUNDRED, "n / pop x 100")
    (result,) = judge(rule, printed_with({"t": table(rows, None)}))
    assert result.status == "passed" and abs(result.delta) < D("0.005")
    rows = [("PdC", {"n": ("15328", 0), "pop": ("373844", 0), "rate": ("4.20", 2)})]
    (result,) = judge(rule, printed_with({"t": table(rows, None)}))
    assert (result.status, result.severity) == ("failed", "warning")


# -------------------------------------------------------------------------------- regional_aggregate
def test_regional_aggregate_detects_an_unweighted_mean():
    rows = [("A", {"n": ("10", 0), "pop": ("100", 0), "rate": ("10.00", 2)}),
            ("B", {"n": ("10", 0), "pop": ("1000", 0), "rate": ("1.00", 2)})]
    rule = RegionalAggregate("rate", ["n"], ["pop"], HUNDRED)
    weighted = {"n": ("20", 0), "pop": ("1100", 0), "rate": ("1.82", 2)}
    (result,) = judge(rule, printed_with({"t": table(rows, weighted)}))
    assert result.status == "passed"
    plain_mean = {"n": ("20", 0), "pop": ("1100", 0), "rate": ("5.50", 2)}
    (result,) = judge(rule, printed_with({"t": table(rows, plain_mean)}))
    assert (result.status, result.severity) == ("failed", "warning")
    assert "moyenne simple" in result.explanation


# ----------------------------------------------------------------------------------------- cross_row
def test_implied_populations_must_agree_across_rows():
    rows = [(f"r{i}", {"count": (str(c), 0), "per_1000": (r, 1)}) for i, (c, r) in enumerate([(7400, "7.4"), (5500, "5.5"), (14000, "14.0")])]
    rule = ImpliedPopulation("per_1000", "per_1000", "count")
    assert [r.status for r in judge(rule, printed_with({"t": table(rows, None)}))] == ["passed"] * 3
    rows.append(("odd", {"count": ("9000", 0), "per_1000": ("8.0", 1)}))  # implies 1,125 M, not 1 M
    results = judge(rule, printed_with({"t": table(rows, None)}))
    assert [(r.status, r.severity) for r in results][-1] == ("failed", "warning")
    assert [r.status for r in results[:-1]] == ["passed"] * 3
    assert "implique une population" in results[-1].explanation


# ------------------------------------------------------------------------------------ cross_document
def test_same_amount_printed_twice():
    rows = [("a", {"eur": ("887490.00", 2)})]
    printed = printed_with({"t": table(rows, {"eur": ("887490.00", 2)})}, {"decision": fig("887490", 0, 54)})
    rule = Formula("envelope", prose("decision"), [total("t", "eur")], lambda annex: annex, "total de l'annexe")
    assert [r.status for r in judge(rule, printed)] == ["passed"]
    printed.prose["decision"] = fig("887491", 0, 54)
    (result,) = judge(rule, printed)
    assert (result.status, result.severity, result.check_kind) == ("failed", "warning", "cross_document")


# -------------------------------------------------------------------------------------------- engine
def test_engine_disagreement_is_an_error():
    con = duckdb.connect()
    con.execute("CREATE TABLE ours AS SELECT * FROM (VALUES (4848.06::DECIMAL(14,2), 4848.06::DECIMAL(14,2), 92), "
                "(3185.47, 3185.48, 93)) t(published, computed, line)")
    rule = EngineMatchesPrinted(
        "allocation", "SELECT published, computed, 'doc', line, 'fap_annex', 'Répartition 2025', NULL, 2 FROM ours ORDER BY line",
        "notre répartition au prorata des heures",
    )
    results = judge(rule, printed_with(con=con))
    assert [(r.status, r.severity) for r in results] == [("passed", "error"), ("failed", "error")]
    assert results[1].delta == D("0.01") and "la publication est bloquée" in results[1].explanation
    # an engine's figures are shown at the printed precision, not with extra decimals
    assert "imprimé 3 185,47 (ligne 93) ; notre répartition au prorata des heures : 3 185,48 ; écart 0,01" in results[1].explanation


# -------------------------------------------------------------------------------------- acknowledged
def test_acknowledged_discrepancy_shows_as_acknowledged_until_its_figures_change(tmp_path: Path):
    (tmp_path / "acknowledged_discrepancies.yml").write_text(
        "acknowledged:\n"
        "  - check_id: t.total_row.amount.l0012\n"
        "    published_value: '30.05'\n"
        "    reason: Total imprimé arrondi par erreur, confirmé par le service.\n"
        "    acknowledged_by: équipe data\n"
        "    acknowledged_on: 2026-11-22\n",
        encoding="utf-8",
    )
    register = load_register(tmp_path)
    rows = [("a", {"amount": ("10.00", 2)}), ("b", {"amount": ("20.00", 2)})]
    (result,) = judge(TotalRow(["amount"]), printed_with({"t": table(rows, {"amount": ("30.05", 2)})}), register=register)
    assert (result.passed, result.status) == (False, "acknowledged")
    assert "Écart connu, accepté le 2026-11-22 par équipe data" in result.explanation
    (result,) = judge(TotalRow(["amount"]), printed_with({"t": table(rows, {"amount": ("30.06", 2)})}), register=register)
    assert result.status == "failed"  # the printed figure changed: the acknowledgement no longer applies


def test_register_refuses_an_entry_without_reason(tmp_path: Path):
    from dagster_project.core.errors import InputError

    (tmp_path / "acknowledged_discrepancies.yml").write_text(
        "acknowledged:\n  - check_id: x\n    acknowledged_by: a\n    acknowledged_on: 2026-01-01\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="lacks reason"):
        load_register(tmp_path)


def test_refs_resolve_cells_by_printed_label():
    rows = [("LONGUEUESSE / AADCMO", {"hours": ("23596.00", 2)})]
    printed = printed_with({"t": table(rows, {"hours": ("23596.00", 2)})})
    assert cell("t", "hours", "LONGUEUESSE / AADCMO").resolve(printed).value == D("23596.00")

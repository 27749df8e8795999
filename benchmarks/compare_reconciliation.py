"""Before/after proof of the move of the reconciliation arithmetic into dbt (issue 11).

Compares marts.reconciliation_checks of a warehouse (after) with a Parquet export of the mart
built by the former Python rule engine (before):

    .venv/bin/python benchmarks/compare_reconciliation.py BEFORE.parquet AFTER.duckdb

Reports check ids added/removed, then for common ids: status, passed, severity, published_value
identical; computed_value and tolerance equal within 1e-9 (DuckDB divides DECIMALs in DOUBLE,
the former engine in 34-digit Decimal); explanations identical. Every difference is listed, with
counts by kind and status before and after. Exit code 1 when an unexplained difference remains
(a difference is explained when its check is in EXPECTED below, with the fix of issue 11 it
follows from).
"""

from __future__ import annotations

import sys

import duckdb

# Differences the fixes of issue 11 introduce on purpose (check id or prefix -> fix).
EXPECTED = {
    "hdf_adults.total_row.drl_adults_regional_share_pct.l0308": "6c: new check of the TOTAL 100 printed over rows that print nothing",
    "pa_indicators.cross_document.pop_75plus_share.l0261": "6e: now kind cross_source (two sources compared)",
    "pa_indicators.cross_source.pop_75plus_share.l0261": "6e: now kind cross_source (two sources compared)",
    "autonomy_plan_figures.cross_document.apa_home_coverage_60plus.l0312": "6e: now kind cross_source (two vintages compared)",
    "autonomy_plan_figures.cross_source.apa_home_coverage_60plus.l0312": "6e: now kind cross_source (two vintages compared)",
    "cnsa_si_apa_convention.derived_column.": "6d: contractual percentages are exact terms (tolerance without their rounding)",
    "nord_compensation_rules.derived_column.cnsa_cap": "6d: the CNSA 50 % share is a contractual term",
    "nord_compensation_rules.cross_document.report_share": "6d: the CNSA 50 % share is a contractual term",
    "fap_annex.engine.hours_per_sad.": "6f: FAP inputs are the synthetic sample, said in the explanation",
}
EPSILON = 1e-9
# Checks whose id changed with their kind (6e): compared with their former selves.
RENAMED = {
    "pa_indicators.cross_source.pop_75plus_share.l0261": "pa_indicators.cross_document.pop_75plus_share.l0261",
    "autonomy_plan_figures.cross_source.apa_home_coverage_60plus.l0312": "autonomy_plan_figures.cross_document.apa_home_coverage_60plus.l0312",
}


def expected_reason(check_id: str) -> str | None:
    for prefix, reason in EXPECTED.items():
        if check_id.startswith(prefix):
            return reason
    return None


def main(before_parquet: str, after_db: str) -> int:
    con = duckdb.connect()
    con.execute(f"ATTACH '{after_db}' AS after_db (READ_ONLY)")
    con.execute(f"CREATE VIEW before AS SELECT * FROM read_parquet('{before_parquet}')")
    con.execute("CREATE VIEW after AS SELECT * FROM after_db.marts.reconciliation_checks")
    con.execute("CREATE TABLE renamed (after_id VARCHAR, before_id VARCHAR)")
    con.executemany("INSERT INTO renamed VALUES (?, ?)", list(RENAMED.items()))
    # after's rows under the id they had before (renamed checks are compared with their former selves)
    con.execute(
        "CREATE VIEW after_as_before AS SELECT * REPLACE (coalesce(r.before_id, a.check_id) AS check_id) "
        "FROM after a LEFT JOIN renamed r ON r.after_id = a.check_id"
    )

    print("## Counts by kind, severity and status\n")
    print("| kind | severity | status | before | after |\n|---|---|---|---:|---:|")
    for row in con.execute(
        """
        WITH b AS (SELECT check_kind, severity, status, count(*) n FROM before GROUP BY ALL),
             a AS (SELECT check_kind, severity, status, count(*) n FROM after GROUP BY ALL)
        SELECT check_kind, severity, status, coalesce(b.n, 0), coalesce(a.n, 0)
        FROM b FULL JOIN a USING (check_kind, severity, status) ORDER BY ALL
        """
    ).fetchall():
        print("| " + " | ".join(map(str, row)) + " |")
    totals = con.execute("SELECT (SELECT count(*) FROM before), (SELECT count(*) FROM after)").fetchone()
    print(f"| **total** | | | {totals[0]} | {totals[1]} |\n")

    differences: list[tuple[str, str, str]] = []  # (check_id, what, detail)
    for (check_id,) in con.execute(
        "SELECT check_id FROM before EXCEPT SELECT check_id FROM after_as_before ORDER BY 1"
    ).fetchall():
        differences.append((check_id, "removed", ""))
    for (check_id,) in con.execute(
        "SELECT check_id FROM after_as_before EXCEPT SELECT check_id FROM before ORDER BY 1"
    ).fetchall():
        differences.append((check_id, "added", ""))
    for after_id, before_id in RENAMED.items():
        differences.append((before_id, "check_id", f"-> {after_id}"))
    rows = con.execute(
        f"""
        SELECT check_id,
               b.status <> a.status, b.passed <> a.passed, b.severity <> a.severity,
               b.published_value <> a.published_value, b.check_kind <> a.check_kind,
               b.document_id <> a.document_id OR b.source_line <> a.source_line OR b.table_id <> a.table_id
                   OR b.measure <> a.measure,
               abs(cast(b.computed_value AS DOUBLE) - cast(a.computed_value AS DOUBLE)) > {EPSILON},
               abs(cast(b.tolerance AS DOUBLE) - cast(a.tolerance AS DOUBLE)) > {EPSILON},
               b.explanation <> a.explanation,
               b.status || ' -> ' || a.status, b.computed_value, a.computed_value, b.tolerance, a.tolerance,
               b.explanation, a.explanation
        FROM before b JOIN after_as_before a USING (check_id) ORDER BY check_id
        """
    ).fetchall()
    max_computed = con.execute(
        "SELECT max(abs(cast(b.computed_value AS DOUBLE) - cast(a.computed_value AS DOUBLE))), "
        "max(abs(cast(b.tolerance AS DOUBLE) - cast(a.tolerance AS DOUBLE))) FROM before b JOIN after_as_before a USING (check_id)"
    ).fetchone()
    labels = [
        "status",
        "passed",
        "severity",
        "published_value",
        "check_kind",
        "location",
        "computed_value",
        "tolerance",
        "explanation",
    ]
    for row in rows:
        check_id, flags = row[0], row[1:10]
        for label, differs in zip(labels, flags):
            if not differs:
                continue
            detail = {
                "status": row[10],
                "computed_value": f"{row[11]} -> {row[12]}",
                "tolerance": f"{row[13]} -> {row[14]}",
                "explanation": _diff(row[15], row[16]),
            }.get(label, "")
            differences.append((check_id, label, detail))

    same = con.execute(
        f"SELECT count(*) FILTER (WHERE abs(cast(b.tolerance AS DOUBLE) - cast(a.tolerance AS DOUBLE)) <= {EPSILON}) "
        "FROM before b JOIN after_as_before a USING (check_id)"
    ).fetchone()[0]
    print(
        f"Common checks: {len(rows)} (renamed ones paired); largest |computed_value difference| {max_computed[0]:.3g}; "
        f"tolerance within {EPSILON} on {same} of them (largest difference {max_computed[1]:.3g}, from fix 6d). "
        "DuckDB divides DECIMALs in DOUBLE, the former engine in 34-digit Decimal: values are compared within 1e-9.\n"
    )
    print("## Differences\n")
    print("| check_id | what differs | why | detail |\n|---|---|---|---|")
    unexplained = 0
    for check_id, what, detail in differences:
        reason = expected_reason(check_id)
        unexplained += reason is None
        print(f"| {check_id} | {what} | {reason or '**UNEXPLAINED**'} | {detail.replace('|', '/')} |")
    print(f"\n{len(differences)} differences, {unexplained} unexplained.")
    return 1 if unexplained else 0


def _diff(before: str, after: str) -> str:
    """The part of the explanation that changed (common prefix and suffix cut)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return f"« …{before[start : len(before) - end]}… » -> « …{after[start : len(after) - end]}… »"


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

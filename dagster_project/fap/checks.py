"""The FAP/annex reconciliation as a blocking check: the comparison itself is the dbt mart
marts.fap_annex_hours_comparison; this check only reads its verdict."""


import dagster as dg

from ..core.warehouse import connect_work
from ..locking import RefreshLockResource
from ..settings import get_settings

COMPARISON_KEY = dg.AssetKey(["marts", "fap_annex_hours_comparison"])
SHOWN = 10


@dg.asset_check(
    asset=COMPARISON_KEY,
    name="fap_hours_match_annex",
    blocking=True,
    description=(
        "FAP APA hours billed in the annex year, per SAD and in total, equal the hours printed in the annex of "
        "deliberation 2025-541 (to the hundredth of an hour). Blocks publishing when they differ."
    ),
)
def fap_annex_hours_reconciled(refresh_lock: RefreshLockResource) -> dg.AssetCheckResult:
    with connect_work(get_settings().work_db) as con:
        rows = con.execute(
            """
            SELECT coalesce(sad_name, '?') || coalesce(' (' || city || ')', ''), annex_apa_hours, fap_apa_hours,
                   delta_hours, is_total, source_line
            FROM marts.fap_annex_hours_comparison WHERE NOT matches ORDER BY is_total DESC, source_line NULLS LAST
            """
        ).fetchall()
        compared = con.execute("SELECT count(*) FILTER (WHERE NOT is_total) FROM marts.fap_annex_hours_comparison").fetchone()[0]
    lines = [
        f"{label}: annex {annex} h" + (f" (line {line})" if line else "") + f", FAP {fap} h, difference {delta} h"
        for label, annex, fap, delta, _, line in rows
    ]
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{len(rows)} row(s) differ: " + "; ".join(lines[:SHOWN]) + (f"; ... and {len(lines) - SHOWN} more" if len(lines) > SHOWN else "")
            if rows else f"all {compared} SAD and the total match the annex"
        ),
        metadata={"sad_compared": compared, "rows_differing": len(rows)},
    )

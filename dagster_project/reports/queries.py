"""Every read the reports make from the published warehouse, in one place.

Reports read marts only: the schema `marts`, including the rpt_<report>__<what> models made for
them in dbt (dbt/models/reports/). Joins, sums, shares, ranks and differences are done there;
each function here selects the rows of one question and returns a polars DataFrame (or a dict),
so the report modules only format and lay out.
"""

from __future__ import annotations

import duckdb
import polars as pl

from ..settings import get_settings
from .framework import Document


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def report_department() -> str:
    """The département the reports are about (AUTONOMY_DEPARTMENT_CODE, settings.department_code)."""
    return get_settings().department_code


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    # fetchall, not fetchone: DuckDB 2 refuses a new relation while a result is left unfinished
    rows = con.execute("SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, table]).fetchall()
    return bool(rows)


def refresh_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """meta.refresh of the published file: published_at (ISO, UTC), run_id, git_commit, raw_dir."""
    if not table_exists(con, "meta", "refresh"):
        return {}
    return dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())


def documents(con: duckdb.DuckDBPyConnection) -> dict[str, Document]:
    rows = con.execute(
        "SELECT document_id, deliberation_number, body, collectivity, deliberation_date, title FROM marts.documents"
    ).fetchall()
    return {r[0]: Document(*r) for r in rows}


def territory(con: duckdb.DuckDBPyConnection, code: str | None = None) -> dict:
    """A territory as sentences name it (marts.rpt_reports__territories): territory_name,
    name_of_fr ("du Nord", "de la Gironde"), name_in_fr ("dans le Nord", "en Gironde"), and for a département
    its région (region_name, region_of_fr, region_in_fr). Default: the reports' département."""
    code = code or report_department()
    frame = _frame(
        con,
        """
        SELECT t.*, r.territory_name AS region_name, r.name_of_fr AS region_of_fr, r.name_in_fr AS region_in_fr
        FROM marts.rpt_reports__territories t
        LEFT JOIN marts.rpt_reports__territories r ON r.territory_code = t.parent_code AND r.territory_level = 'region'
        WHERE t.territory_code = ?
        """,
        [code],
    )
    if frame.height != 1:
        raise LookupError(f"marts.rpt_reports__territories has no territory {code!r} (AUTONOMY_DEPARTMENT_CODE)")
    return frame.row(0, named=True)


# ------------------------------------------------------------------ indicateurs.html

_INDICATOR_COLUMNS = (
    "document_id, source_line, table_id, territory_code, territory_name, territory_level, is_focus, is_focus_region, "
    "is_in_focus_region, indicator_code, indicator_label, value, printed_decimals, unit, source, reference_period"
)


def mdph_rights(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """MDPH rights open per 1000 inhabitants, France and the reports' département, with the
    printed and recomputed over-representation, one row per prestation in printed order."""
    return _frame(con, "SELECT * FROM marts.rpt_indicateurs__mdph_rights ORDER BY source_line")


def territory_indicator(con: duckdb.DuckDBPyConnection, indicator_code: str) -> pl.DataFrame:
    """One indicator for the départements of the reports' région and the région itself, as
    printed: départements first in code order, then the région (the reference). Empty when no
    loaded table prints it for that région (a table of another région is not the home one's)."""
    return _frame(
        con,
        f"SELECT {_INDICATOR_COLUMNS} FROM marts.rpt_indicateurs__territory_values "
        "WHERE indicator_code = ? AND (is_in_focus_region OR is_focus_region) ORDER BY level_order, territory_code",
        [indicator_code],
    )


def indicators(
    con: duckdb.DuckDBPyConnection, codes: list[str], territory_code: str | None = None, required: bool = True
) -> pl.DataFrame:
    """Named indicators of one territory (default: the reports' département), in the order asked.
    required: every code must be printed (LookupError otherwise); else the rows found."""
    territory_code = territory_code or report_department()
    frame = _frame(
        con,
        f"SELECT {_INDICATOR_COLUMNS} FROM marts.rpt_indicateurs__territory_values "
        "WHERE indicator_code IN (SELECT unnest(?)) AND territory_code = ?",
        [codes, territory_code],
    )
    missing = set(codes) - set(frame["indicator_code"].to_list())
    if missing and required:
        raise LookupError(f"marts.indicator_values has no {sorted(missing)} for territory {territory_code}")
    return frame.sort(pl.col("indicator_code").replace_strict(codes, list(range(len(codes)))))


def indicator_rate(con: duckdb.DuckDBPyConnection, rate_code: str, territory_code: str | None = None):
    """A rate computed by dbt (marts.indicator_rates.value_computed), or None."""
    rows = con.execute(
        "SELECT value_computed FROM marts.indicator_rates WHERE rate_code = ? AND territory_code = ?",
        [rate_code, territory_code or report_department()],
    ).fetchall()
    return rows[0][0] if rows else None


# ------------------------------------------------------------------ compensations.html


def compensation_annexes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every row of the annexes of amounts per SAD split PA / PH of the loaded documents
    (marts.rpt_compensations__annex_rows: SAD rows, then each annex's printed TOTAL), in annex
    order, with is_home_department for the annexes of the reports' département.

    For a renewal annex the split is printed for the amount still to pay, so `amount_eur` is
    that amount there (its TOTAL row prints only still-to-pay, PA and PH)."""
    return _frame(con, "SELECT * FROM marts.rpt_compensations__annex_rows ORDER BY annex_order, is_total, source_line")


def shown_compensation_annexes(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, bool]:
    """(rows, is_comparison): the home département's annexes when a loaded document gives some,
    else those of the other départements loaded (départements de comparaison); the page and its
    CSV export show the same rows."""
    rows = compensation_annexes(con)
    home = rows.filter(pl.col("is_home_department"))
    return (home, False) if home.height else (rows, rows.height > 0)


# ------------------------------------------------------------------ activite_sad.html

# Hours printed in annex 1 of deliberation 2025-541 (APA hours billed through FAP). The FAP billing
# lines (another hours_source) are wired into the reports separately.
HOURS_SOURCE = "fap_annex"


def sad_activity(
    con: duckdb.DuckDBPyConnection, department_code: str | None = None, hours_source: str = HOURS_SOURCE
) -> pl.DataFrame:
    """Hours per SAD for the latest year of the source, largest first, with each SAD's Lorenz
    point, the title of the printed table and a federation's number of associations
    (marts.rpt_activite_sad__hours)."""
    return _frame(
        con,
        "SELECT * FROM marts.rpt_activite_sad__hours WHERE department_code = ? AND hours_source = ? AND is_latest_year "
        "ORDER BY rank",
        [department_code or report_department(), hours_source],
    )


def sad_activity_summary(con: duckdb.DuckDBPyConnection, department_code: str, hours_source: str, year: int) -> dict:
    """The concentration figures of marts.sad_activity_summary (total, top-5/top-10 shares, HHI, Gini)."""
    frame = _frame(
        con,
        "SELECT * FROM marts.sad_activity_summary WHERE department_code = ? AND hours_source = ? AND year = ?",
        [department_code, hours_source, year],
    )
    if frame.height != 1:
        raise LookupError(f"marts.sad_activity_summary has {frame.height} rows for {department_code}/{hours_source}/{year}")
    return frame.row(0, named=True)


def fap_monthly_hours(con: duckdb.DuckDBPyConnection, department_code: str | None = None) -> pl.DataFrame:
    """Hours and euros billed through FAP per month (one column per prestation, month totals and
    the year's APA hours), for the latest year with exports (marts.rpt_activite_sad__fap_months)."""
    return _frame(
        con,
        "SELECT * FROM marts.rpt_activite_sad__fap_months WHERE department_code = ? AND is_latest_year ORDER BY month",
        [department_code or report_department()],
    )


def fap_files(con: duckdb.DuckDBPyConnection, months: list[str]) -> pl.DataFrame:
    """The monthly exports loaded for these months: name, sha256, lines, the year's lines, and
    whether the file is the synthetic sample (marts.rpt_activite_sad__fap_files)."""
    return _frame(
        con,
        "SELECT * FROM marts.rpt_activite_sad__fap_files WHERE month IN (SELECT unnest(?)) ORDER BY month",
        [months],
    )


def fap_files_of_year(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """The monthly exports of one year (marts.rpt_activite_sad__fap_files), in month order."""
    return _frame(con, "SELECT * FROM marts.rpt_activite_sad__fap_files WHERE year = ? ORDER BY month", [year])


def fap_beneficiaries(con: duckdb.DuckDBPyConnection, month: str, department_code: str | None = None) -> pl.DataFrame:
    """Beneficiaries billed in one month per SAD: one column per prestation and ALL (people with
    several prestations counted once), 0 where the SAD billed none, in the chart's order.
    Counts of people: the report masks the small ones."""
    return _frame(
        con,
        "SELECT * FROM marts.rpt_activite_sad__fap_beneficiaries WHERE month = ? AND department_code = ? ORDER BY display_rank",
        [month, department_code or report_department()],
    )


# ------------------------------------------------------------------ enveloppe.html


def envelopes(con: duckdb.DuckDBPyConnection, department_code: str | None = None) -> dict[str, dict]:
    """The envelopes of a département by envelope_id (marts.rpt_enveloppe__envelopes: amount, its
    document and line, totals, the latest published one, the previous year's one)."""
    frame = _frame(
        con,
        "SELECT * FROM marts.rpt_enveloppe__envelopes WHERE department_code = ? ORDER BY year, envelope_id",
        [department_code or report_department()],
    )
    return {row["envelope_id"]: row for row in frame.iter_rows(named=True)}


def envelope_allocation(con: duckdb.DuckDBPyConnection, envelope_id: str) -> pl.DataFrame:
    """One envelope split per SAD, largest amount first (marts.rpt_enveloppe__allocations)."""
    return _frame(con, "SELECT * FROM marts.rpt_enveloppe__allocations WHERE envelope_id = ? ORDER BY amount_rank", [envelope_id])


def envelope_change(con: duckdb.DuckDBPyConnection, envelope_id: str) -> pl.DataFrame:
    """Per SAD, the envelope against the previous year's PUBLISHED amounts and shares, largest
    increase first; exact decimals (marts.rpt_enveloppe__changes)."""
    return _frame(con, "SELECT * FROM marts.rpt_enveloppe__changes WHERE envelope_id = ? ORDER BY change_rank", [envelope_id])


def envelope_history(con: duckdb.DuckDBPyConnection, department_code: str | None = None) -> pl.DataFrame:
    """Every loaded year per SAD (marts.sad_envelope_history: amount, share, change from the
    year before), published envelopes only, by SAD label then year."""
    return _frame(
        con,
        "SELECT * FROM marts.sad_envelope_history WHERE department_code = ? ORDER BY sad_label, envelope_year",
        [department_code or report_department()],
    )


def whatif_envelope_ids(con: duckdb.DuckDBPyConnection, department_code: str | None = None) -> list[str]:
    """Simulated envelopes (dbt vars envelope_<year>_eur), in year order."""
    rows = con.execute(
        "SELECT envelope_id FROM marts.envelopes WHERE department_code = ? AND envelope_kind = 'whatif' ORDER BY year",
        [department_code or report_department()],
    ).fetchall()
    return [r[0] for r in rows]


# ------------------------------------------------------------------ index.html


# The deliberations' checks; the official publications' own checks (issue 13) are counted apart:
# their "documents" are files of INSEE, DREES or CNSA, not deliberations (the mart's source_kind).
DELIBERATIONS = "source_kind = 'deliberation'"
OFFICIAL = "source_kind = 'official_publication'"


def reconciliation_status(con: duckdb.DuckDBPyConnection, where: str = DELIBERATIONS) -> pl.DataFrame | None:
    """Counts of reconciliation checks by status and severity; None when the table is absent."""
    if not table_exists(con, "marts", "reconciliation_checks"):
        return None
    return _frame(
        con,
        f"SELECT status, severity, count(*) AS checks FROM marts.reconciliation_checks WHERE {where} "
        "GROUP BY ALL ORDER BY status, severity",
    )


def reconciliation_counts(con: duckdb.DuckDBPyConnection, where: str = DELIBERATIONS) -> pl.DataFrame:
    """Checks of the latest refresh by document (or official file), status and severity."""
    return _frame(
        con,
        f"SELECT document_id, status, severity, count(*) AS checks FROM marts.reconciliation_checks WHERE {where} "
        "GROUP BY ALL ORDER BY ALL",
    )


def reconciliation_counts_by_kind(con: duckdb.DuckDBPyConnection, where: str = OFFICIAL) -> pl.DataFrame:
    """Checks of the latest refresh by kind, status and severity (the official files' checks by default)."""
    return _frame(
        con,
        f"SELECT c.check_kind, c.status, c.severity, count(*) AS checks, any_value(k.documents) AS documents "
        f"FROM marts.reconciliation_checks c JOIN (SELECT check_kind, count(DISTINCT document_id) AS documents "
        f"FROM marts.reconciliation_checks WHERE {where} GROUP BY check_kind) k USING (check_kind) "
        f"WHERE c.{where} GROUP BY ALL ORDER BY ALL",
    )


def reconciliation_checked_lines(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every (document, line) a check reads its printed figure from: the footnote of the counts."""
    return _frame(
        con, f"SELECT DISTINCT document_id, source_line FROM marts.reconciliation_checks WHERE {DELIBERATIONS} ORDER BY ALL"
    )


def official_discrepancies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every official total that does not match the rows it totals (file, sheet, cell in check_id)."""
    return _frame(
        con,
        f"""
        SELECT check_id, check_kind, document_id, source_line, table_id, measure, published_value, computed_value, delta,
               tolerance, severity, status, explanation
        FROM marts.reconciliation_checks
        WHERE {OFFICIAL} AND status <> 'passed'
        ORDER BY severity = 'error' DESC, document_id, table_id, source_line, check_id
        """,
    )


def reconciliation_discrepancies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every failed or acknowledged check with the printed text of its line (marts.document_lines,
    on the (document_id, source_line) key both carry), blocking ones first, then by document and line."""
    return _frame(
        con,
        """
        SELECT c.check_id, c.check_kind, c.document_id, c.source_line, c.table_id, c.measure,
               c.published_value, c.computed_value, c.delta, c.tolerance, c.severity, c.status, c.explanation,
               l.line_text
        FROM marts.reconciliation_checks c
        LEFT JOIN marts.document_lines l ON l.document_id = c.document_id AND l.source_line = c.source_line
        WHERE c.status <> 'passed' AND c.source_kind = 'deliberation'
        ORDER BY c.severity = 'error' DESC, c.status = 'failed' DESC, c.document_id, c.source_line, c.check_id
        """,
    )


def reconciliation_low_power(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every passed deliberation check whose tolerance is so large a part of the printed figure that
    it could hardly fail (is_low_power), by document and line."""
    return _frame(
        con,
        """
        SELECT c.check_id, c.check_kind, c.document_id, c.source_line, c.table_id, c.measure, c.tolerance_share,
               c.explanation, l.line_text
        FROM marts.reconciliation_checks c
        LEFT JOIN marts.document_lines l ON l.document_id = c.document_id AND l.source_line = c.source_line
        WHERE c.is_low_power AND c.source_kind = 'deliberation'
        ORDER BY c.document_id, c.source_line, c.check_id
        """,
    )

"""Every read the reports make from the published warehouse, in one place.

Each function answers one question and returns a polars DataFrame, so a chart can move from a
printed figure (marts.indicator_values, staging annexes) to a computed one (marts.indicator_rates,
marts.sad_compensations...) by changing one query here, not the chart code.
"""

from __future__ import annotations

import duckdb
import polars as pl

from .framework import Document

DOC_INDICATORS = "001_ce3718776857736d"  # CNSA-ARS-Département-MDPH convention 2025-2028 (Pas-de-Calais)
DOC_NORD = "004_fcde17fa10b97a0b"  # Nord, support to home-care services


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


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
        "SELECT document_id, deliberation_number, body, collectivity, deliberation_date "
        "FROM staging.stg_deliberations__documents"
    ).fetchall()
    return {r[0]: Document(*r) for r in rows}


# ------------------------------------------------------------------ indicateurs.html

_INDICATOR_COLUMNS = (
    "v.document_id, v.source_line, v.table_id, v.territory_code, v.territory_name, t.territory_level, "
    "v.indicator_code, v.indicator_label, v.value, v.unit, v.source, v.reference_period"
)


def mdph_rights(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """MDPH rights open per 1000 inhabitants, France and Pas-de-Calais, and the printed
    over-representation, one row per prestation in printed order."""
    return _frame(
        con,
        """
        WITH v AS (
            SELECT split_part(indicator_code, '__', 1) AS measure, split_part(indicator_code, '__', 2) AS prestation_code,
                   split_part(indicator_label, ' – ', 2) AS prestation, *
            FROM marts.indicator_values WHERE table_id = 'mdph_rights'
        )
        SELECT prestation_code, any_value(prestation) AS prestation, min(source_line) AS source_line,
               any_value(document_id) AS document_id, any_value(source) AS source,
               any_value(reference_period) AS reference_period,
               max(value) FILTER (WHERE measure = 'mdph_rights_per_1000' AND territory_code = 'FR') AS per_1000_france,
               max(value) FILTER (WHERE measure = 'mdph_rights_per_1000' AND territory_code = '62') AS per_1000_pas_de_calais,
               max(value) FILTER (WHERE measure = 'mdph_rights_open' AND territory_code = 'FR') AS rights_open_france,
               max(value) FILTER (WHERE measure = 'mdph_rights_open' AND territory_code = '62') AS rights_open_pas_de_calais,
               max(value) FILTER (WHERE measure = 'mdph_overrepresentation') AS overrepresentation_pct
        FROM v GROUP BY prestation_code ORDER BY source_line
        """,
    )


def territory_indicator(con: duckdb.DuckDBPyConnection, indicator_code: str) -> pl.DataFrame:
    """One indicator for every territory that printed it (départements, region, France),
    départements first in code order, then the region and the country (the references)."""
    return _frame(
        con,
        f"""
        SELECT {_INDICATOR_COLUMNS}
        FROM marts.indicator_values v JOIN reference.territories t USING (territory_code)
        WHERE v.indicator_code = ?
        ORDER BY CASE t.territory_level WHEN 'department' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, v.territory_code
        """,
        [indicator_code],
    )


def indicators(con: duckdb.DuckDBPyConnection, codes: list[str], territory_code: str = "62") -> pl.DataFrame:
    """Named indicators of one territory, in the order asked."""
    frame = _frame(
        con,
        f"""
        SELECT {_INDICATOR_COLUMNS}
        FROM marts.indicator_values v JOIN reference.territories t USING (territory_code)
        WHERE v.indicator_code IN (SELECT unnest(?)) AND v.territory_code = ?
        """,
        [codes, territory_code],
    )
    missing = set(codes) - set(frame["indicator_code"].to_list())
    if missing:
        raise LookupError(f"marts.indicator_values has no {sorted(missing)} for territory {territory_code}")
    return frame.sort(pl.col("indicator_code").replace_strict(codes, list(range(len(codes)))))


# ------------------------------------------------------------------ compensations_nord.html

# Nord annexes: (staging model, title, year). Moving to marts.sad_compensations changes only this.
NORD_ANNEXES = {
    "annex1": ("stg_nord_cd_2023_dira_415__annex1_salary_compensation_2022", "Annexe 1 – compensations BAD et FEHAP", "2022"),
    "annex4": ("stg_nord_cd_2023_dira_415__annex4_quality_complement_2023", "Annexe 4 – compléments de dotation qualité", "2023"),
    "annex5_first": ("stg_nord_cd_2023_dira_415__annex5_first_cpom_2023", "Annexe 5 – dotations qualité, 1er CPOM", "2023"),
    "annex5_renewed": (
        "stg_nord_cd_2023_dira_415__annex5_renewed_cpom_2023",
        "Annexe 5 – dotations qualité, nouveau CPOM (reste à verser)",
        "2023",
    ),
}


def nord_annex(con: duckdb.DuckDBPyConnection, annex: str) -> pl.DataFrame:
    """The rows of one Nord annex: SAD, PA and PH amounts (euros, exact), printed TOTAL last.

    For the renewed CPOM the PA/PH split is printed for the amount still to pay in 2023, so
    `amount_eur` is that amount there (its TOTAL row prints only still-to-pay, PA and PH)."""
    model, _, year = NORD_ANNEXES[annex]
    amount = "still_to_pay_eur" if annex == "annex5_renewed" else "amount_eur"
    return _frame(
        con,
        f"""
        SELECT document_id, source_line, printed_row, is_total, sad_name, city,
               {amount} AS amount_eur, elderly_pa_eur, disabled_ph_eur,
               NULL AS source, ? AS reference_period
        FROM staging.{model} ORDER BY is_total, source_line
        """,
        [year],
    )


# ------------------------------------------------------------------ activite_sad.html

# Hours printed in annex 1 of deliberation 2025-541 (APA hours billed through FAP). The FAP billing
# lines (another hours_source) are wired into the reports separately.
HOURS_SOURCE = "fap_annex"
PDC = "62"


def sad_activity(con: duckdb.DuckDBPyConnection, department_code: str = PDC, hours_source: str = HOURS_SOURCE) -> pl.DataFrame:
    """Hours per SAD for the latest year of the source, largest first: share and cumulative share
    (marts.sad_activity), the Lorenz point of each SAD (share of services and of hours of the SAD
    and all smaller ones, from the mart's cumulative share), the title of the printed table, and
    for a federation where its number of associations is printed."""
    return _frame(
        con,
        """
        WITH activity AS (
            SELECT * FROM marts.sad_activity
            WHERE department_code = ? AND hours_source = ?
              AND year = (SELECT max(year) FROM marts.sad_activity WHERE department_code = ? AND hours_source = ?)
        )
        SELECT a.rank, a.sad_name, a.city, a.year, a.hours_billed, a.share_pct, a.cumulative_share_pct,
               a.is_federation, a.associations_count, a.document_id, a.source_line,
               CAST((count(*) OVER () - a.rank + 1) * 100 / count(*) OVER () AS DECIMAL(9, 6)) AS lorenz_services_pct,
               100 - coalesce(lag(a.cumulative_share_pct) OVER (ORDER BY a.rank), 0) AS lorenz_hours_pct,
               c.title AS table_title,
               p.document_id AS associations_document_id, p.source_line AS associations_source_line,
               p.quote AS associations_quote
        FROM activity a
        LEFT JOIN staging.stg_deliberations__catalogue_entries c
            ON c.document_id = a.document_id AND a.source_line BETWEEN c.header_line AND c.last_line
        LEFT JOIN reference.sad_federations f ON f.department_code = a.department_code AND f.sad_name = a.sad_name
        LEFT JOIN staging.stg_deliberations__prose_figures p ON p.figure_id = f.associations_figure_id
        ORDER BY a.rank
        """,
        [department_code, hours_source, department_code, hours_source],
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


def fap_monthly_hours(con: duckdb.DuckDBPyConnection, department_code: str = PDC) -> pl.DataFrame:
    """Hours and euros billed through FAP per month and prestation, for the latest year with
    exports (aggregated from marts.fap_hours_by_sad_month), with the SAD that billed them."""
    return _frame(
        con,
        """
        WITH hours AS (
            SELECT * FROM marts.fap_hours_by_sad_month
            WHERE department_code = ? AND year = (SELECT max(year) FROM marts.fap_hours_by_sad_month WHERE department_code = ?)
        )
        SELECT month, year, prestation, sum(hours_billed) AS hours_billed, sum(amount_eur) AS amount_eur,
               count(DISTINCT sad_id) AS sad_count
        FROM hours GROUP BY month, year, prestation ORDER BY month, prestation
        """,
        [department_code, department_code],
    )


def fap_files(con: duckdb.DuckDBPyConnection, months: list[str]) -> pl.DataFrame:
    """The monthly exports loaded for these months (staging.stg_fap__files): name, sha256, lines,
    and whether the file is the synthetic sample."""
    return _frame(
        con,
        "SELECT month, file_name, sha256, row_count, synthetic FROM staging.stg_fap__files "
        "WHERE month IN (SELECT unnest(?)) ORDER BY month",
        [months],
    )


def fap_beneficiaries(con: duckdb.DuckDBPyConnection, month: str, department_code: str = PDC) -> pl.DataFrame:
    """Beneficiaries billed in one month per SAD: one column per prestation and ALL (people with
    several prestations counted once), 0 where the SAD billed none. Counts of people: the report
    masks the small ones."""
    return _frame(
        con,
        """
        SELECT sad_id, sad_name, city,
               coalesce(max(beneficiaries) FILTER (WHERE prestation = 'ALL'), 0) AS beneficiaries_all,
               coalesce(max(beneficiaries) FILTER (WHERE prestation = 'APA'), 0) AS beneficiaries_apa,
               coalesce(max(beneficiaries) FILTER (WHERE prestation = 'PCH'), 0) AS beneficiaries_pch,
               coalesce(max(beneficiaries) FILTER (WHERE prestation = 'ASG'), 0) AS beneficiaries_asg
        FROM marts.fap_beneficiaries_by_sad_month
        WHERE month = ? AND department_code = ?
        GROUP BY sad_id, sad_name, city
        ORDER BY beneficiaries_all DESC, sad_name
        """,
        [month, department_code],
    )


# ------------------------------------------------------------------ enveloppe.html


def envelopes(con: duckdb.DuckDBPyConnection, department_code: str = PDC) -> dict[str, dict]:
    """marts.envelopes of a département by envelope_id (amount, its document and line, totals)."""
    frame = _frame(con, "SELECT * FROM marts.envelopes WHERE department_code = ? ORDER BY year, envelope_id", [department_code])
    return {row["envelope_id"]: row for row in frame.iter_rows(named=True)}


# One envelope per SAD. The amount shown is the published one when the document prints it (ours
# equals it to the cent: blocking engine check), ours otherwise (what-if). Each SAD carries the
# line of its annex row (marts.sad_activity, for the hours the envelope is split on).
# Parameters: envelope_id twice.
_ALLOCATION = """
    SELECT e.envelope_id, e.year, e.basis_year, e.envelope_eur, e.sad_name, e.city, e.hours_basis, e.share_pct,
           coalesce(e.amount_published_eur, e.amount_computed_eur) AS amount_eur,
           e.amount_computed_eur, e.amount_published_eur, e.delta_eur, a.document_id, a.source_line
    FROM marts.envelope_allocations e
    LEFT JOIN (SELECT hours_source, basis_year FROM marts.envelopes WHERE envelope_id = ?) b ON true
    LEFT JOIN marts.sad_activity a
        ON a.department_code = e.department_code AND a.sad_name = e.sad_name AND a.city IS NOT DISTINCT FROM e.city
        AND a.hours_source = b.hours_source AND a.year = b.basis_year
    WHERE e.envelope_id = ?
"""


def envelope_allocation(con: duckdb.DuckDBPyConnection, envelope_id: str) -> pl.DataFrame:
    """One envelope split per SAD, largest amount first (see _ALLOCATION)."""
    return _frame(con, f"{_ALLOCATION} ORDER BY amount_eur DESC, e.sad_name, e.city", [envelope_id, envelope_id])


def envelope_change(con: duckdb.DuckDBPyConnection, current: str, previous: str) -> pl.DataFrame:
    """Per SAD, the current envelope against the previous one's PUBLISHED amounts and shares
    (a published-only envelope such as pdc_2024 was split on hours no document gives: its share is
    the one implied by its amounts, never our hours), largest increase first; exact decimals."""
    return _frame(
        con,
        f"""
        WITH cur AS ({_ALLOCATION}),
        prev AS (SELECT * FROM marts.envelope_allocations WHERE envelope_id = ?)
        SELECT coalesce(c.sad_name, p.sad_name) AS sad_name, coalesce(c.city, p.city) AS city,
               c.document_id, c.source_line,
               p.amount_published_eur AS previous_eur, p.share_pct AS previous_share_pct,
               c.amount_eur AS current_eur, c.share_pct AS current_share_pct,
               c.amount_eur - p.amount_published_eur AS change_eur,
               c.share_pct - p.share_pct AS change_share_points
        FROM cur c FULL JOIN prev p ON p.sad_name = c.sad_name AND p.city IS NOT DISTINCT FROM c.city
        ORDER BY change_eur DESC NULLS LAST, sad_name, city
        """,
        [current, current, previous],
    )


def whatif_envelope_ids(con: duckdb.DuckDBPyConnection, department_code: str = PDC) -> list[str]:
    """Simulated envelopes (dbt vars envelope_<year>_eur), in year order."""
    rows = con.execute(
        "SELECT envelope_id FROM marts.envelopes WHERE department_code = ? AND envelope_kind = 'whatif' ORDER BY year",
        [department_code],
    ).fetchall()
    return [r[0] for r in rows]


# ------------------------------------------------------------------ index.html


def reconciliation_status(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """Counts of reconciliation checks by status and severity; None when the table is absent."""
    if not table_exists(con, "marts", "reconciliation_checks"):
        return None
    return _frame(
        con,
        "SELECT status, severity, count(*) AS checks FROM marts.reconciliation_checks GROUP BY ALL ORDER BY status, severity",
    )


def reconciliation_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Checks of the latest refresh by document, status and severity."""
    return _frame(
        con,
        "SELECT document_id, status, severity, count(*) AS checks FROM marts.reconciliation_checks GROUP BY ALL ORDER BY ALL",
    )


def reconciliation_checked_lines(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every (document, line) a check reads its printed figure from: the footnote of the counts."""
    return _frame(con, "SELECT DISTINCT document_id, source_line FROM marts.reconciliation_checks ORDER BY ALL")


def reconciliation_discrepancies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every failed or acknowledged check with the printed text of its line (raw.document_lines),
    blocking ones first, then by document and line."""
    return _frame(
        con,
        """
        SELECT c.check_id, c.check_kind, c.document_id, c.source_line, c.table_id, c.measure,
               c.published_value, c.computed_value, c.delta, c.tolerance, c.severity, c.status, c.explanation,
               l.text AS line_text
        FROM marts.reconciliation_checks c
        LEFT JOIN raw.document_lines l ON l.document_id = c.document_id AND l.line_number = c.source_line
        WHERE c.status <> 'passed'
        ORDER BY c.severity = 'error' DESC, c.status = 'failed' DESC, c.document_id, c.source_line, c.check_id
        """,
    )

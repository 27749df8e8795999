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


# ------------------------------------------------------------------ index.html


def reconciliation_status(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """Counts of reconciliation checks by status and severity; None when the table is absent."""
    if not table_exists(con, "marts", "reconciliation_checks"):
        return None
    return _frame(
        con,
        "SELECT status, severity, count(*) AS checks FROM marts.reconciliation_checks GROUP BY ALL ORDER BY status, severity",
    )


def failed_reconciliations(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pl.DataFrame:
    return _frame(
        con,
        "SELECT check_id, document_id, source_line, severity, status, explanation FROM marts.reconciliation_checks "
        "WHERE NOT passed ORDER BY severity, document_id, source_line LIMIT ?",
        [limit],
    )

"""Each kind of reconciliation check on small fixtures: one case where the figures agree (passes)
and one where they do not (fails with the severity the policy gives).

The checks are computed by dbt (models/checks/): the fixture is a tiny work database holding the
staging tables the check models read and a fixture rule list in place of the seeds; `dbt run`
builds the check models and the mart on it. The expected figures and tolerances are computed here,
independently, with Decimal arithmetic. Great Expectations then re-judges the rows as the Dagster
check does, and fails closed when its verdict is not the mart's.
"""

import os
import subprocess
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from conftest import seeded_dbt_target

from dagster_project.core.errors import InputError
from dagster_project.core.frenchfmt import format_plain
from dagster_project.sources.deliberations.register import CHECK_KINDS, load_register
from dagster_project.transform.project import DBT_IN_WORK_DIR, DBT_PROJECT_DIR

DOC, DOC2 = "doc", "doc2"
HALF = {0: D("0.5"), 1: D("0.05"), 2: D("0.005")}

# (table, line, label, is_total, column, header, value, decimals, unit)
CELLS = [
    # table t: two départements and their TOTAL
    *[
        ("t", line, label, total, *cell)
        for line, label, total, cells in [
            (
                10,
                "A",
                False,
                [
                    ("n", "Effectif", "10", 0, "count"),
                    ("share_pct", "%", "25", 0, "pct"),
                    ("eur", "Montant", "100.00", 2, "eur"),
                    ("per_head", "€/hab", "10.00", 2, "eur_per_inhabitant"),
                    ("r", "taux", "2.0", 1, "pct"),
                ],
            ),
            (
                11,
                "B",
                False,
                [
                    ("n", "Effectif", "30", 0, "count"),
                    ("share_pct", "%", "80", 0, "pct"),
                    ("eur", "Montant", "300.00", 2, "eur"),
                    ("per_head", "€/hab", "11.00", 2, "eur_per_inhabitant"),
                    ("r", "taux", "6.0", 1, "pct"),
                ],
            ),
            (
                12,
                "TOTAL",
                True,
                [
                    ("n", "Effectif", "40", 0, "count"),
                    ("share_pct", "%", "100", 0, "pct"),
                    ("eur", "Montant", "400.00", 2, "eur"),
                    ("per_head", "€/hab", "10.00", 2, "eur_per_inhabitant"),
                    ("r", "taux", "4.0", 1, "pct"),
                ],
            ),
        ]
        for cell in cells
    ],
    # table m: per-1000 rates and counts (implied populations)
    *[
        ("m", line, label, False, *cell)
        for line, label, cells in [
            (20, "A", [("rate", "pour 1000", "10.0", 1, "per_1000"), ("count", "droits", "100", 0, "count")]),
            (21, "B", [("rate", "pour 1000", "20.0", 1, "per_1000"), ("count", "droits", "200", 0, "count")]),
            (22, "C", [("rate", "pour 1000", "7.0", 1, "per_1000"), ("count", "droits", "50", 0, "count")]),
        ]
        for cell in cells
    ],
    # tables u and v: the same bonuses printed twice; Y differs by one cent; Z is in u only
    ("u", 30, "X", False, "bonus", "Bonus", "1.00", 2, "eur_per_hour"),
    ("u", 31, "Y", False, "bonus", "Bonus", "2.00", 2, "eur_per_hour"),
    ("u", 32, "Z", False, "bonus", "Bonus", "3.00", 2, "eur_per_hour"),
    ("v", 40, "X", False, "bonus", "Bonus", "1.00", 2, "eur_per_hour"),
    ("v", 41, "Y", False, "bonus", "Bonus", "2.01", 2, "eur_per_hour"),
    # table w: its TOTAL row prints nothing in the column the rule totals (the cell was dropped)
    ("w", 70, "A", False, "n", "Effectif", "5", 0, "count"),
    ("w", 71, "B", False, "n", "Effectif", "7", 0, "count"),
    ("w", 72, "TOTAL", True, "n", "Effectif", None, 0, "count"),
]
FAP_ANNEX = [  # (line, city, sad, is_total, hours, envelope 2025)
    (49, "ARRAS", "SAD0", False, "10.00", "100.00"),
    (50, "ARRAS", "SAD1", False, "100.00", "1000.00"),
    (51, None, "TOTAL", True, "110.00", "1100.00"),
]
PROSE = [  # (figure_id, line, label, value, decimals, unit, role, subject, copy_of)
    ("total", 60, "montant de la convention", "150000.00", 2, "eur", "fx_amount", None, None),
    ("first_pct", 61, "acompte (%)", "60", 0, "pct", "fx_share", "1", None),  # a contractual term: exact
    ("first", 62, "acompte", "90000.00", 2, "eur", "fx_instalment", "1", None),
    ("copy", 63, "montant cité ailleurs", "150001.00", 2, "eur", None, None, "total"),
    ("per_1000", 64, "APA pour 1000 (DREES 2022)", "74.0", 1, "per_1000", "fx_rate", None, None),
    ("coverage", 65, "couverture (%)", "7.3", 1, "pct", "fx_coverage", None, None),
]
ROLES = [("fx_amount", False), ("fx_share", True), ("fx_instalment", False), ("fx_rate", False), ("fx_coverage", False)]
SUITES = [  # suite, the kind its table rules check, guarded asset
    ("fx_t", "t", "staging/stg_t"),
    ("fx_m", "m", "staging/stg_m"),
    ("fx_u", "u", "staging/stg_u"),
    ("fx_w", "w", "staging/stg_w"),
    ("fx_prose", None, "staging/stg_deliberations__prose_figures"),
    ("envelope_allocation", "sad_envelope_annex", "marts/envelope_allocations"),
    ("fap_hours", "sad_envelope_annex", "marts/fap_annex_hours_comparison"),
    ("fx_annual", None, "staging/stg_drees__aid_beneficiaries_annual"),
    ("fx_cnsa", None, "marts/ehpad_prices"),
]
# suite, rule_type, kind, name, published, inputs, weights, formula, formula_desc, missing_as_zero, scale
RULES = [
    ("fx_t", "total_row", "total_row", "columns", None, "n|share_pct", None, None, None, None, None),
    ("fx_w", "total_row", "total_row", "columns", None, "n", None, None, None, None, None),
    ("fx_t", "share_of_total", "derived_column", "share_pct", "share_pct", "n", None, None, None, None, None),
    ("fx_t", "row_formula", "derived_column", "per_head", "per_head", "eur|n", None, "{0} / {1}", "eur / n", False, None),
    ("fx_t", "regional_aggregate", "regional_aggregate", "per_head", "per_head", "eur", "n", None, None, None, "1"),
    ("fx_t", "regional_aggregate", "regional_aggregate", "r", "r", None, "n", None, None, None, "100"),
    ("fx_m", "implied_population", "cross_row", "rate", "rate", "count", None, None, None, None, "1000"),
    (
        "fx_prose",
        "formula",
        "derived_column",
        "first",
        "role:fx_instalment",
        "role:fx_share|role:fx_amount",
        None,
        "{1} * {0} / 100",
        "part de l'acompte × montant",
        None,
        None,
    ),
    (
        "fx_prose",
        "formula",
        "cross_document",
        "copy",
        "copies",
        "copied",
        None,
        "{0}",
        "montant de la convention",
        None,
        None,
    ),
    (
        "fx_prose",
        "formula",
        "cross_source",
        "coverage",
        "role:fx_coverage",
        "role:fx_rate",
        None,
        "{0} / 10",
        "pour 1000 / 10",
        None,
        None,
    ),
    ("fx_u", "matching_rows", "cross_document", "bonus", "bonus", None, None, None, None, None, None),
    ("envelope_allocation", "engine", "engine", "allocation_per_sad", None, None, None, None, "répartition", None, None),
    ("fap_hours", "engine", "engine", "hours_per_sad", None, None, None, None, "heures FAP", None, None),
    ("fx_annual", "cross_publication", "cross_publication", "same_year", None, None, None, None, None, None, None),
    ("fx_cnsa", "legal_ordering", "legal_ordering", "gir_tariffs", None, None, None, None, None, None, None),
    ("fx_cnsa", "plausible_range", "plausible_range", "declared_prices", None, None, None, None, None, None, None),
]
# Official files (issue 21). DREES's annual file of 2020 against its long series ending 2020:
# (territory, block, measure, annual value, long-series value); an older edition (ending 2019)
# prints the same measure and must not be compared.
ANNUAL = [
    ("62", "departements", "apa", "100", "100"),
    ("59", "departements", "apa", "200", "201"),
    ("FR", "departements", "apa", "300", "300"),
    ("R32", "regions", "apa", "250", "250"),
]
# CNSA's price export: (finess, line, permanent single-room price, GIR 1-2, GIR 3-4, GIR 5-6)
EHPAD = [
    ("620000001", 2, "60.00", "20.00", "13.00", "5.00"),  # ordered, every value plausible
    ("620000002", 3, "0.01", "5.46", "12.87", "40.00"),  # GIR 3-4 above GIR 1-2 and GIR 5-6 above GIR 3-4
    ("620000003", 4, "61.00", "20.00", "13.00", "0.00"),  # GIR 5-6 nil
    ("620000004", 5, "62.00", None, None, None),  # no tariff declared: no ordering to check
]
RANGES = [("accommodation", "22.50", "300.00"), ("tariff_gir_1_2", "7.50", "60.00"), ("tariff_gir_3_4", "4.50", "38.00"),
          ("tariff_gir_5_6", "2.00", "16.00")]  # fmt: skip
REGISTER = [  # check_id, published, computed (as written), reason
    ("t.derived_column.share_pct.l0011", "80", "75.00", "part recopiée, revue"),
    ("t.derived_column.per_head.l0011", "11.00", "10.01", "pin périmé : ne s'applique plus"),
    ("annex.engine.hours_per_sad.l0051", "110.00", "108.00", "heures de décembre attendues"),
]


def _build_fixture(db: Path) -> None:
    con = duckdb.connect(str(db))
    for schema in ("staging", "marts", "reference", "intermediate"):
        con.execute(f"CREATE SCHEMA {schema}")
    # every table of the fixture is its own kind (t, m...); u and v are two tables of kind u
    con.execute(
        """CREATE TABLE staging.stg_deliberations__cells (document_id VARCHAR, table_id VARCHAR, kind VARCHAR,
           source_line INTEGER, column_index SMALLINT, row_label VARCHAR, is_total BOOLEAN, column_name VARCHAR,
           kind_column VARCHAR, column_header VARCHAR, value DECIMAL(18,4), printed_decimals INTEGER, unit VARCHAR,
           indicator_code VARCHAR, territory_code VARCHAR, indicator_label VARCHAR, reference_period VARCHAR)"""
    )
    columns: dict[str, list[str]] = {}
    for table, line, label, total, column, header, value, decimals, unit in CELLS:
        order = columns.setdefault(table, [])
        if column not in order:
            order.append(column)
        con.execute(
            "INSERT INTO staging.stg_deliberations__cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            [DOC, table, "u" if table == "v" else table, line, order.index(column) + 1, label, total, column, column, header,
             value, decimals, unit],
        )  # fmt: skip
    for line, city, sad, total, hours, envelope in FAP_ANNEX:
        label = sad if total else f"{city} / {sad}"
        for index, (column, header, value, unit) in enumerate(
            [
                ("hours_billed", "Heures APA 2024", hours, "hours"),
                ("envelope_eur", "Enveloppe 2025 (en €)", envelope, "eur"),
            ],
            start=1,
        ):
            con.execute(
                "INSERT INTO staging.stg_deliberations__cells VALUES "
                "(?, 'annex', 'sad_envelope_annex', ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, NULL, NULL, NULL, NULL)",
                [DOC2, line, index, label, total, column, column, header, value, unit],
            )
    con.execute(
        """CREATE TABLE staging.stg_deliberations__prose_figures (document_id VARCHAR, table_id VARCHAR, figure_id VARCHAR,
           source_line INTEGER, value DECIMAL(18,4), printed_decimals INTEGER, unit VARCHAR, label VARCHAR,
           indicator_code VARCHAR, territory_code VARCHAR, reference_period VARCHAR, role VARCHAR, subject VARCHAR,
           copy_of VARCHAR)"""
    )
    for figure_id, line, label, value, decimals, unit, role, subject, copy_of in PROSE:
        con.execute(
            "INSERT INTO staging.stg_deliberations__prose_figures VALUES (?, 'fx_prose', ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?)",
            [DOC, figure_id, line, value, decimals, unit, label, role, subject, copy_of],
        )
    # the real list of check kinds and their severity (the seed), as dbt seeds it
    con.execute(f"CREATE TABLE reference.check_kinds AS SELECT * FROM read_csv('{CHECK_KINDS}', all_varchar = true)")
    con.execute("CREATE TABLE reference.deliberation_figure_roles (role VARCHAR, exact BOOLEAN)")
    con.executemany("INSERT INTO reference.deliberation_figure_roles VALUES (?, ?)", ROLES)
    con.execute(
        "CREATE TABLE staging.stg_deliberations__row_links (document_id VARCHAR, table_id VARCHAR, source_line INTEGER, "
        "row_label VARCHAR, finances_table_id VARCHAR, finances_column VARCHAR)"
    )
    con.execute(
        "CREATE TABLE staging.stg_deliberations__catalogue_entries AS SELECT * FROM (VALUES "
        "('t', 'doc', 't', 9), ('m', 'doc', 'm', 19), ('u', 'doc', 'u', 29), ('v', 'doc', 'u', 39), "
        "('annex', 'doc2', 'sad_envelope_annex', 48)) x(table_id, document_id, kind, header_line)"
    )
    con.execute(
        """CREATE TABLE staging.stg_deliberations__acknowledged_discrepancies (check_id VARCHAR, entry_number INTEGER,
           reason VARCHAR, acknowledged_by VARCHAR, acknowledged_on VARCHAR, published_value DECIMAL(38,10),
           computed_value DECIMAL(38,10), computed_value_decimals INTEGER)"""
    )
    for number, (check_id, published, computed, reason) in enumerate(REGISTER, start=1):
        decimals = max(0, -D(computed).as_tuple().exponent)
        con.execute(
            "INSERT INTO staging.stg_deliberations__acknowledged_discrepancies VALUES (?, ?, ?, 'équipe data', '2026-11-22', ?, ?, ?)",
            [check_id, number, reason, published, computed, decimals],
        )
    con.execute(
        "CREATE TABLE staging.stg_deliberations__sad_envelope_annex AS SELECT * FROM (VALUES "
        "('annex', 'doc2', 49, false, 'ARRAS', 'SAD0'), ('annex', 'doc2', 50, false, 'ARRAS', 'SAD1'), "
        "('annex', 'doc2', 51, true, NULL, 'TOTAL')) x(table_id, document_id, source_line, is_total, city, sad_name)"
    )
    # our allocation reproduces SAD1 and the total to the cent (SAD0 has no hours basis)
    con.execute(
        "CREATE TABLE intermediate.int_envelopes AS SELECT 'e' AS envelope_id, 'published' AS envelope_kind, "
        "'annex' AS table_id, 'envelope_eur' AS published_amount_column"
    )
    con.execute(
        "CREATE TABLE marts.envelope_allocations AS SELECT * FROM (VALUES "
        "('e', 'ARRAS', 'SAD1', 2025, 100.00::DECIMAL(18,2), 1100.00::DECIMAL(18,2), 1100.00::DECIMAL(18,2))) "
        "x(envelope_id, city, sad_name, year, hours_basis, amount_published_eur, amount_computed_eur)"
    )
    con.execute(
        "UPDATE staging.stg_deliberations__cells SET value = 1100.00 WHERE document_id = 'doc2' AND source_line = 50 "
        "AND column_name = 'envelope_eur'"
    )
    # FAP hours: SAD1 agrees, SAD0 has no FAP line, the TOTAL misses 2 hours
    con.execute(
        "CREATE TABLE marts.fap_annex_hours_comparison AS SELECT * FROM (VALUES "
        "('annex', 10.00::DECIMAL(18,2), NULL::DECIMAL(18,2), 'doc2', 49, 'ARRAS', 'SAD0', 2024, 'k0'), "
        "('annex', 100.00, 100.00, 'doc2', 50, 'ARRAS', 'SAD1', 2024, 'k1'), ('annex', 110.00, 108.00, 'doc2', 51, NULL, 'TOTAL', 2024, NULL)) "
        "x(table_id, annex_apa_hours, fap_apa_hours, document_id, source_line, city, sad_name, reference_year, sad_key)"
    )
    con.execute("CREATE TABLE staging.stg_fap__files AS SELECT 2024 AS year, true AS synthetic")
    # the deliberations loaded: their checks are source_kind 'deliberation'
    _official_fixture(con)
    con.execute(
        f"CREATE TABLE staging.stg_deliberations__documents AS SELECT * FROM (VALUES ('{DOC}'), ('{DOC2}')) x(document_id)"
    )
    con.execute(
        "CREATE TABLE reference.reconciliation_suites (suite VARCHAR, document_kind VARCHAR, guards VARCHAR, description VARCHAR)"
    )
    con.executemany("INSERT INTO reference.reconciliation_suites VALUES (?, ?, ?, 'fixture')", SUITES)
    con.execute(
        """CREATE TABLE reference.reconciliation_rules (suite VARCHAR, rule_type VARCHAR, kind VARCHAR, name VARCHAR,
           published VARCHAR, inputs VARCHAR, weights VARCHAR, formula VARCHAR, formula_desc VARCHAR,
           missing_as_zero BOOLEAN, scale VARCHAR, description VARCHAR)"""
    )
    con.executemany("INSERT INTO reference.reconciliation_rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)", RULES)
    con.close()


def _official_fixture(con) -> None:
    """DREES's annual file and séries longues, CNSA's price export and the plausible ranges (issue 21)."""
    con.execute(
        """CREATE TABLE staging.stg_drees__aid_beneficiaries_annual (publication_id VARCHAR, edition VARCHAR,
           source_file VARCHAR, sheet VARCHAR, source_cell VARCHAR, source_row BIGINT, block VARCHAR,
           group_header_as_printed VARCHAR, header_as_printed VARCHAR, territory_label VARCHAR, year INTEGER,
           territory_code VARCHAR, measure_code VARCHAR, value DECIMAL(20,6))"""
    )
    con.execute(
        """CREATE TABLE staging.stg_drees__aid_beneficiaries (publication_id VARCHAR, edition VARCHAR, source_file VARCHAR,
           source_cell VARCHAR, block VARCHAR, year INTEGER, territory_code VARCHAR, measure_code VARCHAR,
           measure_label VARCHAR, value DECIMAL(20,6))"""
    )
    for row, (code, block, measure, annual, series) in enumerate(ANNUAL, start=7):
        con.execute(
            "INSERT INTO staging.stg_drees__aid_beneficiaries_annual VALUES ('drees_annual', '2020', 'annual.xlsx', "
            "'Tab1-pa', ?, ?, ?, NULL, 'APA (1)', ?, 2020, ?, ?, ?)",
            [f"Tab1-pa!D{row}", row, block, code, code, measure, annual],
        )
        for edition, year, value in (("1996-2020", 2020, series), ("1996-2020", 2019, "1"), ("1996-2019", 2019, "2")):
            con.execute(
                "INSERT INTO staging.stg_drees__aid_beneficiaries VALUES ('drees_series', ?, 'series.xlsx', ?, ?, ?, ?, ?, "
                "'APA', ?)",
                [edition, f"Tab4-pa!V{row}", block, year, code, measure, value],
            )
    # a column the long series do not print: not compared
    con.execute(
        "INSERT INTO staging.stg_drees__aid_beneficiaries_annual VALUES ('drees_annual', '2020', 'annual.xlsx', 'Tab4-pa', "
        "'Tab4-pa!H7', 7, 'departements', NULL, 'Type d''établissement inconnu', '62', 2020, '62', NULL, 5)"
    )
    prices = ", ".join(f"{c} DECIMAL(8,2)" for c in PRICE_COLUMNS)
    con.execute(
        f"""CREATE TABLE marts.ehpad_prices (finess VARCHAR, edition VARCHAR, edition_year INTEGER, publication_id VARCHAR,
           source_file VARCHAR, source_line BIGINT, {prices}, tariff_gir_1_2 DECIMAL(8,2), tariff_gir_3_4 DECIMAL(8,2),
           tariff_gir_5_6 DECIMAL(8,2))"""
    )
    for finess, line, price, g12, g34, g56 in EHPAD:
        con.execute(
            f"INSERT INTO marts.ehpad_prices VALUES (?, '2019', 2019, 'cnsa', 'cnsa.csv', ?, ?, {', '.join(['NULL'] * 7)}, ?, ?, ?)",
            [finess, line, price, g12, g34, g56],
        )
    con.execute(
        "CREATE TABLE reference.ehpad_price_columns (value_code VARCHAR, column_name VARCHAR, range_code VARCHAR, label_fr VARCHAR)"
    )
    for column in PRICE_COLUMNS:
        con.execute("INSERT INTO reference.ehpad_price_columns VALUES (?, ?, 'accommodation', ?)", [column, column, column])
    for gir in ("1_2", "3_4", "5_6"):
        con.execute("INSERT INTO reference.ehpad_price_columns VALUES (?, ?, ?, ?)", [f"tariff_gir_{gir}"] * 3 + [f"GIR {gir}"])
    con.execute(
        """CREATE TABLE reference.ehpad_plausible_ranges (value_code VARCHAR, plausible_low_eur DECIMAL(8,2),
           plausible_high_eur DECIMAL(8,2), rationale VARCHAR)"""
    )
    for code, low, high in RANGES:
        con.execute("INSERT INTO reference.ehpad_plausible_ranges VALUES (?, ?, ?, ?)", [code, low, high, f"pourquoi {code}."])


PRICE_COLUMNS = [
    "price_permanent_single_eur", "price_permanent_double_eur", "price_permanent_single_social_aid_eur",
    "price_permanent_double_social_aid_eur", "price_temporary_single_eur", "price_temporary_double_eur",
    "price_temporary_single_social_aid_eur", "price_temporary_double_social_aid_eur",
]  # fmt: skip


def _dbt_run_checks(db, root, run_id: str) -> None:
    """`dbt run` of the check models and the two marts on a fixture work database, as the dbt step
    runs it (autonomy-dbt, from the project's saved parse: db is named autonomy_work.duckdb)."""
    target = root / "target"
    if not target.exists():
        seeded_dbt_target(target)
    env = {**os.environ, "AUTONOMY_WORK_DB": str(db), "AUTONOMY_RUN_ID": run_id}
    completed = subprocess.run(
        [
            DBT_IN_WORK_DIR,
            "run",
            "--select",
            "path:models/checks",
            "reconciliation_checks",
            "reconciliation_history",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(root / "logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture work database after `dbt run` of the check models and the mart."""
    root = tmp_path_factory.mktemp("reconciliation")
    db = root / "autonomy_work.duckdb"
    _build_fixture(db)
    _dbt_run_checks(db, root, "fixture-run")
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def row(con, check_id: str) -> dict:
    cursor = con.execute("SELECT * FROM marts.reconciliation_checks WHERE check_id = ?", [check_id])
    values = cursor.fetchone()
    assert values is not None, f"no check {check_id}"
    return dict(zip([d[0] for d in cursor.description], values))


def assert_check(con, check_id, *, published, computed, tolerance, status, severity="warning"):
    """computed=None (or published=None): a figure is missing, the check is not evaluable (no delta)."""
    r = row(con, check_id)
    assert r["published_value"] == (None if published is None else D(published))
    if computed is None:
        assert r["computed_value"] is None and r["delta"] is None, r["explanation"]
    else:
        assert abs(r["computed_value"] - D(computed)) <= D("1e-9"), (r["computed_value"], computed)
        assert r["delta"] == (None if published is None else r["computed_value"] - r["published_value"])
    assert abs(r["tolerance"] - D(tolerance)) <= D("1e-9"), (r["tolerance"], tolerance)
    assert (r["status"], r["severity"]) == (status, severity), r["explanation"]
    assert r["passed"] == (status == "passed")
    return r


# ------------------------------------------------------------------------------------------ kinds
def test_total_row_agrees_for_exact_counts_and_fails_for_rounded_shares(built):
    # counts are exact, and so is their printed total: no tolerance at all
    r = assert_check(built, "t.total_row.n.l0012", published="40", computed=10 + 30, tolerance=0, status="passed")
    assert "dans la tolérance 0 (aucune : valeurs exactes" in r["explanation"]
    # 25 + 80 = 105 against 100: two rounded shares (2 × 0,5) + the total's own half-unit
    r = assert_check(built, "t.total_row.share_pct.l0012", published="100", computed=105, tolerance=3 * HALF[0], status="failed")
    assert "somme des 2 lignes de la colonne" in r["explanation"]
    assert "2 × ½ unité du dernier chiffre imprimé (0,5) pour les 2 valeurs arrondies additionnées" in r["explanation"]


def test_share_of_total_agrees_then_is_acknowledged_with_both_figures_pinned(built):
    # counts are exact: the tolerance is the printed share's half-unit only
    assert_check(
        built, "t.derived_column.share_pct.l0010", published="25", computed=D(10) / 40 * 100, tolerance=HALF[0], status="passed"
    )
    r = assert_check(
        built,
        "t.derived_column.share_pct.l0011",
        published="80",
        computed=D(30) / 40 * 100,
        tolerance=HALF[0],
        status="acknowledged",
    )
    assert "Écart connu, accepté le 2026-11-22 par équipe data : part recopiée, revue" in r["explanation"]


def test_row_formula_agrees_and_fails_when_a_pin_no_longer_holds(built):
    assert_check(
        built, "t.derived_column.per_head.l0010", published="10.00", computed=D(100) / 10, tolerance=HALF[2], status="passed"
    )
    # the register pins 10.01 but we compute 10.00: the acknowledgement does not apply
    r = assert_check(
        built, "t.derived_column.per_head.l0011", published="11.00", computed=D(300) / 30, tolerance=HALF[2], status="failed"
    )
    assert r["explanation"] == (
        # 300 / 30 is exactly 10: shown at the printed cents, not with two more decimals
        "Écart : « €/hab » (B) imprimé 11,00 (ligne 11) ; eur / n : 10,00 ; écart -1,00, au-delà de la tolérance "
        "0,005 (½ unité du dernier chiffre imprimé (0,005) + effet des arrondis des valeurs d'entrée). "
        "Le document n'est pas cohérent avec lui-même : signalé, sans bloquer la publication."
    )


def test_regional_aggregate_weighted_agrees_and_plain_mean_is_named(built):
    assert_check(
        built, "t.regional_aggregate.per_head.l0012", published="10.00", computed=D(400) / 40, tolerance=HALF[2], status="passed"
    )
    # rates weighted by the population: (2,0 × 10 + 6,0 × 30) / 40 = 5,0; the numerator moves by
    # 0,05 × 40 = 2 at the corners, i.e. 2 / 40 = 0,05, plus the printed half-unit 0,05
    weighted = (D("2.0") * 10 + D("6.0") * 30) / 40
    spread = (D("2.0") * 10 + D("6.0") * 30 + HALF[1] * 40) / 40 - weighted
    r = assert_check(
        built, "t.regional_aggregate.r.l0012", published="4.0", computed=weighted, tolerance=HALF[1] + spread, status="failed"
    )
    plain = (D("2.0") + D("6.0")) / 2
    assert f"moyenne simple des 2 valeurs départementales ({format_plain(plain, 2)})" in r["explanation"]


def test_implied_population_agrees_on_the_most_covered_population(built):
    def interval(count, rate):
        return D(count) / (D(rate) + HALF[1]) * 1000, D(count) / (D(rate) - HALF[1]) * 1000

    a, b, c = interval(100, "10.0"), interval(200, "20.0"), interval(50, "7.0")
    assert a[0] <= b[0] and b[1] <= a[1] and c[1] < b[0]  # B inside A, C apart
    population = (b[0] + b[1]) / 2  # midpoint of the segment covered by A and B
    assert_check(
        built, "m.cross_row.rate.l0020", published="10.0", computed=D(100) / population * 1000, tolerance=HALF[1], status="passed"
    )
    assert_check(
        built, "m.cross_row.rate.l0021", published="20.0", computed=D(200) / population * 1000, tolerance=HALF[1], status="passed"
    )
    r = assert_check(
        built, "m.cross_row.rate.l0022", published="7.0", computed=D(50) / population * 1000, tolerance=HALF[1], status="failed"
    )
    assert f"implique une population entre {format_plain(c[0], 0)} et {format_plain(c[1], 0)} habitants" in r["explanation"]


def test_contractual_percentage_is_exact_and_cross_document_amounts_must_match(built):
    # 60 % is a term of the convention, not a rounded figure: no ±0,5 % (i.e. ±750 €) of slack;
    # 60 % of an amount in cents is a whole number of cents: the printed instalment must equal it
    r = assert_check(
        built,
        "fx_prose.derived_column.first.first.l0062",
        published="90000.00",
        computed=D(150000) * 60 / 100,
        tolerance=0,
        status="passed",
    )
    assert "(d'après doc l.60, doc l.61)" in r["explanation"]
    # a copy of a printed figure must be equal to it, whatever its unit
    r = assert_check(
        built,
        "fx_prose.cross_document.copy.copy.l0063",
        published="150001.00",
        computed="150000.00",
        tolerance=0,
        status="failed",
    )
    assert "aucune : le chiffre recopie un autre chiffre imprimé" in r["explanation"]


def test_cross_source_is_worded_as_two_sources(built):
    # 74,0 per 1000 / 10 = 7,4 %; the input moves by 0,05 / 10
    r = assert_check(
        built,
        "fx_prose.cross_source.coverage.coverage.l0065",
        published="7.3",
        computed=D("74.0") / 10,
        tolerance=HALF[1] + HALF[1] / 10,
        status="failed",
    )
    assert "Les deux sources (ou millésimes) comparées diffèrent" in r["explanation"]
    assert "cohérent avec lui-même" not in r["explanation"]


def test_matching_rows_agree_and_differ(built):
    """The same row of two tables of one kind is a copy: equal, in both directions (each table's
    rows are checked, so a row only one table prints is not silently skipped)."""
    assert_check(built, "u.cross_document.bonus.l0030", published="1.00", computed="1.00", tolerance=0, status="passed")
    assert_check(built, "v.cross_document.bonus.l0040", published="1.00", computed="1.00", tolerance=0, status="passed")
    # one cent apart: a copy, not a rounding (before issue 23, 0,005 + 0,005 let it pass)
    r = assert_check(built, "u.cross_document.bonus.l0031", published="2.00", computed="2.01", tolerance=0, status="failed")
    assert "écart 0,01, au-delà de la tolérance 0 (aucune : le chiffre recopie un autre chiffre imprimé" in r["explanation"]
    assert_check(built, "v.cross_document.bonus.l0041", published="2.01", computed="2.00", tolerance=0, status="failed")


def test_an_unmatched_label_is_not_evaluable_naming_it(built):
    """Z is printed in u and not in v: its check is made, not evaluable, and says where it looked."""
    r = assert_check(built, "u.cross_document.bonus.l0032", published="3.00", computed=None, tolerance=0, status="not_evaluable")
    assert r["explanation"].startswith("Non évaluable : « Bonus » (Z) imprimé 3,00 (ligne 32)")
    assert "« Z »" in r["explanation"] and "v" in r["explanation"], r["explanation"]


def test_a_dropped_total_cell_is_not_evaluable_naming_it(built):
    r = assert_check(built, "w.total_row.n.l0072", published=None, computed=7 + 5, tolerance=0, status="not_evaluable")
    assert "La ligne TOTAL n'imprime rien dans cette colonne" in r["explanation"], r["explanation"]


def test_engine_agrees_to_the_cent_and_a_disagreement_is_an_error(built):
    # our figures must equal the printed ones exactly: tolerance 0
    assert_check(
        built,
        "annex.engine.allocation_per_sad.l0050",
        published="1100.00",
        computed="1100.00",
        tolerance=0,
        status="passed",
        severity="error",
    )
    assert_check(
        built,
        "annex.engine.allocation_per_sad.l0051",
        published="1100.00",
        computed="1100.00",
        tolerance=0,
        status="passed",
        severity="error",
    )
    r = assert_check(
        built,
        "annex.engine.hours_per_sad.l0051",
        published="110.00",
        computed="108.00",
        tolerance=0,
        status="failed",
        severity="error",
    )
    assert "la publication est bloquée" in r["explanation"]
    assert "(données FAP synthétiques : concordance par construction)" in r["explanation"]
    # an engine's figures are shown at the printed precision
    assert (
        "imprimé 110,00 (ligne 51) ; heures FAP (données FAP synthétiques : concordance par construction) : 108,00 ; écart -2,00"
        in r["explanation"]
    )


def test_cross_publication_compares_the_same_year_of_one_producer_and_blocks_a_difference(built):
    """The annual file against the long series ending the same year only (not the 1996-2019
    edition, not 2019), cell by cell, block by block; tolerance 0, error severity."""
    rows = built.execute(
        "SELECT check_id FROM marts.reconciliation_checks WHERE check_kind = 'cross_publication' ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == [f"drees_annual.cross_publication.same_year.2020.Tab1-pa!D{row}" for row in (10, 7, 8, 9)]
    assert_check(built, "drees_annual.cross_publication.same_year.2020.Tab1-pa!D7", published="100", computed="100",
                 tolerance="0", status="passed", severity="error")  # fmt: skip
    r = assert_check(built, "drees_annual.cross_publication.same_year.2020.Tab1-pa!D8", published="200", computed="201",
                     tolerance="0", status="failed", severity="error")  # fmt: skip
    assert "séries longues 1996-2020" in r["explanation"] and "series.xlsx, Tab4-pa!V8" in r["explanation"]
    assert "Un même producteur imprime deux chiffres pour la même année : la publication est bloquée" in r["explanation"]
    assert_check(built, "drees_annual.cross_publication.same_year.2020.Tab1-pa!D10", published="250", computed="250",
                 tolerance="0", status="passed", severity="error")  # fmt: skip


def test_legal_ordering_of_the_gir_tariffs_is_a_warning_naming_finess_edition_and_line(built):
    assert_check(built, "cnsa.legal_ordering.gir_tariffs.2019.620000001", published="13.00", computed="13.00",
                 tolerance="0", status="passed")  # fmt: skip
    # GIR 3-4 7,41 € above GIR 1-2 and GIR 5-6 27,13 € above GIR 3-4: both breaches add up, never cancel
    r = assert_check(built, "cnsa.legal_ordering.gir_tariffs.2019.620000002", published="12.87",
                     computed=D("12.87") + (D("12.87") - D("5.46")) + (D("40.00") - D("12.87")), tolerance="0", status="failed")  # fmt: skip
    assert "FINESS 620000002, édition 2019, cnsa.csv ligne 3" in r["explanation"] and r["source_line"] == 3
    assert_check(built, "cnsa.legal_ordering.gir_tariffs.2019.620000003", published="13.00", computed="13.01",
                 tolerance="0", status="failed")  # fmt: skip  # GIR 5-6 nil: one cent short of > 0
    assert built.execute(
        "SELECT count(*) FROM marts.reconciliation_checks WHERE check_id LIKE 'cnsa.%.620000004'"
    ).fetchone() == (1,)  # its price is checked; with no tariff declared, its ordering is not evaluated


def test_a_price_outside_its_plausible_range_is_a_warning_on_the_value_furthest_outside(built):
    assert_check(built, "cnsa.plausible_range.declared_prices.2019.620000001", published="5.00", computed="5.00",
                 tolerance="0", status="passed")  # fmt: skip  # the value closest to its range's edge
    # 0,01 € is 22,49 € under its range, the GIR 5-6 40 € is 24 € over its own: the latter is judged
    r = assert_check(built, "cnsa.plausible_range.declared_prices.2019.620000002", published="40.00", computed="16.00",
                     tolerance="0", status="failed")  # fmt: skip
    assert "price_permanent_single_eur 0,01 € (fourchette 22,50 à 300,00 €)" in r["explanation"]
    assert "GIR 5_6 40,00 € (fourchette 2,00 à 16,00 €)" in r["explanation"] and "pourquoi tariff_gir_5_6." in r["explanation"]
    assert "conservées dans marts.ehpad_prices" in r["explanation"]


def test_a_printed_row_we_compute_nothing_for_is_not_evaluable_and_blocks(built):
    """SAD0 has no FAP line and no hours basis: its printed hours and amount are compared with
    nothing, never with 0; the check cannot say the figures agree, so it blocks publishing."""
    for check_id, published in (
        ("annex.engine.hours_per_sad.l0049", "10.00"),
        ("annex.engine.allocation_per_sad.l0049", "100.00"),
    ):
        r = assert_check(
            built, check_id, published=published, computed=None, tolerance=0, status="not_evaluable", severity="error"
        )
        assert r["explanation"].startswith("Non évaluable : ")
        assert "Notre calcul ne produit aucune valeur pour cette ligne." in r["explanation"]
        assert "la publication est bloquée" in r["explanation"]


def test_an_error_severity_check_is_never_acknowledged(built, tmp_path):
    """The register entry for the TOTAL's hours does not apply (an error is fixed, not accepted),
    and the register itself refuses such an entry, naming it and the rule."""
    r = row(built, "annex.engine.hours_per_sad.l0051")
    assert r["status"] == "failed" and "accepté" not in r["explanation"]
    entry = (
        "  - check_id: annex.engine.hours_per_sad.l0051\n    published_value: '110.00'\n    computed_value: '108.00'\n"
        "    reason: r\n    acknowledged_by: a\n    acknowledged_on: 2026-01-01\n"
    )
    with pytest.raises(InputError, match=r"entry #1.*annex\.engine\.hours_per_sad\.l0051") as refused:
        load_register(_register(tmp_path, entry))
    assert refused.value.column == "check_id"


def test_coverage_counts_what_is_printed(built):
    """Expected evaluations come from the printed structure, not from the check models."""
    coverage = {
        name: (expected, evaluated, missing)
        for name, expected, evaluated, missing in built.execute(
            "SELECT check_name, expected_evaluations, evaluated, missing_evaluations FROM intermediate.int_reconciliation__coverage"
        ).fetchall()
    }
    assert coverage["fx_t__total_row__columns"] == (2, 2, 0)  # the TOTAL row × the 2 columns the rule names
    assert coverage["fx_t__derived_column__share_pct"] == (2, 2, 0)  # 2 rows print a share
    assert coverage["fx_m__cross_row__rate"] == (3, 3, 0)
    assert coverage["fx_prose__derived_column__first"] == (1, 1, 0)
    assert coverage["fx_u__cross_document__bonus"] == (5, 5, 0)  # each row of each table against the other: 3 + 2
    assert coverage["fx_w__total_row__columns"] == (1, 1, 0)  # the dropped TOTAL cell is evaluated: not evaluable
    # every printed row of the annex, SAD0 included (it is evaluated: not evaluable)
    assert coverage["envelope_allocation__engine__allocation_per_sad"] == (3, 3, 0)
    assert coverage["fap_hours__engine__hours_per_sad"] == (3, 3, 0)


def test_history_records_the_run(built):
    runs = built.execute("SELECT run_id, count(*) FROM marts.reconciliation_history GROUP BY 1").fetchall()
    total = built.execute("SELECT count(*) FROM marts.reconciliation_checks").fetchone()[0]
    assert runs == [("fixture-run", total)]


def test_history_records_a_check_again_only_when_its_result_changed(tmp_path):
    """The history is a change log: a second run records nothing when nothing changed; a third,
    after the FAP hours of one SAD changed, records exactly the checks whose result changed; a
    check that disappears gets one 'removed' row, and no more while it stays absent."""
    db = tmp_path / "autonomy_work.duckdb"
    _build_fixture(db)
    _dbt_run_checks(db, tmp_path, "first")
    _dbt_run_checks(db, tmp_path, "unchanged")
    results = "SELECT check_id, status, published_value, computed_value, tolerance FROM marts.reconciliation_checks"
    con = duckdb.connect(str(db))
    try:
        before = {r[0]: r[1:] for r in con.execute(results).fetchall()}
        con.execute("UPDATE marts.fap_annex_hours_comparison SET fap_apa_hours = 99.00 WHERE sad_name = 'SAD1'")
    finally:
        con.close()
    _dbt_run_checks(db, tmp_path, "edited")
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = dict(con.execute("SELECT run_id, count(*) FROM marts.reconciliation_history GROUP BY 1").fetchall())
        after = {r[0]: r[1:] for r in con.execute(results).fetchall()}
        recorded = {
            r[0] for r in con.execute("SELECT check_id FROM marts.reconciliation_history WHERE run_id = 'edited'").fetchall()
        }
    finally:
        con.close()
    assert runs["first"] == len(before) and "unchanged" not in runs
    changed = {check_id for check_id, result in after.items() if before.get(check_id) != result}
    assert changed and recorded == changed, (changed, recorded)
    # a check that is no longer produced (table w's TOTAL row deleted) is recorded once as removed
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM staging.stg_deliberations__cells WHERE table_id = 'w' AND is_total")
    finally:
        con.close()
    _dbt_run_checks(db, tmp_path, "removed")
    _dbt_run_checks(db, tmp_path, "still removed")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT run_id, status, published_value, explanation FROM marts.reconciliation_history "
            "WHERE check_id = 'w.total_row.n.l0072' ORDER BY evaluated_at"
        ).fetchall()
        removed_runs = {
            r[0] for r in con.execute("SELECT run_id FROM marts.reconciliation_history WHERE status = 'removed'").fetchall()
        }
    finally:
        con.close()
    assert [(r[0], r[1]) for r in rows] == [("first", "not_evaluable"), ("removed", "removed")]
    assert rows[1][2] is None and rows[1][3].startswith("Contrôle disparu : ce rafraîchissement ne le produit plus")
    assert "Dernier résultat enregistré : not_evaluable (exécution first)" in rows[1][3]
    assert removed_runs == {"removed"}


# --------------------------------------------------------------------- Great Expectations verdicts
@pytest.fixture(scope="module")
def judged(built):
    from dagster_project.checks.checks import GX_SUITE, evaluable, read_rows
    from dagster_project.checks.gx_suite import validate

    rows = read_rows(built)
    names = sorted(rows["check_name"].unique())
    judged_rows = evaluable(rows)[["check_id", "check_name", "abs_delta_micro", "tolerance_micro"]]
    return rows, validate(GX_SUITE, names, judged_rows.astype({"abs_delta_micro": "int64", "tolerance_micro": "int64"}))


def _rule(check_name: str):
    import dagster as dg

    from dagster_project.checks.rules import Rule

    suite, kind, name = check_name.split("__")
    return Rule(suite, kind, name, "fixture", dg.AssetKey(["staging", "stg_t"]))


def test_gx_verdicts_agree_with_the_mart(judged):
    import dagster as dg

    from dagster_project.checks.checks import check_result

    rows, verdicts = judged
    assert verdicts["fx_t__total_row__columns"].failed_check_ids == {"t.total_row.share_pct.l0012"}
    result = check_result(
        _rule("fx_t__total_row__columns"),
        rows[rows.check_name == "fx_t__total_row__columns"],
        verdicts["fx_t__total_row__columns"],
    )
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    # GX judges the evaluable rows; the rows not evaluable fail the check by themselves, at their severity
    name = "envelope_allocation__engine__allocation_per_sad"
    assert verdicts[name].evaluated == 2 and verdicts[name].success
    result = check_result(_rule(name), rows[rows.check_name == name], verdicts[name])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.description.startswith("1 not evaluable (a figure is missing). Non évaluable : ")
    name = "fap_hours__engine__hours_per_sad"
    result = check_result(_rule(name), rows[rows.check_name == name], verdicts[name])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.description.startswith("1 of 3 figures outside tolerance; 1 not evaluable")
    assert result.metadata["not_evaluable"].value == 1


def test_a_rule_missing_evaluations_fails_closed_naming_them(judged):
    """Coverage: fewer evaluations than what is printed calls for is a failure naming the check ids."""
    import dagster as dg

    from dagster_project.checks.checks import Coverage, check_result

    rows, verdicts = judged
    name = "fx_t__derived_column__share_pct"
    mine = rows[rows.check_name == name]
    result = check_result(_rule(name), mine, verdicts[name], Coverage(3, 1, ("t.derived_column.share_pct.l0012",)))
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "1 of the 3 evaluations what is printed calls for were not made" in result.description
    assert "t.derived_column.share_pct.l0012" in result.description


def test_the_check_fails_closed(judged):
    import dagster as dg

    from dagster_project.checks.checks import check_result
    from dagster_project.checks.gx_suite import Verdict

    rows, verdicts = judged
    name = "fx_t__derived_column__share_pct"
    mine = rows[rows.check_name == name]
    # a rule without any row (the table changed shape) is an error, not a warning
    result = check_result(_rule(name), mine.iloc[0:0], None)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    result = check_result(_rule(name), mine.iloc[0:0], None, 5)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    # ...unless nothing printed calls for it (no table of its kind loaded): nothing to check
    result = check_result(_rule(name), mine.iloc[0:0], None, 0)
    assert result.passed and result.metadata["expected"].value == 0
    # GX could not evaluate
    result = check_result(_rule(name), mine, None)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    # GX's failing rows are not the mart's
    wrong = Verdict(name, True, len(mine), frozenset())
    result = check_result(_rule(name), mine, wrong)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "disagree" in result.description
    # and with GX's own verdict, the acknowledged share is reported without blocking
    result = check_result(_rule(name), mine, verdicts[name])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)


# -------------------------------------------------------------------------------------- register
def _register(tmp_path: Path, entry: str) -> Path:
    (tmp_path / "acknowledged_discrepancies.yml").write_text("acknowledged:\n" + entry, encoding="utf-8")
    return tmp_path


def test_register_reads_pinned_entries(tmp_path: Path):
    (entry,) = load_register(
        _register(
            tmp_path,
            (
                "  - check_id: t.total_row.amount.l0012\n    published_value: '30.05'\n    computed_value: '30.00'\n"
                "    reason: Total imprimé arrondi par erreur.\n    acknowledged_by: équipe data\n    acknowledged_on: 2026-11-22\n"
            ),
        )
    )
    assert (entry["published_value"], entry["computed_value"], entry["computed_value_decimals"]) == (D("30.05"), D("30.00"), 2)
    assert entry["acknowledged_on"] == "2026-11-22"


@pytest.mark.parametrize("missing", ["reason", "published_value", "computed_value"])
def test_register_refuses_an_entry_without_both_pins_naming_entry_and_field(tmp_path: Path, missing: str):
    fields = {
        "check_id": "x.total_row.a.l0001",
        "published_value": "'1'",
        "computed_value": "'2'",
        "reason": "r",
        "acknowledged_by": "a",
        "acknowledged_on": "2026-01-01",
    }
    del fields[missing]
    entry = "  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    with pytest.raises(InputError, match=f"entry #1 lacks {missing}") as refused:
        load_register(_register(tmp_path, entry))
    assert refused.value.column == missing and "acknowledged_discrepancies.yml" in str(refused.value)


def test_register_refuses_a_pin_that_is_not_a_number(tmp_path: Path):
    with pytest.raises(InputError, match="entry #1: computed_value is not a number"):
        load_register(
            _register(
                tmp_path,
                (
                    "  - check_id: x\n    published_value: '1'\n    computed_value: 'about 2'\n    reason: r\n"
                    "    acknowledged_by: a\n    acknowledged_on: 2026-01-01\n"
                ),
            )
        )

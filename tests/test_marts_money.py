"""Nord compensations, the per-hour comparison, payment schedules, budget lines and the CPOM
advance rule, against the printed figures."""

import json
import os
import subprocess
from decimal import Decimal

import duckdb
import pytest
from conftest import DOC_001, DOC_002, DOC_004
from marts_fixtures import rows_as_dicts

pytestmark = pytest.mark.e2e


def test_compensation_totals_match_the_total_rows_and_the_report(con):
    totals = {r["measure_code"]: r for r in rows_as_dicts(con, "SELECT * FROM marts.sad_compensation_totals")}
    annex1 = totals["salary_compensation_complement"]
    assert (annex1["sad_count"], annex1["total_eur"], annex1["elderly_pa_eur"], annex1["disabled_ph_eur"]) == (
        53,
        Decimal("2885528.29"),
        Decimal("2635366.52"),
        Decimal("250161.77"),
    )
    assert (annex1["prose_total_eur"], annex1["prose_sad_count"], annex1["total_delta_eur"]) == (Decimal("2885528.29"), 53, 0)
    assert annex1["pa_share_pct"] == Decimal("91.3305")
    annex4 = totals["quality_complement"]
    assert (annex4["sad_count"], annex4["total_eur"], annex4["prose_total_eur"], annex4["prose_sad_count"]) == (
        33,
        Decimal("1462866.00"),
        Decimal("1462866.00"),
        33,
    )
    assert (totals["quality_grant_first_cpom"]["sad_count"], totals["quality_grant_first_cpom"]["total_eur"]) == (
        58,
        Decimal("4203778.02"),
    )
    renewed = totals["quality_grant_renewed_cpom_still_to_pay"]
    assert (renewed["total_eur"], renewed["total_published_eur"], renewed["prose_sad_count"]) == (
        Decimal("424981.73"),
        Decimal("424981.73"),
        9,
    )
    # the renewed CPOM TOTAL row prints only the still-to-pay columns
    assert totals["quality_grant_renewed_cpom_forecast"]["total_published_eur"] is None
    assert totals["quality_grant_renewed_cpom_forecast"]["total_eur"] == (
        totals["quality_grant_renewed_cpom_already_paid"]["total_eur"] + renewed["total_eur"]
    )


def test_compensation_rows_split_pa_and_ph_without_gap(con):
    counts = dict(con.execute("SELECT measure_code, count(*) FROM marts.sad_compensations GROUP BY 1").fetchall())
    assert counts == {
        "salary_compensation_complement": 53,
        "quality_complement": 33,
        "quality_grant_first_cpom": 58,
        "quality_grant_renewed_cpom_forecast": 9,
        "quality_grant_renewed_cpom_already_paid": 9,
        "quality_grant_renewed_cpom_still_to_pay": 9,
    }
    assert con.execute("SELECT count(*) FROM marts.sad_compensations WHERE parts_gap_eur <> 0").fetchone() == (0,)
    (row,) = rows_as_dicts(con, "SELECT * FROM marts.sad_compensations WHERE source_line = 114")
    # printed '- €' for the PA part: all for disabled people
    assert (row["total_eur"], row["elderly_pa_eur"], row["disabled_ph_eur"], row["pa_share_pct"]) == (
        Decimal("12334.58"),
        Decimal("0.00"),
        Decimal("12334.58"),
        Decimal("0"),
    )


def test_nord_hourly_rule_implies_hours_beside_pas_de_calais_hours(con):
    rows = {r["department_code"]: r for r in rows_as_dicts(con, "SELECT * FROM marts.compensation_hourly_comparison")}
    nord, pdc = rows["59"], rows["62"]
    assert (nord["amount_eur"], nord["hours"], nord["hours_method"], nord["sad_count"]) == (
        Decimal("17989058.73"),
        Decimal("4387575.30"),
        "implied",
        60,
    )
    assert nord["hours"] * nord["reference_eur_per_hour"] == nord["amount_eur"]  # exact: 4 387 575,30 h × 4,10 €
    assert (nord["cnsa_eur_per_hour"], nord["cnsa_at_reference_rate_eur"]) == (Decimal("2.05"), Decimal("8994529.37"))
    assert (nord["amount_document_id"], nord["amount_source_line"], nord["rate_source_line"]) == (DOC_004, 1652, 216)
    assert (pdc["hours"], pdc["amount_eur"], pdc["amount_eur_per_hour"]) == (
        Decimal("4319502.00"),
        Decimal("887490.00"),
        Decimal("0.2055"),
    )
    assert pdc["amount_at_reference_rate_eur"] == Decimal("17709958.20")


def test_payment_schedules(con):
    rows = {(r["schedule_id"], r["instalment_number"]): r for r in rows_as_dicts(con, "SELECT * FROM marts.payment_schedules")}
    cnsa = [rows[("cnsa_si_apa", n)] for n in (1, 2, 3)]
    assert [r["share_pct"] for r in cnsa] == [Decimal("60"), Decimal("20"), Decimal("20")]
    assert [r["amount_computed_eur"] for r in cnsa] == [Decimal("90000.00"), Decimal("30000.00"), Decimal("30000.00")]
    assert [r["delta_eur"] for r in cnsa] == [0, 0, 0]
    assert {r["basis_eur"] for r in cnsa} == {Decimal("150000.00")}
    assert cnsa[0]["terms_printed"].startswith("- signature de la convention : un acompte de 60%")
    mdph = [rows[("mdph_cnsa_concours", n)] for n in (1, 2, 3)]
    assert [r["share_pct"] for r in mdph] == [Decimal("50"), Decimal("45"), Decimal("5")]
    assert [r["due_text_printed"] for r in mdph] == ["30 avril", "30 août", "à la fin du premier trimestre de l'année suivante"]
    assert [r["is_balance"] for r in mdph] == [False, False, True]
    assert all(r["basis_eur"] is None and r["amount_computed_eur"] is None for r in mdph)
    assert rows[("ami_cnsa_spda", 1)]["amount_computed_eur"] == Decimal("43000.00")
    assert rows[("professions_autonomie_62", 1)]["amount_computed_eur"] == Decimal("200000.00")
    assert {r["document_id"] for r in mdph} == {DOC_001}


def test_budget_lines_balance_and_nord_proposals_equal_the_annex_parts(con):
    lines = {(r["budget_table"], r["operation_code"]): r for r in rows_as_dicts(con, "SELECT * FROM marts.budget_lines")}
    report = lines[("budget_report_2025_541", "C02-431A01")]
    assert (report["available_eur"], report["proposed_eur"], report["balance_published_eur"], report["balance_computed_eur"]) == (
        Decimal("14240043.28"),
        Decimal("887490.00"),
        Decimal("13352553.28"),
        Decimal("13352553.28"),
    )
    assert report["department_code"] == "62" and report["document_id"] == DOC_002
    nord = {code: r for (table, code), r in lines.items() if table == "nord_budget_2023"}
    assert nord["13001OP004"]["available_eur"] == Decimal("170965502.00") - Decimal("156665114.47")
    parts = dict(
        con.execute(
            "SELECT measure_code, [elderly_pa_eur, disabled_ph_eur] FROM marts.sad_compensation_totals WHERE elderly_pa_eur IS NOT NULL"
        ).fetchall()
    )
    quality = ("quality_complement", "quality_grant_first_cpom", "quality_grant_renewed_cpom_still_to_pay")
    assert nord["13005OP001"]["proposed_eur"] == parts["salary_compensation_complement"][0]
    assert nord["14007OP001"]["proposed_eur"] == parts["salary_compensation_complement"][1]
    assert nord["13001OP004"]["proposed_eur"] == sum(parts[m][0] for m in quality)
    assert nord["14001OP004"]["proposed_eur"] == sum(parts[m][1] for m in quality)


def test_cpom_advance_rules(con):
    rules = {r["benefit_code"]: r for r in rows_as_dicts(con, "SELECT * FROM marts.cpom_advance_rules")}
    assert (rules["apa"]["advance_pct"], rules["pch"]["advance_pct"]) == (Decimal("90"), Decimal("70"))
    assert (rules["apa"]["monthly_min_beneficiaries"], rules["pch"]["monthly_min_beneficiaries"]) == (50, 10)
    assert (rules["apa"]["quarterly_min_beneficiaries"], rules["pch"]["quarterly_min_beneficiaries"]) == (100, 50)
    assert {(r["months_averaged"], r["min_activity_months"]) for r in rules.values()} == {(6, 6)}
    assert (
        rules["apa"]["advance_pct_source_line"],
        rules["apa"]["monthly_min_source_line"],
        rules["apa"]["quarterly_min_source_line"],
    ) == (740, 723, 724)


def _dbt(args: list[str], database) -> subprocess.CompletedProcess:
    from dagster_project.settings import DBT_PROJECT_DIR
    from dagster_project.transform.project import DBT_EXECUTABLE

    target = database.parent / "dbt-target"
    command = [
        DBT_EXECUTABLE,
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(target),
    ]
    return subprocess.run(command, env={**os.environ, "AUTONOMY_WORK_DB": str(database)}, capture_output=True, text=True)


def test_mdph_rule_applies_to_a_notified_amount_and_cpom_macros(published_copy):
    database = published_copy.warehouse
    done = _dbt(
        ["build", "--select", "payment_schedules", "--vars", json.dumps({"mdph_notified_amount_eur": "1234567.89"})], database
    )
    assert done.returncode == 0, done.stdout[-3000:]
    with duckdb.connect(str(database), read_only=True) as c:
        amounts = c.execute(
            "SELECT amount_computed_eur FROM marts.payment_schedules WHERE schedule_id = 'mdph_cnsa_concours' ORDER BY instalment_number"
        ).fetchall()
    # 50 % and 45 % half-up to the cent, the balance takes the rest: 1 234 567,89 € exactly
    assert amounts == [(Decimal("617283.95"),), (Decimal("555555.55"),), (Decimal("61728.39"),)]
    shown = _dbt(
        [
            "show",
            "--output",
            "json",
            "--inline",
            "select {{ cpom_advance_eligibility('apa', 'pch', 'months') }} as level, "
            "{{ cpom_advance_amount_eur('apa', 'total') }} as advance "
            "from (values (120, 0, 6, 1000.00), (60, 0, 6, 1000.00), (49, 9, 6, 1000.00), (200, 0, 5, 1000.00)) "
            "as t(apa, pch, months, total)",
        ],
        database,
    )
    assert shown.returncode == 0, shown.stdout[-3000:]
    payload, _ = json.JSONDecoder().raw_decode(shown.stdout[shown.stdout.index("{") :])
    # 90 % of a 6-month total of 1 000 € / 6 = 150,00 €
    assert [(r["level"], r["advance"]) for r in payload["show"]] == [
        ("quarterly", 150.0),
        ("monthly", 150.0),
        ("none", 150.0),
        ("none", 150.0),
    ]

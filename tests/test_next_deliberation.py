"""Next year's deliberation of a kind the warehouse already reads, loaded as docs/adding-a-deliberation.md
says: a text file, a manifest entry and catalogue entries, nothing else (no SQL, no Python).

The test writes a BAD compensation deliberation for 2026 in the layout of document 002 (another
date, number, envelope and hours), computes every amount itself (the largest-remainder split of
the envelope, to the cent, as the annex must print it), plants one 1-cent error in a TOTAL row,
follows the documented steps (`autonomy deliberations check`, then the refresh) and reads the
published marts: the new year's envelope, allocation, year-on-year change and checks.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import DOC_002, copy_deployment, shared_tree
from deliberation_helpers import add_catalogue_entries, add_document, check_and_refresh, envelope_annex_entry
from deliberation_helpers import french as _french

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DOCUMENT_ID = "005_bad_2026"
ENVELOPE = Decimal("912000.00")
CENT = Decimal("0.01")


def _annex_2025() -> list[dict]:
    """The 36 SAD of document 002's annex with their 2024 hours and 2025 amounts, read from the
    printed lines (the catalogue says lines 92-127)."""
    lines = (
        (Path(__file__).resolve().parents[1] / "raw" / "deliberations" / f"{DOC_002}.txt").read_text(encoding="utf-8").split("\n")
    )
    rows = []
    for text in lines[91:127]:
        city, sad, hours, _share, _env2024, env2025 = text.split("\t")
        rows.append(
            {
                "city": city,
                "sad_name": sad,
                "hours_2024": Decimal(hours.replace(" ", "").replace(",", ".")),
                "amount_2025": Decimal(env2025.replace("€", "").replace(" ", "").replace(",", ".").strip()),
            }
        )
    assert len(rows) == 36
    return rows


def _split(envelope: Decimal, rows: list[dict]) -> list[Decimal]:
    """The documented rule (README, enveloppe): each share envelope × hours / total hours rounded
    half-up to the cent, then the missing (or extra) cents given (taken) one by one by largest
    (smallest) remainder, ties by SAD name then city."""
    total = sum(r["hours"] for r in rows)
    exact = [envelope * r["hours"] / total for r in rows]
    rounded = [e.quantize(CENT, ROUND_HALF_UP) for e in exact]
    gap = int(((envelope - sum(rounded)) / CENT).to_integral_value())
    order = sorted(range(len(rows)), key=lambda i: (-(exact[i] - rounded[i]), rows[i]["sad_name"], rows[i]["city"]))
    if gap < 0:
        order = sorted(range(len(rows)), key=lambda i: (exact[i] - rounded[i], rows[i]["sad_name"], rows[i]["city"]))
    for i in order[: abs(gap)]:
        rounded[i] += CENT if gap > 0 else -CENT
    return rounded


def write_next_deliberation(deliberations: Path) -> dict:
    """Steps 1-3 of docs/adding-a-deliberation.md: the text file, its manifest entry, its catalogue entries."""
    rows = _annex_2025()
    for index, row in enumerate(rows):
        # 2025 hours: the 2024 hours moved by -5 % .. +5 %, whole hours
        row["hours"] = (row["hours_2024"] * (Decimal(100 + (index * 7) % 11 - 5) / 100)).quantize(Decimal(1), ROUND_HALF_UP)
    total_hours = sum(r["hours"] for r in rows)
    amounts = _split(ENVELOPE, rows)
    for row, amount in zip(rows, amounts, strict=True):
        row["share"] = (row["hours"] / total_hours * 100).quantize(CENT, ROUND_HALF_UP)
        row["amount_2026"] = amount
    previous_total = sum(r["amount_2025"] for r in rows)
    planted = previous_total + CENT  # the 1-cent error: the printed TOTAL of the 2025 column
    head = [
        "",
        "DEPARTEMENT DU PAS-DE-CALAIS",
        "",
        "DELIBERATION DE LA COMMISSION PERMANENTE DU CONSEIL DEPARTEMENTAL",
        "",
        "REUNION DU 7 DÉCEMBRE 2026",
        "",
        "DECIDE :",
        "",
        "Article 1 :",
        "",
        "De valider les modalités de reversement de la compensation financière, d'un montant de "
        f"{_french(ENVELOPE, 0)} € aux Services Autonomie à Domicile (SAD) identifiés en annexe 1, au titre de l'année 2026,",
        "",
        "ANNEXE 1",
        "",
    ]
    header = (
        "Ville\tSAD\tActivité APA 2025 (sur 12 mois en heures)\tRépartition de l'activité 2025 (en %)\t"
        "Répartition de l'enveloppe 2025 (en €)\tRépartition de l'enveloppe 2026 (en €)"
    )
    body = [
        f"{r['city']}\t{r['sad_name']}\t{_french(r['hours'])}\t{_french(r['share'])}%\t{_french(r['amount_2025'])} €\t"
        f"{_french(r['amount_2026'])} €"
        for r in rows
    ]
    total = f"\tTOTAL\t{_french(total_hours)}\t100,00%\t{_french(planted)} €\t{_french(ENVELOPE)} €"
    lines = head + [header, *body, total, ""]
    header_line = len(head) + 1
    text = "\n".join(lines)
    add_document(
        deliberations,
        DOCUMENT_ID,
        text,
        title="Reversement de la compensation au titre de l'APA dans le cadre de l'accord de la branche de l'aide à "
        "domicile - BAD (2026)",
        date="2026-12-07",
        number="2026-612",
    )
    table = envelope_annex_entry(
        "sad_envelope_annex_2026",
        DOCUMENT_ID,
        "Annexe 1 – activité APA 2025 facturée via FAP et répartition de l'enveloppe 2026 par SAD",
        header_line,
        36,
        2025,
        2026,
        [
            ("Ville", "city"),
            ("SAD", "sad_name"),
            ("Activité APA 2025 (sur 12 mois en heures)", "hours_billed"),
            ("Répartition de l'activité 2025 (en %)", "activity_share_pct"),
            ("Répartition de l'enveloppe 2025 (en €)", "previous_envelope_eur"),
            ("Répartition de l'enveloppe 2026 (en €)", "envelope_eur"),
        ],
    )
    prose = f"""- table_id: bad_compensation_2026
  document_id: {DOCUMENT_ID}
  title: Compensation BAD 2026
  figures:
  - {{figure_id: envelope_2026_decision_eur, line: 12, quote: "d'un montant de {_french(ENVELOPE, 0)} € aux Services Autonomie", number: "{_french(ENVELOPE, 0)} €", unit: eur, label: Enveloppe 2026 reversée aux SAD (article 1), role: envelope_eur}}
"""
    # tables go in the `tables:` list, prose groups at the end of the `prose:` list
    add_catalogue_entries(deliberations, table, prose)
    return {
        "rows": rows,
        "total_hours": total_hours,
        "header_line": header_line,
        "total_line": header_line + 37,
        "planted": planted,
        "previous_total": previous_total,
    }


@pytest.fixture(scope="module")
def next_year(_published_session, tmp_path_factory):
    """docs/adding-a-deliberation.md followed in a copy of the session's deployment (tree and
    Dagster instance): entries written, checked, refreshed (a partial refresh); once for the
    session (shared_tree), whichever workers run this module's tests."""

    def build(folder: Path):
        paths, home = copy_deployment(_published_session, folder)
        expected = write_next_deliberation(paths.deliberations)
        check, refresh = check_and_refresh(paths.env, home)
        return paths, expected, check, refresh

    return shared_tree(tmp_path_factory, "next_year", build)


def test_the_entries_check_before_the_refresh(next_year):
    _, expected, check, _ = next_year
    assert check.returncode == 0, check.stderr
    assert (
        f"table sad_envelope_annex_2026 [sad_envelope_annex] lines {expected['header_line']}-{expected['total_line']}: 36 rows + TOTAL"
        in check.stdout
    )


def test_the_refresh_publishes_the_new_year(next_year):
    paths, _, _, refresh = next_year
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    assert paths.warehouse.exists()


@pytest.fixture(scope="module")
def published_next(next_year):
    paths = next_year[0]
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    yield con
    con.close()


def test_the_new_envelope_is_split_as_the_annex_prints_it(next_year, published_next):
    _, expected, _, _ = next_year
    (envelope,) = published_next.execute(
        "SELECT envelope_kind, envelope_eur, basis_year, amount_document_id, amount_source_line FROM marts.envelopes "
        "WHERE envelope_id = '62_2026'"
    ).fetchall()
    assert envelope == ("published", ENVELOPE, 2025, DOCUMENT_ID, 12)
    computed = dict(
        published_next.execute(
            "SELECT sad_name || ' / ' || city, amount_computed_eur FROM marts.envelope_allocations WHERE envelope_id = '62_2026'"
        ).fetchall()
    )
    assert computed == {f"{r['sad_name']} / {r['city']}": r["amount_2026"] for r in expected["rows"]}
    assert sum(computed.values()) == ENVELOPE
    # the years before stay: 2025 from document 002, 2024 as its annex printed it
    assert published_next.execute(
        "SELECT envelope_id, envelope_kind FROM marts.envelopes WHERE envelope_kind <> 'whatif' ORDER BY year"
    ).fetchall() == [("62_2024", "published_only"), ("62_2025", "published"), ("62_2026", "published")]


def test_each_sad_has_its_year_on_year_change(next_year, published_next):
    _, expected, _, _ = next_year
    history = {
        (name, year): (amount, change, hours)
        for name, year, amount, change, hours in published_next.execute(
            "SELECT l.sad_name || ' / ' || l.city, h.envelope_year, h.amount_eur, h.amount_change_eur, h.hours_billed "
            "FROM marts.sad_envelope_history h JOIN marts.envelope_allocations l "
            "ON l.sad_key = h.sad_key AND l.envelope_id = h.envelope_id"
        ).fetchall()
    }
    for row in expected["rows"]:
        name = f"{row['sad_name']} / {row['city']}"
        assert history[(name, 2026)] == (row["amount_2026"], row["amount_2026"] - row["amount_2025"], row["hours"])
        assert history[(name, 2025)][0] == row["amount_2025"]
    assert len([k for k in history if k[1] == 2026]) == 36


def test_the_new_annex_is_checked_and_the_planted_cent_is_found(next_year, published_next):
    _, expected, _, _ = next_year
    checks = published_next.execute(
        "SELECT check_id, check_kind, status, severity, published_value, computed_value, source_line, explanation "
        "FROM marts.reconciliation_checks WHERE document_id = ? ORDER BY check_id",
        [DOCUMENT_ID],
    ).fetchall()
    by_kind: dict[str, list] = {}
    for check in checks:
        by_kind.setdefault(check[1], []).append(check)
    # 4 TOTAL cells, 36 shares, 36 SAD + the TOTAL of our allocation, the envelope in the text
    assert {k: len(v) for k, v in by_kind.items()} == {"total_row": 4, "derived_column": 36, "engine": 37, "cross_document": 1}
    failed = [c for c in checks if c[2] != "passed"]
    assert len(failed) == 1, failed
    (check_id, kind, status, severity, published, computed, line, explanation) = failed[0]
    assert check_id == f"sad_envelope_annex_2026.total_row.previous_envelope_eur.l{expected['total_line']:04d}"
    assert (kind, status, severity, line) == ("total_row", "failed", "warning", expected["total_line"])
    assert (published, computed) == (expected["planted"], expected["previous_total"])
    assert "887 490,01" in explanation and f"ligne {expected['total_line']}" in explanation
    assert all(c[3] == "error" and c[2] == "passed" for c in by_kind["engine"])


def test_the_fap_exports_do_not_cover_the_new_year(published_next):
    # the hours of 2025 have no FAP export (the sample is 2024): nothing to compare, no check
    assert published_next.execute(
        "SELECT count(*) FROM marts.fap_annex_hours_comparison WHERE table_id = 'sad_envelope_annex_2026'"
    ).fetchall() == [(0,)]

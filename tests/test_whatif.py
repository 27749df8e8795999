"""`autonomy whatif`: a new envelope split by the dbt engine, written as the deliberation's annex."""

import csv
from decimal import Decimal
from fractions import Fraction

import duckdb
import pytest

from dagster_project.cli import main
from dagster_project.reports.whatif import WhatifError, parse_amount, run_whatif

pytestmark = pytest.mark.e2e


def _euros(text: str) -> Decimal:
    return Decimal(text.removesuffix(" €").replace(" ", "").replace(",", "."))


def _largest_remainder(hours: list[tuple[str, Fraction]], envelope_cents: int) -> dict[str, int]:
    """The rule, independently: half-up to the cent, then cents by largest remainder, ties by name."""
    total = sum(h for _, h in hours)
    exact = {name: envelope_cents * h / total for name, h in hours}
    rounded = {name: int(x + Fraction(1, 2)) for name, x in exact.items()}
    missing = envelope_cents - sum(rounded.values())
    order = sorted(exact, key=lambda name: (-(exact[name] - rounded[name]), name))
    for name in order[:missing]:
        rounded[name] += 1
    return rounded


def test_whatif_writes_a_balanced_annex_in_the_deliberation_layout(published_copy, tmp_path):
    before = published_copy.warehouse.stat().st_mtime_ns
    out = tmp_path / "annex.csv"
    result = run_whatif(Decimal("912000"), out=out)
    assert (result.year, result.basis_year, result.department_code) == (2026, 2024, "62")
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == [
        "Ville",
        "SAD",
        "Activité APA 2024 (sur 12 mois en heures)",
        "Répartition de l'activité 2024 (en %)",
        "Répartition de l'enveloppe 2026 (en €)",
    ]
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 36
    assert body[0] == ["LONGUEUESSE", "AADCMO", "23 596,00", "0,55%", "4 981,95 €"]  # the annex's order
    assert body[-1][:3] == ["FOUQUIÈRES-LES-BÉTHUNE", "FÉDÉRATION ADMR DU PAS-DE-CALAIS", "1 147 837,00"]
    assert total == ["", "TOTAL", "4 319 502,00", "100,00%", "912 000,00 €"]
    assert sum(_euros(r[4]) for r in body) == Decimal("912000.00")
    # every amount is the rule applied by hand to the annex hours
    hours = [(r[1], Fraction(_euros(r[2]))) for r in body]
    expected = _largest_remainder(hours, 91200000)
    assert {r[1]: _euros(r[4]) for r in body} == {name: Decimal(c) / 100 for name, c in expected.items()}
    assert result.cents_adjusted == 3
    # the published warehouse and the work database are not touched
    assert published_copy.warehouse.stat().st_mtime_ns == before
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.envelopes WHERE envelope_kind = 'whatif'").fetchone() == (0,)


def test_whatif_command_refuses_a_bad_amount_and_a_missing_warehouse(published_copy, tmp_path, monkeypatch, capsys):
    assert main(["whatif", "--amount", "912000,555"]) == 1
    assert "at most 2 decimals" in capsys.readouterr().out
    for text in ("0", "-5", "abc", "NaN"):
        with pytest.raises(WhatifError):
            parse_amount(text)
    assert parse_amount("912 000,50 €") == Decimal("912000.50")
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["whatif", "--amount", "912000"]) == 1
    assert "run `make run` first" in capsys.readouterr().out

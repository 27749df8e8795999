"""`autonomy whatif`: a new envelope split by the dbt engine, written as the deliberation's annex."""

import csv
import re
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


def _csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")  # BOM, CRLF: French Excel
    return list(csv.reader(raw.decode("utf-8-sig").split("\r\n")[:-1], delimiter=";"))


def test_whatif_writes_a_balanced_annex_in_the_deliberation_layout(published_copy, tmp_path):
    before = published_copy.warehouse.stat().st_mtime_ns
    out = tmp_path / "annex.csv"
    result = run_whatif(Decimal("912000"), out=out)
    # split on the latest complete year of FAP exports before 2026 (the 2024 sample), as `make annex` is
    assert (result.year, result.basis_year, result.department_code, result.hours_source) == (2026, 2024, "62", "fap_exports")
    assert result.printed_path == tmp_path / "annex_imprime.csv" and result.relinked == []  # not beside the reports
    rows = _csv(result.printed_path)
    assert rows[0] == [
        "Ville",
        "SAD",
        "Activité APA 2024 (sur 12 mois en heures)",
        "Répartition de l'activité 2024 (en %)",
        "Répartition de l'enveloppe 2026 (en €)",
    ]
    body, total, blank, source = rows[1:-3], rows[-3], rows[-2], rows[-1]
    assert len(body) == 36
    assert body[0] == ["LONGUEUESSE", "AADCMO", "23 596,00", "0,55%", "4 981,95 €"]  # the latest published annex's order
    assert body[-1][:3] == ["FOUQUIÈRES-LES-BÉTHUNE", "FÉDÉRATION ADMR DU PAS-DE-CALAIS", "1 147 837,00"]
    assert total == ["", "TOTAL", "4 319 502,00", "100,00%", "912 000,00 €"]
    assert blank == [] and source[0].startswith("Source : simulation de l'enveloppe 2026 de 912 000,00 €")
    assert (
        "exports mensuels de facturation FAP fap_2024-01.csv à fap_2024-12.csv (12 fichiers, janvier à décembre 2024" in source[0]
    )
    assert sum(_euros(r[4]) for r in body) == Decimal("912000.00")
    # every amount is the rule applied by hand to the hours (the FAP exports' equal the annex's: synthetic sample)
    hours = [(r[1], Fraction(_euros(r[2]))) for r in body]
    expected = _largest_remainder(hours, 91200000)
    assert {r[1]: _euros(r[4]) for r in body} == {name: Decimal(c) / 100 for name, c in expected.items()}
    assert result.cents_adjusted == 3
    # the data form: the same figures as plain numbers (decimal comma, no thousands separator), with their line
    data = _csv(out)
    assert data[0][-2:] == ["Document", "Ligne du document"] and len(data) == 37
    assert data[1] == ["LONGUEUESSE", "AADCMO", "23596,00", "0,546267", "4981,95", "", ""]  # FAP hours: no document line
    amounts = {r[1]: Decimal(r[4].replace(",", ".")) for r in data[1:]}
    assert amounts == {name: Decimal(c) / 100 for name, c in expected.items()}
    assert sum(amounts.values()) == Decimal("912000.00")
    # the published warehouse and the work database are not touched
    assert published_copy.warehouse.stat().st_mtime_ns == before
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.envelopes WHERE envelope_kind = 'whatif'").fetchone() == (0,)


def test_a_whatif_beside_the_reports_is_linked_from_the_envelope_report_and_the_index(published_copy, capsys):
    assert main(["whatif", "--amount", "912000,50"]) == 0
    data, printed = (
        published_copy.reports / "whatif_2026_912000.50.csv",
        published_copy.reports / "whatif_2026_912000.50_imprime.csv",
    )
    assert data.is_file() and printed.is_file()
    out = capsys.readouterr().out
    assert "Linked from" in out and "index.html" in out
    for page in ("enveloppe.html", "index.html"):
        text = (published_copy.reports / page).read_text(encoding="utf-8")
        assert f'href="{data.name}"' in text and f'href="{printed.name}"' in text, page
    index = (published_copy.reports / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'href="{re.escape(data.name)}" download>[^<]*</a></td><td>données[^<]*</td><td class="num">36</td>', index)


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

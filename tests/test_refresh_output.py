"""`make run` is quiet: a few progress lines on the console, dbt's per-node lines and library
warnings in a log file whose path it prints, a missing Chromium said once."""

import subprocess
import sys

from dagster_project.refresh import _phase, log_path, output_to
from dagster_project.run_summary import PNG_SKIPPED, RefreshSummary


def test_output_goes_to_the_log_file_children_included_and_the_console_stays(tmp_path, capfd):
    log = tmp_path / "refresh.log"
    with output_to(log) as console:
        print("dbt: 1 of 266 START sql table model")
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('child warning\\n')"], check=True)
        sys.stderr.write("a library warning\n")
        console.write("  dbt build    9.0 s\n")
    out, err = capfd.readouterr()
    assert out == "  dbt build    9.0 s\n" and err == ""
    text = log.read_text(encoding="utf-8")
    assert "1 of 266 START" in text and "child warning" in text and "a library warning" in text


def test_one_log_file_per_run_in_the_private_work_folder_the_last_ten_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(tmp_path / "w" / "autonomy.duckdb"))
    logs = tmp_path / "w" / ".work" / "logs"
    logs.mkdir(parents=True)
    for i in range(15):
        (logs / f"refresh-20260101-0000{i:02d}.log").write_text("old")
    path = log_path()
    assert path.parent == logs and path.name.startswith("refresh-")
    assert len(list(logs.glob("refresh-*.log"))) == 9  # and the new one makes ten


def test_steps_are_grouped_in_a_few_phases():
    assert {_phase(s) for s in ("deliberations", "fap_monthly_exports", "raw__fap__sad_registry")} == {"ingest"}
    assert _phase("dbt_models") == "dbt build" and _phase("reconcile_fap_hours") == "checks"
    assert _phase("publish__warehouse") == "publish" and _phase("reports__index") == "reports"


def test_a_missing_chromium_is_one_line_of_the_summary():
    summary = RefreshSummary(
        published=True, png_skipped="no Chromium found for the PNG export (Debian: apt-get install chromium)"
    )
    lines = [line for line in summary.render().splitlines() if "PNG" in line]
    assert lines == ["  PNG charts not written: no Chromium found for the PNG export (Debian: apt-get install chromium)"]
    assert PNG_SKIPPED == "non générés :"  # what the report assets write in their `png` metadata


def test_a_new_official_edition_is_named_in_the_summary():
    """The opendata asset says which files the manifest did not know (metadata new_editions)."""
    from types import SimpleNamespace

    import dagster as dg

    from dagster_project.run_summary import summarize

    def materialization(key, new):
        data = SimpleNamespace(
            materialization=SimpleNamespace(asset_key=dg.AssetKey(key), metadata={"new_editions": dg.MetadataValue.text(new)})
        )
        return SimpleNamespace(
            is_step_failure=False, is_step_skipped=False, event_type=None, is_step_materialization=True, event_specific_data=data
        )

    events = [
        materialization(["raw", "opendata", "drees_aid_beneficiaries"], "1996-2021"),
        materialization(["raw", "opendata", "insee_population_broad"], "none"),
    ]
    summary = summarize(events, dg.AssetKey(["publish", "warehouse"]))
    assert summary.new_editions == ["raw/opendata/drees_aid_beneficiaries, edition 1996-2021"]
    assert "  New official edition loaded: raw/opendata/drees_aid_beneficiaries, edition 1996-2021" in summary.render()


def test_a_failed_run_still_lists_its_warning_checks():
    """Before publishing there is no published reconciliation to read: the summary keeps the
    checks' own words (the failure path tests/reliability/ relies on)."""
    summary = RefreshSummary(failed_checks=["a:b - blocked"], warnings=["c:d - 1 of 4 figures outside tolerance"])
    text = summary.render()
    assert "nothing was published" in text and "  FAILED blocking check a:b - blocked" in text
    assert "  1 warning check(s) (recorded, not blocking):\n    - c:d - 1 of 4 figures outside tolerance" in text


def test_the_published_summary_says_what_index_html_says_and_names_reconciliation_html(published, published_run):
    """The run summary reads the published marts.reconciliation_checks through the function that
    builds index.html: same words, same counts (recounted here in SQL), every discrepancy in
    plain words (document, line, what, published vs computed), then the page's path."""
    import re

    import duckdb
    from conftest import plain

    from dagster_project.run_summary import read_reconciliation

    _, run = published_run
    summary = RefreshSummary(published=True, warnings=run.warnings)
    summary.reconciliation = read_reconciliation(published.warehouse, published.reports)
    text = plain(summary.render())
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        counts = dict(
            con.execute(
                "SELECT status || '/' || severity, count(*) FROM marts.reconciliation_checks "
                "WHERE source_kind = 'deliberation' GROUP BY ALL"
            ).fetchall()
        )
        issues = con.execute(
            "SELECT count(*) FROM marts.reconciliation_checks WHERE status <> 'passed' AND source_kind = 'deliberation'"
        ).fetchone()[0]
    assert counts == {
        "passed/error": 74,
        "passed/warning": 377,
        "failed/warning": 53,
        "not_evaluable/warning": 7,
        "acknowledged/warning": 1,
    }
    line = "512 contrôles : 451 conformes, 53 en écart, 7 non évaluables, 1 écart accepté"
    assert f"  Rapprochement : {line}" in text
    for words, n in [("conforme, bloquant", 74), ("conforme, non bloquant", 377), ("en écart, non bloquant", 53),
                     ("non évaluable, non bloquant", 7), ("écart accepté, non bloquant", 1)]:  # fmt: skip
        assert f"    {words} : {n}\n" in text
    # index.html: the same line and the same rows
    index = plain((published.reports / "index.html").read_text(encoding="utf-8"))
    assert f"<p>{line}</p>" in index
    assert '<td>en écart</td><td>non bloquant</td><td class="num">53</td>' in index
    assert '<td>non évaluable</td><td>non bloquant</td><td class="num">7</td>' in index
    # the discrepancies in words, not check ids; the Dagster check names are gone from a published summary
    assert f"  Écarts des délibérations ({issues}) :" in text and issues == 61
    total_row = ("délibération n°2025-541 du 8 décembre 2025, ligne 128, ligne TOTAL : Répartition de l'enveloppe 2024 "
                 "(en €) – publié 887 490,00, recalculé 887 489,98 – en écart, non bloquant")  # fmt: skip
    assert [d for d in summary.reconciliation.discrepancies if plain(d) == total_row]
    assert len(summary.reconciliation.discrepancies) == issues
    assert all(re.search(r"^délibération n°\S+ du .+, ligne \d+, .+ – publié .+, recalculé .+ – ", d)
               for d in summary.reconciliation.discrepancies)  # fmt: skip
    assert "warning check(s)" not in text and "__" not in text
    assert text.splitlines()[-1] == f"  Détail de chaque écart : {published.reports / 'reconciliation.html'}"
    assert (published.reports / "reconciliation.html").exists()

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

"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter (issue 12):
the version it assumes is the one the venv's dbt prints, and the definitions use it."""

from __future__ import annotations

import re
import subprocess

from dagster_project.transform.project import DBT_EXECUTABLE, dbt_project
from dagster_project.transform.resource import WorkDbtCliResource


def test_the_version_assumed_is_the_one_the_venv_dbt_prints():
    printed = subprocess.run([DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True).stdout
    installed = re.search(r"installed:\s*(\d+\.\d+\.\d+)", printed) or re.search(r"(\d+\.\d+\.\d+)", printed)
    resource = WorkDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
    assert str(resource._cli_version) == installed.group(1)
    assert resource._cli_version.major < 2  # dbt Core (not Fusion): dagster-dbt streams its JSON log
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_the_definitions_run_dbt_through_it():
    from dagster_project.definitions import defs

    assert isinstance(defs.resources["dbt"], WorkDbtCliResource)


def test_a_selected_test_dbt_did_not_run_is_a_failed_check():
    """Fail closed: the dbt step of a planned refresh answers for every check it was given; one
    dbt skipped (its result missing from the events) fails, instead of Dagster's warning that a
    blocking check "emitted no result" while the steps after it run."""
    import dagster as dg

    from dagster_project.transform.assets import unevaluated_checks

    ran = dg.AssetCheckKey(dg.AssetKey(["marts", "reconciliation_checks"]), "unique_reconciliation_checks_check_id")
    skipped = dg.AssetCheckKey(dg.AssetKey(["marts", "reconciliation_checks"]), "relationships_to_check_kinds")
    events = [
        dg.Output(None, output_name="marts_reconciliation_checks"),
        dg.AssetCheckResult(asset_key=ran.asset_key, check_name=ran.name, passed=True),
    ]
    results = list(unevaluated_checks({ran, skipped}, events))
    assert [(r.asset_key, r.check_name, r.passed, r.severity) for r in results] == [
        (skipped.asset_key, skipped.name, False, dg.AssetCheckSeverity.ERROR)
    ]
    assert results[0].description.startswith("non évalué")
    assert list(unevaluated_checks({ran}, events)) == []


def test_a_new_work_directory_starts_from_the_project_parse(published):
    """dbt runs from the work database's folder (autonomy-dbt) and the profile names the database
    by its file name, the same in every work directory: the session's tree, a new one, started
    from the project's saved parse (dbt/target/partial_parse.msgpack) instead of parsing the whole
    project again because "profile has changed" (about 9 s of CPU instead of 3.5 s)."""
    from dagster_project.transform.assets import dbt_target_path

    target = dbt_target_path(published.warehouse.parent / ".work")
    log = "".join(p.read_text(encoding="utf-8") for p in sorted(target.glob("dbt.log*")))  # dbt rotates it at 10 MB
    assert "Partial parsing enabled" in log, log[-3000:]
    assert "Unable to do partial parsing" not in log, log[-3000:]


def test_the_dbt_step_runs_dbt_from_the_work_database_folder(tmp_path):
    """autonomy-dbt: dbt run from the database's folder, the project and profiles folders those of
    the caller (dagster-dbt runs it from the project folder): the database dbt connects to is the
    one AUTONOMY_WORK_DB names; unset (`make docs`), the settings' work database (here the one
    AUTONOMY_WORK_DIR names). A missing folder fails before DuckDB could create a file elsewhere."""
    import os

    from dagster_project.settings import DBT_PROJECT_DIR
    from dagster_project.transform.project import DBT_IN_WORK_DIR

    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "AUTONOMY_WORK_DB": str(work / "autonomy_work.duckdb")}
    debug = subprocess.run(
        [DBT_IN_WORK_DIR, "--no-use-colors", "debug"], cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert debug.returncode == 0 and "Connection test: [OK" in debug.stdout and "path: autonomy_work.duckdb" in debug.stdout, (
        debug.stdout + debug.stderr
    )
    assert "profiles.yml file [OK found and valid]" in debug.stdout and str(DBT_PROJECT_DIR) in debug.stdout
    assert sorted(p.name for p in tmp_path.rglob("*.duckdb")) == ["autonomy_work.duckdb"]
    assert (work / "autonomy_work.duckdb").exists() and not (DBT_PROJECT_DIR / "autonomy_work.duckdb").exists()
    absent = {**env, "AUTONOMY_WORK_DB": str(tmp_path / "absent" / "autonomy_work.duckdb")}
    failed = subprocess.run([DBT_IN_WORK_DIR, "debug"], cwd=DBT_PROJECT_DIR, env=absent, capture_output=True, text=True)
    assert failed.returncode != 0 and "absent" in failed.stderr, failed.stderr
    assert not (tmp_path / "absent").exists()
    settings_work = tmp_path / "settings_work"
    settings_work.mkdir()
    unset = {k: v for k, v in env.items() if k != "AUTONOMY_WORK_DB"} | {"AUTONOMY_WORK_DIR": str(settings_work)}
    debug = subprocess.run(
        [DBT_IN_WORK_DIR, "--no-use-colors", "debug"], cwd=DBT_PROJECT_DIR, env=unset, capture_output=True, text=True
    )
    assert debug.returncode == 0 and "path: autonomy_work.duckdb" in debug.stdout, debug.stdout + debug.stderr
    assert (settings_work / "autonomy_work.duckdb").exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.duckdb")) == [
        "settings_work/autonomy_work.duckdb",
        "work/autonomy_work.duckdb",
    ]

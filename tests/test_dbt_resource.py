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

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

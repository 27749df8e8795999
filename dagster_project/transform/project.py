"""The dbt project and its manifest (which dagster-dbt needs before definitions load)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from ..settings import DBT_PROJECT_DIR
from .manifest import DBT_EXECUTABLE, DBT_IN_WORK_DIR, MANIFEST_PATH, ensure_manifest

__all__ = ["DBT_EXECUTABLE", "DBT_IN_WORK_DIR", "DBT_PROJECT_DIR", "dbt_project", "ensure_manifest"]

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
assert dbt_project.manifest_path == MANIFEST_PATH, (dbt_project.manifest_path, MANIFEST_PATH)

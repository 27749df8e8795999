"""dagster-dbt's dbt resource, without two start-up costs our dbt step never uses.

Before every dbt invocation, `DbtCliResource.cli` (dagster-dbt 0.29)
- runs `dbt --version` in a subprocess to learn dbt's version (1.7 s: dbt's imports), although
  the dbt it runs is the venv's own (`DBT_EXECUTABLE`), whose version is dbt-core's package version;
- builds a dbt adapter in this process (0.7 s: loads the project and its 554 macros), used only by
  `fetch_row_counts()` / `fetch_column_metadata()`, which we do not call: row counts, columns and
  previews come from transform/metadata.py, in three queries for every model.
Both cost the refresh and every FAP ingestion run about 2.4 s of fixed time (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as package_version

from dagster_dbt import DbtCliResource
from packaging import version


class WorkDbtCliResource(DbtCliResource):
    """DbtCliResource for the venv's dbt-core (never the Fusion engine)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002  (dagster-dbt's signature)
        return None  # no in-process adapter: nothing here fetches metadata through it

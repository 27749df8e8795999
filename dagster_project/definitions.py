"""The single Dagster code location of autonomy-warehouse."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from .transform.project import DBT_EXECUTABLE, dbt_project, ensure_manifest

ensure_manifest()  # dagster-dbt reads the manifest at import time

from .deliberations.assets import deliberations  # noqa: E402
from .locking import RefreshLockResource  # noqa: E402
from .publish.assets import build_publish_asset  # noqa: E402
from .transform.assets import dbt_models  # noqa: E402

_assets = [deliberations, dbt_models]
_upstream = [key for assets_def in _assets for key in assets_def.keys]
published_warehouse = build_publish_asset(_upstream)

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Full refresh: raw documents -> dbt build -> checks -> publish.",
    executor_def=dg.in_process_executor,  # one process writes the work database
)

defs = dg.Definitions(
    assets=[*_assets, published_warehouse],
    jobs=[refresh_job],
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        "refresh_lock": RefreshLockResource(),
    },
    executor=dg.in_process_executor,
)

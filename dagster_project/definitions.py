"""The single Dagster code location of autonomy-warehouse.

Each source or layer package exposes a `defs` (dagster.Definitions) in its `definitions.py`;
this module merges them, adds the publish step downstream of everything that must succeed
before analysts see a new warehouse, and the `refresh` job that selects everything.
"""

import dagster as dg

from .transform.project import ensure_manifest

ensure_manifest()  # dagster-dbt reads the dbt manifest when the dbt assets are defined

from .deliberations.definitions import defs as deliberations_defs  # noqa: E402
from .fap.definitions import defs as fap_defs  # noqa: E402
from .locking import RefreshLockResource  # noqa: E402
from .publish.assets import build_publish_asset  # noqa: E402
from .transform.definitions import defs as transform_defs  # noqa: E402

# Everything that must have succeeded (with its blocking checks) before publishing.
BEFORE_PUBLISH: list[dg.Definitions] = [deliberations_defs, fap_defs, transform_defs]
# Everything that reads the published warehouse (runs after publishing).
AFTER_PUBLISH: list[dg.Definitions] = []


def _asset_keys(parts: list[dg.Definitions]) -> list[dg.AssetKey]:
    return [key for part in parts for assets_def in part.assets or [] if isinstance(assets_def, dg.AssetsDefinition) for key in assets_def.keys]


published_warehouse = build_publish_asset(_asset_keys(BEFORE_PUBLISH))

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Full refresh: raw documents -> dbt build -> checks -> publish -> reports.",
    executor_def=dg.in_process_executor,  # one process writes the work database
)

defs = dg.Definitions.merge(
    *BEFORE_PUBLISH,
    *AFTER_PUBLISH,
    dg.Definitions(
        assets=[published_warehouse],
        jobs=[refresh_job],
        resources={"refresh_lock": RefreshLockResource()},
        executor=dg.in_process_executor,
    ),
)

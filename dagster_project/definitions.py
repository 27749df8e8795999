"""The single Dagster code location of autonomy-warehouse.

Each source or layer package exposes a `defs` (dagster.Definitions) in its `definitions.py`;
this module merges them, adds the publish step downstream of everything that must succeed
before analysts see a new warehouse, and the `refresh` job that selects everything.
"""

import dagster as dg

from .transform.project import ensure_manifest

ensure_manifest()  # dagster-dbt reads the dbt manifest when the dbt assets are defined

from .automation import build_failure_sensor, build_nightly_schedule  # noqa: E402
from .checks import definitions as reconciliation  # noqa: E402
from .common import REFRESH_JOB  # noqa: E402
from .reports import definitions as reports  # noqa: E402
from .retention import build_retention_sensor  # noqa: E402
from .sources.deliberations import definitions as deliberations  # noqa: E402
from .sources.fap import definitions as fap  # noqa: E402
from .sources.opendata import definitions as opendata  # noqa: E402
from .transform import definitions as transform  # noqa: E402
from .warehouse.lock import RefreshLockResource  # noqa: E402
from .warehouse.publish import build_publish_asset  # noqa: E402

# Packages are imported as modules, not `defs as x_defs`: Dagster refuses a code location with
# more than one Definitions object at module scope (`dagster dev`, `definitions validate`).
# Everything that must have succeeded (with its blocking checks) before publishing.
BEFORE_PUBLISH: list[dg.Definitions] = [deliberations.defs, fap.defs, opendata.defs, transform.defs, reconciliation.defs]
# Everything that reads the published warehouse (runs after publishing).
AFTER_PUBLISH: list[dg.Definitions] = [reports.defs]


def _asset_keys(parts: list[dg.Definitions]) -> list[dg.AssetKey]:
    return [
        key
        for part in parts
        for assets_def in part.assets or []
        if isinstance(assets_def, dg.AssetsDefinition)
        for key in assets_def.keys
    ]


published_warehouse = build_publish_asset(_asset_keys(BEFORE_PUBLISH))

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all(),
    description=(
        "Full refresh: raw documents -> dbt build -> checks -> publish -> reports. Launch it with Materialize "
        "all: no partition to choose (the FAP step loads every month that has an export and skips unchanged ones; "
        "the months are the partitions of raw/fap/monthly_exports)."
    ),
    executor_def=dg.in_process_executor,  # one process writes the work database
)

defs = dg.Definitions.merge(
    *BEFORE_PUBLISH,
    *AFTER_PUBLISH,
    dg.Definitions(
        assets=[published_warehouse],
        jobs=[refresh_job],
        schedules=[build_nightly_schedule(refresh_job)],
        sensors=[build_failure_sensor(refresh_job), build_retention_sensor()],
        resources={"refresh_lock": RefreshLockResource()},
        executor=dg.in_process_executor,
    ),
)

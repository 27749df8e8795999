import dagster as dg

from .assets import fap_monthly_exports, sad_registry
from .checks import fap_annex_hours_reconciled
from .sensors import fap_monthly_files

defs = dg.Definitions(
    assets=[sad_registry, fap_monthly_exports],
    asset_checks=[fap_annex_hours_reconciled],
    sensors=[fap_monthly_files],
)

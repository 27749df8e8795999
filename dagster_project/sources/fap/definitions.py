import dagster as dg

from .assets import fap_monthly_exports, monthly_exports, sad_registry
from .sensors import fap_monthly_files

defs = dg.Definitions(
    assets=[sad_registry, monthly_exports, fap_monthly_exports],
    sensors=[fap_monthly_files],
)

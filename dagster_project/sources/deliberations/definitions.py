import dagster as dg

from .assets import deliberations

defs = dg.Definitions(assets=[deliberations])

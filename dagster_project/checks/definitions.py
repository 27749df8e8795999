import dagster as dg

from .assets import reconciliation_checks
from .checks import build_checks

defs = dg.Definitions(assets=[reconciliation_checks], asset_checks=build_checks())

import dagster as dg

from .assets import REPORT_ASSETS, report_index

defs = dg.Definitions(assets=[*REPORT_ASSETS, report_index])

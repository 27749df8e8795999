import dagster as dg

from .annex_job import annex_job
from .assets import REPORT_ASSETS, report_index

defs = dg.Definitions(assets=[*REPORT_ASSETS, report_index], jobs=[annex_job])

import dagster as dg

from .assets import opendata
from .sensors import opendata_files

defs = dg.Definitions(assets=[opendata], sensors=[opendata_files])

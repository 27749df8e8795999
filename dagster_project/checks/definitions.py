import dagster as dg

from .checks import build_checks

# marts.reconciliation_checks and marts.reconciliation_history are dbt models (transform defs).
defs = dg.Definitions(asset_checks=build_checks())

"""dbt models as Dagster assets (dbt-duckdb, writing into the private work database)."""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_shared.record import replace

from ..common import OWNERS
from ..core.faults import fault_point
from ..settings import get_settings
from ..warehouse.lock import RefreshLockResource
from .check_descriptions import describe_test
from .metadata import with_table_metadata
from .project import dbt_project
from .resource import WorkDbtCliResource

# No dbt_project.prepare_if_dev(): under `dagster dev` it runs a bare `dbt` from PATH, absent when the
# venv is not activated; definitions.py has already parsed the project with the venv's dbt (ensure_manifest).

LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts", "reference": "reference"}


class AutonomyDbtTranslator(DagsterDbtTranslator):
    """Keys <schema>/<model> for models and seeds; sources keep the raw asset keys from their meta."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        # alias: a mart named like a seed (marts.territories beside reference.territories)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props.get("alias") or dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return LAYER_GROUPS.get(dbt_resource_props.get("schema"), "staging")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return OWNERS

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        return {**super().get_tags(dbt_resource_props), "layer": dbt_resource_props.get("schema", "")}

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        # dagster-dbt leaves the description empty ("No description provided" in the UI).
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return replace(spec, description=describe_test(manifest, unique_id))


def dbt_target_path(work_dir: Path) -> Path:
    """dbt's target folder, one per work database and kept between runs: dbt-duckdb hashes the
    database path into the profile, so the partial parse (partial_parse.msgpack) is only reusable
    by runs on the same work database. A fresh work directory starts from the project's parse
    (dagster-dbt copies dbt/target/partial_parse.msgpack); every later run skips the full parse.
    Refreshes on one work database never overlap (refresh lock)."""
    return work_dir / "dbt_target"


def _dbt_vars() -> list[str]:
    """What-if variables for the allocation engine, passed through from the environment."""
    dbt_vars = get_settings().dbt_vars
    return ["--vars", json.dumps(dbt_vars)] if dbt_vars else []


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    name="dbt_models",
    dagster_dbt_translator=AutonomyDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: WorkDbtCliResource, refresh_lock: RefreshLockResource):
    # dbt runs in a subprocess that inherits this environment: point it at the work database.
    # marts.reconciliation_history records the Dagster run id. An environment variable, not a
    # --vars entry: a var that changes on every run would make dbt re-parse the whole project.
    settings = get_settings()
    os.environ.update({**settings.dbt_env(), "AUTONOMY_RUN_ID": context.run_id})
    events, failure = [], None
    try:
        invocation = dbt.cli(["build", *_dbt_vars()], context=context, target_path=dbt_target_path(settings.work_dir))
        for event in invocation.stream():
            events.append(event)
            if len(events) == 3:
                fault_point("dbt_build")  # a few models built, dbt still running
    except Exception as exc:  # report what was built, then fail with dbt's error
        failure = exc
    yield from with_table_metadata(context, events, settings.work_db)
    if failure is not None:
        raise failure

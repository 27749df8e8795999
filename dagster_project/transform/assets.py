"""dbt models as Dagster assets (dbt-duckdb, writing into the private work database)."""

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_shared.record import replace

from ..common import OWNERS, PLAN_TAG
from ..core.faults import fault_point
from ..settings import DBT_PROJECT_DIR, get_settings
from ..versions import code_version, digest
from ..warehouse.lock import RefreshLockResource
from .check_descriptions import describe_test
from .metadata import with_table_metadata
from .project import dbt_project
from .resource import WorkDbtCliResource

# No dbt_project.prepare_if_dev(): under `dagster dev` it runs a bare `dbt` from PATH, absent when the
# venv is not activated; definitions.py has already parsed the project with the venv's dbt (ensure_manifest).

LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts", "reference": "reference"}


@cache
def _manifest_index() -> tuple[dict, dict[str, list[dict]]]:
    """The manifest's macros by id, and the tests by each node they read."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
    tests: dict[str, list[dict]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "test":
            for parent in (node.get("depends_on") or {}).get("nodes") or []:
                tests.setdefault(parent, []).append(node)
    return manifest.get("macros", {}), tests


def _macros_of(node: Mapping[str, Any], macros: dict) -> list[str]:
    """The SQL of every macro a node calls, directly or through other macros."""
    seen: dict[str, str] = {}
    stack = list((node.get("depends_on") or {}).get("macros") or [])
    while stack:
        macro_id = stack.pop()
        if macro_id in seen or macro_id not in macros:
            continue
        macro = macros[macro_id]
        seen[macro_id] = macro.get("macro_sql", "")
        stack.extend((macro.get("depends_on") or {}).get("macros") or [])
    return [f"{k}\0{v}" for k, v in sorted(seen.items())]


# Python read by a dbt model's consumers in the same step: the reconciliation checks judge
# marts.reconciliation_checks, so a change in how they judge re-runs them (with the mart).
EXTRA_CODE = {"reconciliation_checks": lambda: code_version("checks")}


def dbt_code_version(props: Mapping[str, Any]) -> str:
    """A dbt node's code version: its SQL (or a seed's file checksum), configuration, columns and
    description (published as comments), the macros it calls (transitively), the tests that read
    it (a changed test re-runs the model and its tests), dbt_project.yml and profiles.yml. Its
    upstream models are not in it: their data versions are."""
    macros, tests = _manifest_index()
    own = {k: props.get(k) for k in ("raw_code", "checksum", "config", "columns", "description", "alias", "schema")}
    attached = [
        json.dumps({k: t.get(k) for k in ("raw_code", "test_metadata", "config")}, sort_keys=True, default=str)
        for t in sorted(tests.get(props.get("unique_id", ""), []), key=lambda t: t["unique_id"])
    ]
    project_files = [(DBT_PROJECT_DIR / name).read_bytes() for name in ("dbt_project.yml", "profiles.yml")]
    extra = EXTRA_CODE.get(props.get("name", ""), lambda: "")()
    return digest(json.dumps(own, sort_keys=True, default=str), *_macros_of(props, macros), *attached, *project_files, extra)


class AutonomyDbtTranslator(DagsterDbtTranslator):
    """Keys <schema>/<model> for models and seeds; sources keep the raw asset keys from their meta."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        # alias: a mart named like a seed (marts.territories beside reference.territories)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props.get("alias") or dbt_resource_props["name"]])

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_code_version(dbt_resource_props)

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
    """dbt's target folder, one per work database and kept between runs (its run results, its
    partial parse). A fresh work directory starts from the project's parse (dagster-dbt copies
    dbt/target/partial_parse.msgpack), which serves every work directory: dbt runs from the
    database's folder and the profile names the database by its file name (dbt_in_work_dir.py).
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
    planned = context.run.tags.get(PLAN_TAG)
    os.environ.update({**settings.dbt_env(), "AUTONOMY_RUN_ID": context.run_id})
    if planned == "incremental":
        # The planner selected every test that reads a model it rebuilds, a relationships test
        # towards a table it does not rebuild included (that table is the last publish's, in the
        # work database): dbt's eager selection runs exactly those, cautious would skip them.
        os.environ["DBT_INDIRECT_SELECTION"] = "eager"
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
    if planned:  # fail closed: a test the refresh counts on that dbt did not run is a failed check
        yield from unevaluated_checks(context.selected_asset_check_keys, events)


def unevaluated_checks(selected: Iterable[dg.AssetCheckKey], events: list) -> Iterator[dg.AssetCheckResult]:
    """A failed result for each selected check that dbt's events gave none (Dagster would only
    warn that a blocking check "emitted no result" and let its downstream steps run)."""
    evaluated = {
        dg.AssetCheckKey(event.asset_key, event.check_name)
        for event in events
        if isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation)
    }
    for key in sorted(set(selected) - evaluated, key=lambda k: k.to_user_string()):
        yield dg.AssetCheckResult(
            asset_key=key.asset_key,
            check_name=key.name,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description="non évalué : dbt n'a pas exécuté ce test, que le refresh devait exécuter",
        )

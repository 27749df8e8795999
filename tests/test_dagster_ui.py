"""What the data team sees in the Dagster UI: the code location validates, every asset says what
it is, who owns it and which layer it belongs to, and the nightly schedule is there."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import PROJECT

LAYER_GROUPS = {
    "raw_documents",
    "raw_fap",
    "opendata",
    "staging",
    "intermediate",
    "marts",
    "reference",
    "checks",
    "reports",
    "publish",
}


@pytest.mark.parametrize("dev_cli", [False, True], ids=["validate", "as_under_dagster_dev"])
def test_dagster_definitions_validate_passes(tmp_path, dev_cli):
    """Also as `dagster dev` (make ui) loads it: DAGSTER_IS_DEV_CLI set, the venv not on PATH."""
    dagster = Path(sys.executable).with_name("dagster")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != dagster.parent)
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "PATH": path}
    if dev_cli:
        env["DAGSTER_IS_DEV_CLI"] = "1"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "dagster_project.definitions"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_every_asset_has_a_description_an_owner_a_layer_group_and_tags():
    from dagster_project.definitions import defs

    for spec in defs.resolve_all_asset_specs():
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 20, name
        assert spec.owners == ["team:data-autonomie"], name
        assert spec.group_name in LAYER_GROUPS, name
        assert spec.tags.get("layer"), name


def test_the_ui_lists_the_nightly_schedule_running():
    from dagster_project.definitions import defs

    [schedule] = defs.get_repository_def().schedule_defs
    assert (schedule.name, schedule.job_name, schedule.default_status.value) == ("nightly_refresh", "refresh", "RUNNING")


def test_materialize_all_on_the_refresh_job_needs_no_partition_and_no_config():
    """What makes the UI launch the run at once (no backfill dialog, no launchpad): no asset of the
    job is partitioned, and no resource or asset asks for config."""
    from dagster_project.definitions import defs

    job = defs.resolve_job_def("refresh")
    assert job.partitions_def is None
    graph = defs.get_repository_def().asset_graph
    selected = job.asset_layer.selected_asset_keys
    assert [k.to_user_string() for k in selected if graph.get(k).partitions_def is not None] == []
    for name, resource in job.resource_defs.items():
        field = resource.config_field
        assert field is None or not field.is_required, name
    # the FAP months are partitions of an asset outside the job, one per month that has a file
    months = graph.get(dg.AssetKey(["raw", "fap", "monthly_exports"]))
    assert months.is_external and months.partitions_def == dg.DynamicPartitionsDefinition(name="fap_months")

"""The Dagster code location loads, and its whole definition set matches the reviewed snapshot.

When you change assets, checks, jobs, schedules or sensors on purpose, regenerate the snapshot:
    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_definitions.py
and review the diff of tests/snapshots/definitions.json in your commit.
"""

import json
import os
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def _describe(defs: dg.Definitions) -> dict:
    repo = defs.get_repository_def()
    specs = sorted(defs.resolve_all_asset_specs(), key=lambda s: s.key.to_user_string())
    checks = sorted(
        f"{key.asset_key.to_user_string()}:{key.name}"
        for assets_def in repo.asset_graph.assets_defs
        for key in assets_def.check_keys
    )
    return {
        "assets": {
            s.key.to_user_string(): {
                "group": s.group_name,
                "deps": sorted(d.asset_key.to_user_string() for d in s.deps),
                "partitioned": s.partitions_def is not None,
            }
            for s in specs
        },
        "asset_checks": checks,
        "jobs": sorted(job.name for job in repo.get_all_jobs() if not job.name.startswith("__")),
        "schedules": sorted(
            f"{s.name} {s.cron_schedule} {s.execution_timezone} {s.default_status.value}" for s in repo.schedule_defs
        ),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    }


def test_definitions_load():
    from dagster_project.definitions import defs

    repo = defs.get_repository_def()
    repo.load_all_definitions()
    assert defs.resolve_job_def("refresh") is not None
    specs = list(defs.resolve_all_asset_specs())
    assert all(spec.description for spec in specs), [s.key for s in specs if not s.description]
    assert all(spec.group_name for spec in specs)


def test_definition_set_matches_snapshot():
    from dagster_project.definitions import defs

    current = _describe(defs)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    # A missing snapshot is a failure, never a silent re-recording (in CI above all).
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: record it with UPDATE_SNAPSHOTS=1 and review it"
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))

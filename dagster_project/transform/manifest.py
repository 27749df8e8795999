"""The dbt manifest dagster-dbt reads before the definitions load: parsed again when missing or
older than any file of the dbt project. Light on purpose (no Dagster, no dagster-dbt): `make run`
calls it through `autonomy prepare` every time, and most nights it has nothing to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..settings import DBT_PROJECT_DIR, get_settings

# The dbt installed beside this interpreter (the venv), whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# The same dbt, run from the work database's folder: one saved parse for every work directory
# (transform/dbt_in_work_dir.py). The dbt step and the manifest's parse run it.
DBT_IN_WORK_DIR = str(Path(sys.executable).with_name("autonomy-dbt"))
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"  # dagster_dbt.DbtProject's default target


def _newest_source_mtime() -> float:
    skip = {"target", "logs", "dbt_packages"}
    return max(
        p.stat().st_mtime
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file() and not skip.intersection(p.relative_to(DBT_PROJECT_DIR).parts)
    )


def ensure_manifest(force: bool = False) -> Path:
    """Parse the dbt project if its manifest is missing or older than any project file.

    Everything (`dagster dev`, `make run`, tests, `dagster definitions validate`) relies on this:
    definitions.py calls it before the dbt assets are defined.
    """
    manifest = MANIFEST_PATH
    if not force and manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    import fcntl

    # One parse at a time (parallel test workers, `make run` beside `make ui`): dbt writes
    # target/manifest.json in place; whoever waited finds it fresh and does not parse again.
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
            return manifest
        # The profile as the dbt step renders it (the database's file name), so that the saved
        # parse serves every work directory; a parse opens no database.
        work_db = manifest.parent / get_settings().work_db.name
        subprocess.run(
            [DBT_IN_WORK_DIR, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
            check=True,
            env={**os.environ, **get_settings().dbt_env(), "AUTONOMY_WORK_DB": str(work_db)},
        )
    return manifest

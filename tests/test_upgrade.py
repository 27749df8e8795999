"""Upgrades (issue 24): a deployment built by the previous release (the warehouse, its history of
published nights and its Dagster instance) is refreshed by the current code with the current
raw/: the refresh succeeds (a full rebuild: the old instance recorded no versions),
marts.reconciliation_history keeps the old run's rows and goes on, and `autonomy rollback` still
puts the previous night back.

The previous release is checked out from git (`git archive`) into a temporary folder and run
with the current venv (its tree first on PYTHONPATH) against its own raw/.
"""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from conftest import OPENDATA, PROJECT, Paths, inherited_environment, make_paths
from refresh_helpers import RUN_ID, dagster_home, refresh

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PREVIOUS_RELEASE = "1c31bdb"  # tip of main before issue 24


def _checkout(commit: str, dest) -> None:
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(PROJECT), "archive", "--format=tar", commit], capture_output=True)
    if archive.returncode != 0:
        pytest.fail(f"the previous release {commit} is not in this clone (a shallow clone?): {archive.stderr.decode()[:500]}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


def _old(tree, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = inherited_environment()
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=tree,
        env={**base, **env, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=1800,
    )


def _published(warehouse, columns: list[str] | None = None) -> tuple[str, list[str], set[tuple]]:
    """(run id, columns, rows of marts.reconciliation_history in those columns; default: all)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        run_id = con.execute("SELECT value FROM meta.refresh WHERE key = 'run_id'").fetchone()[0]
        if columns is None:
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                    "AND table_name = 'reconciliation_history' ORDER BY column_index"
                ).fetchall()
            ]
        history = set(con.execute(f"SELECT {', '.join(columns)} FROM marts.reconciliation_history").fetchall())
    finally:
        con.close()
    return run_id, columns, history


def test_current_code_refreshes_and_rolls_back_a_deployment_of_the_previous_release(tmp_path):
    old = tmp_path / "previous_release"
    _checkout(PREVIOUS_RELEASE, old)
    deployment = tmp_path / "deployment"
    home = dagster_home(deployment)
    warehouse, reports = deployment / "warehouse" / "autonomy.duckdb", deployment / "reports"
    env = {
        "AUTONOMY_RAW_DIR": str(old / "raw"),
        "AUTONOMY_WAREHOUSE": str(warehouse),
        "AUTONOMY_REPORTS_DIR": str(reports),
        "AUTONOMY_OPENDATA_DIR": str(OPENDATA),
        "DAGSTER_HOME": str(home),
    }
    sample = _old(old, ["fap", "generate", "--if-no-exports", "--quiet"], env)
    assert sample.returncode == 0, sample.stdout[-2000:] + sample.stderr[-2000:]
    built = _old(old, ["refresh"], env)
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-3000:]
    old_run = RUN_ID.search(built.stdout).group(1)
    published_run, old_columns, old_history = _published(warehouse)
    assert published_run == old_run and old_history

    current = make_paths(tmp_path / "current")  # the current raw/, same warehouse, history and instance
    upgraded = refresh(PROJECT, Paths(deployment, current.raw, warehouse, reports), home)
    assert upgraded.returncode == 0, upgraded.output[-5000:]
    assert "Reconstruction complète" in upgraded.output, upgraded.output[-3000:]
    new_run, _, new_history = _published(warehouse, old_columns)  # the columns the old release knew
    assert new_run == upgraded.run_id != old_run
    assert old_history <= new_history  # the old run's rows are kept (columns added since are NULL in them)
    runs = {row[0] for row in new_history}
    assert old_run in runs and new_run in runs, runs  # and the history goes on with the new run's
    assert (deployment / "warehouse" / "history").is_dir()

    rolled = _old(PROJECT, ["rollback"], env)  # the current code, on the same deployment
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert _published(warehouse)[0] == old_run

"""SIGKILL the refresh at several points: the published warehouse stays byte-identical and
readable, and the next refresh succeeds without anyone cleaning up.

The refresh killed early (loading, dbt) is a full one: a copy of the session's tree without its
Dagster instance. The one killed late (checks, publishing) is a night's partial refresh: a copy of
the session's deployment (tree and instance) with one input changed, which reaches those points
sooner. The refresh after a kill rebuilds everything either way: the work database was written
since the last publish, and the planner says so."""

import os
import signal

import duckdb
import pytest
from conftest import add_fap_month, change_official_value, copy_deployment, copy_tree, unset_not_inherited

from .conftest import refresh_process, wait_for

# (kill point, input changed in a deployment before the refresh; None: a full refresh of a copy)
POINTS = [("raw_ingestion", None), ("dbt_build", None), ("checks", "fap_month"), ("publish_before_rename", "official_value")]


def _tree(session, tmp_path, monkeypatch, change):
    """(Paths, environment of its refreshes)."""
    unset_not_inherited(monkeypatch, "DAGSTER_HOME")
    if change is None:
        tree = copy_tree(session[0], tmp_path / "copy")
        return tree, tree.env
    tree, home = copy_deployment(session, tmp_path / "deployment")
    tree = change_official_value(tree) if change == "official_value" else add_fap_month(tree)
    return tree, {**tree.env, "DAGSTER_HOME": str(home)}


@pytest.mark.parametrize("point, change", POINTS)
@pytest.mark.slow
def test_kill_leaves_the_published_warehouse_intact(_published_session, tmp_path, monkeypatch, point, change):
    tree, env = _tree(_published_session, tmp_path, monkeypatch, change)
    before = tree.warehouse.read_bytes()
    marker = tmp_path / "fault.marker"
    victim = refresh_process({**env, "AUTONOMY_FAULT": point, "AUTONOMY_FAULT_MARKER": str(marker)})
    try:
        wait_for(marker.exists, 300, f"the refresh to reach {point}")
    finally:
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    planned = victim.stdout.read()
    assert ("Actualisation partielle" in planned) == (change is not None), planned[-3000:]

    assert tree.warehouse.read_bytes() == before
    con = duckdb.connect(str(tree.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.indicator_values").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM marts.reconciliation_checks").fetchone()[0] > 0
    finally:
        con.close()
    if point == "publish_before_rename":
        assert list(tree.warehouse.parent.glob(".autonomy.duckdb.*.tmp"))  # the copy was written

    again = refresh_process(env)
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    if change is not None:  # the killed refresh wrote into the work database: all is rebuilt
        assert "la base de travail a été modifiée depuis la dernière publication" in output, output[-3000:]
    assert not list(tree.warehouse.parent.glob(".autonomy.duckdb.*.tmp"))
    assert tree.warehouse.read_bytes() != before

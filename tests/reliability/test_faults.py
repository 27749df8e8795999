"""SIGKILL the refresh at several points: the published warehouse stays byte-identical and
readable, and the next refresh succeeds without anyone cleaning up."""

import os
import signal

import duckdb
import pytest

from .conftest import refresh_process, wait_for

POINTS = ["raw_ingestion", "dbt_build", "checks", "publish_before_rename"]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.slow
def test_kill_leaves_the_published_warehouse_intact(published_copy, tmp_path, point):
    before = published_copy.warehouse.read_bytes()
    marker = tmp_path / "fault.marker"
    victim = refresh_process({**published_copy.env, "AUTONOMY_FAULT": point, "AUTONOMY_FAULT_MARKER": str(marker)})
    try:
        wait_for(marker.exists, 300, f"the refresh to reach {point}")
    finally:
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL

    assert published_copy.warehouse.read_bytes() == before
    con = duckdb.connect(str(published_copy.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.indicator_values").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM marts.reconciliation_checks").fetchone()[0] > 0
    finally:
        con.close()
    if point == "publish_before_rename":
        assert list(published_copy.warehouse.parent.glob(".autonomy.duckdb.*.tmp"))  # the copy was written

    again = refresh_process(published_copy.env)
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    assert not list(published_copy.warehouse.parent.glob(".autonomy.duckdb.*.tmp"))
    assert published_copy.warehouse.read_bytes() != before

"""Analysts read the published warehouse while the nightly refresh runs; two refreshes never
write at once."""

import fcntl
import json
import subprocess
import sys

import pytest

from .conftest import PROJECT, refresh_process, wait_for


@pytest.mark.slow
def test_reader_keeps_its_snapshot_and_never_fails_during_a_refresh(published_copy, tmp_path):
    before = published_copy.warehouse.read_bytes()
    out, stop = tmp_path / "reader.json", tmp_path / "stop"
    reader = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "tests" / "reliability" / "reader.py"),
            str(published_copy.warehouse),
            str(stop),
            str(out),
        ],
        cwd=PROJECT,
    )
    wait_for(lambda: (tmp_path / "reader.json.ready").exists(), 60, "the reader to connect")
    refresh = refresh_process(published_copy.env)
    output, _ = refresh.communicate(timeout=600)
    stop.write_text("stop")
    assert reader.wait(timeout=60) == 0
    assert refresh.returncode == 0, output
    assert "Refresh succeeded" in output
    report = json.loads(out.read_text())
    assert report["errors"] == []
    assert report["queries"] > 10
    # The open connection saw one consistent snapshot: the night before, all through the refresh.
    assert len(report["seen"]) == 1
    old_run_id = json.loads(report["seen"][0])[0]
    # A new connection sees the new night; the old file was replaced, not written over.
    assert report["after"][0] != old_run_id
    assert report["after"][1:] == json.loads(report["seen"][0])[1:]
    assert published_copy.warehouse.read_bytes() != before


@pytest.mark.slow
def test_a_second_refresh_refuses_while_the_first_runs(published_copy):
    first = refresh_process(published_copy.env)
    lock_file = published_copy.warehouse.parent / ".work" / "refresh.lock"

    def held() -> bool:
        if not lock_file.exists():
            return False
        with open(lock_file) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    wait_for(held, 120, "the first refresh to take the lock", interval=0.05)
    second = refresh_process(published_copy.env)
    second_output, _ = second.communicate(timeout=120)
    assert second.returncode == 1
    assert "another refresh is running (pid" in second_output
    assert "this one refuses to start" in second_output
    first_output, _ = first.communicate(timeout=600)
    assert first.returncode == 0, first_output

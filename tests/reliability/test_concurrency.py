"""Analysts read the published warehouse while the nightly refresh runs; two refreshes never
write at once.

Both tests look at ONE refresh of a copy of the session's tree (`refresh_under_watch`): an
analyst's reader is connected before it starts and queries all through it, and a second refresh
is started while the first holds the lock. A refresh is the expensive part (70-90 s); each test
keeps all its assertions on that run."""

import fcntl
import hashlib
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import change_official_value, copy_deployment, shared_tree, tree_environment

from .conftest import PROJECT, refresh_process, wait_for


def _held(lock_file) -> bool:
    if not lock_file.exists():
        return False
    with open(lock_file) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _watch_a_refresh(session, tmp_path):
    # The night's refresh of a deployment (the session's, copied with its instance) after an
    # official file changed: a partial refresh, which publishes as a full one does.
    tree, home = copy_deployment(session, tmp_path)
    copy = change_official_value(tree)
    env = {**copy.env, "DAGSTER_HOME": str(home)}
    before = hashlib.sha256(copy.warehouse.read_bytes()).hexdigest()
    out, stop = tmp_path / "reader.json", tmp_path / "stop"
    with tree_environment(copy):
        reader = subprocess.Popen(
            [sys.executable, str(PROJECT / "tests" / "reliability" / "reader.py"), str(copy.warehouse), str(stop), str(out)],
            cwd=PROJECT,
        )
        try:
            wait_for(lambda: (tmp_path / "reader.json.ready").exists(), 60, "the reader to connect")
            first = refresh_process(env)
            try:
                wait_for(lambda: _held(copy.warehouse.parent / ".work" / "refresh.lock"), 120,
                         "the first refresh to take the lock", interval=0.05)  # fmt: skip
                second = refresh_process(env)
                second_output, _ = second.communicate(timeout=120)
            finally:
                first_output, _ = first.communicate(timeout=600)
        finally:
            stop.write_text("stop")
            reader_code = reader.wait(timeout=60)
    return SimpleNamespace(
        copy=copy, before_sha256=before, reader_code=reader_code, report=out,
        first=first.returncode, first_output=first_output, second=second.returncode, second_output=second_output,
    )  # fmt: skip


@pytest.fixture(scope="module")
def refresh_under_watch(_published_session, tmp_path_factory):
    """A copy of the session's tree; a reader process connected to its published file; then the
    refresh, and while it holds the lock, a second refresh. Everything each test reads afterwards.
    Once for the session (shared_tree), whichever workers run the two tests: an xdist_group mark
    would not do it (ignored with pytest 9.2, pytest-dev/pytest-xdist#1386)."""
    return shared_tree(tmp_path_factory, "concurrency", lambda folder: _watch_a_refresh(_published_session, folder))


@pytest.mark.slow
def test_reader_keeps_its_snapshot_and_never_fails_during_a_refresh(refresh_under_watch):
    run = refresh_under_watch
    assert run.reader_code == 0
    assert run.first == 0, run.first_output
    assert "Refresh succeeded" in run.first_output and "Actualisation partielle" in run.first_output
    report = json.loads(run.report.read_text())
    assert report["errors"] == []
    assert report["queries"] > 10
    # The open connection saw one consistent snapshot: the night before, all through the refresh.
    assert len(report["seen"]) == 1
    old_run_id = json.loads(report["seen"][0])[0]
    # A new connection sees the new night; the old file was replaced, not written over.
    assert report["after"][0] != old_run_id
    assert report["after"][1:] == json.loads(report["seen"][0])[1:]
    assert hashlib.sha256(run.copy.warehouse.read_bytes()).hexdigest() != run.before_sha256


@pytest.mark.slow
def test_a_second_refresh_refuses_while_the_first_runs(refresh_under_watch):
    run = refresh_under_watch
    assert run.second == 1
    assert "another refresh is running (pid" in run.second_output
    assert "this one refuses to start" in run.second_output
    assert run.first == 0, run.first_output

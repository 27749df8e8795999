"""`make ui` runs `dagster dev` in the foreground and stops it, with every process it started
(webserver, daemon, code servers), on Ctrl-C (SIGINT) and on SIGTERM."""

import os
import signal
import time

import pytest
from ui_helpers import STOP_SECONDS, dev_sessions, session_pids, start_ui, stop_ui, wait_until_serving


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_make_ui_stops_with_all_its_processes(tmp_path, signum):
    process, port, log = start_ui(tmp_path / "dagster_home")
    sessions: set[int] = set()
    try:
        wait_until_serving(process, port, log)
        sessions = dev_sessions(process.pid)
        [dev_session] = sessions
        started = session_pids(dev_session)
        assert len(started) >= 3, started  # dagster dev, the webserver, the daemon (and code servers)
        # Ctrl-C in a terminal reaches the whole foreground group: the wrapper (and make) get it.
        os.kill(process.pid, signum)
        stopped_at = time.monotonic()
        process.wait(timeout=STOP_SECONDS)
        seconds = time.monotonic() - stopped_at
        left = session_pids(dev_session)
        assert left == [], f"still running after {seconds:.1f} s: {left}"
        assert process.returncode == 0, log.read_text(errors="replace")[-2000:]
        assert "make ui: stopped" in log.read_text(errors="replace")
        assert "killed" not in log.read_text(errors="replace")  # stopped within the grace period, not killed
    finally:
        stop_ui(process, sessions)


def test_make_ui_stops_during_a_refresh_with_nothing_left(paths, tmp_path, monkeypatch):
    """A fresh instance has recorded no export, so the FAP sensor requests a refresh at once:
    SIGTERM while it runs stops the run's process too."""
    import dagster as dg

    home = tmp_path / "dagster_home"
    process, port, log = start_ui(home)
    sessions: set[int] = set()
    try:
        wait_until_serving(process, port, log)
        sessions = dev_sessions(process.pid)
        [dev_session] = sessions
        monkeypatch.setenv("DAGSTER_HOME", str(home))  # read the UI's instance
        with dg.DagsterInstance.get() as instance:
            deadline = time.monotonic() + 180
            while not instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
                assert time.monotonic() < deadline, "the sensor's refresh did not start"
                time.sleep(1)
        time.sleep(5)  # the run is under way
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS + 15)
        assert session_pids(dev_session) == []
        assert process.returncode == 0, log.read_text(errors="replace")[-2000:]
        assert "killed" not in log.read_text(errors="replace")  # dagster dev stopped the run itself
    finally:
        stop_ui(process, sessions)

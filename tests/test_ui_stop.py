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

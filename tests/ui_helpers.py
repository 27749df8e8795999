"""Start `make ui` (python -m dagster_project.ui) for a test, and make sure nothing of it outlives the test."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import PROJECT

STARTUP_SECONDS = 180  # the code location imports dagster, dbt and GX: 20-60 s on a loaded machine
STOP_SECONDS = 40  # the wrapper's grace period is 30 s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_ui(dagster_home: Path, env: dict[str, str] | None = None, port: int | None = None):
    """`python -m dagster_project.ui` (what `make ui` runs) in its own process group, on a free
    port, with its own DAGSTER_HOME; returns (process, port, log path)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "deploy" / "dagster.dev.yaml", dagster_home / "dagster.yaml")
    port = port or free_port()
    log = dagster_home / "ui.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.ui", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT, env={**os.environ, **(env or {}), "DAGSTER_HOME": str(dagster_home)},
        stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process, port, log


def wait_until_serving(process, port: int, log: Path, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make ui exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"the UI did not answer on port {port} within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def _processes():
    """(pid, state, ppid, session) of every process, read from /proc here rather than through
    dagster_project.ui, whose clean stop these helpers check."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command name: state, ppid, pgrp, session
        yield int(entry.name), fields[0], int(fields[1]), int(fields[3])


def session_pids(sid: int) -> list[int]:
    """Every live process of the session (the wrapper started dagster dev in a new session)."""
    return [pid for pid, state, _ppid, session in _processes() if session == sid and state != "Z"]


def stop_ui(process, sessions: set[int]) -> None:
    """Clean-up, even after a failure: whatever is left of the wrapper's and dagster dev's
    sessions is killed."""
    for sid in {process.pid, *sessions}:
        for pid in session_pids(sid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    process.wait()


def dev_sessions(wrapper_pid: int) -> set[int]:
    """Sessions of the wrapper's children (dagster dev runs in a session of its own)."""
    return {session for _pid, _state, ppid, session in _processes() if ppid == wrapper_pid}

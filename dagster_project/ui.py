"""`make ui`: `dagster dev` in the foreground, stopped cleanly by Ctrl-C (SIGINT) or SIGTERM.

`dagster dev` shuts its webserver, daemon and code servers down on SIGINT only: a SIGTERM (a
process manager, `kill`, a test) left them running. This wrapper starts it in a session of its
own, turns SIGINT and SIGTERM into one SIGINT for `dagster dev`, waits for every process of the
session to exit, sends SIGTERM to what is left and SIGKILL after a grace period, so nothing is
orphaned.

    python -m dagster_project.ui [--host 127.0.0.1] [--port 3000] [--grace 30]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .settings import PROJECT_ROOT

CODE_LOCATION = ["-m", "dagster_project.definitions"]
TERM_SECONDS = 10  # for what dagster dev left behind, after SIGTERM and before SIGKILL


def command(host: str, port: int) -> list[str]:
    return [str(Path(sys.executable).parent / "dagster"), "dev", *CODE_LOCATION, "-h", host, "-p", str(port)]


def session_members(sid: int) -> list[int]:
    """Live processes of the session `sid` (dagster dev and everything it started, the code
    servers and runs included, even those in process groups of their own). Linux: /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command name: state, ppid, pgrp, session
        if fields[0] != "Z" and int(fields[3]) == sid:
            members.append(int(entry.name))
    return members


def session_alive(sid: int) -> bool:
    return bool(session_members(sid))


def _signal_session(sid: int, signum: int) -> None:
    for pid in session_members(sid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def run(host: str, port: int, grace_seconds: float = 30.0) -> int:
    stopping = {"signal": 0}

    def on_signal(signum, _frame):
        stopping["signal"] = signum

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    child = subprocess.Popen(command(host, port), cwd=PROJECT_ROOT, start_new_session=True)
    print(f"make ui: Dagster UI on http://{host}:{port} (dagster dev, pid {child.pid}); Ctrl-C stops it", flush=True)
    try:
        while child.poll() is None and not stopping["signal"]:
            time.sleep(0.2)
        if stopping["signal"]:
            # dagster dev's own shutdown (webserver, daemon, code servers, a run in progress) runs on SIGINT.
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace_seconds
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=grace_seconds)
        if stopping["signal"] and session_alive(child.pid):
            # Left behind by dagster dev (a run in progress, a code server): asked to stop first.
            _signal_session(child.pid, signal.SIGTERM)
            deadline = max(deadline, time.monotonic() + TERM_SECONDS)
        while time.monotonic() < deadline and session_alive(child.pid):
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if session_alive(child.pid):
            print("make ui: processes of dagster dev still running after the grace period: killed", flush=True)
            _signal_session(child.pid, signal.SIGKILL)
        if child.poll() is None:
            child.wait()
    if stopping["signal"]:
        print("make ui: stopped", flush=True)
        return 0
    return child.returncode


def main(argv: list[str] | None = None) -> int:
    from .settings import get_settings

    settings = get_settings()  # AUTONOMY_UI_HOST, AUTONOMY_UI_PORT: every setting is read in one module
    parser = argparse.ArgumentParser(prog="python -m dagster_project.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.ui_host)
    parser.add_argument("--port", type=int, default=settings.ui_port)
    parser.add_argument("--grace", type=float, default=30.0, help="seconds to wait before killing what is left")
    args = parser.parse_args(argv)
    return run(args.host, args.port, args.grace)


if __name__ == "__main__":
    sys.exit(main())

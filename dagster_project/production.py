"""Production: what must be configured before the services start, and `autonomy serve`, which
runs the Dagster webserver and the Dagster daemon as two separate processes (not `dagster dev`).

`autonomy serve` starts both in the foreground, forwards SIGINT/SIGTERM to them, and stops the
other when one dies (so a supervisor such as systemd sees the failure and restarts it).
`autonomy serve --only webserver|daemon` checks the settings and then becomes that one process
(os.execv): that is what each systemd unit runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .settings import PROJECT_ROOT, Settings, get_settings

CODE_LOCATION = ["-m", "dagster_project.definitions"]
MIN_KEY_LENGTH = 32


class ProductionRefusal(RuntimeError):
    pass


def _writable(path: Path) -> bool:
    """True when `path` (a folder) exists or can be created, and a file can be written in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            return True
    except OSError:
        return False


def problems(settings: Settings | None = None) -> list[str]:
    """Why the services must not start, each naming the setting to fix ([] when all is well).

    DAGSTER_HOME must always be set and absolute; with AUTONOMY_ENV=production, the
    pseudonymisation key, the analyst group and every folder written at night are checked too."""
    settings = settings or get_settings()
    found = []
    home = settings.dagster_home
    if not home:
        found.append("DAGSTER_HOME is not set: set it to an absolute folder holding dagster.yaml (runs, schedules, logs)")
    elif not Path(home).is_absolute():
        found.append(f"DAGSTER_HOME must be an absolute path (got {home!r})")
    if not settings.production:
        return found
    if not settings.pseudo_key:
        found.append("AUTONOMY_PSEUDO_KEY is not set: production needs a secret pseudonymisation key (at least 32 characters)")
    elif len(settings.pseudo_key) < MIN_KEY_LENGTH:
        found.append(
            f"AUTONOMY_PSEUDO_KEY is {len(settings.pseudo_key)} characters long: production needs at least {MIN_KEY_LENGTH}"
        )
    if settings.analyst_group:
        import grp

        try:
            grp.getgrnam(settings.analyst_group)
        except KeyError:
            found.append(f"AUTONOMY_ANALYST_GROUP names group {settings.analyst_group!r}, which does not exist on this machine")
    folders = [
        ("AUTONOMY_WAREHOUSE", settings.warehouse.parent),
        ("AUTONOMY_WORK_DIR", settings.work_dir),
        ("AUTONOMY_REPORTS_DIR", settings.reports_dir),
    ]
    if home and Path(home).is_absolute():
        folders.append(("DAGSTER_HOME", Path(home)))
    for name, folder in folders:
        if not _writable(folder):
            found.append(f"{name}: folder {folder} is not writable by this user (uid {os.getuid()})")
    return found


def check() -> None:
    found = problems()
    if found:
        raise ProductionRefusal("refusing to start:\n" + "\n".join(f"  - {text}" for text in found))


def commands(host: str, port: int) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    return {
        "webserver": [str(bin_dir / "dagster-webserver"), *CODE_LOCATION, "-h", host, "-p", str(port)],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", *CODE_LOCATION],
    }


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve(host: str, port: int, only: str | None = None, grace_seconds: float = 30.0) -> int:
    """Run the webserver and the daemon until Ctrl-C / SIGTERM or until one of them dies."""
    check()
    cmds = commands(host, port)
    if only:
        os.chdir(PROJECT_ROOT)
        os.execv(cmds[only][0], cmds[only])  # systemd supervises this process directly
    children: dict[str, subprocess.Popen] = {}
    stopping = {"signal": 0}

    def forward(signum, _frame):
        stopping["signal"] = signum
        for child in children.values():
            # The whole process group, as systemd does with the unit's cgroup: the code servers
            # the daemon started and a run in progress stop too (the run is marked failed).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for name, cmd in cmds.items():
            # Own process group: a Ctrl-C in the terminal reaches us once, and we forward it.
            children[name] = subprocess.Popen(cmd, cwd=PROJECT_ROOT, start_new_session=True)
        print(f"autonomy serve: webserver on http://{host}:{port} (pid {children['webserver'].pid}), "
              f"daemon (pid {children['daemon'].pid}); Ctrl-C to stop", flush=True)  # fmt: skip
        dead = None
        while dead is None and not stopping["signal"]:
            dead = next((name for name, child in children.items() if child.poll() is not None), None)
            time.sleep(0.5)
        if dead and not stopping["signal"]:
            print(f"autonomy serve: the {dead} exited with code {children[dead].returncode}; stopping the other", flush=True)
            forward(signal.SIGTERM, None)
        deadline = time.monotonic() + grace_seconds
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        while time.monotonic() < deadline and any(_group_alive(child.pid) for child in children.values()):
            time.sleep(0.5)  # the code servers and a run in progress finish stopping
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)  # anything of its group still alive after the grace period
    if dead:
        return children[dead].returncode or 1
    return 0

"""Fault-injection points for the reliability tests (tests/reliability/test_faults.py).

When AUTONOMY_FAULT names a point, the process writes AUTONOMY_FAULT_MARKER and waits there to be
killed, so a test can SIGKILL the refresh at a known place. Inert otherwise."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..settings import get_settings


def fault_point(name: str) -> None:
    settings = get_settings()
    if settings.fault != name:
        return
    marker = settings.fault_marker
    if marker:
        Path(marker).write_text(f"{name} {os.getpid()}\n", encoding="utf-8")
    time.sleep(3600)

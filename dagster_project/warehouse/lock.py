"""One refresh at a time: a file lock held for the whole run, whoever started it
(`make run`, the nightly schedule, the FAP sensor or someone in the UI)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from ..settings import get_settings


class RefreshBusy(RuntimeError):
    pass


@contextlib.contextmanager
def refresh_lock(lock_file: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_file, "a+")  # noqa: SIM115 (held until the finally below, which releases the lock)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown process"
                    raise RefreshBusy(
                        f"another refresh is running ({holder}); this one refuses to start so that "
                        f"neither corrupts the other. Wait for it to finish, or remove nothing: the lock "
                        f"({lock_file}) is released automatically when that process ends."
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock, also when the process is killed


class RefreshLockResource(dg.ConfigurableResource):
    """Held from the first step that writes the warehouse to the end of the run."""

    wait_seconds: float = 0.0

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[RefreshLockResource]:
        configured = get_settings().lock_wait_seconds
        wait = self.wait_seconds if configured is None else configured
        with refresh_lock(get_settings().lock_file, wait_seconds=wait):
            yield self

"""File operations of publishing shared by the publish step and the history of published nights:
durable writes (fsync), the published file's mode, temporary copies left by a killed publish."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PUBLISHED_MODE = 0o640  # owner read-write, group read (analysts), nothing for others


def stale_temporaries(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*.tmp"))


def clean_stale_temporaries(target: Path) -> list[Path]:
    """Remove temporary copies left by a killed publish (the caller holds the refresh lock)."""
    removed = []
    for path in stale_temporaries(target):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
        wal = path.with_name(path.name + ".wal")
        with contextlib.suppress(FileNotFoundError):
            wal.unlink()
    return removed


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fsync(path)

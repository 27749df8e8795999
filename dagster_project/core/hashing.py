"""File fingerprints shared by every source (deliberations, FAP exports, open data).

`sha256_of` reads the whole file. `HashCache` remembers each file's sha256 beside its stat
(size, modification and change times, inode): a file whose stat is unchanged is not read again.
The change time (ctime) cannot be set back by a user, so an edit that keeps the size and the
modification time is still seen. The refresh planner uses it to tell, in well under a second,
whether any input changed since the last refresh (dagster_project/incremental.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


class HashCache:
    """sha256 of files, read again only when their stat changed. `path`: a JSON file kept
    between processes (None: in memory only). Written atomically by `save()`."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.entries = loaded

    def sha256(self, path: Path) -> str:
        key = str(Path(path).absolute())
        stamp = _stamp(os.stat(path))
        known = self.entries.get(key)
        if known is not None and known[:4] == stamp:
            return known[4]
        digest = sha256_of(path)
        if _stamp(os.stat(path)) == stamp:  # not changed while it was read: worth remembering
            self.entries[key] = [*stamp, digest]
            self.changed = True
        return digest

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            live = {k: v for k, v in self.entries.items() if os.path.exists(k)}
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(live, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
            self.changed = False

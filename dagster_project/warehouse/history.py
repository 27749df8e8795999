"""The nights kept for rollback: `<warehouse dir>/history/autonomy_<date>_<run id 8>.duckdb`.

Each successful publish first keeps the file it is about to replace (a hard link, so it costs
no copy and a reader connected to it keeps its snapshot), then removes all but the last
`AUTONOMY_KEEP_NIGHTS`. `rollback` puts one of them back the same way a refresh publishes:
copy to a temporary file next to the published one, then os.replace; `meta.refresh` of the
restored file says it is a rollback (`rolled_back_at`, `rollback_of`, `rollback_from`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ..settings import get_settings
from .files import PUBLISHED_MODE, clean_stale_temporaries, fsync, fsync_dir

NAME = re.compile(r"^(?P<stem>.+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<run>[0-9A-Za-z-]+)\.duckdb$")


class RollbackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Night:
    path: Path
    night: date  # the UTC date it was published
    run_id: str  # first 8 characters of the run that built it
    mtime: float  # its publish time (a hard link or copy2 keeps it)

    @property
    def label(self) -> str:
        return f"{self.night.isoformat()} (run {self.run_id})"


def refresh_info(path: Path) -> dict[str, str]:
    """meta.refresh of a published file as a dict ({} when it cannot be read)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        return dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _night_of(info: dict[str, str], path: Path) -> date:
    with contextlib.suppress(KeyError, ValueError):
        return datetime.fromisoformat(info["published_at"]).astimezone(UTC).date()
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()


def list_nights(warehouse: Path, history_dir: Path | None = None) -> list[Night]:
    """The nights kept, oldest first."""
    folder = history_dir or warehouse.parent / "history"
    nights = []
    for path in folder.glob(f"{warehouse.stem}_*.duckdb") if folder.is_dir() else []:
        match = NAME.match(path.name)
        if not match or match["stem"] != warehouse.stem:
            continue
        with contextlib.suppress(FileNotFoundError, ValueError):
            nights.append(Night(path, date.fromisoformat(match["date"]), match["run"], path.stat().st_mtime))
    return sorted(nights, key=lambda n: (n.mtime, n.path.name))


def keep_current(warehouse: Path, history_dir: Path, keep: int) -> Path | None:
    """Keep the published file that is about to be replaced, then prune to the last `keep`.

    Called by the publish step (which holds the refresh lock) just before os.replace."""
    if keep <= 0 or not warehouse.exists():
        return None
    info = refresh_info(warehouse)
    run8 = (info.get("run_id") or "unknown")[:8]
    history_dir.mkdir(parents=True, exist_ok=True)
    target = history_dir / f"{warehouse.stem}_{_night_of(info, warehouse).isoformat()}_{run8}.duckdb"
    if not target.exists():
        tmp = history_dir / f".{target.name}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(warehouse, tmp)  # same file system: no copy, same inode, same mode and group
        except OSError:
            shutil.copy2(warehouse, tmp)
        os.replace(tmp, target)
        fsync_dir(history_dir)
    prune(warehouse, history_dir, keep)
    return target


def prune(warehouse: Path, history_dir: Path, keep: int) -> list[Path]:
    nights = list_nights(warehouse, history_dir)
    removed = []
    for night in nights[: max(len(nights) - keep, 0)]:
        with contextlib.suppress(FileNotFoundError):
            night.path.unlink()
            removed.append(night.path)
    return removed


def choose(warehouse: Path, history_dir: Path, to: str | None = None) -> Night:
    """The night to restore: the latest published on `to` (a date, YYYY-MM-DD, or a run id
    prefix), else the latest published before the file in place."""
    nights = list_nights(warehouse, history_dir)
    if not nights:
        raise RollbackError(f"no night kept in {history_dir}: nothing to roll back to")
    if to:
        matching = [n for n in nights if n.night.isoformat() == to or n.run_id.startswith(to[:8])]
        if not matching:
            kept = ", ".join(n.label for n in nights)
            raise RollbackError(f"no night kept for {to!r}; kept: {kept}")
        return matching[-1]
    info = refresh_info(warehouse) if warehouse.exists() else {}
    current_run = (info.get("run_id") or "")[:8]
    try:
        current_time = datetime.fromisoformat(info["published_at"]).timestamp()
    except (KeyError, ValueError):
        current_time = float("inf")
    older = [n for n in nights if n.run_id != current_run and n.mtime <= current_time]
    if not older:
        raise RollbackError(f"no night older than the published file ({current_run or 'unknown run'}) in {history_dir}")
    return older[-1]


def rollback(to: str | None = None) -> tuple[Night, dict[str, str]]:
    """Put a kept night back in place of the published file, atomically, under the refresh lock.

    The file in place is kept in the history first (nothing is lost; roll forward with
    `--to <its date or run id>`). Returns the night restored and its new meta.refresh."""
    from .lock import refresh_lock

    settings = get_settings()
    warehouse, history_dir = settings.warehouse, settings.history_dir
    with refresh_lock(settings.lock_file, wait_seconds=settings.lock_wait_seconds or 0.0):
        night = choose(warehouse, history_dir, to)
        replaced = refresh_info(warehouse) if warehouse.exists() else {}
        clean_stale_temporaries(warehouse)
        tmp = warehouse.parent / f".{warehouse.name}.{os.getpid()}.tmp"
        try:
            shutil.copyfile(night.path, tmp)
            con = duckdb.connect(str(tmp))
            try:
                con.execute("CREATE SCHEMA IF NOT EXISTS meta")
                con.execute("CREATE TABLE IF NOT EXISTS meta.refresh (key VARCHAR PRIMARY KEY, value VARCHAR)")
                marks = {
                    "rolled_back_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "rollback_of": replaced.get("run_id", "unknown"),
                    "rollback_from": night.path.name,
                }
                con.execute("DELETE FROM meta.refresh WHERE key IN (SELECT unnest(?))", [list(marks)])
                con.executemany("INSERT INTO meta.refresh VALUES (?, ?)", list(marks.items()))
                con.execute("CHECKPOINT")
                info = dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())
            finally:
                con.close()
            fsync(tmp)
            os.chmod(tmp, PUBLISHED_MODE)
            if settings.analyst_group:
                import grp

                os.chown(tmp, -1, grp.getgrnam(settings.analyst_group).gr_gid)
            if warehouse.exists() and settings.keep_nights > 0:
                keep_current(warehouse, history_dir, settings.keep_nights + 1)  # the file replaced, nothing lost
            os.replace(tmp, warehouse)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        fsync_dir(warehouse.parent)
    return night, info

"""What each asset is a function of, as Dagster code versions and data versions.

- **Code versions** (`code_version` of each asset): a hash of the Python package that builds it
  (plus the modules every step shares) for the loaders, the publish step and the reports; dbt
  nodes get theirs from the dbt manifest (transform/assets.py: their SQL, configuration, columns,
  the macros they call and the tests attached to them).
- **Data versions of the loaders** (`data_version` of their MaterializeResult): a hash of the
  input files they read (sha256 of each, through the stat-keyed `HashCache`), computed by the same
  functions here before a loader reads anything and by the refresh planner (incremental.py)
  without reading anything else.
- **Settings** that change what is built (`settings_fingerprint`): recorded by the publish step;
  when they differ, the planner rebuilds everything.

Light on purpose: the planner's "nothing changed" answer must come in a few seconds, so this
module imports neither Dagster nor DuckDB.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from .core.hashing import HashCache
from .settings import DBT_PROJECT_DIR, Settings

PACKAGE = Path(__file__).resolve().parent
# Modules every step uses: a change there is a change of every asset's code.
SHARED = ("core", "warehouse/connections.py", "warehouse/files.py", "common.py", "settings.py", "versions.py")
DBT_SKIP = {"target", "logs", "dbt_packages"}


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:24]


def _python_files(part: str) -> list[Path]:
    path = PACKAGE / part
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@cache
def code_version(*parts: str, extra: tuple[Path, ...] = ()) -> str:
    """The code version of an asset built by the Python of `parts` (folders or files of
    dagster_project/, e.g. "sources/fap") and of `extra` files (e.g. seeds it reads)."""
    files = sorted({*(f for p in (*parts, *SHARED) for f in _python_files(p)), *extra})
    return digest(*(f"{f.relative_to(PACKAGE.parent)}\0".encode() + f.read_bytes() for f in files))


def deliberations_code_version() -> str:
    """The deliberations' loader reads the kinds and the check kinds from dbt seeds, and the COG
    through the open-data loader."""
    seeds = DBT_PROJECT_DIR / "seeds"
    extra = (*sorted((seeds / "deliberations").glob("*.csv")), seeds / "reconciliation" / "check_kinds.csv")
    return code_version("sources/deliberations", "sources/opendata", extra=extra)


def settings_fingerprint(settings: Settings) -> str:
    """The settings that change what is built (a change rebuilds everything): the home
    département, the disclosure threshold, the dbt variables (what-if envelopes)."""
    return digest(
        json.dumps(
            {
                "department_code": settings.department_code,
                "disclosure_threshold": settings.disclosure_threshold,
                "dbt_vars": settings.dbt_vars,
            },
            sort_keys=True,
        )
    )


def file_stamp(path: Path) -> str:
    """Which content is at `path` now, as its size and modification time (nanoseconds) tell; ''
    when there is none. Every write changes them; a copy that keeps them (cp -a, rsync -t, a
    restored backup, a moved checkout) is the same file, so a deployment moved or copied with its
    Dagster instance refreshes incrementally. Not the inode: a copy has another one."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def same_file(recorded: str | None, current: str) -> bool:
    """Whether the file a publish recorded (its `file_stamp`) is the one now at its path (`current`).
    Releases before 6 December 2026 recorded 'inode:size:mtime': compared on size and time, so
    that an upgraded deployment stays incremental."""
    return bool(recorded) and bool(current) and recorded.split(":")[-2:] == current.split(":")


def hash_cache(settings: Settings) -> HashCache:
    """The sha256 of the input files, kept beside the work database between refreshes."""
    return HashCache(settings.work_dir / "input_hashes.json")


def _listed(folder: Path, recursive: bool = True) -> list[Path]:
    if not folder.is_dir():
        return []
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.is_file() and not p.name.startswith("."))


def _files_part(files: list[Path], root: Path, cache: HashCache) -> list[str]:
    return [f"{p.relative_to(root).as_posix()}\0{cache.sha256(p)}" for p in files]


class Inputs:
    """The data versions of the loaders, from the files they read (hashes from `cache`)."""

    def __init__(self, settings: Settings, cache: HashCache | None = None):
        self.settings = settings
        self.cache = cache or HashCache()

    def opendata_files(self) -> dict[str, list[Path]]:
        """{publication_id: its files}, as the open-data loader finds them (manifest patterns)."""
        from .sources.opendata.manifest import load_manifest

        folder = self.settings.opendata_dir
        files = _listed(folder)
        return {
            p.publication_id: [f for f in files if p.matches(f.relative_to(folder).as_posix())]
            for p in load_manifest(self.settings.opendata_manifest)
        }

    def opendata(self) -> dict[str, str]:
        """{publication_id: data version}: its manifest entry and its files' sha256."""
        from .sources.opendata.manifest import load_manifest

        folder = self.settings.opendata_dir
        files = self.opendata_files()
        return {
            p.publication_id: digest(repr(p), *_files_part(files[p.publication_id], folder, self.cache))
            for p in load_manifest(self.settings.opendata_manifest)
        }

    def deliberations(self) -> str:
        """Every file of raw/deliberations/ (manifest, catalogue, documents), the register of
        acknowledged discrepancies, and the COG files the manifest and the home département are
        checked against."""
        from .sources.deliberations.register import REGISTER_FILE
        from .sources.opendata.manifest import load_manifest

        s = self.settings
        register = s.raw_dir / REGISTER_FILE
        cog = {p.publication_id: p for p in load_manifest(s.opendata_manifest) if p.layout == "cog_csv"}
        files = self.opendata_files()
        return digest(
            "deliberations",
            *_files_part(_listed(s.deliberations_dir), s.deliberations_dir, self.cache),
            f"register\0{self.cache.sha256(register) if register.is_file() else 'absent'}",
            *(repr(p) for p in cog.values()),
            *(part for pid in sorted(cog) for part in _files_part(files[pid], s.opendata_dir, self.cache)),
        )

    def fap_registry(self) -> str:
        path = self.settings.fap_dir / "sad_registry.csv"
        return digest("sad_registry", self.cache.sha256(path) if path.is_file() else "absent")

    def fap_exports(self) -> str:
        """Every monthly export (any file named fap_*, so a misnamed one is a change too), the
        list of synthetic ones, and the fingerprint of the pseudonymisation key (never the key)."""
        from .sources.fap.files import SAMPLE_HASHES_FILE
        from .sources.fap.pseudonymise import PseudonymKeyError, key_fingerprint, pseudonym_key

        fap_dir = self.settings.fap_dir
        files = [p for p in _listed(fap_dir, recursive=False) if p.name.startswith("fap_") or p.name == SAMPLE_HASHES_FILE]
        try:
            key = key_fingerprint(pseudonym_key())
        except PseudonymKeyError:
            key = "refused"  # the FAP step refuses with the reason
        return digest("fap_exports", f"key\0{key}", *_files_part(files, fap_dir, self.cache))

    def all(self) -> dict[str, str]:
        """Every data version, by loader input (for the planner's quick "nothing changed")."""
        return {
            "deliberations": self.deliberations(),
            "fap_registry": self.fap_registry(),
            "fap_exports": self.fap_exports(),
            **{f"opendata/{k}": v for k, v in self.opendata().items()},
        }


@cache
def project_code_digest() -> str:
    """Every Python module of dagster_project/ and every file of the dbt project: equal digests,
    same code for every asset (the quick "nothing changed" compares this, not each asset's)."""
    files = sorted(PACKAGE.rglob("*.py"))
    files += sorted(
        p for p in DBT_PROJECT_DIR.rglob("*") if p.is_file() and not DBT_SKIP.intersection(p.relative_to(DBT_PROJECT_DIR).parts)
    )
    return digest(*(f"{f.relative_to(PACKAGE.parent)}\0".encode() + f.read_bytes() for f in files))


def state_digest(settings: Settings, inputs: dict[str, str], code: str) -> str:
    """Everything a refresh is a function of, in one hash: the code (`project_code_digest`), the
    settings, every input file (`Inputs.all`), which work and published files are in place now,
    and which reports are (a report deleted is rewritten). Recorded on each refresh run that
    succeeded; when the last run has the digest of now, nothing can be stale."""
    reports = sorted(p.name for p in settings.reports_dir.glob("*.html")) if settings.reports_dir.is_dir() else []
    return digest(
        "state",
        code,
        settings_fingerprint(settings),
        json.dumps(inputs, sort_keys=True),
        f"{settings.work_db}\0{file_stamp(settings.work_db)}",
        f"{settings.warehouse}\0{file_stamp(settings.warehouse)}",
        "\0".join(reports),
    )

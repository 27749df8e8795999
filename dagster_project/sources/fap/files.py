"""The monthly FAP exports in raw/fap/: which files there are, which month each holds.

A file is `fap_YYYY-MM.csv` or `fap_YYYY-MM.csv.gz`. Anything else in the folder (the SAD
registry, the activity profile, a README) is not a monthly export and is left alone; a name
that starts like an export but is not one (`fap_2024-13.csv`, `fap_2024_03.csv`) is refused,
since silently skipping it would silently lose a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from ...core.errors import InputError
from ...core.hashing import sha256_of
from .contract import EXPORT_PATTERN

# The months an export may hold: room for a five-year history before the 2024 sample, up to the
# current month (an export may be dropped in before the month ends). A validity window only.
PARTITION_START = "2019-01"
MONTHS = dg.MonthlyPartitionsDefinition(start_date=PARTITION_START, fmt="%Y-%m", end_offset=1, timezone="Europe/Paris")
# The partitions the UI shows: one per month that has an export (added by the file sensor and by
# each refresh, removed when the file goes), not every calendar month since PARTITION_START.
FAP_MONTHS = dg.DynamicPartitionsDefinition(name="fap_months")
REGISTRY_FILE = "sad_registry.csv"
PROFILE_FILE = "activity_profile_2024.csv"
# Written by the sample generator: the sha256 of each synthetic export it wrote, so the warehouse
# and the reports can say which loaded months are synthetic (a real export never matches).
SAMPLE_HASHES_FILE = "synthetic_sample.sha256"

__all__ = [
    "FAP_MONTHS",
    "MONTHS",
    "MonthlyFile",
    "monthly_files",
    "month_range_with_files",
    "sample_sums",
    "sha256_of",
    "synthetic_hashes",
]


@dataclass(frozen=True)
class MonthlyFile:
    month: str  # 'YYYY-MM', as in the name and the partition key
    path: Path
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stamp(self) -> str:
        """Cheap change marker (size and modification time), used before hashing."""
        return f"{self.size}:{self.mtime_ns}"


def monthly_files(fap_dir: Path, strict: bool = True) -> dict[str, MonthlyFile]:
    """Every monthly export in fap_dir, by month.

    strict: refuse a misnamed export, two files for one month, or a month outside the
    partitions (InputError naming the file); otherwise skip them (the ingestion asset, which
    runs strict, will say what is wrong).
    """
    found: dict[str, MonthlyFile] = {}
    if not fap_dir.is_dir():
        return found
    for path in sorted(fap_dir.iterdir()):
        if not path.name.startswith("fap_") or not path.is_file():
            continue
        try:
            month = _month_of(path, found)
        except InputError:
            if strict:
                raise
            continue
        stat = path.stat()
        found[month] = MonthlyFile(month, path, stat.st_size, stat.st_mtime_ns)
    return found


def _month_of(path: Path, found: dict[str, MonthlyFile]) -> str:
    match = EXPORT_PATTERN.match(path.name)
    if match is None:
        raise InputError(
            "not a monthly FAP export name: expected fap_YYYY-MM.csv or fap_YYYY-MM.csv.gz "
            "(rename it, or move it out of the folder)",
            file=str(path),
        )
    month = match["month"]
    if month in found:
        raise InputError(f"two exports for {month} ({found[month].name} and {path.name}): keep one", file=str(path))
    if not MONTHS.has_partition_key(month):
        last = MONTHS.get_last_partition_key()
        raise InputError(f"month {month} is outside the FAP partitions ({PARTITION_START} to {last})", file=str(path))
    return month


def month_range_with_files(fap_dir: Path) -> tuple[str, str] | None:
    """('first month', 'last month') that have an export in fap_dir, or None when there is none."""
    months = sorted(monthly_files(fap_dir, strict=False))
    return (months[0], months[-1]) if months else None


def sample_sums(fap_dir: Path) -> dict[str, str]:
    """synthetic_sample.sha256 of fap_dir (sha256sum format) as {file name: sha256}; empty: none."""
    path = fap_dir / SAMPLE_HASHES_FILE
    if not path.is_file():
        return {}
    pairs = (line.split(maxsplit=1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def synthetic_hashes(fap_dir: Path) -> set[str]:
    """sha256 of the synthetic exports the generator wrote into fap_dir (empty: none)."""
    return set(sample_sums(fap_dir).values())

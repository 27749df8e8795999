"""Synthetic monthly FAP exports, deterministic, from the committed activity profile.

No real FAP export is public, so the sample is generated: twelve 2024 files for the 36
SAD of the registry whose yearly hours per SAD and prestation are exactly the profile's (the
APA hours are those of the annex). The same code writes any volume for the benchmarks
(N départements x 36 SAD x M months, more beneficiaries per SAD with `scale`).

How a year is split, exactly, in centi-hours: the profile's yearly hours of a (SAD,
prestation) are cut into 12 monthly totals, and each monthly total into one line per
beneficiary, with random weights and the cumulative-floor rule (part_i = floor(T*W_i/W) -
floor(T*W_(i-1)/W), W_i the running sum of weights), which adds up to T to the centi-hour.
Each month has its own seed, so a file does not depend on which other months are written.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from tqdm import tqdm

from .contract import COLUMNS, PRESTATIONS, PROFILE_COLUMNS, REGISTRY_COLUMNS, SEPARATOR
from .files import SAMPLE_HASHES_FILE, sample_sums, sha256_of
from .profile import Sad, finess_for, read_csv_rows, read_registry, sad_id_for, sad_number, write_csv

SEED = 20240101
# Département codes used for synthetic national volumes, after the profile's own.
DEPARTMENTS = (
    [f"{n:02d}" for n in range(1, 20)] + ["2A", "2B"] + [f"{n:02d}" for n in range(21, 96)] + ["971", "972", "973", "974", "976"]
)
# Monthly weights of the year (seasonality) and of beneficiaries within a month.
MONTH_WEIGHTS = (900, 1100)
LINE_WEIGHTS = (500, 1500)
PLANNED_SLACK = 0.08  # hours planned exceed hours billed by up to 8 %
APA_GIR = ((1, 2, 3, 4), (0.05, 0.25, 0.25, 0.45))
ASG_GIR = ((5, 6), (0.6, 0.4))
PRESTATION_DIGIT = {p: str(i + 1) for i, p in enumerate(PRESTATIONS)}


@dataclass(frozen=True)
class Profile:
    """One (SAD, prestation) of the activity profile, in integer units."""

    sad_number: int
    prestation: str
    centi_hours_year: int
    beneficiaries: int
    rate_cents: int


@dataclass(frozen=True)
class Plan:
    out_dir: Path
    months: list[str]  # 'YYYY-MM'
    departments: list[str]
    scale: float = 1.0
    seed: int = SEED
    gzip: bool = False

    def path(self, month: str) -> Path:
        return self.out_dir / f"fap_{month}.csv{'.gz' if self.gzip else ''}"


def read_profile(path: Path) -> list[Profile]:
    rows = read_csv_rows(path, PROFILE_COLUMNS)
    return [
        Profile(
            sad_number=sad_number(r["sad_id"]),
            prestation=r["prestation"],
            centi_hours_year=_cents(r["hours_billed"]),
            beneficiaries=int(r["beneficiaries"]),
            rate_cents=_cents(r["hourly_rate_eur"]),
        )
        for r in rows
    ]


def _cents(text: str) -> int:
    units, _, decimals = text.partition(",")
    return int(units) * 100 + int((decimals + "00")[:2])


def months_from(start: str, count: int) -> list[str]:
    year, month = map(int, start.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def department_list(count: int, first: str) -> list[str]:
    return [first] + [d for d in DEPARTMENTS if d != first][: count - 1]


def scale_for_lines(profile: list[Profile], departments: int, months: int, lines: int) -> float:
    base = sum(p.beneficiaries for p in profile) * departments * months
    return lines / base


def registry_for(base: list[Sad], departments: list[str]) -> list[Sad]:
    """The base registry's SAD for each département (names and cities reused, ids derived)."""
    out = []
    for department in departments:
        for sad in base:
            n = sad_number(sad.sad_id)
            if department == sad.department_code:
                out.append(sad)
            else:
                out.append(Sad(sad_id_for(department, n), finess_for(department, n), department, sad.sad_name, sad.city))
    return out


def generate(plan: Plan, profile: list[Profile], registry: list[Sad], progress: bool = True) -> list[Path]:
    """Write one file per month of the plan. Returns the paths written."""
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    finess = {s.sad_id: s.finess for s in registry}
    written = []
    steps = tqdm(total=len(plan.months) * len(plan.departments), unit="dept-month", desc="FAP sample", disable=not progress)
    with steps:
        for month in plan.months:
            path = plan.path(month)
            tmp = path.with_name(path.name + ".part")
            with gzip.open(tmp, "wb", compresslevel=1) if plan.gzip else open(tmp, "wb") as handle:  # noqa: SIM115
                handle.write((SEPARATOR.join(COLUMNS) + "\n").encode("utf-8"))
                for d_index, department in enumerate(plan.departments):
                    frame = month_lines(plan, profile, finess, d_index, department, month)
                    frame.write_csv(handle, separator=SEPARATOR, include_header=False, quote_style="necessary")
                    steps.update(1)
            tmp.replace(path)
            written.append(path)
    return written


def _split(totals: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each totals[g] into counts[g] integer parts (weights given per part), exactly."""
    group_end = np.cumsum(counts)
    running = np.cumsum(weights)
    before_group = np.repeat(np.concatenate(([0], running[group_end[:-1] - 1])), counts)
    within = running - before_group
    group_weight = np.repeat(within[group_end - 1], counts)
    group_total = np.repeat(totals, counts)
    upto = group_total * within // group_weight
    previous = np.concatenate(([0], upto[:-1]))
    previous[np.concatenate(([0], group_end[:-1]))] = 0
    return upto - previous


def _yearly_to_month(plan: Plan, profile: list[Profile], d_index: int, month: str) -> np.ndarray:
    """Centi-hours of each profile row in `month` (the year's exact share)."""
    year, month_number = int(month[:4]), int(month[5:])
    rng = np.random.default_rng([plan.seed, d_index, year])
    yearly = np.array([round(p.centi_hours_year * plan.scale) for p in profile], dtype=np.int64)
    weights = rng.integers(*MONTH_WEIGHTS, size=len(profile) * 12, endpoint=True)
    monthly = _split(yearly, np.full(len(profile), 12), weights).reshape(len(profile), 12)
    return monthly[:, month_number - 1]


def month_lines(
    plan: Plan, profile: list[Profile], finess: dict[str, str], d_index: int, department: str, month: str
) -> pl.DataFrame:
    """The lines of one département for one month, as the CSV's text columns."""
    year = int(month[:4])
    totals = _yearly_to_month(plan, profile, d_index, month)
    counts = np.array([max(1, round(p.beneficiaries * plan.scale)) for p in profile], dtype=np.int64)
    n = int(counts.sum())
    rng = np.random.default_rng([plan.seed, d_index, year, int(month[5:])])
    billed = _split(totals, counts, rng.integers(*LINE_WEIGHTS, size=n, endpoint=True))
    planned = billed + (billed * rng.uniform(0, PLANNED_SLACK, size=n)).astype(np.int64)
    rates = np.repeat([p.rate_cents for p in profile], counts)
    amount = (billed * rates + 50) // 100  # euro cents, rounded half up
    group = np.repeat(np.arange(len(profile)), counts)
    index = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    gir = _gir(plan, d_index, year, profile, counts)
    sad_ids = [sad_id_for(department, p.sad_number) for p in profile]
    frame = pl.DataFrame(
        {
            "group": group,
            "index": index,
            "gir": gir,
            "planned": planned,
            "billed": billed,
            "rate": rates,
            "amount": amount,
        }
    )
    prestations = pl.Series([p.prestation for p in profile])
    return frame.select(
        pl.lit(month).alias("month"),
        pl.col("group").replace_strict(list(range(len(profile))), sad_ids, return_dtype=pl.String).alias("sad_id"),
        pl.col("group")
        .replace_strict(list(range(len(profile))), [finess[s] for s in sad_ids], return_dtype=pl.String)
        .alias("finess"),
        pl.concat_str(
            pl.lit(department),
            pl.col("group").replace_strict(
                list(range(len(profile))),
                [f"{p.sad_number:03d}{PRESTATION_DIGIT[p.prestation]}" for p in profile],
                return_dtype=pl.String,
            ),
            pl.col("index").cast(pl.String).str.zfill(6),
        ).alias("beneficiary_id"),
        pl.col("group").replace_strict(list(range(len(profile))), prestations, return_dtype=pl.String).alias("prestation"),
        pl.col("gir"),
        *(
            _decimal_text(pl.col(c)).alias(name)
            for c, name in (
                ("planned", "hours_planned"),
                ("billed", "hours_billed"),
                ("rate", "hourly_rate_eur"),
                ("amount", "amount_eur"),
            )
        ),
    )


def _gir(plan: Plan, d_index: int, year: int, profile: list[Profile], counts: np.ndarray) -> pl.Series:
    """GIR per beneficiary, the same every month of the year; empty for PCH."""
    rng = np.random.default_rng([plan.seed, d_index, year, 0])
    n = int(counts.sum())
    apa = rng.choice(APA_GIR[0], p=APA_GIR[1], size=n)
    asg = rng.choice(ASG_GIR[0], p=ASG_GIR[1], size=n)
    kind = np.repeat([p.prestation for p in profile], counts)
    values = np.where(kind == "APA", apa, np.where(kind == "ASG", asg, 0))
    return pl.Series(values).cast(pl.String).replace("0", None)


def _decimal_text(cents: pl.Expr) -> pl.Expr:
    """Integer hundredths as French decimal text: 1234 -> '12,34'."""
    return pl.concat_str((cents // 100).cast(pl.String), pl.lit(","), (cents % 100).cast(pl.String).str.zfill(2))


def registry_departments(fap_dir: Path) -> set[str]:
    """The départements whose SAD the registry (raw/fap/sad_registry.csv) knows."""
    path = fap_dir / "sad_registry.csv"
    return {s.department_code for s in read_registry(path)} if path.exists() else set()


def sample_plan(fap_dir: Path, department_code: str, year: int = 2024) -> Plan:
    return Plan(out_dir=fap_dir, months=months_from(f"{year}-01", 12), departments=[department_code])


def missing_sample_months(fap_dir: Path, department_code: str, year: int = 2024) -> list[str]:
    plan = sample_plan(fap_dir, department_code, year)
    return [m for m in plan.months if not any((fap_dir / f"fap_{m}.csv{ext}").exists() for ext in ("", ".gz"))]


def write_sample(
    fap_dir: Path, department_code: str | None = None, progress: bool = True, only_missing: bool = True
) -> list[Path]:
    """The twelve 2024 files of the registry's SAD, from the committed profile. Only for the
    département the registry and profile are of (default: theirs): a département whose SAD the
    registry does not know gets no sample (its FAP marts stay empty)."""
    known = registry_departments(fap_dir)
    department_code = department_code or (min(known) if known else None)
    if department_code not in known:
        return []
    plan = sample_plan(fap_dir, department_code)
    if only_missing:
        months = missing_sample_months(fap_dir, department_code)
        if not months:
            return []
        plan = Plan(out_dir=fap_dir, months=months, departments=plan.departments)
    profile = read_profile(fap_dir / "activity_profile_2024.csv")
    registry = read_registry(fap_dir / "sad_registry.csv")
    written = generate(plan, profile, registry, progress=progress)
    _record_sample_hashes(fap_dir, written)
    return written


def _record_sample_hashes(fap_dir: Path, written: list[Path]) -> None:
    """Add the written files to synthetic_sample.sha256 (sha256sum format), replacing older lines."""
    path = fap_dir / SAMPLE_HASHES_FILE
    lines = {**sample_sums(fap_dir), **{p.name: sha256_of(p) for p in written}}
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(lines.items())), encoding="utf-8")
    tmp.replace(path)


def write_volume(
    out_dir: Path,
    base_fap_dir: Path,
    departments: int,
    months: list[str],
    lines: int | None = None,
    scale: float = 1.0,
    gzip_files: bool = False,
    progress: bool = True,
) -> tuple[list[Path], int]:
    """Benchmark volumes: a registry for N départements and their monthly files. Returns (paths, lines)."""
    profile = read_profile(base_fap_dir / "activity_profile_2024.csv")
    base = read_registry(base_fap_dir / "sad_registry.csv")
    codes = department_list(departments, base[0].department_code)
    if lines is not None:
        scale = scale_for_lines(profile, departments, len(months), lines)
    registry = registry_for(base, codes)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(
        out_dir / "sad_registry.csv",
        REGISTRY_COLUMNS,
        [(s.sad_id, s.finess, s.department_code, s.sad_name, s.city) for s in registry],
    )
    plan = Plan(out_dir=out_dir, months=months, departments=codes, scale=scale, gzip=gzip_files)
    paths = generate(plan, profile, registry, progress=progress)
    per_month = sum(max(1, round(p.beneficiaries * scale)) for p in profile) * departments
    return paths, per_month * len(months)

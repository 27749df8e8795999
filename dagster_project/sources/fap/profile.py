"""The SAD registry and activity profile, derived once from an envelope annex (kind
sad_envelope_annex) of the home département: the one whose hours are of the profile's year.

The committed files raw/fap/sad_registry.csv and raw/fap/activity_profile_2024.csv were written
by `autonomy fap bootstrap` (this module), never typed by hand. From then on they are inputs of
their own, as a real FAP export would be: the generator reads them and never the annex, so
editing the annex alone makes the FAP/annex reconciliation fail.

What is synthetic (and says so in the files' documentation, docs/fap_format.md): the sad_id and
FINESS numbers (FINESS are fictitious, 9 characters starting with the département code), the
PCH and ASG hours, the beneficiary counts and the hourly rates. The APA hours are the annex's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

from ..deliberations.raw_layer import read_deliberations
from .contract import PROFILE_COLUMNS, REGISTRY_COLUMNS, SEPARATOR

SEED = 2024
PROFILE_YEAR = 2024  # the year of the annex hours the profile reproduces
# National floor hourly rate for APA/PCH home help in 2024 (docs: domain-notes.md); the
# synthetic SAD rates sit between it and 3 € above it.
FLOOR_RATE_2024_EUR = Decimal("23.50")
# Typical monthly hours per beneficiary, used to size the synthetic beneficiary counts.
HOURS_PER_BENEFICIARY_MONTH = {"APA": 26, "PCH": 40, "ASG": 10}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sad:
    sad_id: str
    finess: str
    department_code: str
    sad_name: str
    city: str


def sad_id_for(department_code: str, number: int) -> str:
    return f"{department_code}-{number:03d}"


def finess_for(department_code: str, number: int) -> str:
    """A fictitious FINESS: the département code, padded with 9s, then a 5-digit number."""
    return department_code + "9" * (4 - len(department_code)) + f"{number:05d}"


def sad_number(sad_id: str) -> int:
    return int(sad_id.rsplit("-", 1)[1])


def annex_of(load, department_code: str, hours_year: int):
    """The envelope annex of a département whose hours are of hours_year, as extracted."""
    departments = {d.document_id: d.department_code for d in load.documents}
    for spec in load.catalogue.tables:
        if (
            spec.kind == "sad_envelope_annex"
            and departments[spec.document_id] == department_code
            and int(spec.parameters["hours_year"]) == hours_year
        ):
            return load.tables[spec.table_id]
    raise LookupError(f"no envelope annex of département {department_code} with the hours of {hours_year} in the catalogue")


def bootstrap(deliberations_dir: Path, catalogue_path: Path, fap_dir: Path, department_code: str) -> tuple[Path, Path]:
    """Write sad_registry.csv and activity_profile_2024.csv from the home département's annex."""
    annex = annex_of(read_deliberations(deliberations_dir, catalogue_path), department_code, PROFILE_YEAR)
    rows = [r for r in annex.rows if not r["is_total"]]
    rng = np.random.default_rng(SEED)
    registry, profile = [], []
    for row in rows:
        number = row["row_number"]
        sad = Sad(
            sad_id_for(department_code, number),
            finess_for(department_code, number),
            department_code,
            row["sad_name"],
            row["city"],
        )
        registry.append(sad)
        apa_hours = row["hours_billed"].quantize(CENT)
        shares = {"APA": Decimal(1), "PCH": Decimal(str(rng.uniform(0.04, 0.12))), "ASG": Decimal(str(rng.uniform(0.01, 0.05)))}
        for prestation, share in shares.items():
            hours = (apa_hours * share).quantize(CENT, ROUND_HALF_UP)
            per_month = HOURS_PER_BENEFICIARY_MONTH[prestation]
            beneficiaries = max(1, int((hours / 12 / per_month).to_integral_value(ROUND_HALF_UP)))
            rate = FLOOR_RATE_2024_EUR + Decimal(int(rng.integers(0, 7))) * Decimal("0.50")
            profile.append((sad.sad_id, prestation, hours, beneficiaries, rate))
    fap_dir.mkdir(parents=True, exist_ok=True)
    registry_path = fap_dir / "sad_registry.csv"
    profile_path = fap_dir / "activity_profile_2024.csv"
    write_csv(registry_path, REGISTRY_COLUMNS, [(s.sad_id, s.finess, s.department_code, s.sad_name, s.city) for s in registry])
    write_csv(profile_path, PROFILE_COLUMNS, profile)
    return registry_path, profile_path


def french(value) -> str:
    return str(value).replace(".", ",") if isinstance(value, Decimal) else str(value)


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=SEPARATOR, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([french(v) for v in row] for row in rows)


def read_csv_rows(path: Path, header: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a small `;` CSV (registry, profile), refusing a header that is not the contract's."""
    from ...core.errors import InputError

    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=SEPARATOR)
        found = tuple(next(reader, ()))
        if found != header:
            raise InputError(f"header must be {SEPARATOR.join(header)}", file=str(path), line=1, value=SEPARATOR.join(found))
        rows = []
        for row in reader:
            if len(row) != len(header):
                raise InputError(f"{len(row)} fields where the header has {len(header)}", file=str(path), line=reader.line_num)
            rows.append(dict(zip(header, row)))
        return rows


def read_registry(path: Path) -> list[Sad]:
    return [Sad(**row) for row in read_csv_rows(path, REGISTRY_COLUMNS)]

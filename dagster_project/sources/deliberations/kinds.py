"""Document kinds: what each kind of printed table holds, and the roles a figure printed in prose
can play. Kinds are product knowledge, shipped as dbt seeds (dbt/seeds/deliberations/), so that
dbt publishes them (reference.deliberation_kinds...) and the catalogue is checked against the
same files: a catalogue entry names its kind and maps each printed header to one of the kind's
columns (a column map, as PUDL reads each new year of a known form). A new deliberation of a
known kind is then entries only: no SQL, no Python.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds" / "deliberations"
LAYOUTS = ("rows_are_indicators", "rows_are_territories", "rows_are_items")


@dataclass(frozen=True)
class KindColumn:
    name: str
    type: str  # 'text' | 'number'
    unit: str | None
    required: bool
    per_year: bool  # printed once per year (a `year` in the catalogue's column map)
    label_fr: str


@dataclass(frozen=True)
class Kind:
    kind: str
    layout: str | None
    parameters: tuple[str, ...]
    label_fr: str
    columns: dict[str, KindColumn]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]


@dataclass(frozen=True)
class Role:
    role: str
    unit: str
    exact: bool  # a term of a contract or rule, not a rounded measurement
    subject: str  # what a figure's `subject` names: none, row (a printed row label), table (table ids), instalment, benefit
    label_fr: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


@cache
def load_kinds(seeds: Path = SEEDS) -> dict[str, Kind]:
    columns: dict[str, dict[str, KindColumn]] = {}
    for row in _read(seeds / "deliberation_kind_columns.csv"):
        columns.setdefault(row["kind"], {})[row["column_name"]] = KindColumn(
            name=row["column_name"],
            type=row["column_type"],
            unit=row["unit"] or None,
            required=_flag(row["required"]),
            per_year=_flag(row["per_year"]),
            label_fr=row["label_fr"],
        )
    kinds = {}
    for row in _read(seeds / "deliberation_kinds.csv"):
        kinds[row["kind"]] = Kind(
            kind=row["kind"],
            layout=row["layout"] or None,
            parameters=tuple(p for p in row["parameters"].split("|") if p),
            label_fr=row["label_fr"],
            columns=columns.get(row["kind"], {}),
        )
    return kinds


@cache
def load_roles(seeds: Path = SEEDS) -> dict[str, Role]:
    return {
        row["role"]: Role(row["role"], row["unit"], _flag(row["exact"]), row["subject"] or "none", row["label_fr"])
        for row in _read(seeds / "deliberation_figure_roles.csv")
    }

"""The reconciliation rules as Dagster sees them: one blocking check per rule, declared from the
same seeds dbt generates the check models from (dbt/seeds/reconciliation/). Nothing is computed
here: the figures, tolerances and verdict rows are dbt's (dbt/models/checks/)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import dagster as dg

from ..settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "dbt" / "seeds" / "reconciliation"
MART_KEY = dg.AssetKey(["marts", "reconciliation_checks"])


@dataclass(frozen=True)
class Rule:
    suite: str
    kind: str
    name: str
    description: str
    guards: dg.AssetKey  # the asset the suite guards: its checks are attached to it

    @property
    def expectation(self) -> str:
        return f"{self.kind}__{self.name}"

    @property
    def check_name(self) -> str:
        return f"{self.suite}__{self.expectation}"


@dataclass(frozen=True)
class Suite:
    name: str
    document_kind: str | None  # the kind of table whose every table the suite's table rules check
    guards: dg.AssetKey
    description: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_suites(seeds: Path = SEEDS) -> dict[str, Suite]:
    return {
        row["suite"]: Suite(row["suite"], row["document_kind"] or None, dg.AssetKey(row["guards"].split("/")), row["description"])
        for row in _read(seeds / "reconciliation_suites.csv")
    }


@cache
def load_rules(seeds: Path = SEEDS) -> tuple[Rule, ...]:
    suites = load_suites(seeds)
    rules = []
    for row in _read(seeds / "reconciliation_rules.csv"):
        if row["suite"] not in suites:
            raise ValueError(
                f"{seeds / 'reconciliation_rules.csv'}: rule {row['name']!r} names an unknown suite {row['suite']!r}"
            )
        rules.append(
            Rule(row["suite"], row["kind"], row["name"], row["description"] or row["formula_desc"], suites[row["suite"]].guards)
        )
    names = [r.check_name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"reconciliation checks declared twice: {duplicates}")
    return tuple(rules)

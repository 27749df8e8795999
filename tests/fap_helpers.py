"""Helpers for the FAP tests: edit a line of a monthly export, run the FAP assets alone."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import dagster as dg

from dagster_project.sources.fap.assets import MONTHS_TAG, fap_monthly_exports, sad_registry
from dagster_project.sources.fap.contract import COLUMNS, SEPARATOR
from dagster_project.warehouse.lock import RefreshLockResource

CENT = Decimal("0.01")


def fap_file(raw: Path, month: str) -> Path:
    return raw / "fap" / f"fap_{month}.csv"


def read_fields(path: Path, line: int) -> dict[str, str]:
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    return dict(zip(COLUMNS, text.split(SEPARATOR)))


def edit_line(path: Path, line: int, consistent: bool = False, **changes: str) -> dict[str, str]:
    """Replace fields of one line (1-based, header = 1). consistent: recompute amount_eur and
    raise hours_planned so that the line stays valid. Returns the line's previous fields."""
    lines = path.read_text(encoding="utf-8").split("\n")
    before = dict(zip(COLUMNS, lines[line - 1].split(SEPARATOR)))
    fields = {**before, **changes}
    if consistent:
        billed = _number(fields["hours_billed"])
        fields["hours_planned"] = _text(max(billed, _number(fields["hours_planned"])))
        fields["amount_eur"] = _text((billed * _number(fields["hourly_rate_eur"])).quantize(CENT, ROUND_HALF_UP))
    lines[line - 1] = SEPARATOR.join(fields[c] for c in COLUMNS)
    path.write_text("\n".join(lines), encoding="utf-8")
    return before


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def materialize_fap(month: str | None = None, instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """The registry and the monthly exports only (no dbt): one month, or every month with a file."""
    return dg.materialize(
        [sad_registry, fap_monthly_exports],
        tags={MONTHS_TAG: month} if month else None,
        instance=instance,
        resources={"refresh_lock": RefreshLockResource()},
        raise_on_error=False,
    )


def months_loaded(result) -> tuple[list[str], list[str]]:
    """(months loaded, months skipped as unchanged) by a materialization of the exports."""
    event = next(e for e in result.get_asset_materialization_events() if e.asset_key.path[-1] == "fap_lines")
    return event.materialization.metadata["months_loaded"].value, event.materialization.metadata["months_unchanged"].value

"""What-if allocation: the dbt allocation engine run for a new envelope on a scratch copy of the
published warehouse, written as the deliberation's annex in the two forms of every export
(reports/export_format.py): whatif_<year>_<amount>.csv (data: plain numbers, document and line) and
whatif_<year>_<amount>_imprime.csv (French layout, TOTAL row, source line). When it lands beside
the reports, enveloppe.html and index.html are rewritten to link it.

The published file is copied, never opened for writing, and the work database is not touched:
a what-if can run while a refresh runs or analysts read. The annex is read from the marts the
engine rebuilt (marts.envelope_allocations for the rows, marts.envelopes for the TOTAL row):
no join, no sum here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..core.frenchfmt import format_plain
from ..settings import DBT_PROJECT_DIR, get_settings
from ..transform.project import DBT_EXECUTABLE
from ..warehouse.connections import connect
from .export_format import PRINTED_SUFFIX, PROVENANCE, WHATIF_PREFIX, Column, Table, annex_columns, footnote
from .framework import write_atomic

CENT = Decimal("0.01")


class WhatifError(RuntimeError):
    """A what-if that cannot run, with what to do about it."""


@dataclass(frozen=True)
class WhatifRow:
    city: str
    sad_name: str
    hours: Decimal
    share_pct: Decimal
    amount_eur: Decimal
    document_id: str | None
    source_line: int | None


@dataclass(frozen=True)
class WhatifTotals:
    """The envelope's line of marts.envelopes: what the annex's TOTAL row prints."""

    basis_year: int
    hours_total: Decimal
    allocated_eur: Decimal
    cents_adjusted: int


@dataclass(frozen=True)
class WhatifResult:
    path: Path
    year: int
    basis_year: int
    department_code: str
    amount_eur: Decimal
    rows: list[WhatifRow]
    cents_adjusted: int
    allocated_eur: Decimal
    printed_path: Path
    relinked: list[Path]


def parse_amount(text: str) -> Decimal:
    """'912000', '912000.50', '912 000,50 €' -> Decimal; refuses anything but positive euros and cents."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise WhatifError(f"amount {text!r} is not a number of euros (e.g. 912000 or 912000,50)") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise WhatifError(f"amount {text!r}: an envelope is a positive amount in euros with at most 2 decimals")
    return amount


def run_whatif(
    amount: Decimal,
    year: int | None = None,
    out: Path | None = None,
    department_code: str | None = None,
    basis_year: int | None = None,
) -> WhatifResult:
    settings = get_settings()
    department_code = department_code or settings.department_code  # AUTONOMY_DEPARTMENT_CODE
    if not settings.warehouse.exists():
        raise WhatifError(f"no published warehouse at {settings.warehouse}: run `make run` first")
    with tempfile.TemporaryDirectory(prefix="whatif-") as tmp:
        scratch = Path(tmp) / "whatif.duckdb"
        shutil.copyfile(settings.warehouse, scratch)
        year = year or _next_envelope_year(scratch, department_code)
        dbt_vars = {f"envelope_{year}_eur": str(amount), "whatif_department_code": department_code}
        if basis_year is not None:
            dbt_vars["whatif_basis_year"] = basis_year
        _run_dbt(scratch, Path(tmp), dbt_vars)
        rows, totals, source = _read_allocation(scratch, f"whatif_{year}", year, amount)
    if totals.allocated_eur != amount:  # the engine guarantees it; never write an unbalanced annex
        raise WhatifError(f"allocation adds up to {totals.allocated_eur} €, not {amount} €: nothing written")
    path = out or settings.reports_dir / f"{WHATIF_PREFIX}{year}_{amount}.csv"
    printed = write_annex(path, annex_table(rows, totals, year, amount, path.stem, source))
    # a later what-if is linked from the pages of the last refresh, when it lands beside them
    relinked = relink(settings.reports_dir) if path.parent.resolve() == settings.reports_dir.resolve() else []
    return WhatifResult(path, year, totals.basis_year, department_code, amount, rows, totals.cents_adjusted,
                        totals.allocated_eur, printed, relinked)  # fmt: skip


def _next_envelope_year(warehouse: Path, department_code: str) -> int:
    with connect(warehouse, read_only=True) as con:
        (latest,) = con.execute(
            "SELECT max(year) FROM marts.envelopes WHERE envelope_kind = 'published' AND department_code = ?",
            [department_code],
        ).fetchone()
    if latest is None:
        raise WhatifError(f"no published envelope for département {department_code!r}: give --year")
    return latest + 1


def _run_dbt(database: Path, scratch_dir: Path, dbt_vars: dict) -> None:
    """dbt build of the allocation models (and their tests) against the scratch database."""
    command = [
        DBT_EXECUTABLE,
        "build",
        "--select",
        "tag:allocation",
        "--vars",
        json.dumps(dbt_vars),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(scratch_dir / "target"),
        "--log-path",
        str(scratch_dir / "logs"),
    ]
    env = {**os.environ, "AUTONOMY_WORK_DB": str(database)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=DBT_PROJECT_DIR)
    if done.returncode != 0:
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        details = "\n".join(lines[-15:])
        raise WhatifError(f"dbt could not compute the allocation:\n{details}")


def _read_allocation(database: Path, envelope_id: str, year: int, amount: Decimal) -> tuple[list[WhatifRow], WhatifTotals, str]:
    """The SAD rows in the annex's order (source_line: the line of the SAD's hours, carried by the
    mart), the envelope's totals and the source line of the printed annex."""
    with connect(database, read_only=True) as con:
        rows = con.execute(
            "SELECT city, sad_name, hours_basis, share_pct, amount_computed_eur, document_id, source_line "
            "FROM marts.envelope_allocations "
            "WHERE envelope_id = ? ORDER BY source_line, sad_name",
            [envelope_id],
        ).fetchall()
        totals = con.execute(
            "SELECT basis_year, hours_total, allocated_computed_eur, cents_adjusted FROM marts.envelopes WHERE envelope_id = ?",
            [envelope_id],
        ).fetchall()
        if not rows or not totals:
            raise WhatifError(f"no hours to split {envelope_id} on (département or basis year without hours)")
        source = footnote(
            con,
            [(r[5], r[6]) for r in rows],
            f"simulation de l'enveloppe {year} de {format_plain(amount, 2)} € (aucune délibération ne l'a votée), "
            f"répartie au prorata des heures d'APA {totals[0][0]} par SAD",
        )
    return [WhatifRow(r[0] or "", *r[1:]) for r in rows], WhatifTotals(*totals[0]), source


def annex_table(rows: list[WhatifRow], totals: WhatifTotals, year: int, amount: Decimal, base: str, source: str) -> Table:
    """The annex as the deliberation prints it: Ville;SAD;hours;%;€ and a TOTAL row (marts.envelopes);
    the data form adds the document and line of each SAD's hours."""
    basis_year = totals.basis_year
    columns = [
        *annex_columns(basis_year),
        Column(f"Répartition de l'enveloppe {year} (en €)", "eur"),
        *PROVENANCE,
    ]
    return Table(
        "enveloppe",
        base,
        f"la simulation {year} de {format_plain(amount, 2)} €",
        columns,
        [[r.city, r.sad_name, r.hours, r.share_pct, r.amount_eur, r.document_id, r.source_line] for r in rows],
        source,
        total=["", "TOTAL", totals.hours_total, Decimal(100), totals.allocated_eur, None, None],
    )


def write_annex(path: Path, table: Table) -> Path:
    """Both forms beside each other: <path> (data) and <stem>_imprime.csv (as printed)."""
    printed = path.with_name(f"{path.stem}{PRINTED_SUFFIX}.csv")
    write_atomic(printed, table.files[table.printed_name])
    write_atomic(path, table.files[table.data_name])
    return printed


def relink(reports_dir: Path) -> list[Path]:
    """Rewrites enveloppe.html and index.html (when a refresh wrote them) so that they link the
    what-if files now present; read-only on the published warehouse, no PNG redrawn."""
    from . import enveloppe, index
    from .framework import write_report

    settings = get_settings()
    rewritten = []
    with connect(settings.warehouse, read_only=True) as con:
        if (reports_dir / f"{enveloppe.SLUG}.html").exists():
            rewritten.append(write_report(enveloppe.build(con, settings.disclosure_threshold), reports_dir, png=False).html)
        if (reports_dir / f"{index.SLUG}.html").exists():
            rewritten.append(write_report(index.build(con, reports_dir), reports_dir, png=False).html)
    return rewritten

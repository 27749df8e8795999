"""What-if allocation: the dbt allocation engine run for a new envelope on a scratch copy of the
published warehouse, written as the deliberation's annex in the two forms of every export
(reports/export_format.py): whatif_<year>_<amount>.csv (data: plain numbers, document and line) and
whatif_<year>_<amount>_imprime.csv (French layout, TOTAL row, source line). When it lands beside
the reports, enveloppe.html and index.html are rewritten to link it.

The published file is copied, never opened for writing, and the work database is not touched:
a what-if can run while a refresh runs or analysts read. The annex is read from the marts the
engine rebuilt (marts.rpt_enveloppe__allocations for the rows in the annex's order,
marts.envelopes for the TOTAL row): no join, no sum here. The hours it is split on are chosen
in dbt (macro envelope_hours_basis): the latest complete year of FAP exports before the
envelope's year, else the latest annex hours before it. `make annex` (annex.py) runs the same
scratch allocation (scratch_allocation) and writes the deliberation's annex as a document.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

from ..core.frenchfmt import format_month, format_plain
from ..settings import DBT_PROJECT_DIR, get_settings
from ..transform.project import DBT_IN_WORK_DIR
from ..warehouse.connections import connect
from .export_format import PRINTED_SUFFIX, PROVENANCE, WHATIF_PREFIX, Column, Table, annex_columns, footnote
from .framework import write_atomic

CENT = Decimal("0.01")


class WhatifError(RuntimeError):
    """A what-if that cannot run, with what to do about it."""


@dataclass(frozen=True)
class WhatifRow:
    """One SAD of the annex, as marts.rpt_enveloppe__allocations gives it (annex_rank order)."""

    city: str
    sad_name: str
    sad_key: str
    hours: Decimal
    share_pct: Decimal  # 6 decimals (the data form)
    share_rounded_pct: Decimal  # rounded half-up to 2 decimals in dbt (the printed forms)
    amount_eur: Decimal
    document_id: str | None
    source_line: int | None


@dataclass(frozen=True)
class WhatifTotals:
    """The envelope's line of marts.envelopes: what the annex's TOTAL row prints."""

    basis_year: int
    hours_source: str
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
    hours_source: str = "fap_annex"


@dataclass(frozen=True)
class Scratch:
    """The allocation of a new envelope on a scratch copy of the published warehouse: read it
    (marts only) while the context of scratch_allocation is open."""

    con: duckdb.DuckDBPyConnection
    envelope_id: str
    year: int
    department_code: str
    amount_eur: Decimal


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
    with scratch_allocation(amount, year, department_code, basis_year=basis_year) as scratch:
        year, department_code = scratch.year, scratch.department_code
        rows, totals = read_allocation(scratch)
        source = footnote_of(
            scratch.con,
            rows,
            totals,
            f"simulation de l'enveloppe {year} de {format_plain(amount, 2)} € (aucune délibération ne l'a votée), "
            f"répartie au prorata des heures d'APA {totals.basis_year} par SAD",
        )
    path = out or settings.reports_dir / f"{WHATIF_PREFIX}{year}_{amount}.csv"
    printed = write_annex(path, annex_table(rows, totals, year, amount, path.stem, source))
    # a later what-if is linked from the pages of the last refresh, when it lands beside them
    relinked = relink(settings.reports_dir) if path.parent.resolve() == settings.reports_dir.resolve() else []
    return WhatifResult(path, year, totals.basis_year, department_code, amount, rows, totals.cents_adjusted,
                        totals.allocated_eur, printed, relinked, totals.hours_source)  # fmt: skip


@contextmanager
def scratch_allocation(
    amount: Decimal,
    year: int | None = None,
    department_code: str | None = None,
    basis_year: int | None = None,
    hours_source: str | None = None,
) -> Iterator[Scratch]:
    """The dbt allocation models (tag:allocation) rebuilt for `amount` on a scratch copy of the
    published warehouse, open read-only while the context lasts; deleted afterwards. The hours
    are chosen by dbt (macro envelope_hours_basis) unless basis_year or hours_source force them."""
    settings = get_settings()
    department_code = department_code or settings.department_code  # AUTONOMY_DEPARTMENT_CODE
    if not settings.warehouse.exists():
        raise WhatifError(f"no published warehouse at {settings.warehouse}: run `make run` first")
    with tempfile.TemporaryDirectory(prefix="whatif-") as tmp:
        database = Path(tmp) / "whatif.duckdb"
        shutil.copyfile(settings.warehouse, database)
        year = year or _next_envelope_year(database, department_code)
        dbt_vars: dict = {f"envelope_{year}_eur": str(amount), "whatif_department_code": department_code}
        if basis_year is not None:
            dbt_vars["whatif_basis_year"] = basis_year
        if hours_source is not None:
            dbt_vars["whatif_hours_source"] = hours_source
        _run_dbt(database, Path(tmp), dbt_vars)
        with connect(database, read_only=True) as con:
            yield Scratch(con, f"whatif_{year}", year, department_code, amount)


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
        DBT_IN_WORK_DIR,
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


def read_allocation(scratch: Scratch) -> tuple[list[WhatifRow], WhatifTotals]:
    """The SAD rows in the annex's order (annex_rank) and the envelope's totals; refuses an
    envelope that was not built (no hours before its year) or that does not add up."""
    con, envelope_id = scratch.con, scratch.envelope_id
    rows = con.execute(
        "SELECT city, sad_name, sad_key, hours_basis, share_pct, share_rounded_pct, amount_computed_eur, document_id, "
        "source_line FROM marts.rpt_enveloppe__allocations WHERE envelope_id = ? ORDER BY annex_rank",
        [envelope_id],
    ).fetchall()
    totals = con.execute(
        "SELECT basis_year, hours_source, hours_total, allocated_computed_eur, cents_adjusted FROM marts.envelopes "
        "WHERE envelope_id = ?",
        [envelope_id],
    ).fetchall()
    if not rows or not totals:
        raise WhatifError(
            f"no hours to split {envelope_id} on: département {scratch.department_code} has no hours (FAP exports of a "
            f"complete year, or hours printed by an annex) before {scratch.year}"
        )
    result = [WhatifRow(r[0] or "", *r[1:]) for r in rows], WhatifTotals(*totals[0])
    if result[1].allocated_eur != scratch.amount_eur:  # the engine guarantees it; never write an unbalanced annex
        raise WhatifError(f"allocation adds up to {result[1].allocated_eur} €, not {scratch.amount_eur} €: nothing written")
    return result


def fap_files_of(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str, bool]]:
    """(month, file name, synthetic) of the monthly FAP exports of a year (marts.fap_files)."""
    return con.execute("SELECT month, file_name, synthetic FROM marts.fap_files WHERE year = ? ORDER BY month", [year]).fetchall()


def fap_source_text(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """The FAP exports an envelope's hours are summed from: 'exports mensuels de facturation FAP
    fap_2024-01.csv à fap_2024-12.csv (12 fichiers, janvier à décembre 2024 ; …)'."""
    files = fap_files_of(con, year)
    if not files:
        return f"exports mensuels de facturation FAP (aucun fichier de {year} dans marts.fap_files)"
    first, last = format_month(files[0][0]), format_month(files[-1][0])
    if len(files) == 1:
        names, period = files[0][1], first
    else:
        names = f"{files[0][1]} à {files[-1][1]}"
        period = f"{first.split()[0]} à {last}" if first.split()[1] == last.split()[1] else f"{first} à {last}"
    synthetic = " ; données synthétiques de démonstration" if any(f[2] for f in files) else ""
    count = f"{len(files)} fichier{'s' if len(files) > 1 else ''}"
    return f"exports mensuels de facturation FAP {names} ({count}, {period}{synthetic})"


def footnote_of(con: duckdb.DuckDBPyConnection, rows: list[WhatifRow], totals: WhatifTotals, what: str) -> str:
    """'Source : <what> ; <where the hours are read>': the annex lines they are printed on, or the
    FAP exports they are summed from."""
    if totals.hours_source == "fap_exports":
        return f"Source : {what} ; {fap_source_text(con, totals.basis_year)}."
    return footnote(con, [(r.document_id, r.source_line) for r in rows], what)


def annex_table(rows: list[WhatifRow], totals: WhatifTotals, year: int, amount: Decimal, base: str, source: str) -> Table:
    """The annex as the deliberation prints it: Ville;SAD;hours;%;€ and a TOTAL row (marts.envelopes);
    the data form adds the document and line of each SAD's hours."""
    basis_year = totals.basis_year
    columns = [
        *annex_columns(basis_year),
        Column(f"Répartition de l'enveloppe {year} (en €)", "eur"),
        *PROVENANCE,
    ]
    # the share: 6 decimals in the data form, the 2-decimal rounding dbt made in the printed form
    columns.insert(4, Column(columns[3].header, "pct", 2, "%", data=False))
    columns[3] = Column(columns[3].header, "pct", 2, "%", printed=False)
    return Table(
        "enveloppe",
        base,
        f"la simulation {year} de {format_plain(amount, 2)} €",
        columns,
        [
            [r.city, r.sad_name, r.hours, r.share_pct, r.share_rounded_pct, r.amount_eur, r.document_id, r.source_line]
            for r in rows
        ],  # fmt: skip
        source,
        total=["", "TOTAL", totals.hours_total, Decimal(100), Decimal(100), totals.allocated_eur, None, None],
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

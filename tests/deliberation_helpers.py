"""Loading a deliberation the way docs/adding-a-deliberation.md says, in a temporary copy: the text
file, its manifest entry and its catalogue entries written as text (no SQL, no Python), then
`autonomy deliberations check` and `autonomy refresh` run as the data team runs them. Shared by
tests/test_next_deliberation.py and tests/test_annex.py."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from conftest import inherited_environment

PROSE_MARKER = "\n# ---------------------------------------------------------------- figures printed in prose"


def french(value: Decimal, decimals: int = 2) -> str:
    """887490 -> '887 490,00' (thousands separated by a space, decimal comma), as 002 prints."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def add_document(deliberations: Path, document_id: str, text: str, *, title: str, date: str, number: str,
                 department_code: str = "62", collectivity: str = "Département du Pas-de-Calais") -> str:  # fmt: skip
    """Step 1 and 2: the file `<document_id>.txt` and its manifest entry (sha256 of its bytes)."""
    path = deliberations / f"{document_id}.txt"
    path.write_text(text, encoding="utf-8")
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with (deliberations / "manifest.yml").open("a", encoding="utf-8") as manifest:
        manifest.write(
            f"""  - document_id: {document_id}
    file: {document_id}.txt
    sha256: {sha256}
    title: "{title}"
    collectivity: {collectivity}
    department_code: "{department_code}"
    body: Commission permanente du Conseil départemental
    date: {date}
    deliberation_number: "{number}"
"""
        )
    return sha256


def add_catalogue_entries(deliberations: Path, table: str, prose: str) -> None:
    """Step 3: a table entry at the end of the `tables:` list, a prose group at the end of `prose:`."""
    catalogue = (deliberations / "catalogue.yml").read_text(encoding="utf-8")
    assert PROSE_MARKER in catalogue
    catalogue = catalogue.replace(PROSE_MARKER, table + PROSE_MARKER, 1)
    catalogue = catalogue.rstrip("\n") + "\n" + prose
    (deliberations / "catalogue.yml").write_text(catalogue, encoding="utf-8")


def envelope_annex_entry(table_id: str, document_id: str, title: str, header_line: int, rows: int,
                         hours_year: int, envelope_year: int, headers: list[tuple[str, str]]) -> str:  # fmt: skip
    """A catalogue table entry of kind sad_envelope_annex: header line, TOTAL line, column map."""
    columns = "\n".join(f'      - {{header: "{header}", name: {name}}}' for header, name in headers)
    return f"""
  - table_id: {table_id}
    document_id: {document_id}
    kind: sad_envelope_annex
    title: {title}
    header_line: {header_line}
    last_line: {header_line + rows + 1}
    expected_rows: {rows}
    parameters: {{hours_year: {hours_year}, envelope_year: {envelope_year}}}
    columns:
{columns}
"""


def check_and_refresh(
    env_paths: dict[str, str], home: Path | None = None
) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Steps 4 and 5: `autonomy deliberations check`, then `autonomy refresh`, in the copy's paths;
    with the Dagster instance of `home` when given (a deployment: the refresh is a partial one)."""
    env = {**inherited_environment("DAGSTER_HOME"), **env_paths}
    if home is not None:
        env["DAGSTER_HOME"] = str(home)
    autonomy = str(Path(sys.executable).with_name("autonomy"))
    check = subprocess.run([autonomy, "deliberations", "check"], env=env, capture_output=True, text=True, timeout=300)
    refresh = subprocess.run([autonomy, "refresh"], env=env, capture_output=True, text=True, timeout=1200)
    return check, refresh


def assert_published(refresh: subprocess.CompletedProcess) -> None:
    """The refresh published the warehouse and every step after it ran: it exited 0, with no refused
    input and no blocking check."""
    out = refresh.stdout
    assert "FAILED blocking check" not in out, out[-3000:] + refresh.stderr[-3000:]
    assert refresh.returncode == 0, out[-3000:] + refresh.stderr[-3000:]

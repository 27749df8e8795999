"""`make annex`: the SAD envelope annex of the next deliberation, generated from the marts, and the
proof that it says what the marts say.

- The Dagster job `annex` (what `make annex YEAR=2026 AMOUNT=912000` runs) writes the .docx, the
  .txt and, with LibreOffice, the .pdf; the run's metadata names them.
- The .docx read back with python-docx: 36 rows and the TOTAL, the rows add up to the envelope
  exactly, French formats, named styles only, page numbers.
- Round trip: the .txt loaded as a deliberation of kind sad_envelope_annex in a temporary copy
  (manifest and catalogue entries only, as docs/adding-a-deliberation.md says), refreshed: every
  re-extracted figure equals the generated one and the annex's checks pass with no difference at
  all; the same text with one amount moved by 1 cent fails the blocking check, which names the line.
- Bad input writes nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import copy_deployment, plain, shared_tree
from deliberation_helpers import add_catalogue_entries, add_document, assert_published, check_and_refresh, envelope_annex_entry

from dagster_project.reports.annex import AnnexError, run_annex

pytestmark = pytest.mark.e2e

YEAR, AMOUNT, ENVELOPE = 2026, "912000", Decimal("912000.00")
STEM = "annexe_sad_2026_912000"
DOCUMENT_ID = "005_annexe_sad_2026"
CENT = Decimal("0.01")


def _number(text: str) -> Decimal:
    """'4 981,95 €', '23 596 h', '0,55 %' (any spaces) -> Decimal."""
    return Decimal(re.sub(r"[\s\u00a0\u202f€h%]", "", text).replace(",", "."))


def _largest_remainder(rows: list[tuple[str, str, Fraction]], envelope_cents: int) -> list[int]:
    """The rule, independently: half-up to the cent, then the missing cents one by one to the
    largest remainders, ties by SAD name then city."""
    total = sum(h for _, _, h in rows)
    exact = [envelope_cents * h / total for _, _, h in rows]
    rounded = [int(x + Fraction(1, 2)) for x in exact]
    missing = envelope_cents - sum(rounded)
    assert missing >= 0
    order = sorted(range(len(rows)), key=lambda i: (-(exact[i] - rounded[i]), rows[i][1], rows[i][0]))
    for i in order[:missing]:
        rounded[i] += 1
    return rounded


# ------------------------------------------------------------------ the files, through the job


@pytest.fixture(scope="module")
def annex_run(published, tmp_path_factory):
    """The Dagster job `annex` run once for the session (shared_tree: once whatever the workers)
    with the run config the Launchpad takes, on the session's published warehouse; it writes into
    a reports folder of its own."""

    def build(folder: Path):
        from dagster_project.definitions import defs

        reports = folder / "annex_reports"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AUTONOMY_WAREHOUSE", str(published.warehouse))  # read only: the annex works on a scratch copy
            mp.setenv("AUTONOMY_REPORTS_DIR", str(reports))
            result = defs.resolve_job_def("annex").execute_in_process(
                run_config={"ops": {"write_annex": {"config": {"year": YEAR, "amount": AMOUNT}}}},
                instance=dg.DagsterInstance.ephemeral(),
            )
        (output,) = [e for e in result.all_events if e.is_successful_output]
        return reports / "annexes", output.event_specific_data.metadata

    return shared_tree(tmp_path_factory, "annex_run", build)


def _text_rows(folder: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """(lines, the 36 SAD rows, the TOTAL row) of the generated .txt."""
    lines = (folder / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Ville\tSAD\t"))
    total = next(i for i, line in enumerate(lines) if line.startswith("\tTOTAL\t"))
    return lines, [line.split("\t") for line in lines[header + 1 : total]], lines[total].split("\t")


def test_the_job_writes_the_three_files_and_names_them_in_its_metadata(annex_run):
    folder, metadata = annex_run
    for kind in ("docx", "txt"):
        assert metadata[kind].value == str(folder / f"{STEM}.{kind}") and Path(metadata[kind].value).is_file()
    if shutil.which("soffice"):
        assert metadata["pdf"].value == str(folder / f"{STEM}.pdf") and (folder / f"{STEM}.pdf").is_file()
    else:
        assert "apt-get install" in metadata["pdf"].value and not (folder / f"{STEM}.pdf").exists()
    assert metadata["total_eur"].value == "912000.00"
    assert metadata["hours"].value == "APA 2024, FAP exports (36 SAD)"  # 2026 on the latest complete FAP year before it
    written = ("docx", "txt", "pdf") if shutil.which("soffice") else ("docx", "txt")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{STEM}.{k}" for k in written)


def test_the_text_is_the_rule_applied_to_the_fap_hours(annex_run, published_con):
    folder, _ = annex_run
    lines, rows, total = _text_rows(folder)
    assert lines[0] == "DÉPARTEMENT DU PAS-DE-CALAIS"
    assert "Activité APA 2024 facturée via FAP et répartition de l'enveloppe 2026 par SAD" in lines
    assert len(rows) == 36 and all(len(r) == 5 for r in rows)
    # the hours are the 2024 FAP exports' (marts.sad_activity, source fap_exports), SAD as the registry names them
    fap = {
        (city, name): hours
        for city, name, hours in published_con.execute(
            "SELECT city, sad_name, hours_billed FROM marts.sad_activity WHERE hours_source = 'fap_exports' AND year = 2024 "
            "AND department_code = '62'"
        ).fetchall()
    }
    assert {(r[0], r[1]): _number(r[2]) for r in rows} == fap
    cents = _largest_remainder([(r[0], r[1], Fraction(_number(r[2]))) for r in rows], 91200000)
    assert [_number(r[4]) for r in rows] == [Decimal(c) / 100 for c in cents]
    assert sum(_number(r[4]) for r in rows) == ENVELOPE
    assert total == ["", "TOTAL", "4 319 502,00", "100,00%", "912 000,00 €"]
    # the order of the latest published annex (document 002): its first and last rows
    assert rows[0] == ["LONGUEUESSE", "AADCMO", "23 596,00", "0,55%", "4 981,95 €"]
    assert rows[-1] == ["FOUQUIÈRES-LES-BÉTHUNE", "FÉDÉRATION ADMR DU PAS-DE-CALAIS", "1 147 837,00", "26,57%", "242 349,08 €"]
    source = next(line for line in lines if line.startswith("Source : "))
    assert "fap_2024-01.csv à fap_2024-12.csv (12 fichiers, janvier à décembre 2024" in source
    assert re.search(r"l'actualisation [0-9a-f]{8} du \d{1,2}(er)? \w+ \d{4}", source)


def test_the_docx_reads_back_with_its_rows_total_and_french_formats(annex_run):
    from docx import Document

    folder, _ = annex_run
    document = Document(str(folder / f"{STEM}.docx"))
    (table,) = document.tables
    cells = [[plain(c.text) for c in row.cells] for row in table.rows]
    _, text_rows, _ = _text_rows(folder)
    assert cells[0] == [
        "Ville",
        "SAD",
        "Activité APA 2024 (sur 12 mois en heures)",
        "Répartition de l'activité 2024 (en %)",
        "Répartition de l'enveloppe 2026 (en €)",
    ]
    body, total = cells[1:-1], cells[-1]
    assert len(body) == 36 and total == ["", "TOTAL", "4 319 502 h", "100,00 %", "912 000,00 €"]
    assert sum(_number(r[4]) for r in body) == ENVELOPE  # exactly the envelope
    for row, text in zip(body, text_rows, strict=True):  # the same figures as the .txt
        assert row[:2] == text[:2] and [_number(v) for v in row[2:]] == [_number(v) for v in text[2:]]
        assert re.fullmatch(r"\d{1,3}( \d{3})* h", row[2]), row
        assert re.fullmatch(r"\d{1,2},\d{2} %", row[3]), row
        assert re.fullmatch(r"\d{1,3}( \d{3})*,\d{2} €", row[4]), row
    # typography: narrow no-break thousands, no-break space before the unit (never wraps)
    assert table.rows[-1].cells[4].text == "912\u202f000,00\u00a0€"
    texts = [plain(p.text) for p in document.paragraphs]
    assert texts[:2] == ["Département du Pas-de-Calais", "ANNEXE 1"] and any(t.startswith("Source : ") for t in texts)


def test_the_docx_is_styled_by_named_styles_only_with_page_numbers(annex_run):
    from docx import Document
    from docx.oxml.ns import qn

    folder, _ = annex_run
    document = Document(str(folder / f"{STEM}.docx"))
    paragraphs = [*document.paragraphs, *(p for row in document.tables[0].rows for c in row.cells for p in c.paragraphs)]
    footer = document.sections[0].footer
    paragraphs += footer.paragraphs
    assert {p.style.name for p in paragraphs} <= {
        "Annexe – Collectivité", "Annexe – Titre", "Annexe – Sous-titre", "Annexe – Texte", "Annexe – En-tête de colonne",
        "Annexe – Cellule", "Annexe – Cellule nombre", "Annexe – Total", "Annexe – Total nombre", "Annexe – Source",
        "Annexe – Pied de page",
    }  # fmt: skip
    assert document.tables[0].style.name == "Annexe – Tableau"
    for p in paragraphs:  # no direct formatting: a paragraph names its style, a run carries no properties
        ppr = p._p.pPr
        assert ppr is None or [child.tag for child in ppr] == [qn("w:pStyle")], p.text
        assert all(r._r.rPr is None for r in p.runs), p.text
    instructions = [f.get(qn("w:instr")) for f in footer._element.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"] and "page" in footer.paragraphs[0].text


def test_page_one_of_the_pdf_is_not_blank(annex_run, libreoffice, tmp_path):
    folder, _ = annex_run
    pdf = folder / f"{STEM}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.pgm")
    data = page.read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and int(maxval) == 255 and len(pixels) == int(width) * int(height)
    dark = sum(1 for value in pixels if value < 128)
    assert dark > 0.01 * len(pixels), f"page 1 is blank: {dark} dark pixels of {len(pixels)}"
    # and it is A4 portrait with the text of the annex
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    if text:  # pdftotext comes with pdftoppm (poppler-utils)
        assert "ANNEXE 1" in text and "AADCMO" in text


# ------------------------------------------------------------------ bad input


def test_a_bad_amount_or_year_is_refused_before_anything(tmp_path, capsys):
    from dagster_project.cli import main

    for amount in ("0", "-5", "912000,555", "abc", "NaN", "1e6"):
        with pytest.raises(AnnexError):
            run_annex(YEAR, amount, out_dir=tmp_path)
    for year in ("20x6", "1999", "26"):
        with pytest.raises(AnnexError, match="envelope's year"):
            run_annex(year, AMOUNT, out_dir=tmp_path)
    assert main(["annex", "--year", "2026", "--amount", "0,001", "--out-dir", str(tmp_path)]) == 1
    assert "positive amount in euros with at most 2 decimals" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_a_year_before_any_complete_year_of_fap_exports_writes_nothing(published, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(published.warehouse))
    with pytest.raises(
        AnnexError, match=r"no complete year of FAP exports before 2024 .*complete years, 12 months of exports: 2024"
    ):
        run_annex(2024, AMOUNT, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_sad_without_hours_writes_nothing(published, tmp_path, monkeypatch):
    """A SAD in the FAP registry that billed no APA hours in 2024 (added to a copy of the
    published warehouse's registry): the annex would give it nothing without saying so."""
    warehouse = tmp_path / "autonomy.duckdb"
    shutil.copyfile(published.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("INSERT INTO staging.stg_fap__sad_registry VALUES ('62-099', '629900099', '62', 'SAD SANS HEURES', 'ARRAS')")
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(warehouse))
    out = tmp_path / "annexes"
    with pytest.raises(
        AnnexError,
        match=r"1 SAD of the FAP registry .* no APA hours in the 2024 FAP exports: SAD SANS HEURES \(ARRAS, FINESS-629900099\)",
    ):
        run_annex(YEAR, AMOUNT, out_dir=out)
    assert not out.exists()


# ------------------------------------------------------------------ the round trip


def _load_annex(session, root: Path, text: str) -> tuple:
    """The generated .txt loaded as docs/adding-a-deliberation.md says, in a copy of the session's
    deployment (tree and Dagster instance, as `make run` leaves them): file, manifest entry,
    catalogue entries (table of kind sad_envelope_annex, the decision's envelope as a prose figure
    of role envelope_eur); then checked and refreshed (a partial refresh: the new deliberation)."""
    paths, home = copy_deployment(session, root)
    lines = text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Ville\tSAD\t")) + 1
    decision = next(i for i, line in enumerate(lines) if "d'un montant de" in line) + 1
    add_document(
        paths.deliberations,
        DOCUMENT_ID,
        text,
        title="Reversement de la compensation au titre de l'APA - BAD (2026), annexe générée",
        date="2026-12-07",
        number="2026-612",
    )
    table = envelope_annex_entry(
        "sad_envelope_annex_2026",
        DOCUMENT_ID,
        "Annexe 1 – activité APA 2024 facturée via FAP et répartition de l'enveloppe 2026 par SAD",
        header,
        36,
        2024,
        2026,
        list(zip(lines[header - 1].split("\t"), ("city", "sad_name", "hours_billed", "activity_share_pct", "envelope_eur"))),
    )
    prose = f"""- table_id: annex_2026_envelope
  document_id: {DOCUMENT_ID}
  title: Enveloppe 2026 (annexe générée)
  figures:
  - {{figure_id: envelope_2026_eur, line: {decision}, quote: "d'un montant de 912 000,00 €", number: "912 000,00 €", unit: eur, label: Enveloppe 2026, role: envelope_eur}}
"""
    add_catalogue_entries(paths.deliberations, table, prose)
    check, refresh = check_and_refresh(paths.env, home)
    return paths, header, check, refresh


@pytest.fixture(scope="module")
def round_trip(annex_run, _published_session, tmp_path_factory):
    """The generated text loaded and refreshed once for the session (shared_tree: a module fixture
    is made again by each worker, and again when the module's tests are not run in a row)."""
    folder, _ = annex_run
    text = (folder / f"{STEM}.txt").read_text(encoding="utf-8")
    return shared_tree(tmp_path_factory, "annex_round_trip", lambda root: _load_annex(_published_session, root, text))


@pytest.mark.slow
def test_the_generated_text_loads_as_a_deliberation_with_entries_only(round_trip):
    paths, header, check, refresh = round_trip
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        f"table sad_envelope_annex_2026 [sad_envelope_annex] lines {header}-{header + 37}: 36 rows + TOTAL, 5 columns"
        in check.stdout
    )
    assert_published(refresh)
    # added to a deployment, a deliberation is a partial refresh: its loaders and what reads them
    assert (
        "Actualisation partielle" in refresh.stdout
        and "raw/deliberations/documents : fichiers d'entrée modifiés" in refresh.stdout
    )


@pytest.mark.slow
def test_every_re_extracted_figure_equals_the_generated_one_and_every_check_passes_exactly(annex_run, round_trip):
    folder, _ = annex_run
    paths, header, _, refresh = round_trip
    assert_published(refresh)
    _, rows, _ = _text_rows(folder)
    generated = {(r[0], r[1]): (_number(r[2]), _number(r[3]), _number(r[4])) for r in rows}
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        envelope = con.execute(
            "SELECT envelope_kind, envelope_eur, basis_year, hours_source, published_total_eur, hours_total, "
            "allocated_computed_eur, rows_matching_published FROM marts.envelopes WHERE envelope_id = '62_2026'"
        ).fetchall()
        allocations = con.execute(
            "SELECT city, sad_name, hours_basis, amount_published_eur, amount_computed_eur, published_source_line "
            "FROM marts.envelope_allocations WHERE envelope_id = '62_2026'"
        ).fetchall()
        checks = con.execute(
            "SELECT check_id, check_kind, measure, status, published_value, computed_value, delta, source_line "
            "FROM marts.reconciliation_checks WHERE document_id = ? ORDER BY check_id",
            [DOCUMENT_ID],
        ).fetchall()
    assert envelope == [("published", ENVELOPE, 2024, "fap_annex", ENVELOPE, Decimal("4319502.00"), ENVELOPE, 36)]
    # hours and amounts as re-extracted from the text, and our split of them: the generated figures
    assert {(c, s): (h, p) for c, s, h, p, _, _ in allocations} == {k: (v[0], v[2]) for k, v in generated.items()}
    assert all(p == computed for _, _, _, p, computed, _ in allocations)
    # the checks of the kind: 3 TOTAL cells, 36 shares, our split (36 + TOTAL), the FAP hours (36 + TOTAL), the envelope in the text
    kinds: dict[str, list] = {}
    for check in checks:
        kinds.setdefault(check[1], []).append(check)
    assert {k: len(v) for k, v in kinds.items()} == {"total_row": 3, "derived_column": 36, "engine": 74, "cross_document": 1}
    assert [c for c in checks if c[3] != "passed"] == []
    # every TOTAL, amount, hours and envelope check: no difference at all (tolerance 0 holds)
    exact = [
        c for c in checks if c[1] in ("engine", "cross_document") or (c[1] == "total_row" and ".activity_share_pct." not in c[0])
    ]
    assert len(exact) == 74 + 1 + 2 and all(c[6] == 0 and c[4] == c[5] for c in exact), [c for c in exact if c[6] != 0]
    # each printed share is hours / TOTAL × 100 rounded half-up to 2 decimals, computed here
    total_hours = sum(v[0] for v in generated.values())
    by_line = {r[1]: generated[(r[0], r[1])] for r in rows}
    lines = (paths.deliberations / f"{DOCUMENT_ID}.txt").read_text(encoding="utf-8").split("\n")
    for check in kinds["derived_column"]:
        name = lines[check[7] - 1].split("\t")[1]
        hours, share, _ = by_line[name]
        assert check[4] == share == (hours / total_hours * 100).quantize(CENT, ROUND_HALF_UP), check
    (share_total,) = [c for c in kinds["total_row"] if ".activity_share_pct." in c[0]]
    assert share_total[4] == 100 and share_total[3] == "passed"


@pytest.fixture(scope="module")
def one_cent_off(annex_run, _published_session, tmp_path_factory):
    """The same text with one SAD's amount moved by 1 cent (the TOTAL left as generated)."""
    folder, _ = annex_run
    lines = (folder / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("BEAURAINS\tASSOA\t"))
    cells = lines[index].split("\t")
    moved = _number(cells[4]) + CENT
    cells[4] = f"{moved:,.2f}".replace(",", " ").replace(".", ",") + " €"
    lines[index] = "\t".join(cells)
    paths, _, check, refresh = shared_tree(
        tmp_path_factory, "annex_one_cent", lambda root: _load_annex(_published_session, root, "\n".join(lines))
    )
    return paths, index + 1, moved, check, refresh


@pytest.mark.slow
def test_one_amount_moved_by_a_cent_fails_the_blocking_check_naming_its_line(one_cent_off, published):
    paths, line, moved, check, refresh = one_cent_off
    assert check.returncode == 0, check.stdout  # a well-formed deliberation: only the figures disagree
    assert refresh.returncode != 0 and "nothing was published" in refresh.stdout, refresh.stdout[-3000:]
    assert paths.warehouse.read_bytes() == published.warehouse.read_bytes()  # the deployment's, untouched
    blocking = [t for t in refresh.stdout.splitlines() if "FAILED blocking check" in t and "allocation_per_sad" in t]
    assert blocking, refresh.stdout[-3000:]
    assert f"(ligne {line})" in blocking[0] and plain(f"{moved:,.2f}".replace(",", " ").replace(".", ",")) in blocking[0]
    work = paths.warehouse.parent / ".work" / "autonomy_work.duckdb"
    with duckdb.connect(str(work), read_only=True) as con:
        failed = con.execute(
            "SELECT check_id, document_id, source_line, severity, published_value - computed_value FROM marts.reconciliation_checks "
            "WHERE check_kind = 'engine' AND status = 'failed'"
        ).fetchall()
    assert failed == [(f"sad_envelope_annex_2026.engine.allocation_per_sad.l{line:04d}", DOCUMENT_ID, line, "error", CENT)]

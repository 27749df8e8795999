"""Any département: the warehouse of whichever département installs it, built end to end (the FAP
sample as `make run` makes it, then the whole refresh) in copies of raw/ set up for:

- Gironde (33), Corse-du-Sud (2A) and Guadeloupe (971), with a deliberations folder holding no
  file at all: the official-source marts and the comparison report, every deliberation-based
  report saying that no deliberation is loaded, no FAP sample (the registry knows no SAD there);
- Nord (59) with only its own deliberation (004) in the manifest: its annexes and checks, no
  Pas-de-Calais focus anywhere.

The expected figures are read from the raw files and the COG independently of the marts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import DOC_004, OPENDATA, RAW

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

AUTONOMY = str(Path(sys.executable).with_name("autonomy"))
# the deliberation-based reports (comparaisons.html is the official sources' report)
DELIBERATION_REPORTS = ("indicateurs", "activite_sad", "enveloppe", "compensations", "reconciliation")
DEPLOYMENTS = {"33": "published_gironde", "2A": "published_corse_du_sud", "971": "published_guadeloupe"}


def _opened(request, fixture: str):
    """(Paths, RefreshSummary, read-only connection) of a session tree (tests/conftest.py)."""
    paths, summary = request.getfixturevalue(fixture)
    assert summary.published, summary.render()
    assert not summary.failed_steps, summary.render()
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    request.addfinalizer(con.close)
    return paths, summary, con


def _lists_every_department(name: str) -> bool:
    """The official comparisons list every département on their maps' tables, by design: comparaisons
    (html and CSV) and etablissements.html (its CSV files are the home département's)."""
    return name.startswith("comparaisons") or name == "etablissements.html"


def _cog_name(code: str) -> str:
    """The département's name as INSEE prints it (the population file the COG marts name it from)."""
    import fastexcel

    reader = fastexcel.read_excel(OPENDATA / "insee" / "estim-pop-dep-sexe-gca-1975-2023.xls")
    frame = reader.load_sheet(reader.sheet_names[1], header_row=None).to_polars()
    for row in frame.iter_rows():
        if row[0] is not None and str(row[0]).strip() == code:
            return str(row[1]).strip()
    raise LookupError(code)


def _report_texts(paths) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths.reports.glob("*.html")}
    texts.update({p.name: p.read_text(encoding="utf-8-sig") for p in paths.reports.glob("*.csv")})
    return texts


@pytest.mark.parametrize("code", sorted(DEPLOYMENTS))
def test_a_departement_with_no_deliberation_publishes_the_official_sources(request, code):
    paths, summary, con = _opened(request, DEPLOYMENTS[code])
    # no deliberation: the deliberation marts are empty, the official ones full
    assert con.execute("SELECT count(*) FROM raw.documents").fetchall() == [(0,)]
    for mart in ("indicator_values", "envelopes", "sad_activity", "sad_compensations", "budget_lines", "payment_schedules"):
        assert con.execute(f"SELECT count(*) FROM marts.{mart}").fetchall() == [(0,)], mart
    kinds = dict(con.execute("SELECT source_kind, count(*) FROM marts.reconciliation_checks GROUP BY 1").fetchall())
    assert "deliberation" not in kinds and kinds["official_publication"] > 100_000
    assert con.execute("SELECT count(*) FROM marts.official_rates WHERE territory_code = ?", [code]).fetchall()[0][0] > 0
    # the reports are about the département, named from the COG
    (focus,) = con.execute("SELECT territory_code, territory_name FROM marts.rpt_reports__territories WHERE is_focus").fetchall()
    assert focus == (code, _cog_name(code))
    # the registry knows no SAD of this département: no synthetic FAP sample, empty FAP marts
    assert list((paths.raw / "fap").glob("fap_*.csv")) == []
    assert con.execute("SELECT count(*) FROM marts.fap_files").fetchall() == [(0,)]
    # the run summary is the département's
    assert "aucune délibération chargée" in summary.render()
    texts = _report_texts(paths)
    for slug in DELIBERATION_REPORTS:
        assert "Aucune délibération chargée" in texts[f"{slug}.html"], slug
    # no Pas-de-Calais figure: nothing but the official comparisons (every département on their maps) name it
    named = sorted(name for name, text in texts.items() if "Pas-de-Calais" in text and not _lists_every_department(name))
    assert named == []
    assert focus[1] in texts["comparaisons.html"] and focus[1] in texts["index.html"]


def test_make_run_generates_no_fap_sample_for_a_departement_the_registry_does_not_know(tmp_path):
    """`make run`'s first step (autonomy fap generate --if-no-exports) for Gironde: nothing written, said why."""
    fap = tmp_path / "raw" / "fap"
    shutil.copytree(RAW / "fap", fap, ignore=shutil.ignore_patterns("fap_*.csv", "fap_*.csv.gz", "synthetic_sample.sha256"))
    env = {**os.environ, "AUTONOMY_RAW_DIR": str(tmp_path / "raw"), "AUTONOMY_DEPARTMENT_CODE": "33"}
    done = subprocess.run([AUTONOMY, "fap", "generate", "--if-no-exports", "--quiet"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "no synthetic FAP sample" in done.stdout and "département 33" in done.stdout
    assert list(fap.glob("fap_*.csv")) == []
    # for the département the registry knows, the twelve months of the sample
    env["AUTONOMY_DEPARTMENT_CODE"] = "62"
    done = subprocess.run([AUTONOMY, "fap", "generate", "--if-no-exports", "--quiet"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and len(list(fap.glob("fap_2024-*.csv"))) == 12, done.stdout + done.stderr


def test_corsica_is_said_to_be_printed_whole_in_some_years(request):
    paths, _, _ = _opened(request, "published_corse_du_sud")
    page = (paths.reports / "comparaisons.html").read_text(encoding="utf-8")
    assert "Corse-du-Sud" in page and "(20)" in page  # DREES prints Corsica whole as 20 in some years: said on the page


def test_guadeloupe_is_said_to_have_no_outline_on_the_metropolitan_map(request):
    paths, _, _ = _opened(request, "published_guadeloupe")
    page = (paths.reports / "comparaisons.html").read_text(encoding="utf-8")
    assert "Guadeloupe" in page and "pas de contour" in page


def test_the_home_departement_is_ringed_on_the_map_with_french_agreement(request):
    for fixture, ringed in (("published_gironde", "(Gironde entourée)"), ("published_nord", "(Nord entouré)")):
        paths, _, _ = _opened(request, fixture)
        assert ringed in (paths.reports / "comparaisons.html").read_text(encoding="utf-8")


def test_nord_alone_loads_its_own_deliberation_and_checks(request):
    paths, _, con = _opened(request, "published_nord")
    assert con.execute("SELECT document_id, department_code FROM raw.documents").fetchall() == [(DOC_004, "59")]
    # the catalogue's entries of the other documents are ignored: only 004's tables
    tables = {r[0] for r in con.execute("SELECT DISTINCT table_id FROM raw.catalogue_entries").fetchall()}
    catalogue = yaml.safe_load((paths.deliberations / "catalogue.yml").read_text(encoding="utf-8"))
    expected = {e["table_id"] for e in catalogue["tables"] + catalogue["prose"] if e["document_id"] == DOC_004}
    assert tables == expected and len(expected) == 11
    # Nord's annexes: 53 + 33 + 58 SAD (one measure each) + 9 renewed CPOM (three measures)
    assert con.execute("SELECT count(*) FROM marts.sad_compensations").fetchall() == [(53 + 33 + 58 + 3 * 9,)]
    checks = dict(
        con.execute(
            "SELECT status, count(*) FROM marts.reconciliation_checks WHERE source_kind = 'deliberation' GROUP BY 1"
        ).fetchall()
    )
    # the 218 checks of document 004 in the full build (its bonus rates both ways), all passed
    assert checks == {"passed": 218}
    assert con.execute(
        "SELECT DISTINCT document_id FROM marts.reconciliation_checks WHERE source_kind = 'deliberation'"
    ).fetchall() == [(DOC_004,)]
    assert con.execute("SELECT department_code FROM marts.compensation_hourly_comparison").fetchall() == [("59",)]
    (focus,) = con.execute("SELECT territory_code FROM marts.rpt_reports__territories WHERE is_focus").fetchall()
    assert focus == ("59",)
    texts = _report_texts(paths)
    assert "Nord" in texts["compensations.html"] and "Aucune délibération chargée" not in texts["compensations.html"]
    # no Pas-de-Calais focus anywhere: it is named only as a neighbour in the comparison
    named = sorted(name for name, text in texts.items() if "Pas-de-Calais" in text and not _lists_every_department(name))
    assert named == []
    assert "du Nord" in texts["comparaisons.html"]

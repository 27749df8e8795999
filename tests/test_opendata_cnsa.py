"""CNSA's EHPAD prices, the barometer's MDPH processing times and DREES's annual 2020 file (issue
21): figures of the published marts and checks against the files themselves.

Expected values are read here from the files with the csv module and fastexcel, independently of
the loader (dagster_project/sources/opendata/tables.py, extract.py) and of the dbt models."""

from __future__ import annotations

import csv
import io
import shutil
import statistics
from decimal import Decimal

import fastexcel
import pytest
from conftest import OPENDATA, PROJECT, link_opendata

from dagster_project.core.errors import InputError
from dagster_project.settings import get_settings

pytestmark = pytest.mark.e2e

CNSA = {year: OPENDATA / "cnsa" / f"cnsa-export-prix-ehpad-{year}-brute.csv" for year in (2018, 2019)}
MDPH = {"mdph_requests_excluding_aah": OPENDATA / "mdph" / "ind-296.csv", "aah_requests": OPENDATA / "mdph" / "ind-297.csv"}
ANNUAL = OPENDATA / "drees" / "Les bénéficiaires de l'aide sociale départementale en 2020.xlsx"
SERIES = OPENDATA / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2020).xlsx"
MANIFEST = PROJECT / "raw" / "opendata" / "manifest.yml"


def _cnsa(year: int) -> list[dict]:
    """The export as CNSA prints it (Windows-1252, `;`, quoted values, `\\N`), each record with its line."""
    text = CNSA[year].read_bytes().decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    return [{**row, "line": reader.line_num} for row in reader]


def _euros(text: str) -> Decimal | None:
    return None if text in ("\\N", "") else Decimal(text.replace(",", "."))


def _department(finess: str) -> str:
    return "97" + finess[3] if finess.startswith("970") else finess[:2]


def _median(values) -> Decimal:
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.0001"))


@pytest.fixture(scope="module")
def home() -> str:
    return get_settings().department_code


# ---------------------------------------------------------------- marts.ehpad_prices and its summary
def test_every_record_of_both_editions_is_one_row_with_its_line(published_con):
    for year in CNSA:
        rows = _cnsa(year)
        got = dict(published_con.execute(
            "SELECT finess, source_line FROM marts.ehpad_prices WHERE edition_year = ?", [year]).fetchall())  # fmt: skip
        assert got == {r["finessEt"]: r["line"] for r in rows}
    # an overseas number is mapped, not cut: 9701xxxxx is Guadeloupe (971), not '97'
    overseas = next(r for r in _cnsa(2019) if r["finessEt"].startswith("9701"))
    assert published_con.execute(
        "SELECT department_code, price_permanent_single_eur, tariff_gir_1_2, source_file FROM marts.ehpad_prices "
        "WHERE finess = ? AND edition_year = 2019",
        [overseas["finessEt"]],
    ).fetchone() == ("971", _euros(overseas["prixHebPermCs"]), _euros(overseas["TARIF_GIR_12"]),
                     "cnsa/cnsa-export-prix-ehpad-2019-brute.csv")  # fmt: skip
    corsica = next(r for r in _cnsa(2019) if r["finessEt"].startswith("2A"))
    assert published_con.execute(
        "SELECT department_code FROM marts.ehpad_prices WHERE finess = ? AND edition_year = 2019", [corsica["finessEt"]]
    ).fetchone() == ("2A",)


def test_the_home_department_count_median_and_rank_in_2019(published_con, home):
    rows = _cnsa(2019)
    mine = [r for r in rows if _department(r["finessEt"]) == home]
    price = [v for r in mine if (v := _euros(r["prixHebPermCs"])) is not None]
    gir = [_euros(r["TARIF_GIR_12"]) for r in mine]
    got = {
        m: (listed, median, rank)
        for m, listed, median, rank in published_con.execute(
            "SELECT measure_code, establishments_listed, median_eur, rank_france FROM marts.ehpad_price_summary "
            "WHERE territory_code = ? AND edition_year = 2019",
            [home],
        ).fetchall()
    }
    medians = {}  # every département's median permanent single-room price, ranked here
    for r in rows:
        if (v := _euros(r["prixHebPermCs"])) is not None:
            medians.setdefault(_department(r["finessEt"]), []).append(v)
    ranked = sorted((statistics.median(v) for v in medians.values()), reverse=True)
    rank = ranked.index(statistics.median(price)) + 1
    assert got["price_permanent_single"] == (len(mine), _median(price), rank)
    assert got["tariff_gir_1_2"][:2] == (len(mine), _median(gir))
    assert len(mine) > 0


def test_france_deciles_are_linear_interpolation(published_con):
    values = [v for r in _cnsa(2019) if (v := _euros(r["TARIF_GIR_56"])) is not None]
    deciles = statistics.quantiles(values, n=10, method="inclusive")  # R type 7, DuckDB quantile_cont
    got = published_con.execute(
        "SELECT establishments_listed, first_decile_eur, median_eur, ninth_decile_eur FROM marts.ehpad_price_summary "
        "WHERE territory_code = 'FR' AND edition_year = 2019 AND measure_code = 'tariff_gir_5_6'"
    ).fetchone()
    q = Decimal("0.0001")
    assert got == (len(values), Decimal(str(deciles[0])).quantize(q), _median(values), Decimal(str(deciles[8])).quantize(q))


# ---------------------------------------------------------------- marts.mdph_processing_times
def _barometre(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [{**row, "line": reader.line_num} for row in reader]


def test_the_home_department_last_mdph_times_against_the_target(published_con, home):
    for indicator, path in MDPH.items():
        rows = _barometre(path)
        zone = [r for r in rows if r["enforce_zone_id"] == f"D{home}"]
        measured = [r for r in zone if r["indic_va"]]
        last = max(measured, key=lambda r: r["metric_enforce_date"])
        target = next(r for r in zone if r["indic_vc"])
        same_day = [Decimal(r["indic_va"]) for r in rows if r["maille"] == "DEPT" and r["metric_enforce_date"] ==
                    last["metric_enforce_date"] and r["indic_va"]]  # fmt: skip
        rank = 1 + sum(v < Decimal(last["indic_va"]) for v in same_day)  # 1 = the shortest (tendance: baisse)
        got = published_con.execute(
            "SELECT measured_on, months, target_date, target_months, gap_to_target_months, rank_france, source_line, "
            "target_source_line FROM marts.mdph_processing_times WHERE indicator_code = ? AND territory_code = ? AND is_latest",
            [indicator, home],
        ).fetchone()
        assert [str(got[0]), got[1], str(got[2]), got[3], got[4], got[5], got[6], got[7]] == [
            last["metric_enforce_date"], Decimal(last["indic_va"]), target["metric_enforce_date"], Decimal(target["indic_vc"]),
            Decimal(last["indic_va"]) - Decimal(target["indic_vc"]), rank, last["line"], target["line"],
        ]  # fmt: skip
    # territories are COG codes: FRANCE -> FR, D2A -> 2A, D971 -> 971; the régions print no figure
    codes = {r[0] for r in published_con.execute("SELECT DISTINCT territory_code FROM marts.mdph_processing_times").fetchall()}
    assert {"FR", "2A", "971"} <= codes and not [c for c in codes if c.startswith(("D", "R")) or c == "FRANCE"]


# ---------------------------------------------------------------- checks
def test_drees_annual_2020_agrees_with_the_long_series_cell_for_cell(published_con):
    """Tab4-pa of the annual file prints ASH in EHPAD (column D) for the home département; the
    long series 1996-2020 print it for 2020 in Tab10a-pa: same figure, and the check says so."""
    home = get_settings().department_code
    annual = [list(r) for r in fastexcel.read_excel(str(ANNUAL)).load_sheet("Tab4-pa", header_row=None).to_polars().iter_rows()]
    row = next(i for i, r in enumerate(annual) if str(r[1]).strip() == home)
    series = [list(r) for r in fastexcel.read_excel(str(SERIES)).load_sheet("Tab10a-pa", header_row=None).to_polars().iter_rows()]
    header = next(i for i, r in enumerate(series) if r[0] == "Code région")
    column = next(j for j, v in enumerate(series[header]) if str(v).startswith("2020"))
    printed = next(r[column] for r in series[header + 1 :] if str(r[1]).strip() == home)
    assert Decimal(str(annual[row][3])) == Decimal(str(printed))
    got = published_con.execute(
        "SELECT published_value, computed_value, status, severity FROM marts.reconciliation_checks WHERE check_id = ?",
        [f"drees_aid_beneficiaries_annual.cross_publication.same_year.2020.Tab4-pa!D{row + 1}"],
    ).fetchone()
    assert got == (Decimal(str(annual[row][3])), Decimal(str(printed)), "passed", "error")
    counts = published_con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status <> 'passed'), min(severity), max(severity) "
        "FROM marts.reconciliation_checks WHERE check_kind = 'cross_publication'"
    ).fetchone()
    assert counts[0] > 4000 and counts[1:] == (0, "error", "error")


def test_every_establishment_breaking_the_gir_order_is_a_warning_naming_finess_edition_and_line(published_con):
    expected = set()
    for year in CNSA:
        for r in _cnsa(year):
            g12, g34, g56 = (_euros(r[c]) for c in ("TARIF_GIR_12", "TARIF_GIR_34", "TARIF_GIR_56"))
            if not (g12 >= g34 >= g56 > 0):
                expected.add((f"cnsa_ehpad_prices.legal_ordering.gir_tariffs.{year}.{r['finessEt']}", r["line"]))
    rows = published_con.execute(
        "SELECT check_id, source_line, severity, explanation FROM marts.reconciliation_checks "
        "WHERE check_kind = 'legal_ordering' AND status = 'failed'"
    ).fetchall()
    assert {(r[0], r[1]) for r in rows} == expected and expected
    for check_id, line, severity, explanation in rows:
        year, finess = check_id.split(".")[-2:]
        assert severity == "warning" and f"FINESS {finess}, édition {year}" in explanation and f"ligne {line}" in explanation
    [(evaluated,)] = published_con.execute(
        "SELECT count(*) FROM marts.reconciliation_checks WHERE check_kind = 'legal_ordering'").fetchall()  # fmt: skip
    assert evaluated == sum(len(_cnsa(y)) for y in CNSA)  # one per establishment and edition


def test_implausible_prices_are_warnings_and_stay_in_the_mart(published_con):
    ranges = {}
    with (PROJECT / "dbt" / "seeds" / "opendata" / "ehpad_plausible_ranges.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            ranges[r["value_code"]] = (Decimal(r["plausible_low_eur"]), Decimal(r["plausible_high_eur"]))
    columns = {c: "accommodation" for c in ("prixHebPermCs", "prixHebPermCd", "prixHebPermCsa", "prixHebPermCda",
                                            "prixHebTempCs", "prixHebTempCd", "prixHebTempCsa", "prixHebTempCda")}  # fmt: skip
    columns.update({"TARIF_GIR_12": "tariff_gir_1_2", "TARIF_GIR_34": "tariff_gir_3_4", "TARIF_GIR_56": "tariff_gir_5_6"})
    outside = {}
    for year in CNSA:
        for r in _cnsa(year):
            for column, code in columns.items():
                value = _euros(r[column])
                if value is not None and not ranges[code][0] <= value <= ranges[code][1]:
                    outside.setdefault((year, r["finessEt"]), []).append(value)
    failed = {
        tuple(check_id.split(".")[-2:]): explanation
        for check_id, explanation in published_con.execute(
            "SELECT check_id, explanation FROM marts.reconciliation_checks WHERE check_kind = 'plausible_range' "
            "AND status = 'failed' AND severity = 'warning'"
        ).fetchall()
    }
    assert set(failed) == {(str(y), f) for y, f in outside} and len(outside) >= 40
    (year, finess), values = next(iter(outside.items()))
    from dagster_project.core.frenchfmt import format_plain

    assert all(f"{format_plain(v, 2)} €" in failed[(str(year), finess)] for v in values)  # every value outside, named
    # never dropped: the establishment and its values are in the mart
    assert published_con.execute(
        "SELECT count(*) FROM marts.ehpad_prices WHERE finess = ? AND edition_year = ?", [finess, year]
    ).fetchone() == (1,)


def test_the_deliberation_ehpad_count_is_compared_with_cnsa(published_con):
    """Document 001 line 326 prints '132 EHPAD' for the département it is about (catalogue,
    indicator ehpad_count); CNSA's 2019 export lists fewer: a cross_source warning that says why."""
    figure = published_con.execute(
        "SELECT territory_code, value FROM marts.indicator_values WHERE indicator_code = 'ehpad_count'"
    ).fetchone()
    if figure is None or figure[0] != get_settings().department_code:
        pytest.skip("the reports' département prints no ehpad_count")
    listed = sum(1 for r in _cnsa(2019) if _department(r["finessEt"]) == figure[0])
    got = published_con.execute(
        "SELECT published_value, computed_value, status, severity, check_kind, source_line, explanation "
        "FROM marts.reconciliation_checks WHERE check_id LIKE 'autonomy_plan_figures.cross_source.official_ehpad_count.%'"
    ).fetchone()
    assert got[:6] == (figure[1], listed, "failed", "warning", "cross_source", 326)
    assert "édition 2019" in got[6] and "n'a pas déclaré ses prix n'y figure pas" in got[6] and "autre année" in got[6]


# ---------------------------------------------------------------- new editions, at the loader
def test_a_new_cnsa_edition_in_utf8_with_empty_fields_loads_with_unchanged_code(tmp_path):
    """A 2020 edition as CNSA has also published them: UTF-8, empty fields instead of \\N."""
    from dagster_project.sources.opendata.load import read_opendata

    folder = link_opendata(tmp_path / "opendata")
    text = CNSA[2019].read_bytes().decode("cp1252").replace(";\\N", ";")
    (folder / "cnsa" / "cnsa-export-prix-ehpad-2020-brute.csv").write_bytes(text.encode("utf-8"))
    load = read_opendata(MANIFEST, folder)
    assert [(f.publication.publication_id, f.edition) for f in load.new_editions] == [("cnsa_ehpad_prices", "2020")]
    frame = load.tables["cnsa_ehpad_prices"]
    old = frame.filter(frame["edition"] == "2019").drop("edition", "source_file", "sha256", "encoding")
    new = frame.filter(frame["edition"] == "2020").drop("edition", "source_file", "sha256", "encoding")
    assert new.equals(old)  # the same values, the same lines, the same NULLs
    assert set(frame.filter(frame["edition"] == "2020")["encoding"]) == {"utf-8"}
    assert "€" in "".join(new["autres_prix_ou_prestations"].drop_nulls().to_list())  # Windows-1252's euro, read right


def test_a_new_edition_in_another_encoding_is_refused_with_its_line_column_and_bytes(tmp_path):
    from dagster_project.sources.opendata.load import read_opendata

    folder = link_opendata(tmp_path / "opendata")
    data = bytearray(CNSA[2019].read_bytes())
    line3 = data.index(b"\n", data.index(b"\n") + 1) + 1  # start of line 3
    at = data.index(b'"68,13"', line3) + 1
    data[at : at + 1] = b"\x81"  # undefined in Windows-1252, and not UTF-8
    shutil.copy(CNSA[2019], tmp_path / "unused")
    (folder / "cnsa" / "cnsa-export-prix-ehpad-2020-brute.csv").write_bytes(bytes(data))
    with pytest.raises(InputError) as refused:
        read_opendata(MANIFEST, folder)
    assert (refused.value.line, refused.value.column, refused.value.value) == (3, "prixHebPermCs", "b'\\x81'")
    assert "cnsa-export-prix-ehpad-2020-brute.csv: byte 81 is neither UTF-8 nor Windows-1252" in str(refused.value)


def test_a_record_with_a_field_too_many_is_refused_with_its_line(tmp_path):
    from dagster_project.sources.opendata.load import read_opendata

    folder = link_opendata(tmp_path / "opendata")
    lines = CNSA[2019].read_bytes().decode("cp1252").split("\n")
    lines[4] = lines[4].replace(";", ";;", 1)  # line 5: one more field than the header
    (folder / "cnsa" / "cnsa-export-prix-ehpad-2020-brute.csv").write_bytes("\n".join(lines).encode("cp1252"))
    with pytest.raises(InputError, match="does not have the header's 40 fields") as refused:
        read_opendata(MANIFEST, folder)
    assert refused.value.line == 5

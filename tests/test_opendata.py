"""Official open data (issue 13): figures in the published marts against the files themselves.

Expected values are read here from the spreadsheets with a few lines of fastexcel, independently
of the loader (dagster_project/sources/opendata/extract.py) and of the dbt models."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal

import fastexcel
import pytest
from conftest import OPENDATA, PROJECT, link_opendata

from dagster_project.core.errors import InputError

pytestmark = pytest.mark.e2e

POP_5Y = OPENDATA / "insee" / "estim-pop-dep-sexe-aq-1975-2020.xls"
POP_BROAD = OPENDATA / "insee" / "estim-pop-dep-sexe-gca-1975-2023.xls"
DREES_2020 = OPENDATA / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2020).xlsx"
DREES_2019 = OPENDATA / "drees" / "Les bénéficiaires de laide sociale départementale - séries longues (1996-2019).xlsx"


def _rows(path, sheet) -> list[list]:
    frame = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, skip_rows=0).to_polars()
    return [list(r) for r in frame.iter_rows()]


def _num(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1)) if isinstance(value, float) else Decimal(str(value).strip())


def _drees_column(rows, year: int) -> tuple[int, int]:
    """(header row index, column index) of a year in a DREES table's first block."""
    header = next(i for i, r in enumerate(rows) if r[0] == "Code région")
    column = next(j for j, v in enumerate(rows[header]) if v is not None and str(v).startswith(str(year)))
    return header, column


def _drees_department_values(rows, year: int) -> dict[str, tuple[str, Decimal]]:
    """code -> (région code, value) of the département block, for one year."""
    header, column = _drees_column(rows, year)
    values = {}
    for r in rows[header + 1 :]:
        if r[0] is None or str(r[0]).upper().startswith("TOTAL"):
            break
        if r[column] not in (None, "-", ""):
            values[str(r[1]).strip()] = (str(r[0]).strip(), _num(r[column]))
    return values


def _insee_row(path, sheet: str, code: str, rows: list[list] | None = None) -> tuple[int, list]:
    rows = rows if rows is not None else _rows(path, sheet)
    index = next(i for i, r in enumerate(rows) if str(r[0]).strip() == code)
    return index, rows[index]


def test_population_of_pas_de_calais_with_its_cell(published_con):
    """INSEE .xls (five-year bands), sheet 2020: the Total column of Ensemble for 62."""
    rows = _rows(POP_5Y, "2020")
    ages = next(i for i, r in enumerate(rows) if r[0] == "Départements") + 1
    total_col = rows[ages].index("Total")  # the first Total: Ensemble
    index, row = _insee_row(POP_5Y, "2020", "62")
    expected = int(_num(row[total_col]))
    got = published_con.execute(
        "SELECT population, source_cell, is_latest_edition FROM marts.population WHERE publication_id = 'insee_population_5y' "
        "AND territory_code = '62' AND reference_date = DATE '2020-01-01' AND sex = 'all' AND age_min = 0 AND age_max IS NULL"
    ).fetchall()
    from dagster_project.sources.opendata.extract import column_letter

    assert got == [(expected, f"2020!{column_letter(total_col)}{index + 1}", True)]
    assert 1_400_000 < expected < 1_500_000  # Pas-de-Calais: about 1.46 million


def test_apa_rate_per_1000_aged_60_plus(published_con):
    """APA at 31/12/2019 (DREES 2020 edition, Tab4-pa) over the population aged 60+ at 1/1/2020
    (INSEE .xls broad groups, latest edition: 60-74 + 75+)."""
    apa = _drees_department_values(_rows(DREES_2020, "Tab4-pa"), 2019)["62"][1]
    rows = _rows(POP_BROAD, "2020")
    ages = next(i for i, r in enumerate(rows) if r[0] == "Départements") + 1
    cols = [j for j, v in enumerate(rows[ages]) if v in ("60 à 74 ans", "75 ans et plus")][:2]  # Ensemble
    _, row = _insee_row(POP_BROAD, "2020", "62")
    population = sum(_num(row[c]) for c in cols)
    expected = (apa * 1000 / population).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    got = published_con.execute(
        "SELECT numerator, denominator, rate_per_1000, population_reference_date FROM marts.official_rates "
        "WHERE indicator_code = 'apa_per_1000_60plus' AND territory_code = '62' AND year = 2019"
    ).fetchone()
    assert got[:3] == (apa, population, expected)
    assert str(got[3]) == "2020-01-01"


def test_regional_rate_is_weighted_not_a_mean(published_con):
    """Hauts-de-France (R32), APA per 1000 aged 60+, 2019: sum of its départements' APA over the
    sum of their population aged 60+."""
    apa = {
        code: value
        for code, (region, value) in _drees_department_values(_rows(DREES_2020, "Tab4-pa"), 2019).items()
        if region == "32"
    }
    assert sorted(apa) == ["02", "59", "60", "62", "80"]
    rows = _rows(POP_BROAD, "2020")
    ages = next(i for i, r in enumerate(rows) if r[0] == "Départements") + 1
    cols = [j for j, v in enumerate(rows[ages]) if v in ("60 à 74 ans", "75 ans et plus")][:2]
    population = {str(r[0]).strip(): sum(_num(r[c]) for c in cols) for r in rows if str(r[0]).strip() in apa}
    expected = (sum(apa.values()) * 1000 / sum(population.values())).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    mean_of_rates = sum(apa[c] * 1000 / population[c] for c in apa) / len(apa)
    got = published_con.execute(
        "SELECT rate_per_1000, territory_level FROM marts.official_rates "
        "WHERE indicator_code = 'apa_per_1000_60plus' AND territory_code = 'R32' AND year = 2019"
    ).fetchone()
    assert got == (expected, "region")
    assert abs(Decimal(got[0]) - mean_of_rates) > Decimal("0.01")  # the test can tell the two apart


def test_every_metropolitan_department_has_an_apa_rate_each_year(published_con):
    """Each year, every metropolitan département has its rate, or (Corsica in the years DREES
    prints it only whole) the whole it belongs to has one."""
    missing = published_con.execute(
        """
        SELECT t.territory_code, y.year
        FROM marts.territories t, (SELECT DISTINCT year FROM marts.official_rates WHERE indicator_code = 'apa_per_1000_60plus') y
        WHERE t.territory_level = 'department' AND t.is_metropolitan
          AND NOT EXISTS (SELECT 1 FROM marts.official_rates r WHERE r.indicator_code = 'apa_per_1000_60plus'
                          AND r.territory_code IN (t.territory_code, t.whole_code) AND r.year = y.year)
        """
    ).fetchall()
    assert missing == []
    assert published_con.execute(
        "SELECT min(year), max(year), count(DISTINCT territory_code) FILTER (WHERE territory_level = 'department') "
        "FROM marts.official_rates WHERE indicator_code = 'apa_per_1000_60plus'"
    ).fetchone() == (2002, 2020, 100)  # 96 metropolitan + 4 DROM (no Mayotte in the DREES tables)


def test_one_revision_between_two_drees_editions(published_con):
    """A figure DREES revised between the 1996-2019 and 1996-2020 editions (Tab4-pa, APA)."""
    old = _drees_department_values(_rows(DREES_2019, "Tab4-pa"), 2019)
    new = _drees_department_values(_rows(DREES_2020, "Tab4-pa"), 2019)
    revised = sorted(code for code in old.keys() & new.keys() if old[code][1] != new[code][1])
    assert revised, "the two editions differ somewhere in 2019"
    code = revised[0]
    got = published_con.execute(
        "SELECT earlier_edition, earlier_value, later_edition, later_value, delta FROM marts.revisions "
        "WHERE publication = 'drees_aid_beneficiaries' AND measure = 'apa' AND territory_code = ? AND year = 2019",
        [code],
    ).fetchone()
    assert got == ("1996-2019", old[code][1], "1996-2020", new[code][1], new[code][1] - old[code][1])


def test_territories_count_no_territory_twice(published_con):
    levels = dict(published_con.execute("SELECT territory_level, count(*) FROM marts.territories GROUP BY 1").fetchall())
    assert levels["department"] == 101 and levels["region"] == 18
    assert published_con.execute("SELECT whole_code FROM marts.territories WHERE territory_code = '69M'").fetchone() == ("69",)
    assert published_con.execute(
        "SELECT territory_name, region_code FROM marts.territories WHERE territory_code = 'R32'"
    ).fetchone() == (
        "Hauts-de-France",
        "32",
    )


# ---------------------------------------------------------------- refusals, at the loader
def _opendata_copy(tmp_path):
    return link_opendata(tmp_path / "opendata")


def test_a_known_edition_with_another_sha256_is_refused(tmp_path):
    from dagster_project.sources.opendata.load import read_opendata

    folder = _opendata_copy(tmp_path)
    target = folder / "insee" / POP_BROAD.name
    target.unlink()
    target.write_bytes(POP_BROAD.read_bytes()[:100_000])  # truncated
    with pytest.raises(InputError, match="sha256 .* contradicts .* known edition 2023 of insee_population_broad"):
        read_opendata(PROJECT / "raw" / "opendata" / "manifest.yml", folder)


def test_a_new_edition_is_loaded_without_code_changes(tmp_path):
    from dagster_project.sources.opendata.load import read_opendata

    folder = _opendata_copy(tmp_path)
    new = folder / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2021).xlsx"
    shutil.copy(DREES_2020, new)
    load = read_opendata(PROJECT / "raw" / "opendata" / "manifest.yml", folder)
    assert [(f.publication.publication_id, f.edition) for f in load.new_editions] == [("drees_aid_beneficiaries", "1996-2021")]
    editions = set(load.tables["drees_aid_beneficiaries"]["edition"].unique().to_list())
    assert editions == {"1996-2019", "1996-2020", "1996-2021"}


def test_unchanged_official_files_are_not_read_again_and_any_change_reads_them(tmp_path, monkeypatch):
    import duckdb

    from dagster_project.sources.opendata import load as od
    from dagster_project.sources.opendata.manifest import discover, load_manifest

    manifest = PROJECT / "raw" / "opendata" / "manifest.yml"
    folder = _opendata_copy(tmp_path)
    work_db = tmp_path / "work.duckdb"
    files = discover(load_manifest(manifest), folder)
    first = od.fingerprint(manifest, files)
    assert od.recorded_load(work_db, first) is None  # nothing loaded yet
    load = od.read_opendata(manifest, folder, files)
    counts = od.write_opendata(work_db, load, first)
    recorded = od.recorded_load(work_db, first)
    assert {p: r.row_count for p, r in recorded.items()} == counts and len(counts) == 13
    assert recorded["insee_population_5y"].years_covered == od.years_covered(load.tables["insee_population_5y"])
    with duckdb.connect(str(work_db), read_only=True) as con:  # the recorded counts are the tables' own
        assert (
            con.execute("SELECT count(*) FROM raw.opendata__drees_aid_beneficiaries").fetchone()[0]
            == counts["drees_aid_beneficiaries"]
        )

    # a new edition in the folder: another fingerprint, the files are read again
    shutil.copy(
        DREES_2020, folder / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2021).xlsx"
    )
    assert od.fingerprint(manifest, discover(load_manifest(manifest), folder)) != first
    # the loader's code is part of the fingerprint
    assert od.fingerprint(manifest, files) == first
    (tmp_path / "extract.py").write_text("# another loader\n")
    monkeypatch.setattr(od, "LOADER_MODULES", (*od.LOADER_MODULES[:-1], str(tmp_path / "extract.py")))
    assert od.fingerprint(manifest, files) != first
    # a raw table changed behind the loader's back (rows deleted): read again
    with duckdb.connect(str(work_db)) as con:
        con.execute("DELETE FROM raw.opendata__insee_cog_regions WHERE rowid = 0")
    assert od.recorded_load(work_db, first) is None


def test_a_missing_publication_names_it_and_how_to_get_it(tmp_path):
    from dagster_project.sources.opendata.load import read_opendata

    folder = _opendata_copy(tmp_path)
    (folder / "drees" / "Minima sociaux - donnees departementales par dispositif.xlsx").unlink()
    with pytest.raises(InputError, match="drees_minima_sociaux .*autonomy opendata fetch"):
        read_opendata(PROJECT / "raw" / "opendata" / "manifest.yml", folder)


def _sheet(rows):
    from pathlib import Path

    from dagster_project.sources.opendata.extract import Sheet
    from dagster_project.sources.opendata.manifest import load_manifest

    publication = load_manifest(PROJECT / "raw" / "opendata" / "manifest.yml")[0]
    from dagster_project.sources.opendata.manifest import SourceFile

    source = SourceFile(publication, "insee/x.xls", Path("/nowhere/x.xls"), "0" * 64, "2020", True)
    return Sheet(source, "2020", rows)


def test_a_moved_header_is_refused_with_the_sheet():
    from dagster_project.sources.opendata.extract import insee_population

    rows = [["Estimation"], ["Année 2020"]] + [[""] * 4 for _ in range(12)] + [["Départements", "", "Ensemble", ""]]
    with pytest.raises(InputError, match="sheet '2020'.*no 'Départements' header row"):
        list(insee_population(_sheet(rows)))


def test_a_non_numeric_cell_is_refused_with_its_cell_and_value():
    from dagster_project.sources.opendata.extract import insee_population

    rows = [
        ["Estimation"],
        ["Départements", "", "Ensemble", ""],
        ["", "", "0 à 4 ans", "Total"],
        ["01", "Ain", "38356", "333610"],
        ["02", "Aisne", "28 18x", "269073"],
    ]
    with pytest.raises(InputError, match=r"2020!C5\).*'28 18x' is neither a number"):
        list(insee_population(_sheet(rows)))


# ---------------------------------------------------------------- the official tables' own totals
def test_every_official_total_row_is_reconciled(published_con):
    """The DREES 'TOTAL estimé France métropolitaine' of APA in 2019 (edition 1996-2020) is the sum
    of the metropolitan départements as printed (Corsica whole, 2A and 2B empty that year), and the
    check that says so is in marts.reconciliation_checks, passed."""
    rows = _rows(DREES_2020, "Tab4-pa")
    header, column = _drees_column(rows, 2019)
    values = _drees_department_values(rows, 2019)
    metro = sum(v for code, (_, v) in values.items() if not code.startswith("97") and code not in ("2A", "2B", "69D", "69M"))
    total_row = next(i for i, r in enumerate(rows) if str(r[0]).startswith("TOTAL estimé France métropolitaine"))
    printed = _num(rows[total_row][column])
    assert printed == metro
    from dagster_project.sources.opendata.extract import column_letter

    cell = f"Tab4-pa!{column_letter(column)}{total_row + 1}"
    got = published_con.execute(
        "SELECT published_value, computed_value, status, severity FROM marts.reconciliation_checks "
        "WHERE check_kind = 'official_total' AND document_id = 'drees_aid_beneficiaries 1996-2020' AND check_id LIKE ?",
        [f"%.national_totals.{cell}"],
    ).fetchall()
    assert got == [(printed, metro, "passed", "warning")]
    kinds = dict(
        published_con.execute(
            "SELECT split_part(check_id, '.', 3), count(*) FROM marts.reconciliation_checks "
            "WHERE check_kind = 'official_total' GROUP BY 1"
        ).fetchall()
    )
    assert set(kinds) == {
        "national_totals", "regional_block", "sexes", "age_bands", "regional_block_totals", "blocks_agree", "whole_and_parts"
    }  # fmt: skip


def test_a_publisher_total_that_does_not_add_up_is_a_warning_that_says_so(published_con):
    """The minima sociaux print their France rows rounded to the hundred; a few differ from the
    sum of their départements by more than that: warnings, explained, never blocking."""
    rows = published_con.execute(
        "SELECT severity, explanation FROM marts.reconciliation_checks WHERE check_kind = 'official_total' AND status = 'failed'"
    ).fetchall()
    assert rows and {severity for severity, _ in rows} == {"warning"}
    assert all("incohérence de la publication elle-même" in text for _, text in rows)
    # the minima sociaux's rounded France rows, and DREES's spending 2015-2018 (PH-tab6) whose regional
    # block disagrees with its régions and with the département block
    files = {("Minima sociaux" in text, "PH-tab6" in text) for _, text in rows}
    assert files == {(True, False), (False, True)}
    assert all("se contredit" not in text and "document n'est pas cohérent" not in text for _, text in rows)


def _checked(rows):
    from dagster_project.sources.opendata.extract import _check_territory, insee_population

    sheet, seen = _sheet(rows), {}
    for cell in insee_population(sheet):
        _check_territory(sheet, cell, seen)


HEAD = [["Estimation"], ["Départements", "", "Ensemble", ""], ["", "", "0 à 4 ans", "Total"]]


def test_a_duplicated_department_code_is_refused():
    rows = [*HEAD, ["62", "Pas-de-Calais", "1", "2"], ["59", "Nord", "1", "2"], ["62", "Pas-de-Calais", "1", "2"]]
    with pytest.raises(InputError, match=r"sheet '2020' \(row 6\): territory code '62' printed twice, rows 4 and 6"):
        _checked(rows)


def test_an_unknown_department_code_is_refused():
    rows = [*HEAD, ["62", "Pas-de-Calais", "1", "2"], ["99", "Étranger", "1", "2"]]
    with pytest.raises(InputError, match=r"\(row 5\): unknown territory code '99' \(Étranger\)"):
        _checked(rows)


# ---------------------------------------------------------------- every row's own arithmetic
def _insee_groups(path, sheet: str, code: str) -> tuple[int, dict[str, dict[str, tuple[int, Decimal]]]]:
    """(row index, {Ensemble|Hommes|Femmes: {age label: (column, value)}}) of one territory row."""
    rows = _rows(path, sheet)
    head = next(i for i, r in enumerate(rows) if r[0] == "Départements")
    index, row = _insee_row(path, sheet, code, rows)
    groups: dict[str, dict[str, tuple[int, Decimal]]] = {}
    group = None
    for j in range(2, len(row)):
        group = rows[head][j] or group
        groups.setdefault(group, {})[rows[head + 1][j]] = (j, _num(row[j]))
    return index, groups


def test_hommes_plus_femmes_and_age_bands_are_checked_on_every_department_row(published_con):
    """Not only the total rows: Pas-de-Calais' row of sheet 2020 (five-year bands) is checked for
    Hommes + Femmes = Ensemble and, for each sex, its bands against its Total column."""
    from dagster_project.sources.opendata.extract import column_letter

    index, groups = _insee_groups(POP_5Y, "2020", "62")
    total_col, total = groups["Ensemble"]["Total"]
    cell = f"2020!{column_letter(total_col)}{index + 1}"
    sexes = published_con.execute(
        "SELECT published_value, computed_value, status FROM marts.reconciliation_checks "
        "WHERE check_kind = 'official_total' AND check_id LIKE ?",
        [f"%.sexes.{cell}"],
    ).fetchall()
    assert sexes == [(total, groups["Hommes"]["Total"][1] + groups["Femmes"]["Total"][1], "passed")]
    for sex in ("Ensemble", "Hommes", "Femmes"):
        col, printed = groups[sex]["Total"]
        bands = sum(v for label, (_, v) in groups[sex].items() if label != "Total")
        got = published_con.execute(
            "SELECT published_value, computed_value, status FROM marts.reconciliation_checks "
            "WHERE check_kind = 'official_total' AND check_id LIKE ?",
            [f"%.age_bands.2020!{column_letter(col)}{index + 1}"],
        ).fetchall()
        assert got == [(printed, bands, "passed")], sex


# ---------------------------------------------------------------- cross-source: Hauts-de-France tables
def test_hdf_population_column_is_compared_with_the_closest_recent_insee_estimate(published_con):
    """Document 001 prints Pas-de-Calais' population aged 20-59 (716 785) without a year: it is
    compared with the INSEE estimate, among the last five years of the files, that comes closest."""
    line = next(
        text
        for text in (PROJECT / "raw" / "deliberations" / "001_ce3718776857736d.txt").read_text(encoding="utf-8").split("\n")
        if text.startswith("Pas-de-Calais\t716")
    )
    printed = Decimal(line.split("\t")[1].replace(" ", "").replace("\u202f", ""))
    candidates = {}
    for year in range(2019, 2024):  # the broad file ends in 2023: its last five years
        _, broad = _insee_groups(POP_BROAD, str(year), "62")
        candidates[(year, "2023")] = broad["Ensemble"]["20 à 39 ans"][1] + broad["Ensemble"]["40 à 59 ans"][1]
    for year in range(2019, 2021):
        _, fine = _insee_groups(POP_5Y, str(year), "62")
        candidates[(year, "2020")] = sum(
            v
            for label, (_, v) in fine["Ensemble"].items()
            if label[:2].strip() in {"20", "25", "30", "35", "40", "45", "50", "55"}
        )
    (year, edition), closest = min(candidates.items(), key=lambda kv: (abs(kv[1] - printed), -kv[0][0]))
    (got,) = published_con.execute(
        "SELECT published_value, computed_value, status, explanation FROM marts.reconciliation_checks "
        "WHERE check_id = 'hdf_adults.cross_source.official_pop_20_59.l0306'"
    ).fetchall()
    assert got[:3] == (printed, closest, "failed") and printed != closest
    assert f"la plus proche est {year} (édition {edition} ;" in got[3]
    assert "année non imprimée" in got[3] and "se contredit" not in got[3]


# ---------------------------------------------------------------- Strict Open XML
STRICT = "http://purl.oclc.org/ooxml"


def _strict_xlsx(path, sheets: dict[str, list[list]]) -> None:
    """A workbook in ISO 29500 *Strict* Open XML (purl.oclc.org namespaces, as Excel's "Strict
    Open XML Spreadsheet" saves it): numbers as values, text as inline strings."""
    import zipfile
    from xml.sax.saxutils import escape

    from dagster_project.sources.opendata.extract import column_letter

    def sheet_xml(rows):
        out = []
        for i, row in enumerate(rows, start=1):
            cells = []
            for j, value in enumerate(row):
                if value in (None, ""):
                    continue
                ref = f"{column_letter(j)}{i}"
                text = str(value)
                if text.replace(".", "", 1).isdigit() and not (len(text) > 1 and text.startswith("0")):  # codes stay text
                    cells.append(f'<c r="{ref}"><v>{text}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
            out.append(f'<row r="{i}">{"".join(cells)}</row>')
        return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{STRICT}/spreadsheetml/main"><sheetData>{"".join(out)}</sheetData></worksheet>'

    rel = f"{STRICT}/officeDocument/relationships"
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for k in range(1, len(names) + 1)
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{STRICT}/spreadsheetml/main" xmlns:r="{rel}" conformance="strict"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{k}" r:id="rId{k}"/>' for k, n in enumerate(names, start=1))
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{k}" Type="{rel}/worksheet" Target="worksheets/sheet{k}.xml"/>'
                for k in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for k, n in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{k}.xml", sheet_xml(sheets[n]))


def test_an_insee_edition_in_strict_open_xml_is_read(tmp_path):
    """INSEE has published editions as Strict Open XML .xlsx: such an edition (here two years of
    the broad-band file rewritten as Strict) is read as a new edition, cell for cell as the .xls."""
    from dagster_project.sources.opendata.load import read_opendata

    folder = _opendata_copy(tmp_path)
    strict = folder / "insee" / "estim-pop-dep-sexe-gca-1975-2024.xlsx"
    _strict_xlsx(strict, {year: _rows(POP_BROAD, year) for year in ("2023", "2022")})
    with __import__("zipfile").ZipFile(strict) as archive:
        assert f'xmlns="{STRICT}/spreadsheetml/main"' in archive.read("xl/workbook.xml").decode()
    table = read_opendata(PROJECT / "raw" / "opendata" / "manifest.yml", folder).tables["insee_population_broad"]
    columns = ["sheet", "source_cell", "raw_value"]
    new = table.filter(table["edition"] == "2024").select(columns).sort(columns)
    old = table.filter((table["edition"] == "2023") & table["sheet"].is_in(["2023", "2022"])).select(columns).sort(columns)
    assert new.height == old.height > 2 * 100 * 18
    assert new.to_dicts() == old.to_dicts()

"""The whole refresh job into temporary paths, then the published file opened read-only."""

import stat
from decimal import Decimal

import duckdb
import pytest
from conftest import DOC_001

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def con(published):
    connection = duckdb.connect(str(published.warehouse), read_only=True)
    yield connection
    connection.close()


def test_published_file_is_read_only_and_readable_by_duckdb_1_4(published, con):
    storage = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'autonomy'").fetchone()[0]
    assert storage["storage_version"].startswith("v1.4.0")
    mode = stat.S_IMODE(published.warehouse.stat().st_mode)
    assert mode & stat.S_IRGRP and not mode & stat.S_IWOTH and not mode & stat.S_IROTH
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE marts.nope AS SELECT 1")
    assert not list(published.warehouse.parent.glob(".autonomy.duckdb.*.tmp"))


def test_indicator_values_holds_every_indicator_figure_of_001(con):
    counts = dict(con.execute("SELECT table_id, count(*) FROM marts.indicator_values GROUP BY 1").fetchall())
    # 16 PA + 10 PH rows; HdF: 6 territories x 12 columns, 6 x 8 minus 5 empty DRL shares;
    # MDPH: 13 rights x 5 columns; 44 indicators printed in prose.
    assert counts == {
        "pa_indicators": 16,
        "ph_indicators": 10,
        "hdf_children": 72,
        "hdf_adults": 43,
        "mdph_rights": 65,
        "autonomy_plan_figures": 44,
    }
    columns = [r[0] for r in con.execute("DESCRIBE marts.indicator_values").fetchall()]
    assert columns == [
        "document_id",
        "source_line",
        "table_id",
        "territory_code",
        "territory_name",
        "indicator_code",
        "indicator_label",
        "value",
        "printed_decimals",
        "unit",
        "source",
        "reference_period",
    ]
    row = con.execute(
        "SELECT document_id, source_line, territory_code, territory_name, value, printed_decimals, unit, source, "
        "reference_period FROM marts.indicator_values WHERE indicator_code = 'apa_per_1000_60plus'"
    ).fetchone()
    # printed "102" on line 269: no decimal, so the reports show "102 ‰"
    assert row == (DOC_001, 269, "62", "Pas-de-Calais", Decimal("102"), 0, "per_1000", "DREES", "2022")
    assert con.execute("SELECT value FROM marts.indicator_values WHERE indicator_code = 'aeeh_beneficiaries'").fetchone() == (
        Decimal("19869"),
    )
    assert con.execute(
        "SELECT territory_name, value FROM marts.indicator_values WHERE indicator_code = 'pop_0_19' AND territory_code = 'R32'"
    ).fetchone() == ("Hauts-de-France", Decimal("1545866"))
    assert con.execute(
        "SELECT reference_period, value FROM marts.indicator_values "
        "WHERE indicator_code = 'mdph_rights_per_1000__aeeh' AND territory_code = 'FR'"
    ).fetchone() == ("31/12/2023", Decimal("7.6"))
    codes = {r[0] for r in con.execute("SELECT DISTINCT territory_code FROM marts.indicator_values").fetchall()}
    assert codes == {"62", "59", "02", "60", "80", "FR", "R32"}  # a région is R + its code in every mart


def test_every_figure_points_at_its_printed_line(con):
    mismatches = con.execute(
        """
        SELECT c.table_id, c.source_line, c.raw_text
        FROM raw.deliberation_cells c
        JOIN raw.document_lines l ON l.document_id = c.document_id AND l.source_line = c.source_line
        WHERE NOT list_contains(string_split(l.text, chr(9)), c.raw_text)
        """
    ).fetchall()
    assert mismatches == []
    assert con.execute(
        """
        SELECT count(*) FROM raw.prose_figures p
        JOIN raw.document_lines l ON l.document_id = p.document_id AND l.source_line = p.source_line
        WHERE position(p.quote IN l.text) = 0
        """
    ).fetchone() == (0,)


def test_raw_and_staging_layers_carry_every_catalogue_table(con):
    # every table of the catalogue reaches the staging model of its kind, each row once
    assert con.execute("SELECT count(*) FROM raw.catalogue_entries").fetchone() == (29,)
    kinds = con.execute("SELECT table_id, kind, row_count FROM raw.catalogue_entries WHERE entry_type = 'table'").fetchall()
    assert len(kinds) == 17
    for table_id, kind, row_count in kinds:
        staged = con.execute(
            f"SELECT count(DISTINCT source_line) FROM staging.stg_deliberations__{kind} WHERE table_id = ?", [table_id]
        ).fetchone()
        assert staged == (row_count,), (table_id, kind)
    staged = con.execute(
        "SELECT count(*) FROM staging.stg_deliberations__sad_envelope_annex WHERE table_id = 'fap_annex' AND NOT is_total"
    ).fetchone()
    assert staged == (36,)
    assert con.execute(
        "SELECT count(*) FROM staging.stg_deliberations__sad_compensation_renewal_annex "
        "WHERE table_id = 'nord_annex5_renewed_cpom_2023' AND NOT is_total"
    ).fetchone() == (9,)
    # one row per action and year printed (4 years), twice (the CPOM model and its amendment)
    assert con.execute("SELECT count(*), count(DISTINCT year) FROM staging.stg_deliberations__cpom_bonus_rates").fetchone() == (
        2 * 14 * 4,
        4,
    )
    # 126 + advance_min_activity_months (issue 3, CPOM advance rule)
    assert con.execute("SELECT count(*) FROM staging.stg_deliberations__prose_figures").fetchone() == (127,)


def test_refresh_info(con):
    info = dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())
    assert {"published_at", "run_id", "git_commit", "raw_dir"} <= set(info)

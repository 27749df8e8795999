"""One convention for territories in every mart: a territory column holds a key of marts.territories
(départements by COG code '62', '2A', '971'; régions 'R32', since région and département codes
overlap: the Gers is '32'; FRMET, DROM, FR), and a region_code column the région's COG code, whose
territory is 'R' + it."""

import pytest

pytestmark = pytest.mark.e2e


def _columns(con, like: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND column_name LIKE ? ORDER BY ALL",
        [like],
    ).fetchall()


def test_every_territory_column_of_every_mart_holds_a_territory_key(con):
    columns = [c for c in _columns(con, "%territory_code") if c[0] != "territories"]
    assert len(columns) >= 15  # the official, indicator, report and reconciliation marts
    unknown = {}
    for table, column in columns:
        values = con.execute(
            f'SELECT DISTINCT "{column}" FROM marts."{table}" WHERE "{column}" IS NOT NULL '
            f'AND "{column}" NOT IN (SELECT territory_code FROM marts.territories)'
        ).fetchall()
        if values:
            unknown[f"{table}.{column}"] = sorted(v for (v,) in values)[:5]
    assert unknown == {}


def test_a_region_is_R_and_its_code_in_every_mart(con):
    # the Hauts-de-France: territory R32 wherever a mart names the région; the Gers stays 32
    assert con.execute("SELECT territory_level FROM marts.territories WHERE territory_code = 'R32'").fetchone() == ("region",)
    assert con.execute("SELECT territory_level FROM marts.territories WHERE territory_code = '32'").fetchone() == ("department",)
    for table in ("indicator_values", "indicator_rates", "official_rates"):
        levels = dict(
            con.execute(
                f"SELECT territory_code, any_value(t.territory_level) FROM marts.{table} JOIN marts.territories t "
                "USING (territory_code) WHERE territory_code IN ('R32', '32') GROUP BY 1"
            ).fetchall()
        )
        assert levels.get("R32") == "region", table
    wrong = {}
    for table, column in _columns(con, "region_code"):
        values = con.execute(
            f'SELECT DISTINCT "{column}" FROM marts."{table}" WHERE "{column}" IS NOT NULL '
            f"AND 'R' || \"{column}\" NOT IN (SELECT territory_code FROM marts.territories WHERE territory_level = 'region')"
        ).fetchall()
        if values:
            wrong[table] = sorted(v for (v,) in values)[:5]
    assert wrong == {}

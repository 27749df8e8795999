"""Personal data: no clear beneficiary identifier anywhere in the work database, the published
file, the reports, Dagster's event storage or the console, on a rejected run or a published one;
and no pseudonym in Dagster's storage or the console either."""

import re
import shutil

import duckdb
import pytest
from conftest import DEV_INSTANCE_YAML
from fap_helpers import edit_line, fap_file, read_fields

from dagster_project.refresh import run_refresh

pytestmark = pytest.mark.reliability
ID = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")
LONG_NUMBER = re.compile(rb"(?<![0-9])[0-9]{20,}(?![0-9])")


def _clear_ids(fap_dir) -> set[str]:
    with duckdb.connect() as con:
        return {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT beneficiary_id FROM read_csv('{fap_dir}/fap_*.csv', delim=';', all_varchar=true)"
            ).fetchall()
        }


def _values_in_database(path, ids: set[str]) -> list[str]:
    """Columns of any table whose values (as text) include one of ids."""
    found = []
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("CREATE TEMP TABLE ids (id VARCHAR)")
        con.executemany("INSERT INTO ids VALUES (?)", [[i] for i in ids])
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal AND database_name = current_database()"
        ).fetchall()
        for schema, table, column in columns:
            hits = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" AS t JOIN ids ON CAST(t."{column}" AS VARCHAR) = ids.id'
            ).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{column}")
    return found


def _files_bytes(folder) -> bytes:
    return b"\n".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_no_beneficiary_identifier_leaves_the_door(paths, tmp_path, monkeypatch, capfd):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEV_INSTANCE_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ids = _clear_ids(paths.raw / "fap")
    assert len(ids) == 15342

    # A rejected file whose problems are about beneficiaries: duplicates, an unreadable line.
    path = fap_file(paths.raw, "2024-06")
    original = path.read_bytes()
    edit_line(path, 30, beneficiary_id=read_fields(path, 2)["beneficiary_id"])
    edit_line(path, 31, hours_billed="3.5")
    rejected = run_refresh(verbose=True)
    assert not rejected.published
    assert "duplicate (month, sad_id, beneficiary_id, prestation) of line 2" in rejected.render()
    path.write_bytes(original)
    published = run_refresh(verbose=True)
    assert published.published, published.render()

    work_db = paths.warehouse.parent / ".work" / "autonomy_work.duckdb"
    assert _values_in_database(work_db, ids) == []
    assert _values_in_database(paths.warehouse, ids) == []
    with duckdb.connect(str(work_db), read_only=True) as con:
        pseudonyms = {
            str(r[0]).encode() for r in con.execute("SELECT DISTINCT beneficiary_pseudonym FROM raw.fap_lines").fetchall()
        }
    assert len(pseudonyms) == 15342

    console = capfd.readouterr()
    texts = {
        "console": (console.out + console.err + rejected.render() + published.render()).encode(),
        "dagster storage": _files_bytes(home),
        "reports": _files_bytes(paths.reports) if paths.reports.exists() else b"",
    }
    assert b"fap_2024-06.csv" in texts["console"] and b"fap_2024-06.csv" in texts["dagster storage"]  # the logs are there
    for where, data in texts.items():
        assert not {m.decode() for m in ID.findall(data)} & ids, where
        assert not set(LONG_NUMBER.findall(data)) & pseudonyms, where

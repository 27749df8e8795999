"""History and rollback: each publish keeps the night it replaces (the last AUTONOMY_KEEP_NIGHTS),
and `autonomy rollback` puts one back atomically while a reader stays connected."""

import json
import subprocess
import sys

import duckdb
import pytest
from conftest import PROJECT
from refresh_helpers import table_hashes

READER = PROJECT / "tests" / "reliability" / "reader.py"


def _tables(path) -> dict[str, str]:
    """A fingerprint of every table of a published file (all its columns and rows), meta.refresh apart."""
    return table_hashes(path, skip=frozenset({"meta.refresh"}), every_column=True)


def _meta(path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())
    finally:
        con.close()


def _publish_night(paths, run_id: str, drop_checks: int = 0):
    """A real publish of the work database (what the publish step does), optionally after
    removing rows from a mart so that this night differs from the previous one."""
    from dagster_project.settings import get_settings
    from dagster_project.warehouse.connections import publish

    settings = get_settings()
    if drop_checks:
        con = duckdb.connect(str(settings.work_db))
        try:
            con.execute(
                f"DELETE FROM marts.indicator_values WHERE rowid IN (SELECT rowid FROM marts.indicator_values LIMIT {drop_checks})"
            )
        finally:
            con.close()
    return publish(settings.work_db, settings.warehouse, {"run_id": run_id, "git_commit": "test", "raw_dir": str(paths.raw)})


@pytest.mark.slow
def test_rollback_restores_the_previous_night_while_a_reader_stays_connected(published_copy, tmp_path, monkeypatch):
    from dagster_project.cli import main
    from dagster_project.warehouse.history import list_nights

    monkeypatch.setenv("AUTONOMY_KEEP_NIGHTS", "7")
    warehouse = published_copy.warehouse
    night1_bytes, night1_tables, night1_meta = warehouse.read_bytes(), _tables(warehouse), _meta(warehouse)
    _publish_night(published_copy, "22222222-night-two", drop_checks=3)
    night2_tables = _tables(warehouse)
    assert night2_tables != night1_tables  # the second night really differs
    nights = list_nights(warehouse)
    assert [n.run_id for n in nights] == [night1_meta["run_id"][:8]]
    assert nights[0].path.name == f"autonomy_{nights[0].night.isoformat()}_{night1_meta['run_id'][:8]}.duckdb"
    assert nights[0].path.read_bytes() == night1_bytes  # the night kept is the file that was published, byte for byte

    out, stop = tmp_path / "reader.json", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, str(READER), str(warehouse), str(stop), str(out)], cwd=PROJECT)
    try:
        for _ in range(600):
            if (tmp_path / "reader.json.ready").exists():
                break
            __import__("time").sleep(0.1)
        assert main(["rollback"]) == 0
    finally:
        stop.write_text("stop")
        assert reader.wait(timeout=60) == 0
    report = json.loads(out.read_text())
    assert report["errors"] == []
    assert [json.loads(s)[0] for s in report["seen"]] == ["22222222-night-two"]  # its snapshot, all along
    assert report["after"][0] == night1_meta["run_id"]  # a new connection sees the night restored

    # Every table except meta.refresh: same tables, same rows, as the night restored.
    assert _tables(warehouse) == night1_tables
    restored = _meta(warehouse)
    assert {k: restored[k] for k in night1_meta} == night1_meta  # the original keys are unchanged
    assert restored["rollback_of"] == "22222222-night-two"
    assert restored["rolled_back_at"] and restored["rollback_from"] == nights[0].path.name
    assert oct(warehouse.stat().st_mode & 0o777) == "0o640"
    # The night replaced was kept too: nothing is lost, `--to` rolls forward again.
    assert {n.run_id for n in list_nights(warehouse)} == {night1_meta["run_id"][:8], "22222222"}
    assert main(["rollback", "--to", "22222222"]) == 0
    assert _tables(warehouse) == night2_tables


@pytest.mark.slow
def test_only_the_last_nights_are_kept(published_copy, monkeypatch):
    from dagster_project.warehouse.history import list_nights

    monkeypatch.setenv("AUTONOMY_KEEP_NIGHTS", "2")
    for i in range(4):
        _publish_night(published_copy, f"{i}{i}{i}{i}{i}{i}{i}{i}-night")
    kept = [n.run_id for n in list_nights(published_copy.warehouse)]
    assert kept == ["11111111", "22222222"]  # the last two replaced; 33333333 is the one in place
    from dagster_project.reports.index import _nights_kept

    listing = _nights_kept()  # index.html lists the nights kept, newest first
    assert "Nuits conservées" in listing and listing.index("22222222") < listing.index("11111111")
    assert "00000000" not in listing


def test_no_history_when_keep_nights_is_zero(published_copy, monkeypatch):
    from dagster_project.warehouse.history import list_nights

    monkeypatch.setenv("AUTONOMY_KEEP_NIGHTS", "0")
    _publish_night(published_copy, "aaaaaaaa-night")
    assert list_nights(published_copy.warehouse) == []


def test_rollback_without_a_night_kept_says_so(published_copy, capsys):
    from dagster_project.cli import main

    assert main(["rollback"]) == 1
    assert "no night kept" in capsys.readouterr().err


@pytest.mark.parametrize("to", ["1999-01-01", "deadbeef"])
def test_rollback_to_an_unknown_night_lists_what_is_kept(published_copy, capsys, to):
    from dagster_project.cli import main

    _publish_night(published_copy, "bbbbbbbb-night")
    assert main(["rollback", "--to", to]) == 1
    err = capsys.readouterr().err
    assert f"no night kept for {to!r}" in err and "kept:" in err

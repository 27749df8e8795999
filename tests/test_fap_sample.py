"""The synthetic FAP sample: deterministic, derived from a committed profile whose APA hours are
the annex's, and the folder rules (file names, months, partitions)."""

import hashlib
from decimal import Decimal

import duckdb
import pytest
from conftest import RAW

from dagster_project.core.errors import InputError
from dagster_project.sources.deliberations.raw_layer import read_deliberations
from dagster_project.sources.fap import generate
from dagster_project.sources.fap.files import month_range_with_files, monthly_files
from dagster_project.sources.fap.profile import bootstrap

SAMPLE_LINES_PER_MONTH = 15342


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("fap_*.csv"))}


def _annex_hours():
    load = read_deliberations(RAW / "deliberations", RAW / "deliberations" / "catalogue.yml")
    return {(r["city"], r["sad_name"]): r["hours_billed"] for r in load.tables["fap_annex"].rows if not r["is_total"]}


def test_sample_is_deterministic_and_complete(paths, tmp_path):
    other = tmp_path / "again"
    (other).mkdir()
    for name in ("sad_registry.csv", "activity_profile_2024.csv"):
        (other / name).write_bytes((paths.raw / "fap" / name).read_bytes())
    generate.write_sample(other, progress=False)
    first = _digest(paths.raw / "fap")
    assert list(first) == [f"fap_2024-{m:02d}.csv" for m in range(1, 13)]
    assert first == _digest(other)
    lines = (paths.raw / "fap" / "fap_2024-01.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "month;sad_id;finess;beneficiary_id;prestation;gir;hours_planned;hours_billed;hourly_rate_eur;amount_eur"
    assert len(lines) == 1 + SAMPLE_LINES_PER_MONTH


def test_sample_apa_hours_per_sad_equal_the_annex_exactly(paths):
    con = duckdb.connect()
    fap = paths.raw / "fap"
    rows = con.execute(
        f"""
        SELECT r.city, r.sad_name, sum(l.hours_billed), count(DISTINCT l.month)
        FROM read_csv('{fap}/fap_2024-*.csv', delim=';', decimal_separator=',',
                      types={{'hours_billed': 'DECIMAL(12,2)', 'sad_id': 'VARCHAR'}}) AS l
        JOIN read_csv('{fap}/sad_registry.csv', delim=';', all_varchar=true) AS r USING (sad_id)
        WHERE l.prestation = 'APA' GROUP BY ALL
        """
    ).fetchall()
    annex = _annex_hours()
    assert len(rows) == len(annex) == 36
    assert {(city, name): hours for city, name, hours, _ in rows} == annex
    assert {months for *_, months in rows} == {12}
    assert sum(hours for _, _, hours, _ in rows) == Decimal("4319502.00")


def test_registry_and_profile_are_what_bootstrap_derives_from_the_annex(tmp_path):
    registry, profile = bootstrap(RAW / "deliberations", RAW / "deliberations" / "catalogue.yml", tmp_path, "62")
    assert registry.read_bytes() == (RAW / "fap" / "sad_registry.csv").read_bytes()
    assert profile.read_bytes() == (RAW / "fap" / "activity_profile_2024.csv").read_bytes()


def test_volume_generator_writes_the_lines_it_announces(tmp_path):
    out = tmp_path / "volume"
    paths, lines = generate.write_volume(
        out, RAW / "fap", departments=3, months=["2023-12", "2024-01"], lines=60_000, progress=False
    )
    assert [p.name for p in paths] == ["fap_2023-12.csv", "fap_2024-01.csv"]
    con = duckdb.connect()
    counted = con.execute(
        f"SELECT count(*), count(DISTINCT sad_id), count(DISTINCT left(sad_id, 2)) FROM read_csv('{out}/fap_*.csv', delim=';', all_varchar=true)"
    ).fetchone()
    assert counted == (lines, 108, 3)
    assert abs(lines - 60_000) / 60_000 < 0.01
    registry = con.execute(
        f"SELECT count(*), count(DISTINCT finess) FROM read_csv('{out}/sad_registry.csv', delim=';', all_varchar=true)"
    ).fetchone()
    assert registry == (108, 108)


def test_folder_rules(tmp_path):
    fap = tmp_path / "fap"
    fap.mkdir()
    assert month_range_with_files(fap) is None
    for name in ("fap_2024-03.csv", "fap_2024-11.csv.gz", "sad_registry.csv", "README.md"):
        (fap / name).write_text("x")
    assert sorted(monthly_files(fap)) == ["2024-03", "2024-11"]
    assert month_range_with_files(fap) == ("2024-03", "2024-11")
    (fap / "fap_2024-13.csv").write_text("x")
    with pytest.raises(InputError, match=r"fap_2024-13.csv: not a monthly FAP export name"):
        monthly_files(fap)
    assert month_range_with_files(fap) == ("2024-03", "2024-11")  # lenient: the asset says what is wrong
    (fap / "fap_2024-13.csv").unlink()
    (fap / "fap_2024-03.csv.gz").write_text("x")
    with pytest.raises(InputError, match=r"two exports for 2024-03"):
        monthly_files(fap)
    (fap / "fap_2024-03.csv.gz").unlink()
    (fap / "fap_2018-12.csv").write_text("x")
    with pytest.raises(InputError, match=r"month 2018-12 is outside the FAP partitions \(2019-01 to "):
        monthly_files(fap)

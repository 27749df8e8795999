"""Every AUTONOMY_* setting is read in dagster_project/settings.py and listed in the README."""

import re
from pathlib import Path

from dagster_project.settings import VARIABLES, get_settings

PROJECT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"AUTONOMY_[A-Z_]+[A-Z]")
READ = re.compile(r"(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*[\"'](AUTONOMY_[A-Z_]+)")


def _code_files():
    yield from (PROJECT / "dagster_project").rglob("*.py")
    yield from (PROJECT / "dbt").glob("*.yml")
    yield PROJECT / "Makefile"


def test_every_variable_the_code_names_is_a_declared_setting():
    named = {name for path in _code_files() for name in NAME.findall(path.read_text(encoding="utf-8"))}
    assert named <= set(VARIABLES), sorted(named - set(VARIABLES))


def test_only_the_settings_module_reads_the_environment():
    readers = {
        str(path.relative_to(PROJECT)): READ.findall(path.read_text(encoding="utf-8"))
        for path in (PROJECT / "dagster_project").rglob("*.py")
        if path.name != "settings.py"
    }
    assert {path: names for path, names in readers.items() if names} == {}


def test_readme_lists_every_setting_with_its_default():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(AUTONOMY_[A-Z_]+)` \| (.+?) \|", readme, flags=re.M))
    assert set(rows) == set(VARIABLES)
    for name, (default, _) in VARIABLES.items():
        assert rows[name].strip("`") == default, name


def test_settings_are_read_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(tmp_path / "w" / "a.duckdb"))
    monkeypatch.setenv("AUTONOMY_DISCLOSURE_THRESHOLD", "11")
    monkeypatch.setenv("AUTONOMY_ENV", "Production")
    monkeypatch.setenv("AUTONOMY_DBT_VARS", '{"envelope_2026_eur": 912000}')
    monkeypatch.delenv("AUTONOMY_WORK_DIR", raising=False)
    settings = get_settings()
    assert settings.work_db == tmp_path / "w" / ".work" / "autonomy_work.duckdb"
    assert settings.disclosure_threshold == 11 and settings.production
    assert settings.dbt_vars == {"envelope_2026_eur": 912000}
    assert settings.dbt_env()["AUTONOMY_DISCLOSURE_THRESHOLD"] == "11"

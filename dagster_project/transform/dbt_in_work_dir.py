"""`autonomy-dbt`: dbt run from the work database's folder (the executable of the dbt step and of
the manifest's parse).

dbt parses the whole project again (about 9 s of CPU instead of about 3.5 s) whenever the profile
it renders differs from the one its saved parse was made with, and dbt-duckdb's profile includes
the database path. With an absolute path, every new work directory (a deployment moved or copied,
each test's tree) parsed the project from scratch on its first run. Run from the database's
folder, the profile names the database by its file name alone, the same in every work directory:
the project's own parse (dbt/target/partial_parse.msgpack, which dagster-dbt copies into a new
target folder, made by `autonomy prepare` through this same executable) serves them all.

AUTONOMY_WORK_DB (settings.dbt_env: an absolute path; unset: the settings' work database) is read,
the process moves to its folder and dbt sees the file name (settings.name_work_db_by_file_name);
the project and profiles folders stay those of the caller's directory (dagster-dbt runs dbt from
the project folder). Light on purpose: no Dagster import.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..settings import name_work_db_by_file_name


def main() -> None:
    caller = Path.cwd()
    work_dir = name_work_db_by_file_name()
    os.environ.setdefault("DBT_PROJECT_DIR", str(caller))
    if (caller / "profiles.yml").exists():
        os.environ.setdefault("DBT_PROFILES_DIR", str(caller))
    if not work_dir.is_dir():  # said here, before DuckDB could create a file elsewhere
        sys.exit(f"autonomy-dbt: the work folder {work_dir} does not exist (`make run` makes it)")
    os.chdir(work_dir)
    from dbt.cli.main import cli

    sys.exit(cli())

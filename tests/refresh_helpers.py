"""Refreshes of a tree as `make run` does them: each `autonomy refresh` in its own process, with a
persistent Dagster instance (DAGSTER_HOME), on a copy of the code when a test changes it."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
from conftest import DEV_INSTANCE_YAML, PROJECT, Paths, inherited_environment, seeded_dbt_target

RUN_ID = re.compile(r"\brun ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
STALE_LINE = re.compile(r"^  - (\S+) : (.+)$", re.M)
# Columns that say when or by which run a row was written (a file's load time, a dbt run): not
# part of a table's content.
VOLATILE_COLUMNS = {"run_id", "dbt_invocation_id", "published_at", "evaluated_at"}


# What differs between two refreshes by design: when, and which run.
VOLATILE = [
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),  # run ids
    re.compile(
        r"\d{1,2}(?:\s|&nbsp;|\u202f|\u00a0)\w+(?:\s|&nbsp;|\u202f|\u00a0)\d{4}(?:,| à)?(?:\s|&nbsp;|\u202f|\u00a0)\d{1,2}(?: h |:|\s?h\s?)\d{2}"
    ),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?"),
    # the index lists the published nights kept for rollback: each publish adds one, by design
    re.compile(r"<h2>Nuits conservées</h2>.*?(?=\s*</main>)", re.S),
]


def normalised(text: str) -> str:
    """A report's text without what differs between two refreshes by design (VOLATILE)."""
    for pattern in VOLATILE:
        text = pattern.sub("<volatile>", text)
    return text


def _volatile(column: str) -> bool:
    return column in VOLATILE_COLUMNS or column.endswith("loaded_at")


def copy_code(dest: Path) -> Path:
    """The project's code (dagster_project/, dbt/ with its parsed manifest) in `dest`, for a test
    that edits it; modification times kept, so the manifest is still fresh there."""
    shutil.copytree(PROJECT / "dagster_project", dest / "dagster_project", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT / "dbt", dest / "dbt", ignore=shutil.ignore_patterns("logs", "target", ".user.yml"))
    seeded_dbt_target(dest / "dbt" / "target", ("partial_parse.msgpack", "manifest.json"))  # the manifest newer than every source
    return dest


@dataclass
class Refreshed:
    returncode: int
    output: str
    run_id: str | None

    @property
    def stale(self) -> dict[str, str]:
        """The stale assets the plan printed (key -> why)."""
        return dict(STALE_LINE.findall(self.output))


def dagster_home(root: Path) -> Path:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEV_INSTANCE_YAML, home / "dagster.yaml")
    return home


def refresh(code: Path, paths: Paths, home: Path, *args: str, env: dict[str, str] | None = None) -> Refreshed:
    """`autonomy refresh` (quiet, as `make run`) of `code` on the tree `paths`, instance `home`."""
    base = inherited_environment()
    full_env = {**base, **paths.env, "DAGSTER_HOME": str(home), "PYTHONPATH": str(code), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "refresh", *args],
        cwd=code,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    output = proc.stdout + proc.stderr
    found = RUN_ID.search(output)
    return Refreshed(proc.returncode, output, found.group(1) if found else None)


@contextlib.contextmanager
def open_instance(home: Path):
    """The Dagster instance of `home` (the project's event log storage finds its files through
    DAGSTER_HOME, so it is set while the instance is open)."""
    import dagster as dg

    saved = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            yield instance
    finally:
        if saved is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = saved


def materialized(home: Path, run_id: str) -> set[str]:
    """The assets a run materialized (keys as 'a/b/c'); not the FAP months' partitions, which the
    FAP step records as it loads or re-checks them."""
    import dagster as dg

    with open_instance(home) as instance:
        records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000)
        return {
            r.event_log_entry.dagster_event.asset_key.to_user_string()
            for r in records.records
            if r.event_log_entry.dagster_event.partition is None
        }


def checks_without_evaluation(home: Path, run_id: str, graph, assets: set[str]) -> list[str]:
    """The checks of `assets` (keys 'a/b', in the job's asset graph) that have no evaluation in
    the run, or only the one the dbt step gives for a test dbt did not run ("non évalué")."""
    import dagster as dg

    with open_instance(home) as instance:
        records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000)
        evaluated = {}
        for record in records.records:
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            evaluated[evaluation.asset_check_key] = evaluation.description or ""
    expected = {ck for ck in graph.asset_check_keys if ck.asset_key.to_user_string() in assets}
    return sorted(k.to_user_string() for k in expected if k not in evaluated or evaluated[k].startswith("non évalué"))


def table_hashes(
    warehouse: Path,
    skip: frozenset[str] = frozenset({"meta.refresh", "meta.schemas"}),
    schema: str | None = None,
    every_column: bool = False,
) -> dict[str, str]:
    """A fingerprint of every table of every schema (or of `schema`) but `skip`, whatever its row
    order: its columns and types, its row count and the sum of its rows' 64-bit hashes, computed
    by DuckDB (a sum, not a xor: a row twice counts twice). Unless `every_column`, without the
    columns that say when or by which run a row was written (two refreshes differ there by
    design). Nothing is fetched into Python: a published file's 2.7 M rows take under a second,
    where sorting them in Python took 12 s."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns: dict[str, list[tuple[str, str]]] = {}
        for table_schema, table, column, data_type in con.execute(
            "SELECT c.schema_name, c.table_name, c.column_name, c.data_type FROM duckdb_columns() c "
            "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
            "WHERE NOT t.internal AND NOT t.temporary ORDER BY c.schema_name, c.table_name, c.column_index"
        ).fetchall():
            columns.setdefault(f"{table_schema}.{table}", []).append((column, data_type))
        hashes = {}
        for name, cols in sorted(columns.items()):
            if name in skip or (schema is not None and not name.startswith(schema + ".")):
                continue
            kept = [(c, t) for c, t in cols if every_column or not _volatile(c)]
            quoted = ", ".join('"' + c.replace('"', '""') + '"' for c, _ in kept)
            table_schema, table = name.split(".", 1)
            count, total = con.execute(
                f'SELECT count(*), coalesce(sum(hash(row({quoted}))::HUGEINT), 0) FROM "{table_schema}"."{table}"'
            ).fetchone()
            hashes[name] = f"{kept}:{count}:{total}"
        return hashes
    finally:
        con.close()

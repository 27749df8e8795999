"""FAP ingestion benchmark (not a test): `make bench`, or `.venv/bin/python benchmarks/fap_ingest.py`.

Generates synthetic monthly exports under benchmarks/data/ (gitignored, several GB; delete it
afterwards) and measures, each variant in its own process, whole-process wall time and peak RSS
(the sum over the process tree - dbt runs in a child process - polled every 50 ms from /proc):

- baseline: bare DuckDB, CREATE TABLE ... AS SELECT * FROM read_csv(..., decimal_separator=',')
  of the same files (identifier columns typed as text, other types auto-detected), then one
  GROUP BY of hours per SAD and year;
- ours: the Dagster job over the FAP assets and the FAP dbt models (validation, pseudonymisation,
  one transaction per month, incremental models, their dbt tests), into an empty work database;
- incremental: with a five-year history loaded (60 months, a persistent Dagster instance),
  adding one month the way `autonomy refresh` does (the stale assets planned from the instance's
  code and data versions, dagster_project/incremental.py, and their dependents, within this job)
  against the full rebuild of the 61 months.

Volumes: 10 M lines (a year, 20 départements) and 50 M lines (a year, 100 départements x 36 SAD,
the issue's national scale); the history has the 50 M scale per year (250 M lines in all) unless
--history-lines-per-year says otherwise. Targets (issue 5): ours <= 1.5 x baseline at 50 M lines,
peak RSS <= 4 GiB, adding one month <= 5 % of the full rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"  # --data-dir to change (the smoke test uses a temporary one)
WORK = DATA / "work"  # one path for every run of ours, as in a deployment
PRIMED = DATA / "dbt_primed"
GIB = 1024**3
TARGETS = {"ratio_50m": 1.5, "rss_gib": 4.0, "incremental_pct": 5.0}
HOME_ENV = "AUTONOMY_BENCH_DAGSTER_HOME"  # the persistent instance of the history and the month added


# ---------------------------------------------------------------- measuring a child process
def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants (bytes), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(ppid, []).append(pid)
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(label: str, args: list[str], extra_env: dict[str, str] | None = None) -> dict:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(ROOT / ".cache" / "pycache"), **(extra_env or {})}
    # The child's output goes to a file, not a pipe: a pipe nobody reads while we poll fills at
    # 64 KiB (a failing Dagster run prints more) and the child then blocks forever.
    log = DATA / f"{label.split()[0]}.log"
    with log.open("w") as sink:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, __file__, *args], env=env, stdout=sink, stderr=subprocess.STDOUT)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)
        seconds = time.monotonic() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{label} failed (exit {process.returncode}):\n{output[-4000:]}")
    detail = json.loads(output.strip().splitlines()[-1])
    print(f"  {label:<42} {seconds:8.1f} s  peak RSS {peak / GIB:5.2f} GiB  {detail}", flush=True)
    return {"label": label, "seconds": round(seconds, 1), "peak_rss_gib": round(peak / GIB, 2), **detail}


# ---------------------------------------------------------------- the variants (child processes)
def run_baseline(files: str, db: Path) -> dict:
    import duckdb

    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        # Identifiers typed as text: auto-detection alone reads FINESS as numbers from the first
        # lines and then fails on Corsica's '2A...' (measured at the 100-département volume).
        ids = "{'sad_id': 'VARCHAR', 'finess': 'VARCHAR', 'beneficiary_id': 'VARCHAR'}"
        con.execute(
            f"CREATE TABLE fap_lines AS SELECT * FROM read_csv('{files}', delim=';', header=true, decimal_separator=',', types={ids})"
        )
        groups = con.execute(
            "SELECT sad_id, left(CAST(month AS VARCHAR), 4) AS year, sum(hours_billed) FROM fap_lines GROUP BY ALL"
        ).fetchall()
        rows = con.execute("SELECT count(*) FROM fap_lines").fetchone()[0]
    finally:
        con.close()
    return {"rows": rows, "groups": len(groups)}


def run_ours(raw: Path, work: Path, month: str | None) -> dict:
    os.environ.update(
        AUTONOMY_RAW_DIR=str(raw), AUTONOMY_WAREHOUSE=str(work / "autonomy.duckdb"), AUTONOMY_WORK_DIR=str(work / ".work")
    )
    started = time.monotonic()
    import dagster as dg

    from dagster_project.checks.definitions import defs as reconciliation_defs
    from dagster_project.definitions import defs
    from dagster_project.settings import get_settings
    from dagster_project.warehouse.publish import PUBLISH_KEY

    COMPARISON_KEY = dg.AssetKey(["marts", "fap_annex_hours_comparison"])  # a dbt model since the sources/ layout
    # What the refresh builds from the FAP exports before publishing, and what that reads: the FAP
    # marts carry the SAD keys, which come from the annex's staging models, so the deliberations
    # (small, a few seconds) and those models are built too. No reconciliation (its models read
    # every document; its checks guard staging assets selected here), no publish, no reports.
    reconciliation = [key for checks in reconciliation_defs.asset_checks for key in checks.check_keys]
    fap = (
        dg.AssetSelection.key_prefixes(["raw", "fap"]).downstream()
        - dg.AssetSelection.assets(COMPARISON_KEY, PUBLISH_KEY).downstream()
    )
    selection = fap.upstream().required_multi_asset_neighbors() - dg.AssetSelection.checks(*reconciliation)
    job = dg.define_asset_job("fap_benchmark", selection=selection, executor_def=dg.in_process_executor)
    resolved = dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("fap_benchmark")
    tags = {}
    loaded = time.monotonic()
    home = os.environ.get(HOME_ENV)
    stale_count = None
    with dg.DagsterInstance.get() if home else dg.DagsterInstance.ephemeral() as instance:
        if month:
            # Adding a month: what `autonomy refresh` runs, the plan of dagster_project/incremental.py
            # (the stale assets from the instance's code and data versions, and their dependents),
            # within this job. The FAP step loads the months whose file is new or changed.
            from dagster_project.incremental import downstream, stale_assets
            from dagster_project.versions import Inputs, hash_cache

            settings = get_settings()
            cache = hash_cache(settings)
            inputs = Inputs(settings, cache).all()
            cache.save()
            graph = resolved.asset_layer.asset_graph
            keys = set(graph.materializable_asset_keys)
            stale = stale_assets(graph, keys, instance, inputs)
            run_keys = downstream(graph, keys, stale)
            for key in list(run_keys):
                if not graph.get(key).assets_def.can_subset:
                    run_keys |= set(graph.get(key).assets_def.keys) & keys
            stale_count = {"stale": sorted(k.to_user_string() for k in stale), "materialized": len(run_keys), "of": len(keys)}
            checks = {ck for a in {graph.get(k).assets_def for k in run_keys} for ck in a.check_keys if ck.asset_key in run_keys}
            resolved = resolved.get_subset(asset_selection=run_keys, asset_check_selection=checks)
        result = resolved.execute_in_process(
            instance=instance,
            tags=tags,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
        steps = {
            stat.step_key.replace("raw__fap__", ""): round(stat.end_time - stat.start_time, 1)
            for stat in instance.get_run_step_stats(result.run_id)
            if stat.start_time and stat.end_time
        }
    if not result.success:
        failures = [e.event_specific_data.error.message[:2000] for e in result.all_events if e.is_step_failure]
        raise SystemExit("ingestion failed: " + "\n".join(failures))
    import duckdb

    with duckdb.connect(str(get_settings().work_db), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM raw.fap_lines").fetchone()[0]
        months = con.execute(
            "SELECT count(*) FROM intermediate.int_fap__hours_by_sad_month_prestation GROUP BY dbt_invocation_id ORDER BY 1"
        ).fetchall()
    return {
        "rows": rows,
        "model_rows_by_run": [m[0] for m in months],
        "import_and_definitions_s": round(loaded - started, 1),
        **({"plan": stale_count} if stale_count else {}),
        "steps_s": steps,
    }


# ---------------------------------------------------------------- data sets
def dataset(name: str, departments: int, start: str, months: int, lines: int) -> Path:
    """benchmarks/data/<name>/fap (+ links to the deliberations and the open-data manifest, which the definitions read)."""
    from dagster_project.sources.fap import generate

    raw = DATA / name
    marker = raw / "dataset.json"
    spec = {"departments": departments, "start": start, "months": months, "lines": lines}
    if marker.exists() and (raw / "opendata").exists() and json.loads(marker.read_text())["spec"] == spec:
        return raw
    shutil.rmtree(raw, ignore_errors=True)
    (raw / "fap").mkdir(parents=True)
    (raw / "deliberations").symlink_to(ROOT / "raw" / "deliberations")
    (raw / "opendata").symlink_to(ROOT / "raw" / "opendata")  # its manifest declares the opendata assets
    print(f"generating {name}: {lines:,} lines, {departments} départements, {months} months from {start}", flush=True)
    started = time.monotonic()
    _, written = generate.write_volume(
        raw / "fap",
        ROOT / "raw" / "fap",
        departments,
        generate.months_from(start, months),
        lines=lines,
        progress=sys.stderr.isatty(),
    )
    marker.write_text(json.dumps({"spec": spec, "lines": written, "seconds": round(time.monotonic() - started, 1)}))
    os.sync()  # or the first measurement competes with the write-back of several GB
    return raw


def _lines(raw: Path) -> int:
    return json.loads((raw / "dataset.json").read_text())["lines"]


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------- the run
SIZES = (("10M", 20, 10_000_000), ("50M", 100, 50_000_000))  # (label, départements, lines)


def _size_row_from_history(args: argparse.Namespace) -> bool:
    """The smoke run checks the machinery, not the figures: unless the incremental part is skipped,
    its size row is measured on the history's files, its "ours" being the incremental part's full
    rebuild (the same code path, on an empty work database), rather than one more data set and
    one more run of ours."""
    return args.smoke and not args.skip_incremental


def _sizes(args: argparse.Namespace) -> tuple[tuple[str, int, int], ...]:
    """The one-year data sets measured against the baseline, each in a data set of its own."""
    if args.only_incremental or _size_row_from_history(args):
        return ()
    return SIZES[:1] if args.smoke else SIZES


def main_run(args: argparse.Namespace) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(DATA).free < (args.scale * 40 + 2) * GIB:
        raise SystemExit(f"not enough free disk space for the benchmark ({shutil.disk_usage(DATA).free / GIB:.0f} GiB)")
    results: dict = {"machine": _machine(), "sizes": [], "incremental": None}
    _prime_dbt()
    for label, departments, lines in _sizes(args):
        lines = int(lines * args.scale)
        raw = dataset(f"year_{label}", departments, "2024-01", 12, lines)
        print(f"{label}: {_lines(raw):,} lines", flush=True)
        base = measure(
            f"baseline {label}", ["_baseline", str(raw / "fap" / "fap_*.csv"), str(_fresh(DATA / "work_baseline") / "b.duckdb")]
        )
        ours = measure(f"ours {label}", ["_ours", str(raw), str(_fresh_work())])
        results["sizes"].append({"size": label, "lines": _lines(raw), "baseline": base, "ours": ours})
        print(f"  ratio ours / baseline: {ours['seconds'] / base['seconds']:.2f}", flush=True)
        shutil.rmtree(DATA / "work_baseline", ignore_errors=True)
        shutil.rmtree(WORK, ignore_errors=True)
        if not args.keep_data:
            shutil.rmtree(raw)
    if not args.skip_incremental:
        results["incremental"] = incremental(args, results["sizes"] if _size_row_from_history(args) else None)
    (DATA / "results.json").write_text(json.dumps(results, indent=1))
    shutil.rmtree(PRIMED, ignore_errors=True)
    print(report(results))


def incremental(args: argparse.Namespace, sizes: list | None = None) -> dict:
    """The history, one month added, the full rebuild; `sizes` given (the smoke run): the baseline
    measured on the same 61 months, appended to it with the full rebuild as ours."""
    per_year = int(args.history_lines_per_year * args.scale)
    raw = dataset("history", 100, "2019-01", 61, per_year * 61 // 12)
    added = raw / "fap" / "fap_2024-01.csv"
    held_back = raw / added.name
    added.replace(held_back)  # the history is the first 60 months
    print(f"history: {_lines(raw):,} lines over 61 months", flush=True)
    work = _fresh_work()
    # One Dagster instance for the history and the month added, as a deployment keeps it: the
    # month's run is planned from the versions the history's run recorded.
    home = _fresh(DATA / "dagster_home")
    shutil.copy(ROOT / "deploy" / "dagster.dev.yaml", home / "dagster.yaml")
    load = measure("history load (60 months)", ["_ours", str(raw), str(work)], {HOME_ENV: str(home), "DAGSTER_HOME": str(home)})
    held_back.replace(added)
    add = measure(
        "add one month (planned: stale assets only)",
        ["_ours", str(raw), str(work), "--month", "2024-01"],
        {HOME_ENV: str(home), "DAGSTER_HOME": str(home)},
    )
    shutil.rmtree(work)
    shutil.rmtree(home)
    full = measure("full rebuild (61 months)", ["_ours", str(raw), str(_fresh_work())])
    shutil.rmtree(WORK, ignore_errors=True)
    lines = _lines(raw)
    if sizes is not None:
        files, base_db = str(raw / "fap" / "fap_*.csv"), _fresh(DATA / "work_baseline") / "b.duckdb"
        sizes.append(
            {
                "size": "history",
                "lines": lines,
                "baseline": measure("baseline history", ["_baseline", files, str(base_db)]),
                "ours": full,
            }
        )
        shutil.rmtree(DATA / "work_baseline", ignore_errors=True)
    if not args.keep_data:
        shutil.rmtree(raw)
    return {"history_lines": lines, "history_load": load, "add_month": add, "full_rebuild": full}


def _prime_dbt() -> None:
    """dbt re-parses the whole project when the profile it renders changes: parse once as the dbt
    step does (autonomy-dbt, the database named by its file name: transform/dbt_in_work_dir.py),
    into a folder of the benchmark (the project's dbt/target is not touched), and start every
    measured run from that parse: the steady state of a deployment."""
    from dagster_project.transform.project import DBT_IN_WORK_DIR, DBT_PROJECT_DIR

    shutil.rmtree(PRIMED, ignore_errors=True)
    PRIMED.mkdir(parents=True)
    env = {**os.environ, "AUTONOMY_WORK_DB": str(PRIMED / "autonomy_work.duckdb")}  # a parse opens no database
    subprocess.run(
        [DBT_IN_WORK_DIR, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(PRIMED), "--log-path", str(PRIMED / "logs")],
        check=True, env=env,
    )  # fmt: skip


def _fresh_work() -> Path:
    """An empty work folder with the primed partial parse where the dbt step looks for it."""
    from dagster_project.transform.assets import dbt_target_path

    work = _fresh(WORK)
    target = dbt_target_path(work / ".work")
    target.mkdir(parents=True)
    shutil.copy(PRIMED / "partial_parse.msgpack", target / "partial_parse.msgpack")
    return work


def _machine() -> dict:
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory / GIB),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def report(results: dict) -> str:
    out = [
        f"Machine: {results['machine']['cpus']} cores ({results['machine']['cpu']}), {results['machine']['memory_gib']} GiB RAM, "
        f"Python {results['machine']['python']}, DuckDB {results['machine']['duckdb']}",
        "",
        "| lines | variant | wall time (s) | peak RSS (GiB) | ratio to baseline |",
        "|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        base, ours = size["baseline"], size["ours"]
        out.append(f"| {size['lines']:,} | baseline (bare DuckDB) | {base['seconds']} | {base['peak_rss_gib']} | 1.00 |")
        out.append(
            f"| {size['lines']:,} | ours (Dagster + dbt) | {ours['seconds']} | {ours['peak_rss_gib']} | {ours['seconds'] / base['seconds']:.2f} |"
        )
    inc = results.get("incremental")
    if inc:
        pct = 100 * inc["add_month"]["seconds"] / inc["full_rebuild"]["seconds"]
        out += [
            "",
            f"Incremental, {inc['history_lines']:,} lines over 61 months (a 60-month history, then one more month):",
            "",
            "| run | wall time (s) | peak RSS (GiB) |",
            "|---|---|---|",
            f"| full rebuild, 61 months | {inc['full_rebuild']['seconds']} | {inc['full_rebuild']['peak_rss_gib']} |",
            f"| add one month to the history | {inc['add_month']['seconds']} | {inc['add_month']['peak_rss_gib']} |",
            "",
            f"Adding one month = {pct:.1f} % of the full rebuild (target <= {TARGETS['incremental_pct']} %).",
        ]
    runs = [v for s in results["sizes"] for v in (s["baseline"], s["ours"])]
    runs += [inc[k] for k in ("history_load", "add_month", "full_rebuild")] if inc else []
    if results["sizes"]:  # none with --only-incremental
        last = results["sizes"][-1]
        ratio = last["ours"]["seconds"] / last["baseline"]["seconds"]
        out.append(f"Ours / baseline at {last['lines']:,} lines: {ratio:.2f} (target <= {TARGETS['ratio_50m']}).")
    out.append(f"Peak RSS, all runs: {max(run['peak_rss_gib'] for run in runs)} GiB (target <= {TARGETS['rss_gib']} GiB).")
    return "\n".join(out)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_baseline":
        print(json.dumps(run_baseline(sys.argv[2], Path(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_ours":
        month = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--month" else None
        print(json.dumps(run_ours(Path(sys.argv[2]), Path(sys.argv[3]), month)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every volume (0.01 for a quick trial)")
    parser.add_argument("--history-lines-per-year", type=int, default=50_000_000)
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument(
        "--only-incremental", action="store_true", help="the incremental measure only (history, one month, full rebuild)"
    )
    parser.add_argument("--keep-data", action="store_true", help="keep the generated files in benchmarks/data/")
    parser.add_argument("--data-dir", type=Path, help="where to generate the data (default benchmarks/data/)")
    parser.add_argument(
        "--smoke", action="store_true",
        help="the whole benchmark at a tiny scale (about 10 000 to 100 000 lines, a minute): run by `make test` so it never rots",
    )  # fmt: skip
    args = parser.parse_args()
    if args.smoke:  # the incremental runs and a baseline on their files: every code path once
        args.scale, args.history_lines_per_year = 0.001, 12_000
    if args.data_dir:
        global DATA, WORK, PRIMED
        DATA = args.data_dir.resolve()
        WORK, PRIMED = DATA / "work", DATA / "dbt_primed"
    main_run(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

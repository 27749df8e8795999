"""Refresh benchmark (`make bench-refresh`): the four cases of an incremental refresh, each as a
whole `autonomy refresh` process (as `make run` runs it) on one tree in temporary paths with a
persistent Dagster instance, in rounds, so that each case is paired with the full rebuild of the
same round (the machine is shared: ratios pair by pair hold when absolute times drift):

- nothing new: the quick answer ("Rien n'a changé depuis le run ...");
- one FAP month: a new monthly export (the lines of December 2024 as a new month);
- one official file: one value of the MDPH barometer changed (and its sha256 in the manifest);
- full: `autonomy refresh --full`.

    python benchmarks/refresh.py [--runs 5] [--write benchmarks/RESULTS.md] [--label after]

"whole process" is the wall time of the process (interpreter start, imports, plan, run);
"refresh" is what `make run` prints ("Refresh succeeded in N s"). The first run of a fresh tree
is a cold full build (an empty work database, no hash cache yet), reported apart.
The per-step breakdown is that of the full rebuilds (Dagster step events).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "benchmarks" / "RESULTS.md"

CASES = ("nothing new", "one FAP month", "one official file", "full")
SUCCEEDED = re.compile(r"Refresh succeeded in ([0-9.]+) s \(run ([0-9a-f-]{36})\)")
NOTHING = "Rien n'a changé depuis le run"
MDPH_FILE = "mdph/ind-296.csv"


def make_tree(root: Path) -> dict[str, str]:
    """A copy of raw/ with the deterministic FAP sample, temporary outputs and Dagster home."""
    sys.path.insert(0, str(PROJECT))
    from dagster_project.sources.fap.generate import write_sample

    raw = root / "raw"
    shutil.copytree(PROJECT / "raw", raw, ignore=shutil.ignore_patterns("fap_*.csv", "fap_*.csv.gz", "files"))
    write_sample(raw / "fap", progress=False)
    from dagster_project.settings import get_settings

    # The official files, as links to those in place (several MB), so that one can be changed.
    source = get_settings().opendata_dir
    opendata = root / "opendata"
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")):
        target = opendata / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path)
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "deploy" / "dagster.dev.yaml", home / "dagster.yaml")  # as `make setup` does
    env = {k: v for k, v in os.environ.items() if k not in ("AUTONOMY_WORK_DIR", "AUTONOMY_FAULT", "AUTONOMY_DBT_VARS")}
    env.update(
        AUTONOMY_RAW_DIR=str(raw),
        AUTONOMY_WAREHOUSE=str(root / "warehouse" / "autonomy.duckdb"),
        AUTONOMY_REPORTS_DIR=str(root / "reports"),
        AUTONOMY_OPENDATA_DIR=str(opendata),
        DAGSTER_HOME=str(home),
    )
    return env


def one_run(env: dict[str, str], *args: str) -> dict:
    """One `autonomy refresh` process: its wall time, the refresh time it prints, its run's steps."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "refresh", *args], env=env, cwd=PROJECT, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"refresh process failed:\n{out[-4000:]}")
    if NOTHING in out:
        return {"process_s": wall, "refresh_s": wall, "steps": {}, "assets": 0}
    found = SUCCEEDED.search(out)
    if found is None:
        sys.exit(f"refresh did not succeed:\n{out[-4000:]}")
    steps, assets = _steps(env, found.group(2))
    return {"process_s": wall, "refresh_s": float(found.group(1)), "steps": steps, "assets": assets}


def _steps(env: dict[str, str], run_id: str) -> tuple[dict[str, float], int]:
    import dagster as dg

    steps, starts, assets = {}, {}, 0
    os.environ["DAGSTER_HOME"] = env["DAGSTER_HOME"]  # the event log storage finds its files through it
    with dg.DagsterInstance.get() as instance:
        for record in instance.all_logs(run_id):
            event = record.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                starts[event.step_key] = record.timestamp
            elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                steps[event.step_key] = record.timestamp - starts.get(event.step_key, record.timestamp)
            elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                assets += 1
    return steps, assets


def add_fap_month(env: dict[str, str], n: int) -> None:
    """A new monthly export: the lines of December 2024 as month 2025-<n>."""
    fap = Path(env["AUTONOMY_RAW_DIR"]) / "fap"
    month = f"{2025 + (n - 1) // 12}-{(n - 1) % 12 + 1:02d}"
    december = (fap / "fap_2024-12.csv").read_text(encoding="utf-8")
    (fap / f"fap_{month}.csv").write_text(december.replace("\n2024-12;", f"\n{month};"), encoding="utf-8")


def change_official_file(env: dict[str, str], n: int) -> None:
    """One value of the MDPH barometer (Ain) changed, and its sha256 in the tree's manifest."""
    from dagster_project.core.hashing import sha256_of

    target = Path(env["AUTONOMY_OPENDATA_DIR"]) / MDPH_FILE
    old_sha = sha256_of(target)
    lines = target.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    before = lines[1]
    cells[4] = f"{3.5 + n / 100:.2f}"  # indic_vi of the first row (3.01 as published: 3.51, 3.52, ...)
    lines[1] = ",".join(cells)
    if lines[1] == before:
        sys.exit(f"the official file was not changed: {before}")
    target.unlink(missing_ok=True)  # a link at first: replaced by a file of the tree's own
    target.write_text("\n".join(lines), encoding="utf-8")
    manifest = Path(env["AUTONOMY_RAW_DIR"]) / "opendata" / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, sha256_of(target)), encoding="utf-8")


def one_round(env: dict[str, str], n: int, full: dict | None = None) -> dict[str, dict]:
    """The four cases, in this order, each after its change; `full`: a full rebuild already made
    (the smoke run's cold build, made with --full), instead of one more at the end."""
    out = {"nothing new": one_run(env)}
    add_fap_month(env, n)
    out["one FAP month"] = one_run(env)
    change_official_file(env, n)
    out["one official file"] = one_run(env)
    out["full"] = full if full is not None else one_run(env, "--full")
    return out


def _group(step: str) -> str:
    """Reconciliation steps are many small ones today: summed under one line."""
    return "checks (reconciliation, summed)" if step.startswith(("reconcil", "checks")) else step


def summarize(runs: list[dict]) -> dict[str, float]:
    grouped: dict[str, list[float]] = {}
    for r in runs:
        per: dict[str, float] = {}
        for step, seconds in r["steps"].items():
            per[_group(step)] = per.get(_group(step), 0.0) + seconds
        for step, seconds in per.items():
            grouped.setdefault(step, []).append(seconds)
    return {k: statistics.median(v) for k, v in sorted(grouped.items(), key=lambda kv: -statistics.median(kv[1]))}


def _list(runs: list[dict], key: str) -> str:
    return ", ".join(f"{r[key]:.1f}" for r in runs)


def render(label: str, rounds: list[dict[str, dict]], cold: dict | None) -> str:
    out = [
        f"### {label}",
        "",
        f"{len(rounds)} round(s) of the four cases on one tree ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}); "
        "each case a whole `autonomy refresh` process; median, seconds; ratio: to the full rebuild of the same round, "
        "pair by pair (median).",
        "",
        "| case | whole process | refresh (as `make run` prints it) | assets materialized | ratio to full | runs (whole process) |",
        "|---|---|---|---|---|---|",
    ]
    for case in CASES:
        runs = [r[case] for r in rounds]
        ratios = [r[case]["process_s"] / r["full"]["process_s"] for r in rounds]
        out.append(
            f"| {case} | **{statistics.median(x['process_s'] for x in runs):.1f}** | "
            f"{statistics.median(x['refresh_s'] for x in runs):.1f} | {statistics.median(x['assets'] for x in runs):.0f} | "
            f"{statistics.median(ratios):.2f} | {_list(runs, 'process_s')} |"
        )
    if cold:
        out.append(
            f"| cold first run (new tree, empty work database) | {cold['process_s']:.1f} | {cold['refresh_s']:.1f} | {cold['assets']} | | |"
        )
    steps = summarize([r["full"] for r in rounds])
    out += ["", "Full rebuild, per step:", "", "| step | median (s) |", "|---|---|"]
    out += [f"| {step} | {seconds:.2f} |" for step, seconds in steps.items()]
    out.append(f"| sum of steps | {sum(steps.values()):.1f} |")
    return "\n".join(out) + "\n"


def write_results(text: str, label: str, results: Path = RESULTS) -> None:
    """Insert (or replace) the subsection `### label` of the "Refresh" section of RESULTS.md."""
    content = results.read_text(encoding="utf-8") if results.exists() else ""
    if "\n# Refresh" not in content and not content.startswith("# Refresh"):
        content = content.rstrip() + "\n\n# Refresh\n\n`make bench-refresh` (`benchmarks/refresh.py`), issue 12.\n\n"
    pattern = re.compile(rf"### {re.escape(label)}\n.*?(?=\n### |\n# |\Z)", re.S)
    if pattern.search(content):
        content = pattern.sub(lambda _: text.rstrip("\n") + "\n", content)
    else:
        content = content.rstrip() + "\n\n" + text
    results.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="rounds of the four cases (after one cold full build)")
    parser.add_argument("--write", action="store_true", help=f"write the results into {RESULTS.relative_to(PROJECT)}")
    parser.add_argument("--label", default="current", help="subsection title in RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the file --write updates")
    parser.add_argument("--smoke", action="store_true", help="one round only: `make test` runs this")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_refresh_") as tmp:
        env = make_tree(Path(tmp))
        # The smoke run (`make test`) checks the machinery, not the figures: its cold build is made
        # with --full and stands for the round's full rebuild (one full build fewer in the suite).
        cold = one_run(env, "--full") if args.smoke else one_run(env)
        print(f"cold full build: process {cold['process_s']:.1f} s, refresh {cold['refresh_s']:.1f} s", flush=True)
        rounds = []
        for i in range(1 if args.smoke else args.runs):
            rounds.append(one_round(env, i + 1, full=cold if args.smoke else None))
            print(f"round {i + 1}: " + ", ".join(f"{case} {rounds[-1][case]['process_s']:.1f} s" for case in CASES), flush=True)
    text = render(args.label, rounds, cold)
    print()
    print(text)
    if args.write:
        write_results(text, args.label, args.results)
        print(f"written to {args.results}")


if __name__ == "__main__":
    main()

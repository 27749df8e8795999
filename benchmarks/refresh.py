"""Refresh benchmark (`make bench-refresh`): run the full refresh several times into temporary
paths, each in its own process as `make run` does, and print the median wall time and a
per-step breakdown taken from the Dagster run's step events.

    python benchmarks/refresh.py [--runs 5] [--write benchmarks/RESULTS.md] [--label after]

The refresh time is the one `make run` prints ("Refresh succeeded in N s": the job, imports
excluded); the process time adds interpreter start, imports and definitions. The first run of
a fresh tree is a cold one (dbt parses the project for the new work-database path) and is
reported apart; the median is over the following runs, as a second `make run` would be.
"""

from __future__ import annotations

import argparse
import json
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

# Runs in a child process: one refresh, then its step timings as JSON on the last line.
CHILD = r"""
import json, sys, time
t0 = time.monotonic()
import dagster as dg
from dagster_project.refresh import run_refresh
imported = time.monotonic()
summary = run_refresh()
steps, starts = {}, {}
instance = dg.DagsterInstance.get()
for record in instance.all_logs(summary.run_id):
    event = record.dagster_event
    if event is None or event.step_key is None:
        continue
    if event.event_type == dg.DagsterEventType.STEP_START:
        starts[event.step_key] = record.timestamp
    elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
        steps[event.step_key] = record.timestamp - starts.get(event.step_key, record.timestamp)
print(json.dumps({"published": summary.published, "refresh_s": summary.seconds,
                  "imports_s": imported - t0, "steps": steps,
                  "failed": summary.failed_steps}))
"""


def make_tree(root: Path) -> dict[str, str]:
    """A copy of raw/ with the deterministic FAP sample, temporary outputs and Dagster home."""
    sys.path.insert(0, str(PROJECT))
    from dagster_project.sources.fap.generate import write_sample

    raw = root / "raw"
    shutil.copytree(PROJECT / "raw", raw, ignore=shutil.ignore_patterns("fap_*.csv", "fap_*.csv.gz", "files"))
    write_sample(raw / "fap", progress=False)
    from dagster_project.settings import get_settings

    opendata = get_settings().opendata_dir  # the official files, read in place (several MB)
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


def one_run(env: dict[str, str]) -> dict:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=PROJECT, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"refresh process failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if not result["published"]:
        sys.exit(f"refresh did not publish: {result['failed']}")
    result["process_s"] = wall
    return result


def _group(step: str) -> str:
    """Reconciliation steps are many small ones today: summed under one line."""
    return "checks (reconciliation, summed)" if step.startswith(("reconcil", "checks")) else step


def summarize(runs: list[dict]) -> tuple[dict, dict]:
    keys = ["refresh_s", "process_s", "imports_s"]
    medians = {k: statistics.median(r[k] for r in runs) for k in keys}
    grouped: dict[str, list[float]] = {}
    for r in runs:
        per: dict[str, float] = {}
        for step, seconds in r["steps"].items():
            per[_group(step)] = per.get(_group(step), 0.0) + seconds
        for step, seconds in per.items():
            grouped.setdefault(step, []).append(seconds)
    steps = {k: statistics.median(v) for k, v in sorted(grouped.items(), key=lambda kv: -statistics.median(kv[1]))}
    return medians, steps


def _list(runs: list[dict], key: str) -> str:
    return ", ".join(f"{r[key]:.1f}" for r in runs)


def render(label: str, runs: list[dict], cold: dict | None) -> str:
    medians, steps = summarize(runs)
    out = [
        f"### {label}",
        "",
        f"{len(runs)} warm runs ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}); median, seconds.",
        "",
        "| measure | median | runs |",
        "|---|---|---|",
        f"| refresh (as `make run` prints it) | **{medians['refresh_s']:.1f}** | {_list(runs, 'refresh_s')} |",
        f"| whole process (start, imports, refresh) | {medians['process_s']:.1f} | {_list(runs, 'process_s')} |",
        f"| imports + definitions | {medians['imports_s']:.1f} | |",
    ]
    if cold:
        out.append(f"| cold first run (new paths: dbt re-parses) | {cold['refresh_s']:.1f} | |")
    out += ["", "| step | median (s) |", "|---|---|"]
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
    parser.add_argument("--runs", type=int, default=5, help="warm runs (after one cold run)")
    parser.add_argument("--write", action="store_true", help=f"write the results into {RESULTS.relative_to(PROJECT)}")
    parser.add_argument("--label", default="current", help="subsection title in RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the file --write updates")
    parser.add_argument("--smoke", action="store_true", help="one (cold) run only, reported as the median: `make test` runs this")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_refresh_") as tmp:
        env = make_tree(Path(tmp))
        cold = one_run(env)
        print(f"cold run: refresh {cold['refresh_s']:.1f} s, process {cold['process_s']:.1f} s", flush=True)
        runs = [cold] if args.smoke else []
        for i in range(0 if args.smoke else args.runs):
            runs.append(one_run(env))
            print(
                f"run {i + 1}/{args.runs}: refresh {runs[-1]['refresh_s']:.1f} s, process {runs[-1]['process_s']:.1f} s",
                flush=True,
            )
    text = render(args.label, runs, None if args.smoke else cold)
    print()
    print(text)
    if args.write:
        write_results(text, args.label, args.results)
        print(f"written to {args.results}")


if __name__ == "__main__":
    main()

"""Open-data loading benchmark (issue 13; not a test): `.venv/bin/python benchmarks/opendata_load.py`.

Loads every publication of raw/opendata/manifest.yml from AUTONOMY_OPENDATA_DIR (or
--opendata-dir) into a scratch DuckDB file, each run in its own process, and reports the median
wall time and peak RSS against a baseline measured in the same run: the same spreadsheets read
sheet by sheet with fastexcel into polars, nothing else (no provenance, no checks, no write).
Target: all files loaded in <= 10 s on 2 cores. --smoke: one run of each (run by `make test`).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0
CHILD_OURS = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from dagster_project.sources.opendata.load import read_opendata, write_opendata
started = time.monotonic()
load = read_opendata(Path({manifest!r}), Path({folder!r}))
counts = write_opendata(Path({db!r}), load)
print(sum(counts.values()))
"""
CHILD_BASELINE = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
import fastexcel
from dagster_project.sources.opendata.manifest import discover, load_manifest
cells = 0
for source in discover(load_manifest(Path({manifest!r})), Path({folder!r})):
    if source.path.suffix.lower() in ('.xls', '.xlsx'):
        reader = fastexcel.read_excel(str(source.path))
        for name in reader.sheet_names:
            frame = reader.load_sheet(name, header_row=None).to_polars()
            cells += frame.height * frame.width
print(cells)
"""


def run(code: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS GiB of the child, its last line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"benchmark child failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024**2  # KiB -> GiB
    return wall, peak, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--opendata-dir", type=Path, help="default: settings (AUTONOMY_OPENDATA_DIR)")
    parser.add_argument("--smoke", action="store_true", help="one run of each: `make test` runs it so it never rots")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from dagster_project.settings import get_settings

    settings = get_settings()
    folder = args.opendata_dir or settings.opendata_dir
    runs = 1 if args.smoke else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        params = {
            "root": str(ROOT),
            "manifest": str(settings.opendata_manifest),
            "folder": str(folder),
            "db": str(Path(tmp) / "o.duckdb"),
        }
        ours, base = [], []
        for _ in range(runs):  # alternate, so that a drift of the machine hits both alike
            base.append(run(CHILD_BASELINE.format(**params)))
            Path(params["db"]).unlink(missing_ok=True)
            ours.append(run(CHILD_OURS.format(**params)))
    median_ours = statistics.median(w for w, _, _ in ours)
    median_base = statistics.median(w for w, _, _ in base)
    result = {
        "runs": runs,
        "ours_median_s": round(median_ours, 2),
        "baseline_median_s": round(median_base, 2),
        "ratio": round(median_ours / median_base, 2),
        "rows_loaded": int(ours[-1][2]),
        "baseline_cells_read": int(base[-1][2]),
        "peak_rss_gib": round(max(p for _, p, _ in ours), 2),
        "target_s": TARGET_SECONDS,
    }
    print(
        f"open data, {runs} run(s): ours {result['ours_median_s']} s (median; {result['rows_loaded']:,} rows with provenance), "
        f"baseline (fastexcel reads only) {result['baseline_median_s']} s, ratio {result['ratio']}; "
        f"peak RSS {result['peak_rss_gib']} GiB; target <= {TARGET_SECONDS} s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Open-data loading benchmark (issues 13, 21; not a test): `.venv/bin/python benchmarks/opendata_load.py`.

Loads every publication of raw/opendata/manifest.yml from AUTONOMY_OPENDATA_DIR (or
--opendata-dir) into a scratch DuckDB file, each run in its own process, and reports the median
wall time and peak RSS against a baseline measured in the same run: the same files read bare, the
spreadsheets sheet by sheet with fastexcel into polars and the CSV files with polars' reader,
nothing else (no provenance, no checks, no write). Each publication's read time is reported too,
ours and bare (the files of issue 21: cnsa_ehpad_prices, barometre_*, drees_aid_beneficiaries_annual).
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
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from dagster_project.sources.opendata.load import OpendataLoad, read_opendata, write_opendata
from dagster_project.sources.opendata.manifest import discover, load_manifest
import polars as pl
manifest, folder = Path({manifest!r}), Path({folder!r})
files = discover(load_manifest(manifest), folder)  # every file hashed, known editions checked
load, per = OpendataLoad(files), {{}}
for source in files:  # as read_opendata does, one file at a time to time each publication
    started = time.monotonic()
    part = read_opendata(manifest, folder, [source])
    for publication, frame in part.tables.items():
        previous = load.tables.get(publication)
        load.tables[publication] = frame if previous is None else pl.concat([previous, frame], how="diagonal_relaxed")
        per[publication] = per.get(publication, 0.0) + time.monotonic() - started
counts = write_opendata(Path({db!r}), load)
print(json.dumps({{"count": sum(counts.values()), "per": per}}))
"""
CHILD_BASELINE = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import fastexcel
import polars as pl
from dagster_project.sources.opendata.manifest import discover, load_manifest
cells, per = 0, {{}}
for source in discover(load_manifest(Path({manifest!r})), Path({folder!r})):
    started = time.monotonic()
    if source.path.suffix.lower() in ('.xls', '.xlsx'):
        reader = fastexcel.read_excel(str(source.path))
        for name in reader.sheet_names:
            frame = reader.load_sheet(name, header_row=None).to_polars()
            cells += frame.height * frame.width
    elif source.path.suffix.lower() == '.csv':
        separator = ';' if source.publication.layout == 'cnsa_prices' else ','
        frame = pl.read_csv(source.path, separator=separator, infer_schema=False, encoding='utf8-lossy')
        cells += frame.height * frame.width
    publication = source.publication.publication_id
    per[publication] = per.get(publication, 0.0) + time.monotonic() - started
print(json.dumps({{"count": cells, "per": per}}))
"""
NEW_PUBLICATIONS = ("drees_aid_beneficiaries_annual", "cnsa_ehpad_prices", "barometre_mdph_processing_times",
                    "barometre_indicators")  # fmt: skip


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
    ours_out, base_out = [json.loads(o) for _, _, o in ours], [json.loads(b) for _, _, b in base]
    publications = sorted(ours_out[-1]["per"])
    per = {
        p: {
            "ours_median_s": round(statistics.median(o["per"][p] for o in ours_out), 3),
            "baseline_median_s": round(statistics.median(b["per"].get(p, 0.0) for b in base_out), 3),
        }
        for p in publications
    }
    result = {
        "runs": runs,
        "ours_median_s": round(median_ours, 2),
        "baseline_median_s": round(median_base, 2),
        "ratio": round(median_ours / median_base, 2),
        "rows_loaded": int(ours_out[-1]["count"]),
        "baseline_cells_read": int(base_out[-1]["count"]),
        "peak_rss_gib": round(max(p for _, p, _ in ours), 2),
        "target_s": TARGET_SECONDS,
        "new_files_ours_s": round(sum(per[p]["ours_median_s"] for p in NEW_PUBLICATIONS if p in per), 3),
        "new_files_baseline_s": round(sum(per[p]["baseline_median_s"] for p in NEW_PUBLICATIONS if p in per), 3),
        "per_publication": per,
    }
    print(
        f"open data, {runs} run(s): ours {result['ours_median_s']} s (median; {result['rows_loaded']:,} rows with provenance), "
        f"baseline (bare reads) {result['baseline_median_s']} s, ratio {result['ratio']}; "
        f"peak RSS {result['peak_rss_gib']} GiB; target <= {TARGET_SECONDS} s"
    )
    print(
        f"  files of issue 21 ({', '.join(NEW_PUBLICATIONS)}): read in {result['new_files_ours_s']} s "
        f"(bare reads {result['new_files_baseline_s']} s)"
    )
    for p in publications:
        print(f"  {p:<34} ours {per[p]['ours_median_s']:>7.3f} s   bare {per[p]['baseline_median_s']:>7.3f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""The benchmarks run once at a tiny scale, so that they never rot (issue 12): the FAP ingestion
benchmark (`make bench`) and the refresh benchmark (`make bench-refresh`), each in its own
process and into temporary paths, as `make` runs them."""

import re
import subprocess
import sys

import pytest
from conftest import PROJECT, inherited_environment

pytestmark = pytest.mark.e2e


def _run(args: list[str], tmp_path) -> str:
    env = inherited_environment()
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env={**env, "TMPDIR": str(tmp_path)}, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


@pytest.mark.xdist_group("benchmarks")
@pytest.mark.slow
def test_fap_ingestion_benchmark_at_smoke_scale(tmp_path):
    out = _run(["benchmarks/fap_ingest.py", "--smoke", "--data-dir", str(tmp_path / "data")], tmp_path)
    assert "| ours (Dagster + dbt) |" in out and "Adding one month =" in out, out
    assert (tmp_path / "data" / "results.json").exists()
    assert not (tmp_path / "data" / "work").exists()  # cleaned up


@pytest.mark.xdist_group("benchmarks")
@pytest.mark.slow
def test_refresh_benchmark_at_smoke_scale(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# FAP ingestion benchmark: results\n\nkept as is\n", encoding="utf-8")
    out = _run(["benchmarks/refresh.py", "--smoke", "--write", "--results", str(results), "--label", "smoke"], tmp_path)
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# FAP ingestion benchmark: results\n\nkept as is\n")
    assert "# Refresh" in text and "### smoke" in text and "| dbt_models |" in text, out
    assert "refresh (as `make run` prints it)" in text
    # the four cases: nothing new materializes nothing; a FAP month and an official file some, not all
    assets = {
        m[1]: int(m[2])
        for m in re.finditer(r"^\| (nothing new|one FAP month|one official file|full) \| [^|]+\| [^|]+\| (\d+) \|", text, re.M)
    }
    assert assets["nothing new"] == 0 and 0 < assets["one FAP month"] < assets["full"], text
    assert 0 < assets["one official file"] < assets["full"], text


@pytest.mark.xdist_group("benchmarks")
def test_opendata_load_benchmark_at_smoke_scale(tmp_path):
    out = _run(["benchmarks/opendata_load.py", "--smoke"], tmp_path)
    assert "open data, 1 run(s): ours" in out and '"rows_loaded": ' in out, out

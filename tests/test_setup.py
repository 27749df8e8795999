"""The set-up on the servers départements have: `make setup` never installs anything into the
system Python or ~/.local (Debian 12/13 and Ubuntu 24.04 mark their Python as externally
managed, PEP 668): uv is the one on PATH or is bootstrapped into a venv of its own in the
checkout (.cache/uv-bootstrap/), and uv builds .venv/ for the interpreter PYTHON names.

Each case copies only what the set-up needs into a temporary folder and runs `make setup` there
for one interpreter (Debian's /usr/bin/python3, a python3.12, a python3.13), with no uv on PATH
and an empty HOME (so nothing of ~/.local is seen, and anything written there would show); uv's
and pip's caches are the real ones, so nothing is downloaded twice. 15-21 s a case here, most of
it the first import of the stack (bytecode compiled)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT

SETUP_FILES = ("Makefile", "pyproject.toml", "uv.lock", "README.md", "deploy/dagster.dev.yaml")
IMPORTS = "import sys, dagster, dbt.version, duckdb, polars, great_expectations"
# what a process of the outer `make test` inherits and must not leak into the copy's set-up
INHERITED = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "UV", "VIRTUAL_ENV", "PYTHON", "PYTHONPATH", "PYTHONHOME", "DAGSTER_HOME")


def _interpreter(version: str | None) -> tuple[Path | None, str]:
    """The interpreter of a case, or None and why not. `None` is the system Python."""
    if version is None:
        found = Path("/usr/bin/python3")
        return (found, "") if _runs(found) else (None, "no /usr/bin/python3 on this machine (not a Debian or Ubuntu)")
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    candidates = [shutil.which(f"python{version}"), f"/usr/bin/python{version}"]
    candidates += sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True)
    for candidate in candidates:
        if candidate and _runs(Path(candidate)):
            return Path(candidate), ""
    return None, f"no python{version} found (PATH, /usr/bin, {pyenv}/{version}.*): the set-up is not tested with {version}"


def _runs(python: Path) -> bool:
    """A pyenv shim exists for every version pyenv has but runs only the selected ones."""
    try:
        return subprocess.run([python, "-c", "pass"], capture_output=True, timeout=30).returncode == 0
    except OSError:
        return False


def _describe(python: Path | str) -> tuple[str, str, list[str]]:
    """Version, base prefix and the content of the interpreter's site-packages."""
    code = "import os, sys, sysconfig; p = sysconfig.get_paths()['purelib']; print(sys.version.split()[0]); print(sys.base_prefix); print(*sorted(os.listdir(p)) if os.path.isdir(p) else [], sep='|')"
    out = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    return out[0], out[1], out[2].split("|") if len(out) > 2 else []


def _environment(home: Path) -> dict[str, str]:
    """An empty HOME, no uv on PATH, uv's and pip's real caches (and pip's user configuration:
    index, mirror) kept."""
    real_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    env = {key: value for key, value in os.environ.items() if key not in INHERITED and not key.startswith("UV_")}
    env["HOME"] = str(home)
    env["PATH"] = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep) if d and not (Path(d) / "uv").exists())
    env["UV_CACHE_DIR"] = os.environ.get("UV_CACHE_DIR") or str(real_cache / "uv")
    env.setdefault("PIP_CACHE_DIR", str(real_cache / "pip"))
    pip_conf = Path.home() / ".config" / "pip" / "pip.conf"
    if "PIP_CONFIG_FILE" not in env and pip_conf.is_file():
        env["PIP_CONFIG_FILE"] = str(pip_conf)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("version", [None, "3.12", "3.13"], ids=["system", "3.12", "3.13"])
def test_setup_bootstraps_uv_and_builds_the_venv_for_the_interpreter(version, tmp_path):
    python, why_not = _interpreter(version)
    if python is None:
        pytest.skip(why_not)
    checkout, home = tmp_path / "checkout", tmp_path / "home"
    home.mkdir()
    for name in SETUP_FILES:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT / name, checkout / name)
    shutil.copytree(PROJECT / "dagster_project", checkout / "dagster_project", ignore=shutil.ignore_patterns("__pycache__"))
    env = _environment(home)
    version_of, base_prefix, site_before = _describe(python)

    first = subprocess.run(
        ["make", "setup", f"PYTHON={python}"], cwd=checkout, env=env, capture_output=True, text=True, timeout=900
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert (checkout / ".cache" / "uv-bootstrap" / "bin" / "uv").is_file(), first.stdout  # no uv on PATH: bootstrapped
    assert f"sync --frozen --python {python}" in first.stdout

    venv_python = checkout / ".venv" / "bin" / "python"
    assert _describe(venv_python)[:2] == (version_of, base_prefix)  # .venv/ is built on that interpreter
    imported = subprocess.run(
        [venv_python, "-c", f"{IMPORTS}; print(sys.version.split()[0], dbt.version.__version__)"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split()[0] == version_of

    # nothing written into the system Python nor into ~/.local
    assert _describe(python)[2] == site_before
    assert not (home / ".local").exists(), sorted(str(p) for p in (home / ".local").rglob("*"))[:20]

    # a second set-up does nothing slow: no bootstrap, no sync
    again = subprocess.run(
        ["make", "setup", f"PYTHON={python}"], cwd=checkout, env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "sync" not in again.stdout and "uv-bootstrap" not in again.stdout, again.stdout

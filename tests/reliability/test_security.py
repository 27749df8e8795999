"""Security defaults: the UI listens on localhost, no secret is committed, the published file is
readable by the analysts' group and by nobody else."""

import re
import stat
import subprocess

from dagster_project.sources.fap.pseudonymise import DEV_KEY

from .conftest import PROJECT

SECRET_PATTERNS = {
    "private key block": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
    "secret assignment": re.compile(
        r"""(?i)\b[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PSEUDO_KEY)[A-Z0-9_]*\s*[:=]\s*["']?([A-Za-z0-9+/=_\-]{24,})"""
    ),
}
# Committed on purpose and documented (docs/fap_format.md): the public development pseudonym key.
ALLOWED = {DEV_KEY}


def test_ui_binds_to_localhost_by_default():
    dry = subprocess.run(["make", "-n", "ui"], cwd=PROJECT, capture_output=True, text=True, check=True).stdout
    assert "-m dagster_project.ui" in dry and "--host 127.0.0.1" in dry
    override = subprocess.run(
        ["make", "-n", "ui", "AUTONOMY_UI_HOST=0.0.0.0"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "AUTONOMY_UI_HOST": "0.0.0.0"},
    ).stdout
    assert "--host 0.0.0.0" in override
    # the wrapper hands the host to dagster dev unchanged
    from dagster_project.ui import command

    assert command("127.0.0.1", 3000)[-4:] == ["-h", "127.0.0.1", "-p", "3000"]


def test_no_secret_is_committed():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout.split(b"\0")
    hits = []
    for name in filter(None, files):
        path = PROJECT / name.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for what, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                value = match.group(match.lastindex or 0)
                if value not in ALLOWED:
                    hits.append(f"{name.decode()}: {what}: {match.group(0)[:60]}")
    assert hits == []


def test_published_file_is_group_readable_and_not_world_accessible(published):
    mode = stat.S_IMODE(published.warehouse.stat().st_mode)
    assert mode == 0o640, oct(mode)
    work_dir = published.warehouse.parent / ".work"
    assert not stat.S_IMODE(work_dir.stat().st_mode) & stat.S_IRWXO  # the private work database

"""`autonomy opendata fetch`: the official files of raw/opendata/manifest.yml, from a local HTTP
server standing in for the publishers, or from a mirror; never a partial or wrong file."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from dagster_project.core.errors import InputError
from dagster_project.settings import get_settings
from dagster_project.sources.opendata.fetch import fetch

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "opendata"
if not SHARED.is_dir():
    pytest.skip(f"the real open-data files are not beside the checkout ({SHARED})", allow_module_level=True)


def _expected() -> dict[str, str]:
    """file -> sha256, read from the mirror's own lists (not through the manifest under test):
    SHA256SUMS and SHA256SUMS.added (the files of issue 21, listed apart by the mirror)."""
    sums = {}
    for listing in ("SHA256SUMS", "SHA256SUMS.added"):
        for line in (SHARED / listing).read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, name = line.split("  ", 1)
                sums[name] = digest
    return sums


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in folder.rglob("*") if p.is_file()}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve():
    """serve(folder) -> (base URL, list of the paths requested so far)."""
    servers = []

    def start(folder: Path) -> tuple[str, list[str]]:
        requested: list[str] = []

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                requested.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", requested

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def use(tmp_path, monkeypatch):
    """use(base URL, mirror) -> settings: a raw folder whose manifest points every publication at
    <base URL>/<sub-folder of its files>/{file_name}, and an empty opendata folder."""

    def configure(base_url: str, mirror: Path | None = None):
        data = yaml.safe_load((PROJECT / "raw" / "opendata" / "manifest.yml").read_text(encoding="utf-8"))
        for entry in data["publications"]:
            (folder,) = {Path(e["file"]).parent.as_posix() for e in entry["editions"]}
            entry["url"] = f"{base_url}/{folder}/{{file_name}}"
        raw = tmp_path / "raw"
        (raw / "opendata").mkdir(parents=True, exist_ok=True)
        (raw / "opendata" / "manifest.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        monkeypatch.setenv("AUTONOMY_RAW_DIR", str(raw))
        monkeypatch.setenv("AUTONOMY_OPENDATA_DIR", str(tmp_path / "opendata"))
        if mirror:
            monkeypatch.setenv("AUTONOMY_OPENDATA_MIRROR", str(mirror))
        else:  # `make test` exports the shared mirror
            monkeypatch.delenv("AUTONOMY_OPENDATA_MIRROR", raising=False)
        return get_settings()

    return configure


def test_download_fills_the_folder_then_downloads_nothing(serve, use):
    base_url, requested = serve(SHARED)
    settings = use(base_url)
    lines = fetch(settings, log=lambda line: None)
    assert _files(settings.opendata_dir) == _expected()
    assert len(requested) == len(_expected()) and all(line.startswith("downloaded") for line in lines)

    again = fetch(settings, log=lambda line: None)
    assert len(requested) == len(_expected()), "a file already in place was downloaded again"
    assert len(again) == len(_expected()) and all(line.startswith("present") for line in again)


def test_mirror_is_copied_without_network(use):
    settings = use(f"http://127.0.0.1:{_closed_port()}", mirror=SHARED)
    lines = fetch(settings, log=lambda line: None)
    assert _files(settings.opendata_dir) == _expected()
    assert all(line.startswith("copied") for line in lines)


def test_truncated_download_is_refused_and_the_rest_kept(serve, use, tmp_path):
    served = tmp_path / "served"
    for name in _expected():
        (served / name).parent.mkdir(parents=True, exist_ok=True)
        (served / name).symlink_to(SHARED / name)
    truncated = served / "insee" / "v_region_2024.csv"
    content = truncated.read_bytes()
    truncated.unlink()
    truncated.write_bytes(content[: len(content) // 2])
    settings = use(serve(served)[0])

    with pytest.raises(InputError) as refused:
        fetch(settings, log=lambda line: None)
    message = str(refused.value)
    assert "insee_cog_regions" in message and "1 open-data file(s)" in message
    assert _expected()["insee/v_region_2024.csv"] in message and _sha256(truncated) in message
    target = settings.opendata_dir / "insee" / "v_region_2024.csv"
    assert not target.exists()
    assert not [p.name for p in target.parent.iterdir() if "v_region" in p.name], "a temporary file was left"
    assert _files(settings.opendata_dir) == {k: v for k, v in _expected().items() if k != "insee/v_region_2024.csv"}


def test_unreachable_without_mirror_names_each_publication_and_its_target(use):
    settings = use(f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(InputError) as refused:
        fetch(settings, log=lambda line: None)
    message = str(refused.value)
    for publication in yaml.safe_load(settings.opendata_manifest.read_text(encoding="utf-8"))["publications"]:
        assert publication["publication_id"] in message
        for edition in publication["editions"]:
            assert str(settings.opendata_dir / edition["file"]) in message
    assert "AUTONOMY_OPENDATA_MIRROR" in message
    assert not any(p.is_file() for p in settings.opendata_dir.rglob("*"))


def test_cli(use):
    command = [sys.executable, "-c", "import sys; from dagster_project.cli import main; sys.exit(main())", "opendata", "fetch"]
    settings = use(f"http://127.0.0.1:{_closed_port()}", mirror=SHARED)
    done = subprocess.run(command, cwd=PROJECT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _files(settings.opendata_dir) == _expected()
    assert done.stdout.count("\n") == len(_expected())

    shutil.rmtree(settings.opendata_dir)
    empty = settings.opendata_dir.parent / "empty-mirror"
    empty.mkdir()
    done = subprocess.run(
        command,
        cwd=PROJECT,
        env={**os.environ, "AUTONOMY_OPENDATA_MIRROR": str(empty)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "autonomy opendata fetch:" in done.stderr and "insee_cog_regions" in done.stderr

"""`autonomy opendata fetch`: put every known edition of raw/opendata/manifest.yml in the opendata folder.

A file already there with the manifest's sha256 is kept. Otherwise it is copied from the mirror
(AUTONOMY_OPENDATA_MIRROR) when the mirror has it, else downloaded from its official address;
either way it is written to a temporary file beside its target and moved into place only once
its sha256 matches, so a reader never sees a partial or wrong file.
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ...core.errors import InputError
from ...core.hashing import sha256_of
from ...settings import Settings, get_settings
from .manifest import Edition, Publication, load_manifest

TIMEOUT_SECONDS = 60
USER_AGENT = "autonomy-warehouse-opendata-fetch/1.0"  # some publishers refuse urllib's default agent


def fetch(settings: Settings | None = None, log: Callable[[str], None] = print) -> list[str]:
    """Fetch what is missing; return (and log) one line per file. Raises one InputError listing
    every file it could not get, after keeping all those it could."""
    settings = settings or get_settings()
    lines: list[str] = []
    failures: list[str] = []
    for publication in load_manifest(settings.opendata_manifest):
        for edition in publication.editions:
            target = settings.opendata_dir / edition.file
            try:
                if target.is_file() and sha256_of(target) == edition.sha256:
                    line = f"present     {target}"
                else:
                    line = _get(publication, edition, target, settings.opendata_mirror)
            except InputError as exc:
                failures.append(str(exc))
                continue
            log(line)
            lines.append(line)
    if failures:
        listed = "\n".join(f"  - {failure}" for failure in failures)
        raise InputError(
            f"{len(failures)} open-data file(s) could not be fetched (the others are in place):\n{listed}",
            file=str(settings.opendata_dir),
        )
    return lines


def _get(publication: Publication, edition: Edition, target: Path, mirror: Path | None) -> str:
    mirrored = mirror / edition.file if mirror else None
    if mirrored is not None and mirrored.is_file():
        verb, source = "copied", str(mirrored)
    else:
        # the manifest puts the raw file name in the URL (spaces, accents): quote its path
        parts = urllib.parse.urlsplit(publication.download_url(edition))
        verb, source = "downloaded", parts._replace(path=urllib.parse.quote(parts.path, safe="/%")).geturl()
    how = (
        f"download it by hand from {publication.download_url(edition)} into {target}, "
        f"or set AUTONOMY_OPENDATA_MIRROR to a folder holding {edition.file}"
    )
    temporary: Path | None = None
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False) as out:
                temporary = Path(out.name)
                if verb == "copied":
                    with open(source, "rb") as inp:
                        shutil.copyfileobj(inp, out)
                else:
                    _download(source, out)
        except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError is an OSError
            raise InputError(
                f"cannot get {publication.publication_id} ({publication.publisher}, {publication.title}), "
                f"edition {edition.edition}, from {source}: {exc}; {how}",
                file=str(target),
            ) from exc
        digest = sha256_of(temporary)
        if digest != edition.sha256:
            raise InputError(
                f"{publication.publication_id} ({publication.publisher}), edition {edition.edition}, from {source}: "
                f"sha256 {digest}, but raw/opendata/manifest.yml expects {edition.sha256} (truncated, or another "
                f"file at that address); nothing was written; {how}",
                file=str(target),
            )
        os.replace(temporary, target)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)  # a no-op once moved into place
    return f"{verb:<11} {target} from {source}"


def _download(url: str, out: BinaryIO) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        shutil.copyfileobj(response, out)

"""raw/opendata/manifest.yml: the official publications the warehouse loads, their known editions.

A file in the input folder that matches a publication's pattern is either a known edition (its
sha256 must match) or a new edition (named from its file name by edition_regex).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...core.errors import InputError
from ...core.hashing import sha256_of


@dataclass(frozen=True)
class Edition:
    edition: str
    file: str  # relative to the opendata folder, e.g. "insee/v_region_2024.csv"
    sha256: str


@dataclass(frozen=True)
class Publication:
    publication_id: str
    publisher: str
    title: str
    pattern: str
    layout: str
    url: str
    licence: str
    editions: tuple[Edition, ...]
    edition_regex: str | None = None
    sheets: str | None = None  # regex of the sheet names to read (spreadsheets)
    # sheets the marts need: an edition without one of them (missing or renamed) is refused
    required_sheets: tuple[str, ...] = ()

    def matches(self, relative: str) -> bool:
        return fnmatch.fnmatchcase(relative, self.pattern)

    def known(self, relative: str) -> Edition | None:
        return next((e for e in self.editions if e.file == relative), None)

    def edition_of(self, relative: str) -> str:
        """The edition a file holds: the manifest's for a known file, else from its name."""
        known = self.known(relative)
        if known:
            return known.edition
        found = re.search(self.edition_regex, Path(relative).name) if self.edition_regex else None
        return "-".join(found.groups()) if found else Path(relative).stem

    def download_url(self, edition: Edition) -> str:
        return self.url.format(file_name=Path(edition.file).name)


@dataclass(frozen=True)
class SourceFile:
    publication: Publication
    relative: str
    path: Path
    sha256: str
    edition: str
    known: bool


def load_manifest(path: Path) -> list[Publication]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the open-data manifest: {exc}", file=str(path)) from exc
    publications = []
    for entry in data.get("publications") or []:
        editions = tuple(Edition(**e) for e in entry.pop("editions", []) or [])
        required = tuple(entry.pop("required_sheets", []) or [])
        publications.append(Publication(**entry, editions=editions, required_sheets=required))
    return publications


def discover(publications: list[Publication], folder: Path) -> list[SourceFile]:
    """Every file of the folder that a publication claims, hash-checked against known editions.

    Refuses a known edition whose sha256 differs from the manifest's, and a publication with no
    file at all (naming it and how to get it)."""
    found: list[SourceFile] = []
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    for publication in publications:
        mine = [p for p in files if publication.matches(p.relative_to(folder).as_posix())]
        if not mine:
            raise InputError(
                f"no file of the publication {publication.publication_id} ({publication.publisher}, "
                f"{publication.title}): expected {publication.pattern} under {folder}; run "
                f"`autonomy opendata fetch` (or `make run`), or download it from {publication.url}",
                file=str(folder / publication.pattern),
            )
        for path in mine:
            relative = path.relative_to(folder).as_posix()
            digest = sha256_of(path)
            known = publication.known(relative)
            if known and known.sha256 != digest:
                raise InputError(
                    f"{relative}: sha256 {digest} contradicts raw/opendata/manifest.yml for the known edition "
                    f"{known.edition} of {publication.publication_id} ({known.sha256}); the file was changed or "
                    "truncated: fetch it again",
                    file=str(path),
                    value=digest,
                )
            found.append(SourceFile(publication, relative, path, digest, publication.edition_of(relative), bool(known)))
    return found

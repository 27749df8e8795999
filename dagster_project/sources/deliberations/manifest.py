"""The manifest of published deliberations and the hash check that guards ingestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ...core.errors import ManifestError
from ...core.hashing import sha256_of

MANIFEST_FILE = "manifest.yml"
_REQUIRED = (
    "document_id",
    "file",
    "sha256",
    "title",
    "collectivity",
    "department_code",
    "body",
    "date",
    "deliberation_number",
)


@dataclass(frozen=True)
class Document:
    document_id: str
    file: str
    sha256: str
    title: str
    collectivity: str
    department_code: str
    body: str
    date: date
    deliberation_number: str
    slug: str | None = None  # a short name (collectivity, body, number), for people


def load_manifest(deliberations_dir: Path) -> list[Document]:
    """The documents a deployment loads. No manifest: no document (a département may start with
    the official sources only); a deliberation file that no manifest declares is refused."""
    path = deliberations_dir / MANIFEST_FILE
    if not path.exists():
        undeclared = sorted(p.name for p in deliberations_dir.glob("*.txt")) if deliberations_dir.exists() else []
        if undeclared:
            raise ManifestError(
                f"manifest not found, but {len(undeclared)} deliberation(s) are here: declare each with its sha256",
                file=str(path),
                value=undeclared[0],
            )
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"not valid YAML: {exc}", file=str(path)) from exc
    documents = []
    for index, entry in enumerate(data.get("documents") or [], start=1):
        missing = [key for key in _REQUIRED if not entry.get(key)]
        if missing:
            raise ManifestError(f"document entry #{index} lacks {', '.join(missing)}", file=str(path))
        if entry["file"] != f"{entry['document_id']}.txt":
            raise ManifestError(
                f"document_id must be the file name without extension ({entry['file']!r})",
                file=str(path),
                value=entry["document_id"],
            )
        documents.append(
            Document(
                **{key: str(entry[key]) for key in _REQUIRED if key != "date"},
                date=entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"])),
                slug=entry.get("slug"),
            )
        )
    ids = [d.document_id for d in documents]
    if len(set(ids)) != len(ids):
        raise ManifestError("a document is declared twice", file=str(path), value=sorted({i for i in ids if ids.count(i) > 1})[0])
    return documents


def check_departments(documents: list[Document], cog_departments: set[str], deliberations_dir: Path) -> None:
    """Every document's département must be a département of the COG ('62', '2A', '971')."""
    for index, document in enumerate(documents, start=1):
        if document.department_code not in cog_departments:
            raise ManifestError(
                f"document entry #{index} ({document.document_id}): department_code is not a département of the COG "
                "(a code such as '62', '2A' or '971', quoted)",
                file=str(deliberations_dir / MANIFEST_FILE),
                column="department_code",
                value=document.department_code,
            )


def verify_document(deliberations_dir: Path, document: Document) -> Path:
    """Return the document's path if its bytes are exactly those the manifest records."""
    path = deliberations_dir / document.file
    if not path.exists():
        raise ManifestError("declared in the manifest but the file is missing", file=str(path))
    actual = sha256_of(path)
    if actual != document.sha256:
        raise ManifestError(
            f"sha256 is {actual} but the manifest records {document.sha256}: the document changed. "
            f"If this new version is intended, update its sha256 in {MANIFEST_FILE} (and re-check the "
            "catalogue lines that point into it); otherwise restore the published file",
            file=str(path),
        )
    return path


def read_lines(path: Path) -> list[str]:
    """The document's lines, 1-based by index + 1. Refuses anything that is not UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestError(
            f"not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); documents must be UTF-8",
            file=str(path),
            line=line,
        ) from exc
    return text.split("\n")

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
    "slug",
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
    slug: str
    title: str
    collectivity: str
    department_code: str
    body: str
    date: date
    deliberation_number: str


def load_manifest(deliberations_dir: Path) -> list[Document]:
    path = deliberations_dir / MANIFEST_FILE
    if not path.exists():
        raise ManifestError("manifest not found: every deliberation must be declared with its sha256", file=str(path))
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
                **{key: entry[key] for key in _REQUIRED if key != "date"},
                date=entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"])),
            )
        )
    slugs = [d.slug for d in documents]
    if len(set(slugs)) != len(slugs):
        raise ManifestError("two documents share a slug", file=str(path))
    return documents


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

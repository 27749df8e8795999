"""Apply a broken-input case of tests/data/bad/ to a copy of raw/."""

from __future__ import annotations

from pathlib import Path

import yaml

BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"


def cases() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(BAD_DIR.glob("*.yml"))}


def apply_case(case: dict, raw: Path) -> None:
    for step in case["steps"]:
        ((op, args),) = step.items()
        OPS[op](raw, args)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def _replace_line(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    lines = _lines(path)
    assert a["old"] in lines[a["line"] - 1], f"{a['old']!r} not on line {a['line']} of {path.name}"
    lines[a["line"] - 1] = lines[a["line"] - 1].replace(a["old"], a["new"], 1)
    _write_lines(path, lines)


def _keep_lines(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    _write_lines(path, _lines(path)[: a["lines"]])


def _delete_line(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    lines = _lines(path)
    del lines[a["line"] - 1]
    _write_lines(path, lines)


def _insert_line(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    lines = _lines(path)
    lines[a["before"] - 1 : a["before"] - 1] = a["text"].rstrip("\n").split("\n")
    _write_lines(path, lines)


def _reencode(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    path.write_bytes(path.read_text(encoding="utf-8").encode(a["encoding"], errors="replace"))


def _write_file(raw: Path, a: dict) -> None:
    path = raw / a["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    content = a["content"]
    path.write_bytes(content.encode(a.get("encoding", "utf-8")) if isinstance(content, str) else bytes(content))


def _delete_file(raw: Path, a: dict) -> None:
    (raw / a["file"]).unlink()


def _update_manifest(raw: Path, document_id: str) -> None:
    from conftest import update_manifest_hash

    update_manifest_hash(raw / "deliberations", document_id)


def _edit_catalogue(raw: Path, a: dict, figure: bool = False) -> None:
    path = raw / "deliberations" / "catalogue.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [f for group in data["prose"] for f in group["figures"]] if figure else data["tables"] + data["prose"]
    key = "figure_id" if figure else "table_id"
    (entry,) = [e for e in entries if e[key] == a[key]]
    entry.update(a["set"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


OPS = {
    "replace_line": _replace_line,
    "keep_lines": _keep_lines,
    "delete_line": _delete_line,
    "insert_line": _insert_line,
    "reencode": _reencode,
    "write_file": _write_file,
    "delete_file": _delete_file,
    "update_manifest": _update_manifest,
    "edit_catalogue": _edit_catalogue,
    "edit_figure": lambda raw, a: _edit_catalogue(raw, a, figure=True),
}

"""Apply a broken-input case of tests/data/bad/ to a copy of raw/."""

from __future__ import annotations

import re
import shutil
import zipfile
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


def _edit_manifest(raw: Path, a: dict) -> None:
    path = raw / "deliberations" / "manifest.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (entry,) = [d for d in data["documents"] if d["document_id"] == a["document_id"]]
    entry.update(a["set"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---------------------------------------------------------------- official files (issue 13)
def opendata_folder(raw: Path) -> Path:
    """raw/opendata/files/ of the copy, made of links to the official files on first use (the
    test then points AUTONOMY_OPENDATA_DIR at it); an edited file is a real copy."""
    from conftest import link_opendata

    return link_opendata(raw / "opendata" / "files")


def _own_copy(folder: Path, relative: str, target: str | None = None) -> Path:
    source = (folder / relative).resolve()
    path = folder / (target or relative)
    if path.is_symlink() or path.exists():
        path.unlink()
    shutil.copyfile(source, path)
    return path


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_xlsx(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The XML part of a sheet, through workbook.xml and its relationships."""
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels
    )
    return "xl/" + target.group(1).removeprefix("/xl/")


def _opendata_edition(raw: Path, a: dict) -> None:
    """A new edition of an official file (a copy under a new name) with one defect: a renamed
    sheet, a cell's text replaced (header, value, territory code), or its end cut off."""
    folder = opendata_folder(raw)
    path = _own_copy(folder, a["file"], a.get("as"))
    if "truncate" in a:
        path.write_bytes(path.read_bytes()[: a["truncate"]])
        return
    parts = _xlsx_parts(path)
    if "rename_sheet" in a:
        old, new = a["rename_sheet"]
        workbook = parts["xl/workbook.xml"].decode("utf-8")
        assert f'name="{old}"' in workbook, old
        parts["xl/workbook.xml"] = workbook.replace(f'name="{old}"', f'name="{new}"', 1).encode("utf-8")
    if "set_cell" in a:
        sheet, cell, text = a["set_cell"]
        part = _sheet_part(parts, sheet)
        xml = parts[part].decode("utf-8")
        pattern = re.compile(rf'<c r="{cell}"(?: [^>]*)?(?:/>|>.*?</c>)', re.S)
        assert pattern.search(xml), f"{cell} not in {sheet}"
        inline = f'<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>'
        parts[part] = pattern.sub(lambda _: inline, xml, count=1).encode("utf-8")
    _write_xlsx(path, parts)


def _opendata_csv_edition(raw: Path, a: dict) -> None:
    """A new edition of an official CSV file (a copy under a new name, in the file's own encoding)
    with one defect: a value replaced on one line (`replace: [line, old, new]`), or a column
    removed from the header and every record (`drop_column`, rewritten by the csv module)."""
    import csv
    import io

    folder = opendata_folder(raw)
    path = _own_copy(folder, a["file"], a.get("as"))
    encoding = a.get("encoding", "utf-8")
    text = path.read_bytes().decode(encoding)
    if "replace" in a:
        line, old, new = a["replace"]
        lines = text.split("\n")
        assert old in lines[line - 1], f"{old!r} not on line {line} of {path.name}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        text = "\n".join(lines)
    if "drop_column" in a:
        separator = a.get("separator", ";")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
        index = rows[0].index(a["drop_column"])
        out = io.StringIO()
        csv.writer(out, delimiter=separator, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [r[:index] + r[index + 1 :] for r in rows if r]
        )
        text = out.getvalue()
    path.write_bytes(text.encode(encoding))


def _opendata_change_byte(raw: Path, a: dict) -> None:
    """A known edition changed in place: one byte of its end replaced."""
    path = _own_copy(opendata_folder(raw), a["file"])
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def _opendata_delete(raw: Path, a: dict) -> None:
    (opendata_folder(raw) / a["file"]).unlink()


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
    "edit_manifest": _edit_manifest,
    "opendata_edition": _opendata_edition,
    "opendata_csv_edition": _opendata_csv_edition,
    "opendata_change_byte": _opendata_change_byte,
    "opendata_delete": _opendata_delete,
}

"""`autonomy deliberations ...`: check the entries of raw/deliberations/ before a refresh, and
say what each document kind holds (the columns a catalogue entry maps its headers to)."""

from __future__ import annotations

import argparse
import sys


def _check(args: argparse.Namespace) -> int:
    from ...core.errors import InputError
    from ...settings import get_settings
    from .assets import read_checked

    settings = get_settings()
    try:
        load = read_checked(settings)
    except InputError as exc:
        print(f"autonomy deliberations check: refused: {exc}", file=sys.stderr)
        return 2
    if not load.documents:
        print(f"{settings.deliberations_dir}: no deliberation listed (the official sources only)")
        return 0
    for document in load.documents:
        tables, prose = load.catalogue.for_document(document.document_id)
        print(
            f"{document.document_id} (département {document.department_code}, n°{document.deliberation_number} "
            f"du {document.date.isoformat()}): sha256 OK"
        )
        for spec in tables:
            rows = load.tables[spec.table_id].rows
            totals = sum(1 for r in rows if r["is_total"])
            print(
                f"  table {spec.table_id} [{spec.kind}] lines {spec.header_line}-{spec.last_line}: "
                f"{len(rows) - totals} rows" + (" + TOTAL" if totals else "") + f", {len(spec.columns)} columns"
            )
        for spec in prose:
            roles = sorted({f.role for f in spec.figures if f.role})
            print(f"  prose {spec.table_id}: {len(spec.figures)} figures" + (f" (roles: {', '.join(roles)})" if roles else ""))
    print(
        f"{len(load.documents)} document(s), {len(load.catalogue.tables)} table(s), {len(load.catalogue.prose)} prose group(s): entries OK"
    )
    if load.acknowledged:
        print(f"register: {len(load.acknowledged)} acknowledged discrepancy(ies) apply to these documents")
    return 0


def _kinds(args: argparse.Namespace) -> int:
    from .kinds import load_kinds, load_roles

    kinds = load_kinds()
    if args.kind:
        if args.kind not in kinds:
            print(f"unknown kind {args.kind!r}; known: {', '.join(sorted(kinds))}", file=sys.stderr)
            return 2
        kind = kinds[args.kind]
        print(f"{kind.kind}: {kind.label_fr}")
        if kind.parameters:
            print(f"  parameters: {', '.join(kind.parameters)}")
        for column in kind.columns.values():
            flags = ", ".join(f for f, on in (("required", column.required), ("one per year", column.per_year)) if on)
            unit = column.unit or ("text" if column.type == "text" else "the row's unit")
            print(f"  {column.name:<40} {unit:<20} {flags:<22} {column.label_fr}")
        return 0
    for kind in kinds.values():
        print(f"{kind.kind:<34} {kind.label_fr}")
    print("\nroles of figures printed in prose:")
    for role in load_roles().values():
        subject = f" (subject: {role.subject})" if role.subject != "none" else ""
        print(f"  {role.role:<38} {role.unit:<14} {role.label_fr}{subject}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "deliberations", help="the deliberations of raw/deliberations/: check the entries, list the kinds"
    )
    sub = parser.add_subparsers(dest="deliberations_command", required=True)
    check = sub.add_parser(
        "check",
        help="check manifest.yml, catalogue.yml and the register against the documents, the kinds and the COG, "
        "without building anything (exit 2 naming the file, entry, line, what was expected and found)",
    )
    check.set_defaults(func=_check)
    kinds = sub.add_parser("kinds", help="the document kinds (and roles); with a kind, its columns and parameters")
    kinds.add_argument("kind", nargs="?", help="a kind, e.g. sad_envelope_annex")
    kinds.set_defaults(func=_kinds)

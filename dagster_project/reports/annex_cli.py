"""`autonomy annex`: the SAD envelope annex of the next deliberation, as .docx, .txt and .pdf."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "annex",
        help="write the SAD envelope annex of a new envelope: .docx, tab-separated .txt and .pdf (reports/annexes/)",
        description=(
            "Splits the envelope between the SAD with the dbt allocation engine, on a copy of the published warehouse, "
            "on the APA hours of the latest complete year of FAP exports before YEAR (to the cent, largest remainder, "
            "ties by SAD name then city), and writes the deliberation's annex: annexe_sad_<year>_<amount>.docx (named "
            "styles, page numbers), .txt (tab-separated, the form deliberations are ingested in) and .pdf when "
            "LibreOffice is installed. Any error writes nothing (docs/annex.md)."
        ),
    )
    parser.add_argument("--year", required=True, help="year of the envelope (e.g. 2026)")
    parser.add_argument("--amount", required=True, help="envelope in euros and cents: 912000, 912000.50 or '912 000,50'")
    parser.add_argument("--department", help="COG code of the département (default: AUTONOMY_DEPARTMENT_CODE, 62)")
    parser.add_argument("--out-dir", type=Path, help="folder to write into (default: <reports>/annexes)")
    parser.add_argument(
        "--number", default="1", help="the annex's number in its deliberation, printed ANNEXE <number> (default 1)"
    )
    parser.set_defaults(func=_annex)


def _annex(args: argparse.Namespace) -> int:
    from .annex import describe, run_annex
    from .whatif import WhatifError

    try:
        result = run_annex(args.year, args.amount, out_dir=args.out_dir, department_code=args.department, number=args.number)
    except WhatifError as exc:
        print(f"annex failed: {exc}")
        return 1
    print("\n".join(describe(result)))
    return 0

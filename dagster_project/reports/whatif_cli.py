"""`autonomy whatif`: next year's envelope split between SAD for a new amount, as the annex CSV."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "whatif",
        help="split a new envelope between SAD prorata hours and write the annex (CSV: data and as printed)",
        description=(
            "Runs the dbt allocation engine on a copy of the published warehouse for a new envelope "
            "and writes the annex in two CSV files (`;`, UTF-8 with BOM): <name>.csv with plain numbers (decimal "
            "comma) and the document line of each SAD's hours, <name>_imprime.csv as the deliberation prints it "
            "(Ville;SAD;heures;%;€, TOTAL row, source line). The amounts add up exactly to the envelope. Written "
            "beside the reports, it is linked from enveloppe.html and index.html."
        ),
    )
    parser.add_argument("--amount", required=True, help="envelope in euros: 912000, 912000.50 or '912 000,50'")
    parser.add_argument("--year", type=int, help="year of the envelope (default: the year after the last published one)")
    parser.add_argument(
        "--basis-year",
        type=int,
        help="year of the hours it is split on (default: the latest complete year of FAP exports before --year, else "
        "the latest year of annex hours before it)",
    )
    parser.add_argument("--department", help="COG code of the département (default: AUTONOMY_DEPARTMENT_CODE, 62)")
    parser.add_argument(
        "--out", type=Path, help="data CSV to write, the printed one beside it (default: <reports>/whatif_<year>_<amount>.csv)"
    )
    parser.set_defaults(func=_whatif)


def _whatif(args: argparse.Namespace) -> int:
    from ..core.frenchfmt import format_plain
    from .whatif import WhatifError, parse_amount, run_whatif

    try:
        result = run_whatif(
            parse_amount(args.amount),
            year=args.year,
            out=args.out,
            department_code=args.department,
            basis_year=args.basis_year,
        )
    except WhatifError as exc:
        print(f"what-if failed: {exc}")
        return 1
    print(
        f"Envelope {result.year} of {format_plain(result.amount_eur, 2)} € for département {result.department_code}, "
        f"split on {result.basis_year} hours ({'FAP exports' if result.hours_source == 'fap_exports' else 'printed annex'}) "
        f"between {len(result.rows)} SAD "
        f"({result.cents_adjusted} cent(s) placed by largest remainder); total {format_plain(result.allocated_eur, 2)} €."
    )
    print(f"  Annex written: {result.path} (data) and {result.printed_path} (as printed)")
    for page in result.relinked:
        print(f"  Linked from: {page}")
    return 0

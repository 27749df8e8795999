"""`autonomy fap ...`: generate synthetic monthly exports, (re)derive the registry and profile."""

from __future__ import annotations

import argparse
from pathlib import Path


def _generate(args: argparse.Namespace) -> int:
    from ...settings import get_settings
    from .contract import EXPORT_PATTERN

    settings = get_settings()
    fap_dir = settings.fap_dir
    if args.if_no_exports and fap_dir.is_dir() and any(EXPORT_PATTERN.match(p.name) for p in fap_dir.iterdir()):
        return 0  # real (or earlier) exports are there: never mix synthetic months in (and `make run` goes on at once)
    from . import generate

    if args.departments == 1 and args.lines is None and args.out is None and args.start is None:
        department = settings.department_code
        if department not in generate.registry_departments(fap_dir):
            print(
                f"no synthetic FAP sample: the SAD registry ({fap_dir / 'sad_registry.csv'}) knows no SAD of "
                f"département {department}; the FAP marts stay empty until its monthly exports are in {fap_dir}"
            )
            return 0
        written = generate.write_sample(fap_dir, department, progress=not args.quiet, only_missing=not args.force)
        if written:
            print(f"wrote {len(written)} synthetic monthly export(s) to {fap_dir} (2024, the SAD of département {department})")
        else:
            print(f"the 2024 sample is already in {fap_dir} (use --force to write it again)")
        return 0
    out = args.out or Path("benchmarks/data/fap")
    months = generate.months_from(args.start or "2024-01", args.months)
    paths, lines = generate.write_volume(
        out, fap_dir, args.departments, months, lines=args.lines, gzip_files=args.gzip, progress=not args.quiet
    )
    print(f"wrote {len(paths)} monthly file(s), {lines} lines, {args.departments} département(s), and sad_registry.csv to {out}")
    return 0


def _bootstrap(args: argparse.Namespace) -> int:
    from ...settings import get_settings
    from .profile import bootstrap

    settings = get_settings()
    registry, profile = bootstrap(settings.deliberations_dir, settings.catalogue_path, settings.fap_dir, settings.department_code)
    print(f"wrote {registry} and {profile} from the envelope annex of département {settings.department_code}")
    return 0


def register(subparsers) -> None:
    fap = subparsers.add_parser("fap", help="FAP billing exports: synthetic sample and benchmark volumes")
    sub = fap.add_subparsers(dest="fap_command", required=True)

    gen = sub.add_parser(
        "generate",
        help="write the synthetic 2024 sample into raw/fap (missing months only), or a benchmark volume with --out",
    )
    gen.add_argument("--out", type=Path, help="folder for a benchmark volume (never raw/fap): files + sad_registry.csv")
    gen.add_argument("--departments", type=int, default=1, help="number of départements (the registry's first, then 01, 02, ...)")
    gen.add_argument("--start", help="first month, YYYY-MM (default 2024-01)")
    gen.add_argument("--months", type=int, default=12, help="number of months (default 12)")
    gen.add_argument("--lines", type=int, help="about this many lines in all (scales beneficiaries per SAD)")
    gen.add_argument("--gzip", action="store_true", help="write .csv.gz files")
    gen.add_argument("--force", action="store_true", help="rewrite the sample months that already exist")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.add_argument(
        "--if-no-exports", action="store_true", help="do nothing when raw/fap already holds monthly exports (make run)"
    )
    gen.set_defaults(func=_generate)

    boot = sub.add_parser(
        "bootstrap",
        help="derive raw/fap/sad_registry.csv and activity_profile_2024.csv from the annex (done once; committed)",
    )
    boot.set_defaults(func=_bootstrap)

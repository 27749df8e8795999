"""`autonomy` command line: the entry points the Makefile and the data team use."""

from __future__ import annotations

import argparse
import sys


def _refresh(args: argparse.Namespace) -> int:
    from .refresh import log_path, output_to, run_refresh

    if args.verbose:
        summary = run_refresh(verbose=True)
    else:  # quiet: a few progress lines here, dbt's per-node lines and library warnings in the log
        log = log_path()
        print(f"Refresh started; details in {log}", flush=True)
        with output_to(log) as console:
            summary = run_refresh(console=console)
    print(summary.render())
    return 0 if summary.published and not summary.failed_steps else 1


def _prepare(args: argparse.Namespace) -> int:
    from .transform.project import ensure_manifest

    print(f"dbt manifest ready: {ensure_manifest(force=args.force)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autonomy", description="autonomy-warehouse: refresh, inspect, generate.")
    sub = parser.add_subparsers(dest="command", required=True)

    refresh = sub.add_parser("refresh", help="full refresh: ingest, dbt build, checks, publish")
    refresh.add_argument("-v", "--verbose", action="store_true", help="show every Dagster log line and dbt's output here (default: a few lines, the rest in a log file)")
    refresh.set_defaults(func=_refresh)

    prepare = sub.add_parser("prepare", help="parse the dbt project (manifest for Dagster)")
    prepare.add_argument("--force", action="store_true")
    prepare.set_defaults(func=_prepare)

    for register in _plugins():
        register(sub)
    return parser


def _plugins():
    """Subcommands contributed by the sources (FAP generator, what-if allocation...)."""
    registered = []
    for module in ("dagster_project.sources.fap.cli", "dagster_project.reports.whatif_cli"):
        try:
            registered.append(__import__(module, fromlist=["register"]).register)
        except ModuleNotFoundError:
            continue
    return registered


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""`autonomy` command line: the entry points the Makefile and the data team use."""

from __future__ import annotations

import argparse
import sys


def _refresh(args: argparse.Namespace) -> int:
    from .refresh import log_path, output_to, run_refresh

    if args.verbose:
        summary = run_refresh(verbose=True, full=args.full)
    else:  # quiet: a few progress lines here, dbt's per-node lines and library warnings in the log
        log = log_path()
        print(f"Refresh started; details in {log}", flush=True)
        with output_to(log) as console:
            summary = run_refresh(console=console, full=args.full)
    print(summary.render())
    return 0 if summary.success and not summary.failed_steps else 1


def _prepare(args: argparse.Namespace) -> int:
    from .transform.manifest import ensure_manifest  # light: no Dagster import when the manifest is fresh

    print(f"dbt manifest ready: {ensure_manifest(force=args.force)}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .production import ProductionRefusal, serve
    from .settings import get_settings

    settings = get_settings()
    try:
        if args.check:
            from .production import check

            check()
            print("autonomy serve: settings OK")
            return 0
        return serve(args.host or settings.ui_host, args.port or settings.ui_port, only=args.only)
    except ProductionRefusal as exc:
        print(f"autonomy serve: {exc}", file=sys.stderr)
        return 2


def _rollback(args: argparse.Namespace) -> int:
    from .settings import get_settings
    from .warehouse.history import RollbackError, list_nights, refresh_info, rollback

    settings = get_settings()
    if args.list:
        current = refresh_info(settings.warehouse) if settings.warehouse.exists() else {}
        print(f"published: {settings.warehouse} (run {current.get('run_id', '?')}, published {current.get('published_at', '?')})")
        nights = list_nights(settings.warehouse, settings.history_dir)
        print(f"nights kept in {settings.history_dir} (last {settings.keep_nights}):" if nights else "no night kept")
        for night in reversed(nights):
            print(f"  {night.night.isoformat()}  run {night.run_id}  {night.path.name}")
        return 0
    try:
        night, info = rollback(args.to)
    except RollbackError as exc:
        print(f"autonomy rollback: {exc}", file=sys.stderr)
        return 1
    print(f"Rolled back {settings.warehouse} to the night of {night.label} (replacing run {info['rollback_of']}).")
    print("Readers see it at their next connection; meta.refresh says rolled_back_at and rollback_of.")
    print("The next successful refresh publishes a new night over it.")
    return 0


def _opendata_fetch(args: argparse.Namespace) -> int:
    from .core.errors import InputError
    from .sources.opendata.fetch import fetch

    try:
        fetch(log=lambda line: print(line, flush=True))
    except InputError as exc:
        print(f"autonomy opendata fetch: {exc}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autonomy", description="autonomy-warehouse: refresh, inspect, generate.")
    sub = parser.add_subparsers(dest="command", required=True)

    refresh = sub.add_parser(
        "refresh",
        help="refresh what is stale (inputs, code or settings changed): ingest, dbt build, checks, publish, reports; "
        "nothing when nothing changed",
    )
    refresh.add_argument(
        "--full", action="store_true", help="rebuild everything, stale or not (as 'Materialize all' of the refresh job)"
    )
    refresh.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show every Dagster log line and dbt's output here (default: a few lines, the rest in a log file)",
    )
    refresh.set_defaults(func=_refresh)

    prepare = sub.add_parser("prepare", help="parse the dbt project (manifest for Dagster)")
    prepare.add_argument("--force", action="store_true")
    prepare.set_defaults(func=_prepare)

    serve = sub.add_parser("serve", help="production services: Dagster webserver and daemon, in the foreground")
    serve.add_argument("--host", help="webserver address (default AUTONOMY_UI_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="webserver port (default AUTONOMY_UI_PORT, 3000)")
    serve.add_argument(
        "--only", choices=["webserver", "daemon"], help="check the settings, then run just this one (systemd units)"
    )
    serve.add_argument("--check", action="store_true", help="only check the settings (exit 2 naming each problem)")
    serve.set_defaults(func=_serve)

    rollback = sub.add_parser("rollback", help="put a previous night's published warehouse back in place, atomically")
    rollback.add_argument(
        "--to", metavar="DATE", help="night to restore, YYYY-MM-DD (or a run id prefix); default: the previous one"
    )
    rollback.add_argument("--list", action="store_true", help="list the nights kept and exit")
    rollback.set_defaults(func=_rollback)

    opendata = sub.add_parser("opendata", help="official open data (INSEE, DREES, IGN) listed in raw/opendata/manifest.yml")
    opendata_sub = opendata.add_subparsers(dest="opendata_command", required=True)
    fetch = opendata_sub.add_parser(
        "fetch",
        help="put every known edition in AUTONOMY_OPENDATA_DIR: kept if its sha256 matches, else copied from "
        "AUTONOMY_OPENDATA_MIRROR or downloaded (exit 2 naming each file it could not get)",
    )
    fetch.set_defaults(func=_opendata_fetch)

    for register in _plugins():
        register(sub)
    return parser


def _plugins():
    """Subcommands contributed by the sources (FAP generator, what-if allocation...)."""
    registered = []
    for module in (
        "dagster_project.sources.fap.cli",
        "dagster_project.sources.deliberations.cli",
        "dagster_project.reports.whatif_cli",
        "dagster_project.reports.annex_cli",
    ):
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

"""Run the `refresh` job outside the UI (`make run`, `autonomy refresh`) and say plainly what happened."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import dagster as dg

from .common import REFRESH_JOB
from .run_summary import RefreshSummary, read_reconciliation, summarize
from .settings import get_settings


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _phase(step_key: str) -> str:
    if step_key == "dbt_models":
        return "dbt build"
    if step_key.startswith(("reconcil", "checks")):
        return "checks"
    if step_key.startswith("publish"):
        return "publish"
    if step_key.startswith("reports"):
        return "reports"
    return "ingest"


class _Progress(logging.Handler):
    """A few lines on the console while the run goes: one per phase (ingest, dbt build, checks,
    publish, reports) with its steps, assets, checks and seconds; a failed step at once."""

    def __init__(self, console: TextIO):
        super().__init__(level=logging.DEBUG)
        self.console = console
        self.current: str | None = None
        self.counts = {"steps": 0, "assets": 0, "checks": 0, "seconds": 0.0}

    def emit(self, record: logging.LogRecord) -> None:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None or event.step_key is None:
            return
        kind = event.event_type
        phase = _phase(event.step_key)
        if kind == dg.DagsterEventType.STEP_START and phase != self.current:
            self.flush_phase()
            self.current = phase
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            self.counts["assets"] += 1
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            self.counts["checks"] += 1
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            self.counts["steps"] += 1
            self.counts["seconds"] += (getattr(event.event_specific_data, "duration_ms", None) or 0) / 1000
            if kind == dg.DagsterEventType.STEP_FAILURE:
                self._print(f"  FAILED {event.step_key}")

    def flush_phase(self) -> None:
        if self.current is not None and self.counts["steps"]:
            c = self.counts
            what = f"{c['steps']} step{'s' if c['steps'] > 1 else ''}, {c['assets']} assets" + (
                f", {c['checks']} checks" if c["checks"] else ""
            )
            self._print(f"  {self.current:<10} {c['seconds']:6.1f} s  ({what})")
        self.current = None
        self.counts = {"steps": 0, "assets": 0, "checks": 0, "seconds": 0.0}

    def _print(self, text: str) -> None:
        self.console.write(text + "\n")
        self.console.flush()


def _with_progress(job: dg.JobDefinition, handler: _Progress) -> dg.JobDefinition:
    @dg.logger
    def progress(_init_context) -> logging.Logger:
        logger = logging.Logger("autonomy.refresh.progress", level=logging.DEBUG)
        logger.addHandler(handler)
        return logger

    return job.with_logger_defs({**job.loggers, "progress": progress})


def log_path() -> Path:
    """Where a quiet refresh writes dbt's per-node lines and third-party output: beside the
    work database (private), one file per run, the last 10 kept."""
    logs = get_settings().work_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in sorted(logs.glob("refresh-*.log"))[:-9]:
        old.unlink(missing_ok=True)
    return logs / time.strftime("refresh-%Y%m%d-%H%M%S.log")


@contextmanager
def output_to(path: Path) -> Iterator[TextIO]:
    """Send this process's stdout and stderr (file descriptors 1 and 2, so dbt's and Chromium's
    output as well as Python warnings) to `path`; yields a stream to the real console."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(saved_out), "w", buffering=1, encoding="utf-8")
    with open(path, "ab") as log, open(path, "a", buffering=1, encoding="utf-8") as text:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:  # Python's own streams too, in case sys.stdout is not file descriptor 1
            with contextlib.redirect_stdout(text), contextlib.redirect_stderr(text):
                yield console
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            console.close()


def run_refresh(
    verbose: bool = False,
    console: TextIO | None = None,
    instance: dg.DagsterInstance | None = None,
    full: bool = False,
) -> RefreshSummary:
    """Materialize what is stale (dagster_project/incremental.py), then check, publish and write
    the reports of what changed; everything with full=True (`autonomy refresh --full`), or when
    the instance cannot vouch for the work database. console: where to print the progress lines
    (one per phase), when given. instance: the Dagster instance to run in (the caller keeps it
    open), instead of DAGSTER_HOME's or an ephemeral one (an ephemeral one knows no earlier run:
    everything is rebuilt)."""
    from .incremental import plan_refresh, quick_check, record_digest
    from .warehouse.lock import RefreshBusy, refresh_lock

    settings = get_settings()
    started = time.monotonic()
    try:  # fail fast, before loading anything, when another refresh holds the lock
        with refresh_lock(settings.lock_file):
            pass
    except RefreshBusy as exc:
        return RefreshSummary(failed_steps=[f"refresh_lock: {exc}"])

    with _instance() if instance is None else contextlib.nullcontext(instance) as run_instance:
        # Nothing changed since the last refresh: said from the instance and the files' stamps,
        # without loading the definitions, opening DuckDB or starting dbt.
        quick = None if full else quick_check(run_instance, settings)
        if quick is not None:
            return RefreshSummary(success=True, nothing_changed=quick.nothing_changed_text(), seconds=time.monotonic() - started)
        from .definitions import defs
        from .reports.png import close_shared_browser
        from .warehouse.publish import PUBLISH_KEY

        plan = plan_refresh(defs, run_instance, settings, full=full)
        if plan.nothing_to_do:
            latest = run_instance.get_runs(filters=dg.RunsFilter(job_name=REFRESH_JOB), limit=1)
            if latest and latest[0].status == dg.DagsterRunStatus.SUCCESS:  # the next night answers quickly
                record_digest(run_instance, latest[0].run_id, settings, plan.inputs, plan.code)
            return RefreshSummary(success=True, nothing_changed=plan.nothing_changed_text(), seconds=time.monotonic() - started)
        plan_lines = plan.describe()
        out = console if console is not None else sys.stdout
        out.write("\n".join(plan_lines) + "\n")
        out.flush()
        job = defs.resolve_job_def(REFRESH_JOB)
        tags = plan.run_tags(job)
        if not plan.full:
            job = job.get_subset(asset_selection=set(plan.run_keys), asset_check_selection=set(plan.check_keys or ()))
        progress = _Progress(console) if console is not None else None
        if progress is not None:
            job = _with_progress(job, progress)
        run_config = {} if verbose else {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        if progress is not None:  # loggers named in the run config are the only ones started
            run_config = {"loggers": {**run_config.get("loggers", {"console": {}}), "progress": {}}}
        try:
            result = job.execute_in_process(instance=run_instance, raise_on_error=False, tags=tags, run_config=run_config)
        finally:
            close_shared_browser()  # the reports' PNG browser ends with the run
        if result.success:
            record_digest(run_instance, result.run_id, settings, plan.inputs, plan.code)
    if progress is not None:
        progress.flush_phase()
    summary = summarize(result.all_events, PUBLISH_KEY)
    summary.run_id = result.run_id
    summary.success = result.success
    summary.seconds = time.monotonic() - started
    summary.plan = plan_lines
    summary.full = plan.full
    if summary.published:  # the checks as index.html counts them, from the warehouse just published
        summary.reconciliation = read_reconciliation(settings.warehouse, settings.reports_dir)
    return summary

"""Retention of Dagster's own history: runs (with their event logs and captured step logs)
older than AUTONOMY_RUN_RETENTION_DAYS are deleted. Schedule and sensor ticks are pruned by
Dagster itself (`retention:` in dagster.yaml, see deploy/dagster.yaml)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import dagster as dg

from .settings import get_settings

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def prune_runs(instance: dg.DagsterInstance, days: int, now: datetime | None = None) -> list[str]:
    """Delete finished runs created more than `days` days ago (0 or less: keep everything)."""
    if days <= 0:
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    records = instance.get_run_records(filters=dg.RunsFilter(created_before=cutoff, statuses=FINISHED))
    deleted = []
    for record in records:
        run_id = record.dagster_run.run_id
        instance.delete_run(run_id)  # the run and its event log
        with contextlib.suppress(Exception):  # captured stdout/stderr of its steps, when stored locally
            instance.compute_log_manager.delete_logs(prefix=[run_id])
        deleted.append(run_id)
    return deleted


def build_retention_sensor() -> dg.SensorDefinition:
    @dg.sensor(
        name="run_retention",
        minimum_interval_seconds=6 * 3600,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Every 6 hours, deletes finished runs (with their events and step logs) older than "
            "AUTONOMY_RUN_RETENTION_DAYS (default 90; 0 keeps everything). Launches nothing."
        ),
    )
    def run_retention(context: dg.SensorEvaluationContext):
        days = get_settings().run_retention_days
        deleted = prune_runs(context.instance, days)
        return dg.SkipReason(f"deleted {len(deleted)} run(s) older than {days} days" if days > 0 else "retention disabled")

    return run_retention

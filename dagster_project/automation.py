"""The nightly refresh, and what a failed refresh shows in the UI.

The schedule runs every night at 04:30, Paris time, with nobody at the keyboard: 04:30 is outside
the daylight-saving gap (02:00-03:00 is skipped in March and repeated in October), so the refresh
runs exactly once each night, at the same wall-clock time all year.
"""

import dagster as dg

from .warehouse.publish import PUBLISH_KEY
from .run_summary import refresh_tags, summarize

FAILURE_TAG = "autonomy/failure"
MAX_TAG_LENGTH = 250

NIGHTLY_CRON = "30 4 * * *"
TIMEZONE = "Europe/Paris"


def build_nightly_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="nightly_refresh",
        job=job,
        cron_schedule=NIGHTLY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            "Runs the `refresh` job every night at 04:30 Europe/Paris: ingest, dbt build, checks, publish, reports. "
            "A failed run publishes nothing; the failed step, check or rejected file is named in the run."
        ),
    )
    def nightly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # The FAP month range (when the job has month-partitioned assets) is decided at each tick.
        resolved = context.repository_def.get_job(job.name)
        return dg.RunRequest(tags={**refresh_tags(resolved), "autonomy/trigger": "nightly_refresh"})

    return nightly_refresh


def build_failure_sensor(job) -> dg.SensorDefinition:
    @dg.run_failure_sensor(
        name="refresh_failure_reason",
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "When a `refresh` run fails, tags it `autonomy/failure` with the first failed blocking check "
            "or failed step (e.g. the rejected file, line and value), so the runs list says why at a glance."
        ),
    )
    def refresh_failure_reason(context: dg.RunFailureSensorContext):
        run_id = context.dagster_run.run_id
        records = context.instance.all_logs(run_id)
        summary = summarize([r.dagster_event for r in records if r.is_dagster_event], PUBLISH_KEY)
        reasons = [f"check {text}" for text in summary.failed_checks] + [f"step {text}" for text in summary.failed_steps]
        reason = reasons[0] if reasons else (context.failure_event.message or "run failed")
        reason = reason.replace("dagster._core.definitions.events.Failure: ", "")  # keep the tag for the reason
        if len(reason) > MAX_TAG_LENGTH:
            reason = reason[: MAX_TAG_LENGTH - 1] + "…"
        context.instance.add_run_tags(run_id, {FAILURE_TAG: reason})
        context.log.info("refresh run %s failed: %s", run_id, reason)

    return refresh_failure_reason

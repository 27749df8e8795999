"""The nightly refresh: every night at 04:30, Paris time, with nobody at the keyboard.

04:30 is outside the daylight-saving gap (02:00-03:00 is skipped in March and repeated in
October), so the refresh runs exactly once each night, at the same wall-clock time all year.
"""

import dagster as dg

from .refresh import refresh_tags

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

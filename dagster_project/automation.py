"""The nightly refresh, and what a failed refresh shows in the UI.

The schedule runs every night at 04:30, Paris time, with nobody at the keyboard: 04:30 is outside
the daylight-saving gap (02:00-03:00 is skipped in March and repeated in October), so the refresh
runs exactly once each night, at the same wall-clock time all year.
"""

import dagster as dg

from .alerts import Alert, configured, send
from .common import REFRESH_JOB, TRIGGER_TAG
from .incremental import plan_refresh
from .run_summary import summarize
from .settings import get_settings
from .warehouse.publish import PUBLISH_KEY

FAILURE_TAG = "autonomy/failure"
ALERT_TAG = "autonomy/alert"
MAX_TAG_LENGTH = 250

NIGHTLY_CRON = "30 4 * * *"
TIMEZONE = "Europe/Paris"


def planned_refresh_request(
    context: dg.ScheduleEvaluationContext | dg.SensorEvaluationContext,
    trigger: str,
    run_key: str | None = None,
    tags: dict[str, str] | None = None,
) -> dg.RunRequest | dg.SkipReason:
    """The run of the `refresh` job that the schedule and the sensors request: planned as `make run`
    plans it (incremental.plan_refresh: what is stale and what depends on it; everything after a
    first run, a settings change or a failed run), tagged with its plan and its trigger. Nothing
    stale: a SkipReason saying since which run."""
    repository = context.repository_def  # the daemon's contexts have it; a test passes it
    plan = plan_refresh(repository, context.instance, get_settings())
    if plan.nothing_to_do:
        return dg.SkipReason(plan.nothing_changed_text())
    # The FAP month range (when the job has month-partitioned assets) is decided at each request.
    tags = {**plan.run_tags(repository.get_job(REFRESH_JOB)), TRIGGER_TAG: trigger, **(tags or {})}
    if plan.full:  # the whole job
        return dg.RunRequest(run_key=run_key, tags=tags)
    return dg.RunRequest(
        run_key=run_key,
        tags=tags,
        asset_selection=sorted(plan.run_keys),
        asset_check_keys=sorted(plan.check_keys or ()),
    )


def build_nightly_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="nightly_refresh",
        job=job,
        cron_schedule=get_settings().nightly_cron,  # NIGHTLY_CRON unless AUTONOMY_NIGHTLY_CRON says otherwise
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            "Runs the `refresh` job every night at 04:30 Europe/Paris, on what is stale (as `make run`: the assets whose "
            "inputs, code or settings changed, and their dependents; everything after a first run, a settings change or "
            "a failed run): ingest, dbt build, checks, publish, reports. Nothing changed: the tick is skipped, saying so. "
            "A failed run publishes nothing; the failed step, check or rejected file is named in the run."
        ),
    )
    def nightly_refresh(context: dg.ScheduleEvaluationContext):
        return planned_refresh_request(context, "nightly_refresh")

    return nightly_refresh


def build_failure_sensor(job) -> dg.SensorDefinition:
    @dg.run_failure_sensor(
        name="refresh_failure_reason",
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "When a `refresh` run fails, tags it `autonomy/failure` with the first failed blocking check "
            "or failed step (e.g. the rejected file, line and value), so the runs list says why at a glance, "
            "and sends one alert naming it (e-mail through AUTONOMY_SMTP_HOST, JSON to AUTONOMY_ALERT_WEBHOOK_URL)."
        ),
    )
    def refresh_failure_reason(context: dg.RunFailureSensorContext):
        run_id = context.dagster_run.run_id
        records = context.instance.all_logs(run_id)
        summary = summarize([r.dagster_event for r in records if r.is_dagster_event], PUBLISH_KEY)
        reasons = [f"check {text}" for text in summary.failed_checks] + [f"step {text}" for text in summary.failed_steps]
        full_reason = reasons[0] if reasons else (context.failure_event.message or "run failed")
        full_reason = full_reason.replace("dagster._core.definitions.events.Failure: ", "")  # keep the tag for the reason
        reason = full_reason
        if len(reason) > MAX_TAG_LENGTH:
            reason = reason[: MAX_TAG_LENGTH - 1] + "…"
        context.instance.add_run_tags(run_id, {FAILURE_TAG: reason})
        context.log.info("refresh run %s failed: %s", run_id, reason)
        settings = get_settings()
        if not configured(settings):
            return
        delivery = send(Alert(run_id, full_reason, str(settings.reconciliation_page), job=context.dagster_run.job_name), settings)
        for error in delivery.errors:  # logged, not raised: a retry would send the other channel twice
            context.log.warning("alert not sent: %s", error)
        status = ", ".join(delivery.sent) or "none"
        context.instance.add_run_tags(run_id, {ALERT_TAG: f"sent: {status}" + (" (errors)" if delivery.errors else "")})

    return refresh_failure_reason

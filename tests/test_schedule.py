"""The nightly refresh: 04:30 Paris time every night, RUNNING by default, across DST changes."""

from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator  # what the scheduler daemon uses for ticks

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def defs():
    from dagster_project.definitions import defs

    return defs


@pytest.fixture(scope="module")
def schedule(defs) -> dg.ScheduleDefinition:
    return defs.get_repository_def().get_schedule_def("nightly_refresh")


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def test_nightly_refresh_targets_the_refresh_job_at_0430_paris_running_by_default(schedule):
    assert schedule.job_name == "refresh"
    assert schedule.cron_schedule == "30 4 * * *"
    assert schedule.execution_timezone == "Europe/Paris"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def _ticks(schedule, start_paris: datetime, count: int) -> list[datetime]:
    start = start_paris.replace(tzinfo=PARIS).timestamp()
    return list(islice(cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone), count))


def _elapsed(ticks: list[datetime]) -> list[timedelta]:
    """Real time between ticks (aware datetimes in one zone subtract as wall clocks)."""
    return [timedelta(seconds=b.timestamp() - a.timestamp()) for a, b in zip(ticks, ticks[1:])]


def test_ticks_stay_at_0430_paris_across_the_march_change(schedule):
    # Summer time starts on Sunday 29 March 2026 (02:00 -> 03:00): 04:30 exists every night.
    ticks = _ticks(schedule, datetime(2026, 3, 27, 12, 0), 4)
    assert [t.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") for t in ticks] == [
        "2026-03-28 04:30", "2026-03-29 04:30", "2026-03-30 04:30", "2026-03-31 04:30",
    ]  # fmt: skip
    utc = [t.astimezone(UTC).strftime("%H:%M") for t in ticks]
    assert utc == ["03:30", "02:30", "02:30", "02:30"]  # UTC+1 then UTC+2
    assert _elapsed(ticks) == [timedelta(hours=23), timedelta(hours=24), timedelta(hours=24)]  # the short night


def test_ticks_stay_at_0430_paris_across_the_october_change(schedule):
    # Winter time on Sunday 25 October 2026 (03:00 -> 02:00): one tick that night, not two.
    ticks = _ticks(schedule, datetime(2026, 10, 23, 12, 0), 4)
    assert [t.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") for t in ticks] == [
        "2026-10-24 04:30", "2026-10-25 04:30", "2026-10-26 04:30", "2026-10-27 04:30",
    ]  # fmt: skip
    assert [t.astimezone(UTC).strftime("%H:%M") for t in ticks] == ["02:30", "03:30", "03:30", "03:30"]
    assert _elapsed(ticks) == [timedelta(hours=25), timedelta(hours=24), timedelta(hours=24)]  # the long night


@pytest.mark.parametrize("when", ["2026-03-29T04:30:00+02:00", "2026-10-25T04:30:00+01:00"])
def test_a_tick_requests_one_refresh_run(defs, schedule, instance, when):
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=datetime.fromisoformat(when), repository_def=defs.get_repository_def()
    )
    result = schedule.evaluate_tick(context)
    assert result.skip_message is None
    [request] = result.run_requests
    # No partition range: the refresh job is not partitioned (the FAP step loads every month that
    # has a file, skipping the unchanged ones), so the run is the one "Materialize all" launches.
    assert defs.resolve_job_def("refresh").partitions_def is None
    assert request.partition_key is None
    # A new instance knows no publish: the whole job, tagged with its plan (as `make run` tags its run).
    assert request.tags == {
        "autonomy/trigger": "nightly_refresh",
        "autonomy/plan": "full",
        "dagster/schedule_name": "nightly_refresh",
    }
    assert request.asset_selection is None


def test_the_tick_asks_refresh_tags_of_the_resolved_job(defs, schedule, instance, monkeypatch):
    """When FAP month-partitioned assets join the job, each tick carries their month range (the
    plan's run tags: incremental.Plan.run_tags, which the CLI's refresh uses too)."""
    seen = []

    def fake_refresh_tags(job):
        seen.append(job)
        return {"dagster/asset_partition_range_start": "2024-01", "dagster/asset_partition_range_end": "2024-12"}

    monkeypatch.setattr("dagster_project.incremental.refresh_tags", fake_refresh_tags)  # Plan.run_tags
    context = dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def())
    [request] = schedule.evaluate_tick(context).run_requests
    assert isinstance(seen[0], dg.JobDefinition) and seen[0].name == "refresh"
    assert request.tags["dagster/asset_partition_range_start"] == "2024-01"
    assert request.tags["dagster/asset_partition_range_end"] == "2024-12"


def test_the_sensors_request_only_what_a_changed_file_feeds(defs, published_deployment, monkeypatch):
    """After a refresh, a corrected official file (opendata_files) and a new FAP month
    (fap_monthly_files) each request the refresh planned as `make run` plans it: the stale part
    and what depends on it, tagged incremental, not the whole job."""
    import dataclasses

    from conftest import add_fap_month, change_official_value, link_opendata
    from refresh_helpers import open_instance

    from dagster_project.sources.fap.assets import MONTHS_TAG
    from dagster_project.sources.fap.sensors import fap_monthly_files
    from dagster_project.sources.opendata.sensors import opendata_files

    tree, home, _ = published_deployment
    tree = dataclasses.replace(tree, opendata=link_opendata(tree.root / "opendata"))  # the same files, as links
    monkeypatch.setenv("AUTONOMY_OPENDATA_DIR", str(tree.opendata))
    repository = defs.get_repository_def()
    with open_instance(home) as instance:
        first = dg.build_sensor_context(instance=instance, repository_def=repository)
        assert isinstance(opendata_files(first), dg.SkipReason)  # the first tick records what is there

        change_official_value(tree)
        official = opendata_files(dg.build_sensor_context(instance=instance, repository_def=repository, cursor=first.cursor))
        assert isinstance(official, dg.RunRequest), official
        assert official.tags["autonomy/trigger"] == "opendata_files" and official.tags["autonomy/plan"] == "incremental"
        selected = {k.to_user_string() for k in official.asset_selection}
        assert {"raw/opendata/barometre_mdph_processing_times", "marts/mdph_processing_times", "publish/warehouse"} <= selected
        assert {"raw/fap/fap_lines", "marts/population", "reports/indicateurs"}.isdisjoint(selected), sorted(selected)
        assert official.asset_check_keys

        add_fap_month(tree)
        [fap] = fap_monthly_files(dg.build_sensor_context(instance=instance, repository_def=repository)).run_requests
        assert fap.tags["autonomy/plan"] == "incremental" and fap.tags[MONTHS_TAG] == "2025-01"
        selected = {k.to_user_string() for k in fap.asset_selection}
        assert {"raw/fap/fap_lines", "marts/fap_hours_by_sad_month", "reports/activite_sad", "publish/warehouse"} <= selected
        assert {"marts/population", "reports/indicateurs"}.isdisjoint(selected), sorted(selected)

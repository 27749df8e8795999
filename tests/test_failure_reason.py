"""A failed refresh says why in the Dagster UI's runs list: the sensor tags the run with the
rejected file (or the failed blocking check) so nobody has to dig through the logs."""

import dagster as dg
from conftest import DOC_002, replace_line


def test_a_failed_refresh_is_tagged_with_the_rejected_file(paths):
    from dagster_project.automation import FAILURE_TAG
    from dagster_project.definitions import defs

    replace_line(paths.deliberations / f"{DOC_002}.txt", 100, "35 825,00", "35 826,00")  # no longer the published bytes
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("refresh").execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
        sensor = defs.get_repository_def().get_sensor_def("refresh_failure_reason")
        context = dg.build_run_status_sensor_context(
            sensor_name=sensor.name, dagster_event=failure, dagster_instance=instance,
            dagster_run=instance.get_run_by_id(result.run_id),
        ).for_run_failure()  # fmt: skip
        sensor(context)
        reason = instance.get_run_by_id(result.run_id).tags[FAILURE_TAG]
    assert reason.startswith("step deliberations: ")
    assert f"{DOC_002}.txt" in reason and "sha256" in reason
    assert len(reason) <= 250


def test_the_sensor_watches_the_refresh_job_and_runs_by_default():
    from dagster_project.definitions import defs

    sensor = defs.get_repository_def().get_sensor_def("refresh_failure_reason")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert isinstance(sensor, dg.RunStatusSensorDefinition)

"""The checkout's and production's Dagster instances use the pooled SQLite event log (issue 12):
same files and schema as Dagster's default, events stored and read back, a bounded engine cache."""

from __future__ import annotations

import shutil
import time

import dagster as dg
from conftest import DEV_INSTANCE_YAML, PROJECT
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME

from dagster_project import event_log
from dagster_project.event_log import PooledSqliteEventLogStorage


def _materialization(run_id: str, key: str) -> EventLogEntry:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "refresh",
        event_specific_data=StepMaterializationData(dg.AssetMaterialization(asset_key=key)),
    )
    return EventLogEntry(error_info=None, level=20, user_message="", run_id=run_id, timestamp=time.time(), dagster_event=event)


def test_both_instance_configs_select_the_pooled_event_log(tmp_path, monkeypatch):
    for yaml in (DEV_INSTANCE_YAML, PROJECT / "deploy" / "dagster.yaml"):
        home = tmp_path / yaml.stem
        home.mkdir()
        shutil.copy(yaml, home / "dagster.yaml")
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            storage = instance.event_log_storage
            assert isinstance(storage, PooledSqliteEventLogStorage), yaml
            assert storage._base_dir == str(home / "history" / "runs")  # Dagster's default place


def test_events_are_stored_and_read_back_by_the_default_storage_too(tmp_path, monkeypatch):
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    monkeypatch.setattr(event_log, "MAX_ENGINES", 3)
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    runs = [f"run{i}" for i in range(5)]
    for run_id in runs:
        for key in ("a", "b"):
            storage.store_event(_materialization(run_id, key))
    assert len(storage._engines) == 3  # the least recently used shards were let go
    default = SqliteEventLogStorage(str(tmp_path))  # same files: the UI's readers see the same events
    for reader in (storage, default):
        for run_id in runs:
            assert len(reader.get_logs_for_run(run_id)) == 2
        latest = reader.get_latest_materialization_events([dg.AssetKey("a")])[dg.AssetKey("a")]
        assert latest is not None and latest.run_id == "run4"
    storage.wipe()
    assert set(storage._engines) <= {INDEX_SHARD_NAME}  # run shards' engines closed before their files went
    assert all(storage.get_logs_for_run(run_id) == [] for run_id in runs)
    storage.dispose()
    assert len(storage._engines) == 0

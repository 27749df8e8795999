"""Dagster's SQLite event log, without its per-event connection cost.

Dagster's `SqliteEventLogStorage` builds a new SQLAlchemy engine, opens a new SQLite connection
and commits with a full fsync for every event it stores, often 2-3 times per event (the run's
shard, then the cross-run index). A refresh stores about 1 300 events (one per dbt model, dbt
test, reconciliation check, step...): measured 3.2 ms per plain event and 6.7 ms per asset
event, 0.5 and 1.3 ms with this class, about 10 s of a 68 s refresh (benchmarks/RESULTS.md).

Same files, same schema, same tables: this is a drop-in for the default storage (it reads and
writes `$DAGSTER_HOME/history/runs/`), selected in `dagster.yaml` (deploy/dagster.dev.yaml,
deploy/dagster.yaml). Two differences:
- engines are kept (at most `MAX_ENGINES` shards, least recently used first out), so a
  connection is reused instead of reopened;
- `PRAGMA synchronous=NORMAL`: in WAL mode (Dagster's), a commit no longer waits for an fsync.
  An application crash loses nothing; a power cut may lose the last events of a running run,
  which is then failed by run monitoring anyway. The warehouse itself is not concerned.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

MAX_ENGINES = 8  # the webserver reads many runs' shards: keep the recent ones only


def default_base_dir() -> str:
    """Where Dagster's default storage keeps the event logs: $DAGSTER_HOME/history/runs/."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise dg.DagsterInvariantViolationError("DAGSTER_HOME is not set: the event log lives under it (history/runs/)")
    return os.path.join(home, "history", "runs", "")


def _synchronous_normal(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage that keeps one engine (and its connection pool) per shard."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir or default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            event.listen(engine, "connect", _synchronous_normal)
        self._engines[shard] = engine  # most recently used last
        while len(self._engines) > MAX_ENGINES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()  # not in use: every connection is taken and returned under _db_lock
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()

    def wipe(self) -> None:
        self._dispose_engines()  # wipe deletes the shard files
        super().wipe()

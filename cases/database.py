"""The cases feature's engine: the shared db layer, plus write-safe transactions on SQLite.

Python's sqlite3 opens a deferred transaction lazily, so a read-then-write transaction can fail with
"database is locked" without waiting when another writer got in between. Every transaction here starts
with BEGIN IMMEDIATE instead (SQLAlchemy's documented recipe), which takes the write lock up front and
waits for it under busy_timeout; that makes the serial counter and the outbox claim atomic on SQLite.
PostgreSQL needs nothing extra: row locks and SKIP LOCKED do the work there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker


def make_cases_engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _manual_transactions(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_cases_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)

"""The process's one engine per database, built from a URL the entry point read once at start-up.

One engine (one connection pool) per process and database: the gateway hands the same engine to the
staff console, open data, the case API and the case notices; the action server to every action.

Write paths that read and then write (a case's reference counter, the outbox claim, a console status
change with its notice) take their sessions from `make_sessionmaker(engine, immediate=True)`: on
SQLite their transactions start with BEGIN IMMEDIATE (SQLAlchemy's documented recipe), taking the
write lock up front and waiting for it under busy_timeout, where a deferred transaction could fail
at once with "database is locked" when another writer got in between. Other transactions begin
deferred, so reads never hold the write lock. Both share the engine's pool (an execution option,
not a second engine). PostgreSQL needs nothing extra: row locks and SKIP LOCKED do the work there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_SQLITE_BEGIN = "govbot_sqlite_begin"  # execution option read by the "begin" listener below
DEFAULT_SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "govbot.db"


def default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def database_url(environ: dict[str, str]) -> str:
    """DATABASE_URL if set (postgresql://… is mapped to the psycopg 3 driver), else the SQLite file."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return default_url()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets the gateway, action server and console read while one of them writes.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            dbapi_conn.isolation_level = None  # transactions are begun below, not by sqlite3

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get(_SQLITE_BEGIN) == "IMMEDIATE"
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def make_sessionmaker(engine: Engine, *, immediate: bool = False) -> sessionmaker[Session]:
    """Sessions on the engine's pool; `immediate`: each transaction takes SQLite's write lock first."""
    bind = engine.execution_options(**{_SQLITE_BEGIN: "IMMEDIATE"}) if immediate else engine
    return sessionmaker(bind, expire_on_commit=False)


def begin_immediate(session: Session) -> None:
    """On SQLite, begin `session`'s transaction with BEGIN IMMEDIATE (the write lock first), when a
    sessionmaker of the plain kind is what the caller holds; call before the transaction's first
    statement. Elsewhere a no-op: the transaction's connection is simply taken."""
    session.connection(execution_options={_SQLITE_BEGIN: "IMMEDIATE"})

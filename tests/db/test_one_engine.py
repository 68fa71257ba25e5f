"""db.engine: the process's one engine; on SQLite, write sessions take the write lock up front.

The staff console's case status change reads the case, then writes it and its notice: under a
deferred transaction another writer could get in between and the write would fail at once with
"database is locked". BEGIN IMMEDIATE makes the second writer wait instead.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine, make_sessionmaker


def test_a_write_session_holds_the_write_lock_from_its_first_read(tmp_path: Path) -> None:
    path = tmp_path / "one.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with make_sessionmaker(engine, immediate=True).begin() as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0  # a read only
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # another writer must wait for this transaction
            session.execute(text("INSERT INTO t VALUES (1)"))
        with make_sessionmaker(engine).begin() as session:  # a read session blocks no writer
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        other.close()
    finally:
        engine.dispose()


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'two.db'}")
    sessions = make_sessionmaker(engine, immediate=True)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with sessions.begin() as session:
                    n = session.execute(text("SELECT n FROM counter")).scalar_one()
                    session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with engine.connect() as conn:
            assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 80  # no lost update
    finally:
        engine.dispose()

"""Several analytics consumers (one per gateway host in `make cluster`): exactly one holds the lease
and works, on the real PostgreSQL (advisory lock) and on SQLite (flock); when the active one is
SIGKILLed the standby takes over within seconds and the figures end exact — nothing lost, nothing
counted twice; a process that lost the lease cannot commit a write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from analytics.consumer import Consumer, SqlBrokerSource
from analytics.lease import FileLease, LeaseLost, PostgresLease, lease_for
from db.engine import make_engine
from privacy import PersonalData, PrivacySettings
from tests.analytics.helpers import counts, events, write_sql_broker
from tests.databases import throwaway_database

KEYS = PrivacySettings.generate()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    with throwaway_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def pg_url(tmp_path: Path):
    with throwaway_database("postgresql", tmp_path) as url:
        yield url


def test_one_holder_at_a_time_and_release_hands_over(db_url: str) -> None:
    first, second = lease_for(db_url), lease_for(db_url)
    assert type(first) is (PostgresLease if db_url.startswith("postgresql") else FileLease)
    engine = make_engine(db_url)
    try:
        assert first.try_acquire() is True
        assert second.try_acquire() is False
        assert first.try_acquire() is True  # re-entrant for its holder: asking again changes nothing
        with engine.begin() as conn, sa.orm.Session(bind=conn) as session:
            first.fence(session)
        first.release()
        assert second.try_acquire() is True
        assert first.try_acquire() is False
        assert second.alive() is True
    finally:
        first.release()
        second.release()
        engine.dispose()


@pytest.mark.postgres
def test_a_holder_whose_connection_was_cut_cannot_commit(pg_url: str, tmp_path: Path) -> None:
    """The lock's connection killed server-side (as a restart or network cut would): the holder's
    next write is refused by the fence and rolled back, `alive` says so, and another takes the lease."""
    holder, other = PostgresLease(pg_url), PostgresLease(pg_url)
    broker = tmp_path / "events.db"
    write_sql_broker(broker, events(conversations=2, turns=2))
    engine = make_engine(pg_url)
    consumer = Consumer(engine, PersonalData(KEYS).sender_hash, fence=holder.fence)
    source = SqlBrokerSource(f"sqlite:///{broker}")
    try:
        assert holder.try_acquire()
        assert consumer.poll_sql_once(source, limit=5) == 5  # written while held
        admin = sa.engine.make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'govbot-analytics-lease'"
                " AND datname = current_database()"
            )
        assert other.try_acquire()
        with pytest.raises(LeaseLost):
            consumer.poll_sql_once(source)
        assert counts(pg_url)["analytics_messages"] == 2  # the first 5 events only: 1 turn's 2 messages
        assert consumer.position(source.name) == 5
        assert holder.alive() is False
    finally:
        source.close()
        holder.release()
        other.release()
        engine.dispose()


def _log_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _wait_for(predicate, seconds: float, what: str) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds}s: {what}")


def test_standby_takes_over_a_sigkilled_consumer_without_loss_or_repeat(db_url: str, tmp_path: Path) -> None:
    broker = tmp_path / "events.db"
    batch = events(conversations=200, turns=20)  # 20,000 events
    write_sql_broker(broker, batch)
    env = {**os.environ, **KEYS.to_environ(), "DATABASE_URL": db_url, "RASA_EVENTS_DB": str(broker)}
    env.pop("RABBITMQ_URL", None)
    logs = [tmp_path / "analytics-1.log", tmp_path / "analytics-2.log"]
    procs: list[subprocess.Popen[bytes]] = []
    engine = sa.create_engine(db_url)

    def scalar(sql: str) -> int:
        with engine.connect() as conn:
            try:
                return int(conn.execute(sa.text(sql)).scalar_one() or 0)
            except sa.exc.DBAPIError:
                return 0

    try:
        for log in logs:
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "analytics", "consume"], cwd=ROOT, env=env, stderr=out
                    )
                )
        _wait_for(lambda: scalar("SELECT count(*) FROM analytics_messages") > 0, 120, "ingest started")
        _wait_for(
            lambda: all("standby" in _log_text(p) or "active" in _log_text(p) for p in logs), 30, "roles"
        )
        roles = ["active (" in _log_text(p) for p in logs]
        assert roles.count(True) == 1, [_log_text(p)[-500:] for p in logs]
        active, standby = (0, 1) if roles[0] else (1, 0)
        assert "polling" not in _log_text(logs[standby])  # the standby reads nothing
        procs[active].send_signal(signal.SIGKILL)
        procs[active].wait(timeout=10)
        partial = counts(db_url)["analytics_messages"]
        assert 0 < partial < 8000, partial
        takeover = _wait_for(lambda: "active (" in _log_text(logs[standby]), 15, "standby took over")

        def finished() -> bool:
            return (
                scalar("SELECT position FROM analytics_cursors WHERE source LIKE 'sql:%'") == len(batch)
                and scalar("SELECT count(*) FROM analytics_dirty_hours") == 0
                and scalar("SELECT count(*) FROM analytics_hourly") > 0
            )

        _wait_for(finished, 240, "backlog ingested and rolled up")
        procs[standby].send_signal(signal.SIGTERM)
        assert procs[standby].wait(timeout=30) == 0
        assert counts(db_url) == {
            "analytics_messages": 8000,
            "analytics_actions": 4000,
            "analytics_conversations": 200,
        }
        assert scalar("SELECT count(DISTINCT event_key) FROM analytics_messages") == 8000
        # The rollups count every message once (none counted by both consumers).
        citizen = scalar("SELECT sum(citizen_messages) FROM analytics_hourly")
        bot = scalar("SELECT sum(bot_messages) FROM analytics_hourly")
        assert (citizen, bot) == (4000, 4000)
        print(f"takeover {takeover:.1f}s after SIGKILL (at {partial} of 8000 messages)")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        engine.dispose()

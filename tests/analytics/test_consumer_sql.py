"""The consumer against Rasa's SQL broker table, into SQLite and PostgreSQL analytics tables: rows as
expected, no personal data or text, nothing repeated on a second pass, and a consumer killed with
SIGKILL in the middle of a backlog loses and repeats nothing after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from analytics.consumer import Consumer, SqlBrokerSource
from db.engine import make_engine
from privacy import PersonalData, PrivacySettings
from tests.analytics.helpers import SERVICE, assert_no_pii, counts, events, write_sql_broker
from tests.databases import throwaway_database

KEYS = PrivacySettings.generate()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    with throwaway_database(request.param, tmp_path) as url:
        yield url


def test_sql_broker_rows_are_ingested_once_without_pii(db_url: str, tmp_path: Path) -> None:
    broker = tmp_path / "events.db"
    batch = events(conversations=8, turns=3)
    write_sql_broker(broker, batch)
    engine = make_engine(db_url)
    personal = PersonalData(KEYS)
    consumer = Consumer(engine, personal.sender_hash)
    source = SqlBrokerSource(f"sqlite:///{broker}")
    try:
        assert consumer.poll_sql_once(source, limit=7) == 7  # a partial batch, then the rest
        while consumer.poll_sql_once(source):
            pass
        assert consumer.poll_sql_once(source) == 0
        assert counts(db_url) == {
            "analytics_messages": 48,
            "analytics_actions": 24,
            "analytics_conversations": 8,
        }
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT conversation, channel, direction, intent, confidence, fallback, service_id"
                    " FROM analytics_messages ORDER BY id"
                )
            ).all()
        first = rows[0]
        assert first.conversation == personal.sender_hash("line:U00000")
        assert (first.channel, first.direction, first.intent, first.fallback) == (
            "line",
            "in",
            "nlu_fallback",
            True,
        )
        assert first.confidence == pytest.approx(0.91)
        assert first.service_id == SERVICE  # set after the answer, attributed to the whole turn
        assert {r.channel for r in rows} == {"line", "sms", "web", "rest"}
        outs = [r for r in rows if r.direction == "out"]
        assert {r.intent for r in outs} == {"utter_service_docs", "action_answer_service"}
        assert {r.service_id for r in rows} == {SERVICE}
        assert_no_pii(db_url, {e["sender_id"] for e in batch})

        # The same events delivered again (a second broker table copy): all recognised as duplicates.
        again = tmp_path / "again.db"
        write_sql_broker(again, batch)
        replay = SqlBrokerSource(f"sqlite:///{again}")
        while consumer.poll_sql_once(replay):
            pass
        replay.close()
        assert counts(db_url)["analytics_messages"] == 48
        assert consumer.totals.duplicates == 72
    finally:
        source.close()
        engine.dispose()


def test_a_turn_split_across_batches_gets_its_service(db_url: str, tmp_path: Path) -> None:
    """One event per batch: the slot that names the service arrives after the turn's rows were
    committed, and still reaches them."""
    broker = tmp_path / "events.db"
    write_sql_broker(broker, events(conversations=1, turns=2))
    engine = make_engine(db_url)
    consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
    source = SqlBrokerSource(f"sqlite:///{broker}")
    try:
        while consumer.poll_sql_once(source, limit=1):
            pass
        with engine.connect() as conn:
            services = conn.execute(sa.text("SELECT service_id FROM analytics_messages")).scalars().all()
            actions = conn.execute(sa.text("SELECT service_id FROM analytics_actions")).scalars().all()
        assert services == [SERVICE] * 4 and actions == [SERVICE] * 2
    finally:
        source.close()
        engine.dispose()


def test_killed_consumer_resumes_without_loss_or_repeat(db_url: str, tmp_path: Path) -> None:
    broker = tmp_path / "events.db"
    batch = events(conversations=200, turns=20)  # 20,000 events
    write_sql_broker(broker, batch)
    env = {
        **os.environ,
        **KEYS.to_environ(),
        "DATABASE_URL": db_url,
        "RASA_EVENTS_DB": str(broker),
    }
    env.pop("RABBITMQ_URL", None)
    args = [sys.executable, "-m", "analytics", "consume"]
    first = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    engine = sa.create_engine(db_url)
    try:
        while time.monotonic() < deadline:  # kill it once it is part-way through
            with engine.connect() as conn:
                try:
                    done = conn.execute(sa.text("SELECT count(*) FROM analytics_messages")).scalar_one()
                except sa.exc.DBAPIError:
                    done = 0
            if done > 0:
                break
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        partial = counts(db_url)["analytics_messages"]
        assert 0 < partial < 8000, partial
        started = time.monotonic()
        result = subprocess.run(
            [*args, "--once"], cwd=ROOT, env=env, capture_output=True, timeout=300, check=False
        )
        seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert counts(db_url) == {
            "analytics_messages": 8000,
            "analytics_actions": 4000,
            "analytics_conversations": 200,
        }
        with engine.connect() as conn:
            keys = conn.execute(
                sa.text("SELECT count(DISTINCT event_key) FROM analytics_messages")
            ).scalar_one()
            position = conn.execute(
                sa.text("SELECT position FROM analytics_cursors WHERE source LIKE 'sql:%'")
            ).scalar_one()
        assert keys == 8000 and position == len(batch)
        print(f"restart ingested {len(batch)} events (after {partial} messages) in {seconds:.1f}s")
    finally:
        if first.poll() is None:
            first.kill()
        engine.dispose()

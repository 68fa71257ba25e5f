"""The consumer against the real RabbitMQ on 127.0.0.1:5672 (guest/guest), each test with an exchange
and queue of its own (deleted afterwards): events published as Rasa's Pika broker publishes them
(JSON, persistent, fanout exchange) become the same rows as from the SQL broker, a redelivered event
counts once, and a consumer killed with SIGKILL mid-stream loses and repeats nothing after a restart
(it acknowledges only after commit)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest
import sqlalchemy as sa

from analytics.consumer import Consumer
from db.engine import make_engine
from privacy import PersonalData, PrivacySettings
from tests.analytics.helpers import assert_no_pii, counts, events, expected
from tests.databases import throwaway_database

PERSISTENT = aio_pika.DeliveryMode.PERSISTENT
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
KEYS = PrivacySettings.generate()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def names() -> AsyncIterator[tuple[str, str]]:
    """(exchange, queue) of this test only, deleted afterwards."""
    suffix = uuid.uuid4().hex[:10]
    exchange, queue = f"test-analytics-{suffix}", f"test_analytics_{suffix}"
    yield exchange, queue
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


async def publish(exchange: str, queue: str, batch: list[dict[str, Any]]) -> None:
    """As Rasa's PikaEventBroker: fanout exchange (not durable), durable queue bound with "", JSON bodies
    delivered persistent."""
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        fanout = await channel.declare_exchange(exchange, aio_pika.ExchangeType.FANOUT)
        bound = await channel.declare_queue(queue, durable=True)
        await bound.bind(fanout, "")
        for i in range(0, len(batch), 1000):
            await asyncio.gather(
                *(
                    fanout.publish(
                        aio_pika.Message(
                            json.dumps(e).encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                        ),
                        "",
                    )
                    for e in batch[i : i + 1000]
                )
            )


async def queue_depth(queue: str) -> int:
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        return int(declared.declaration_result.message_count or 0)


async def wait_for(url: str, messages: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if counts(url)["analytics_messages"] >= messages:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{counts(url)} after {seconds}s, expected {messages} messages")


async def test_queue_events_are_ingested_once_without_pii(db_url: str, names: tuple[str, str]) -> None:
    exchange, queue = names
    batch = events(conversations=8, turns=3)
    engine = make_engine(db_url)
    consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        consumer.run_rabbitmq(RABBITMQ_URL, stop, exchange=exchange, queue=queue, ready=ready)
    )
    try:
        await asyncio.wait_for(ready.wait(), 30)
        await publish(exchange, queue, batch)
        await publish(exchange, queue, batch[:10])  # redelivered events: recognised, not counted again
        await publish(exchange, queue, [{"not": "an event"}])
        await wait_for(db_url, 48)
        deadline = time.monotonic() + 30
        while (
            consumer.totals.events + consumer.totals.undecodable < len(batch) + 11
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.05)
        assert counts(db_url) == expected(48, 24, 8)
        assert consumer.totals.duplicates == 6  # 2 x (user, bot, action) among the first 10 events
        assert await queue_depth(queue) == 0
        assert_no_pii(db_url, {e["sender_id"] for e in batch})
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        engine.dispose()


async def test_killed_consumer_resumes_without_loss_or_repeat(db_url: str, names: tuple[str, str]) -> None:
    exchange, queue = names
    batch = events(conversations=200, turns=20)  # 20,000 events
    await publish(exchange, queue, batch)
    env = {
        **os.environ,
        **KEYS.to_environ(),
        "DATABASE_URL": db_url,
        "RABBITMQ_URL": RABBITMQ_URL,
        "RABBITMQ_EXCHANGE": exchange,
        "RABBITMQ_ANALYTICS_QUEUE": queue,
    }
    args = [sys.executable, "-m", "analytics", "consume"]
    first = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second: subprocess.Popen[bytes] | None = None
    try:
        await wait_for(db_url, 1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        partial = counts(db_url)["analytics_messages"]
        assert 0 < partial < 8000, partial
        started = time.monotonic()
        second = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        await wait_for(db_url, 8000, seconds=300)
        seconds = time.monotonic() - started
        deadline = time.monotonic() + 30
        while await queue_depth(queue) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert await queue_depth(queue) == 0
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
        assert counts(db_url) == expected(8000, 4000, 200)
        engine = sa.create_engine(db_url)
        try:
            with engine.connect() as conn:
                distinct = sa.text("SELECT count(DISTINCT event_key) FROM analytics_messages")
                assert conn.execute(distinct).scalar_one() == 8000
        finally:
            engine.dispose()
        print(f"restarted consumer ingested the rest of {len(batch)} events in {seconds:.1f}s")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.mark.postgres
async def test_two_consumers_one_queue_standby_takes_over(names: tuple[str, str], tmp_path: Path) -> None:
    """`make cluster` with RABBITMQ_URL: a consumer beside each gateway, one queue. Only the lease
    holder (analytics/lease.py) consumes, so the order holds; SIGKILLed, its unacknowledged messages go
    to the standby, which took the lease within seconds, and every message counts once."""
    exchange, queue = names
    batch = events(conversations=200, turns=20)  # 20,000 events
    await publish(exchange, queue, batch)
    with throwaway_database("postgresql", tmp_path) as url:
        env = {
            **os.environ,
            **KEYS.to_environ(),
            "DATABASE_URL": url,
            "RABBITMQ_URL": RABBITMQ_URL,
            "RABBITMQ_EXCHANGE": exchange,
            "RABBITMQ_ANALYTICS_QUEUE": queue,
        }
        args = [sys.executable, "-m", "analytics", "consume"]
        logs = [tmp_path / "analytics-1.log", tmp_path / "analytics-2.log"]
        procs = []
        try:
            for log in logs:
                with log.open("wb") as out:
                    procs.append(
                        subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out)
                    )
            await wait_for(url, 1)
            texts = [log.read_text(errors="replace") for log in logs]
            active = [i for i, text in enumerate(texts) if "active (" in text]
            assert len(active) == 1, texts
            standby = 1 - active[0]
            procs[active[0]].send_signal(signal.SIGKILL)
            procs[active[0]].wait(timeout=10)
            assert 0 < counts(url)["analytics_messages"] < 8000
            await wait_for(url, 8000, seconds=300)
            deadline = time.monotonic() + 30
            while await queue_depth(queue) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert await queue_depth(queue) == 0
            assert "active (" in logs[standby].read_text(errors="replace")
            procs[standby].send_signal(signal.SIGTERM)
            assert procs[standby].wait(timeout=30) == 0
            assert counts(url) == expected(8000, 4000, 200)
            engine = sa.create_engine(url)
            try:
                with engine.connect() as conn:
                    distinct = sa.text("SELECT count(DISTINCT event_key) FROM analytics_messages")
                    assert conn.execute(distinct).scalar_one() == 8000
            finally:
                engine.dispose()
        finally:
            for process in procs:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)

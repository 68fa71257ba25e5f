"""Analytics ingest (issue 13): how fast the consumer drains Rasa's broker events, and how long one
event takes to reach the tables — and the figures the stats API reads — when the consumer is idle.

    .venv/bin/python -m bench.analytics.ingest [--events 100000]

For each source (Rasa's SQL broker table in a SQLite file; a RabbitMQ queue on 127.0.0.1:5672 bound to
a fanout exchange as Rasa's Pika broker declares it, both of this run only) and each analytics
database (SQLite file, PostgreSQL throwaway database): a backlog of N Rasa-shaped events (user,
action, bot, service slot, action_listen per turn; 20 turns per conversation) is ingested by the
same Consumer `python -m analytics consume` runs, and the result checked (rows = expected, distinct
event keys). Then, with the consumer idle and running, one more turn is published 20 times and the
time until its user message is visible in analytics_messages is taken (lag; the SQL source polls
every 0.5 s, RabbitMQ pushes), and the time until the daily rollup counts its conversation (figures
lag: the table sources and rollups are refreshed every 2 s, analytics.consumer.SOURCES_INTERVAL).
The backlog's rollups (sessions, hourly/daily/monthly counts) are built after it and timed apart
("rollups s"). Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aio_pika
import sqlalchemy as sa

from analytics.consumer import Consumer, SqlBrokerSource
from db.engine import make_engine
from privacy import PersonalData, PrivacySettings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.analytics.helpers import events, turn, write_sql_broker  # noqa: E402
from tests.databases import throwaway_database  # noqa: E402

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
KEYS = PrivacySettings.generate()


def _messages(url: str, where: str = "") -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM analytics_messages {where}")).scalar_one())
    finally:
        engine.dispose()


def _conversations(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text("SELECT coalesce(sum(conversations), 0) FROM analytics_daily")
                ).scalar_one()
            )
    finally:
        engine.dispose()


async def _wait_figures(url: str, count: int, since: float, timeout: float = 120) -> float:
    while _conversations(url) < count:
        if time.monotonic() - since > timeout:
            raise RuntimeError(f"figures did not reach {count} conversations")
        await asyncio.sleep(0.02)
    return time.monotonic() - since


async def _wait_rows(url: str, count: int, where: str = "", timeout: float = 600) -> float:
    started = time.monotonic()
    while _messages(url, where) < count:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{count} rows not reached")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def _publish(exchange: aio_pika.abc.AbstractExchange, batch: list[dict]) -> None:
    for i in range(0, len(batch), 2000):
        await asyncio.gather(
            *(
                exchange.publish(aio_pika.Message(json.dumps(e).encode(), delivery_mode=2), "")
                for e in batch[i : i + 2000]
            )
        )


async def bench_sql(url: str, workdir: Path, n: int) -> tuple[float, float, list[float], list[float]]:
    broker = workdir / "events.db"
    conversations = max(1, n // 100)
    write_sql_broker(broker, events(conversations, 20)[:n])
    engine = make_engine(url)
    consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
    source = SqlBrokerSource(f"sqlite:///{broker}")
    started = time.monotonic()
    while consumer.poll_sql_once(source):
        pass
    seconds = time.monotonic() - started
    started = time.monotonic()
    consumer.catch_up()
    rollups = time.monotonic() - started
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run_sql(source, stop))
    tables = asyncio.create_task(consumer.run_sources(stop))
    lags, figure_lags = [], []
    for i in range(20):
        await asyncio.sleep(0.13)  # not in step with the poll interval
        base = _conversations(url)
        sent = time.monotonic()
        write_sql_broker(broker, turn(f"web:lag{i}", time.time()))
        marker = PersonalData(KEYS).sender_hash(f"web:lag{i}")
        lags.append(await _wait_rows(url, 1, f"WHERE conversation = '{marker}' AND direction = 'in'"))
        figure_lags.append(await _wait_figures(url, base + 1, sent))
    stop.set()
    await task
    await tables
    source.close()
    engine.dispose()
    return seconds, rollups, lags, figure_lags


async def bench_rabbitmq(url: str, n: int) -> tuple[float, float, list[float], list[float]]:
    suffix = uuid.uuid4().hex[:8]
    exchange_name, queue_name = f"bench-analytics-{suffix}", f"bench_analytics_{suffix}"
    connection = await aio_pika.connect(RABBITMQ_URL)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.bind(exchange, "")
        batch = events(max(1, n // 100), 20)[:n]
        await _publish(exchange, batch)
        expected = sum(1 for e in batch if e["event"] in ("user", "bot"))
        engine = make_engine(url)
        consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
        stop = asyncio.Event()
        started = time.monotonic()
        task = asyncio.create_task(
            consumer.run_rabbitmq(RABBITMQ_URL, stop, exchange=exchange_name, queue=queue_name)
        )
        await _wait_rows(url, expected)
        seconds = time.monotonic() - started
        started = time.monotonic()
        await asyncio.to_thread(consumer.catch_up)
        rollups = time.monotonic() - started
        tables = asyncio.create_task(consumer.run_sources(stop))
        lags, figure_lags = [], []
        for i in range(20):
            await asyncio.sleep(0.13)
            marker = PersonalData(KEYS).sender_hash(f"web:lag{i}")
            base = _conversations(url)
            sent = time.monotonic()
            await _publish(exchange, turn(f"web:lag{i}", time.time()))
            lags.append(await _wait_rows(url, 1, f"WHERE conversation = '{marker}' AND direction = 'in'"))
            figure_lags.append(await _wait_figures(url, base + 1, sent))
        stop.set()
        await task
        await tables
        engine.dispose()
        await channel.queue_delete(queue_name)
        await channel.exchange_delete(exchange_name)
        return seconds, rollups, lags, figure_lags
    finally:
        await connection.close()


def _check(url: str, n: int) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows, keys = conn.execute(
                sa.text("SELECT count(*), count(DISTINCT event_key) FROM analytics_messages")
            ).one()
    finally:
        engine.dispose()
    expected = 2 * (n // 5) + 40  # user + bot per 5-event turn, plus the 20 lag turns
    assert rows == keys == expected, (rows, keys, expected)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    n = args.events - args.events % 5
    print(f"{n} events per run (Rasa-shaped; 2/5 become analytics_messages rows, 1/5 analytics_actions)")
    print(
        "| source | analytics db | events/s (backlog) | rollups s | lag p50 ms | lag max ms |"
        " figures lag p50 ms | figures lag max ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for source in ("sql", "rabbitmq"):
        for kind in ("sqlite", "postgresql"):
            with tempfile.TemporaryDirectory() as tmp, throwaway_database(kind, Path(tmp)) as url:
                if source == "sql":
                    seconds, rollups, lags, figures = asyncio.run(bench_sql(url, Path(tmp), n))
                else:
                    seconds, rollups, lags, figures = asyncio.run(bench_rabbitmq(url, n))
                _check(url, n)
                cells = [
                    source,
                    kind,
                    f"{n / seconds:,.0f}",
                    f"{rollups:.1f}",
                    f"{statistics.median(lags) * 1000:.0f}",
                    f"{max(lags) * 1000:.0f}",
                    f"{statistics.median(figures) * 1000:.0f}",
                    f"{max(figures) * 1000:.0f}",
                ]
                print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

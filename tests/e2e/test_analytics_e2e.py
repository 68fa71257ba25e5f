"""End to end, analytics (issue 13): the real Rasa 3.6 and action server with the trained model, their
events leaving through Rasa's own event broker and arriving in the analytics tables with no personal
data.

1. The default (`make run` without RABBITMQ_URL): bot/endpoints.yml + bot/event_broker.sql.yml, Rasa's
   SQL broker in a SQLite file; a LINE citizen (signed as the gateway signs) and a REST user who type
   a national id and a phone number; the broker table holds them masked, the analytics tables not at all.
2. RabbitMQ (bot/event_broker.pika.yml): Rasa starts and answers while RabbitMQ cannot be reached
   (rasa_plugins.event_broker.LenientPikaEventBroker), keeps the events, and publishes them once a
   path to the real RabbitMQ opens (a TCP forwarder started after Rasa); the consumer ingests both turns.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
import time
import uuid
from pathlib import Path

import aio_pika
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import ChannelClient, RestClient, dialogue_stack, free_port  # noqa: E402

from analytics.consumer import Consumer, SqlBrokerSource  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from privacy import PersonalData, PrivacySettings  # noqa: E402
from tests.analytics.helpers import CITIZEN_ID, PHONE, assert_no_pii  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

KEYS = PrivacySettings.generate()
RABBITMQ = ("127.0.0.1", 5672)
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
LINE_SENDER = "line:Uanalyticse2e0001"
REST_SENDER = "analytics-e2e"
PII_TEXT = f"เลขบัตรประชาชน {CITIZEN_ID} เบอร์ {PHONE}"


def endpoints_with(broker: str, workdir: Path) -> str:
    """What scripts/run.sh does: the endpoints file followed by the broker section."""
    path = workdir / "endpoints.yml"
    path.write_text(
        (ROOT / "bot/endpoints.yml").read_text("utf-8") + (ROOT / broker).read_text("utf-8"), "utf-8"
    )
    return str(path)


def rows(url: str, sql: str) -> list[sa.Row]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql)))
    finally:
        engine.dispose()


def test_sql_broker_events_reach_the_analytics_tables_without_pii(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(url)
    events_db = tmp_path / "events.db"
    endpoints = endpoints_with("bot/event_broker.sql.yml", tmp_path)
    with dialogue_stack(
        tmp_path,
        url,
        action_env=KEYS.to_environ(),
        rasa_env={"RASA_EVENTS_DB": str(events_db)},
        endpoints=endpoints,
    ) as stack:
        line = ChannelClient(stack.rasa_port, stack.token, KEYS)
        rest = RestClient(stack.rasa_port)
        assert line.say(LINE_SENDER, "ต่อใบขับขี่ใช้อะไรบ้าง")
        assert line.say(LINE_SENDER, PII_TEXT)
        assert rest.say(REST_SENDER, "สวัสดีครับ")
        assert rest.say(REST_SENDER, PII_TEXT)

    with sqlite3.connect(events_db) as conn:
        published = [row[0] for row in conn.execute("SELECT data FROM events ORDER BY id")]
    assert published, "Rasa's SQL broker wrote no event"
    raw = "\n".join(published)
    assert CITIZEN_ID not in raw and PHONE not in raw  # masked by the tracker store before publishing

    personal = PersonalData(KEYS)
    engine = make_engine(url)
    consumer = Consumer(engine, personal.sender_hash)
    source = SqlBrokerSource(f"sqlite:///{events_db}")
    try:
        while consumer.poll_sql_once(source):
            pass
    finally:
        source.close()
        engine.dispose()
    assert consumer.totals.events == len(published)
    messages = rows(
        url, "SELECT conversation, channel, direction, intent, service_id FROM analytics_messages ORDER BY id"
    )
    line_hash, rest_hash = personal.sender_hash(LINE_SENDER), personal.sender_hash("rest:" + REST_SENDER)
    line_rows = [m for m in messages if m.conversation == line_hash]
    rest_rows = [m for m in messages if m.conversation == rest_hash]
    assert {m.channel for m in line_rows} == {"line"} and {m.channel for m in rest_rows} == {"rest"}
    assert [m.direction for m in line_rows].count("in") == 2 and [m.direction for m in rest_rows].count(
        "in"
    ) == 2
    assert all(m.intent for m in line_rows if m.direction == "in")
    assert any(m.direction == "out" for m in line_rows) and any(m.direction == "out" for m in rest_rows)
    # The first turn (question, answer) is attributed to the driving licence service; every answer
    # names the response or the action that gave it.
    assert line_rows[0].direction == "in" and line_rows[0].service_id
    assert line_rows[1].direction == "out" and line_rows[1].service_id == line_rows[0].service_id
    assert all(m.intent for m in line_rows + rest_rows)
    assert rows(url, "SELECT count(*) FROM analytics_actions")[0][0] > 0
    assert_no_pii(url, {LINE_SENDER, "rest:" + REST_SENDER, REST_SENDER})


class Forwarder:
    """A TCP forwarder to RabbitMQ on its own thread: a way to "bring RabbitMQ up" for Rasa later."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*RABBITMQ)
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    def start(self) -> None:
        self.thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", self.port), self.loop
        )
        self.server = started.result(10)

    def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


async def _delete(exchange: str, queue: str) -> None:
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


async def _queue_depth(queue: str) -> int:
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        try:
            declared = await channel.declare_queue(queue, durable=True, passive=True)
        except aio_pika.exceptions.ChannelClosed:
            return -1  # not declared yet: Rasa has not connected
        return int(declared.declaration_result.message_count or 0)


async def _consume_until(url: str, exchange: str, queue: str, conversation: str, count: int) -> None:
    engine = make_engine(url)
    consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run_rabbitmq(RABBITMQ_URL, stop, exchange=exchange, queue=queue))
    try:
        deadline = time.monotonic() + 60
        query = sa.text(
            "SELECT count(*) FROM analytics_messages WHERE conversation = :c AND direction = 'in'"
        )
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(query, {"c": conversation}).scalar_one() >= count:
                    return
            await asyncio.sleep(0.2)
        raise AssertionError("the user messages did not all arrive through RabbitMQ")
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        engine.dispose()


def test_rasa_answers_with_rabbitmq_down_and_publishes_once_it_is_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(url)
    suffix = uuid.uuid4().hex[:10]
    exchange, queue = f"test-rasa-{suffix}", f"test_rasa_{suffix}"
    port = free_port()  # nothing listens here until the forwarder starts
    rasa_env = {
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_PORT": str(port),
        "RABBITMQ_USERNAME": "guest",
        "RABBITMQ_PASSWORD": "guest",
        "RABBITMQ_EXCHANGE": exchange,
        "RABBITMQ_ANALYTICS_QUEUE": queue,
    }
    endpoints = endpoints_with("bot/event_broker.pika.yml", tmp_path)
    forwarder = Forwarder(port)
    try:
        with dialogue_stack(
            tmp_path, url, action_env=KEYS.to_environ(), rasa_env=rasa_env, endpoints=endpoints
        ) as stack:
            assert "unreachable" in stack.rasa.log_tail(400)
            rest = RestClient(stack.rasa_port)
            assert rest.say(REST_SENDER, "ต่อใบขับขี่ใช้อะไรบ้าง")  # answered with RabbitMQ down
            forwarder.start()
            deadline = time.monotonic() + 60
            while asyncio.run(_queue_depth(queue)) <= 0 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert asyncio.run(_queue_depth(queue)) > 0, stack.logs()
            assert rest.say(REST_SENDER, PII_TEXT)
        conversation = PersonalData(KEYS).sender_hash("rest:" + REST_SENDER)
        asyncio.run(_consume_until(url, exchange, queue, conversation, 2))
        assert_no_pii(url, {"rest:" + REST_SENDER, REST_SENDER})
    finally:
        forwarder.stop()
        asyncio.run(_delete(exchange, queue))

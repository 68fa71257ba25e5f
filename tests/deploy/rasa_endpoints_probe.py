"""Run by test_rasa_endpoints.py under the Rasa environment (.venv-rasa, Python 3.10): build every
store deploy/rasa/endpoints.yml describes with Rasa 3.6's own loader, as `rasa run` does in the
container, and use each once against the real servers. Prints one JSON line of what it saw.

Environment: the variables the endpoints file names (the test sets them to the local PostgreSQL,
Redis and RabbitMQ), plus PROBE_SENDER.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import sqlalchemy
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEXT = "ขอต่อใบขับขี่ค่ะ โทร 081-234-5678"


async def _delete_broker_objects() -> None:
    """Leave the local RabbitMQ as it was: the broker declared a durable exchange and queue."""
    import aio_pika

    connection = await aio_pika.connect_robust(
        host=os.environ["RABBITMQ_HOST"],
        port=int(os.environ["RABBITMQ_PORT"]),
        login=os.environ["RABBITMQ_USERNAME"],
        password=os.environ["RABBITMQ_PASSWORD"],
    )
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(os.environ["RABBITMQ_ANALYTICS_QUEUE"])
        await channel.exchange_delete(os.environ["RABBITMQ_EXCHANGE"])


async def main() -> dict[str, object]:
    endpoints = read_endpoints_from_path(str(ROOT / "deploy" / "rasa" / "endpoints.yml"))
    domain = Domain.empty()
    sender = os.environ["PROBE_SENDER"]
    store = create_tracker_store(endpoints.tracker_store, domain)
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(TEXT, intent={"name": "greet", "confidence": 1.0}, input_channel="line"))
    await store.save(tracker)
    again = create_tracker_store(endpoints.tracker_store, domain)  # a second replica, or a restart
    back = await again.retrieve(sender)
    texts = [e.text for e in back.events if isinstance(e, UserUttered)] if back else []
    url = sqlalchemy.engine.URL.create(
        "postgresql",
        username=os.environ["RASA_DB_USER"],
        password=os.environ["RASA_DB_PASSWORD"] or None,
        host=os.environ["RASA_DB_HOST"],
        port=int(os.environ["RASA_DB_PORT"]),
        database=os.environ["RASA_DB_NAME"],
    )
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(sqlalchemy.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender})
        # Rows as stored (JSON with Thai escaped), decoded to compare what a reader of the table sees.
        raw = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in stored)
    engine.dispose()

    lock_store = LockStore.create(endpoints.lock_store)
    async with lock_store.lock(sender):
        locked = lock_store.get_lock(sender) is not None

    broker = await EventBroker.create(endpoints.event_broker)
    broker_type = type(broker).__name__
    if broker is not None:
        await broker.close()
    await _delete_broker_objects()
    return {
        "tracker_store": type(store).__name__,
        "dialect": store.engine.dialect.name,
        "texts": texts,
        "stored_has_phone": "081-234-5678" in raw or "0812345678" in raw,
        "stored_has_thai": "ขอต่อใบขับขี่" in raw,
        "lock_store": type(lock_store).__name__,
        "locked": locked,
        "broker": broker_type,
        "action_url": endpoints.action.url,
        "action_headers": endpoints.action.headers,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), ensure_ascii=False))

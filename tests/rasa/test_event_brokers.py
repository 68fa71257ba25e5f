"""The event brokers Rasa runs with (rasa_plugins/event_broker.py), against a real SQLite file and a
port where nothing listens:

- bot/endpoints.yml + bot/event_broker.sql.yml (what scripts/run.sh composes) build the masking
  tracker store with SQLiteEventBroker; a save writes each new event once to the broker's `events`
  table, masked like the stored ones, in one transaction; a second save only the new events.
- LenientPikaEventBroker with RabbitMQ unreachable is created anyway (Rasa starts) and keeps the
  events published meanwhile, in order, bounded.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_plugins import event_broker
from rasa_plugins.event_broker import LenientPikaEventBroker, SQLiteEventBroker
from rasa_plugins.tracker_store import MaskingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
CITIZEN_ID = "1101700230708"
PHONE = "081-234-5678"


def _endpoints(tmp_path: Path) -> str:
    path = tmp_path / "endpoints.yml"
    path.write_text(
        (ROOT / "bot/endpoints.yml").read_text("utf-8")
        + (ROOT / "bot/event_broker.sql.yml").read_text("utf-8"),
        "utf-8",
    )
    return str(path)


def test_sql_broker_gets_each_new_event_once_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domain: Domain
):
    monkeypatch.setenv("ACTION_PORT", "5999")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t0k-test")
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("RASA_EVENTS_DB", str(tmp_path / "broker" / "events.db"))
    endpoints = read_endpoints_from_path(_endpoints(tmp_path))
    broker = asyncio.run(EventBroker.create(endpoints.event_broker))
    assert isinstance(broker, SQLiteEventBroker)
    store = create_tracker_store(endpoints.tracker_store, domain, broker)
    assert isinstance(store, MaskingSQLTrackerStore)

    tracker = DialogueStateTracker("line:Ubroker", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(
        UserUttered(f"เลขบัตร {CITIZEN_ID} โทร {PHONE}", intent={"name": "greet", "confidence": 0.9})
    )
    tracker.update(BotUttered(f"รับเบอร์ {PHONE} แล้วค่ะ", metadata={"utter_action": "utter_greet"}))
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))

    with sqlite3.connect(tmp_path / "broker" / "events.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = [json.loads(r[0]) for r in conn.execute("SELECT data FROM events ORDER BY id")]
    assert [r["event"] for r in rows] == ["action", "user", "bot", "action"]
    assert {r["sender_id"] for r in rows} == {"line:Ubroker"}
    raw = json.dumps(rows, ensure_ascii=False)
    assert CITIZEN_ID not in raw and PHONE not in raw and "0812345678" not in raw
    assert rows[2]["metadata"]["utter_action"] == "utter_greet"


def test_pika_broker_lets_rasa_start_while_rabbitmq_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setattr(event_broker, "MAX_PENDING", 3)

    async def scenario() -> LenientPikaEventBroker:
        config = EndpointConfig(
            url="127.0.0.1",
            type="rasa_plugins.event_broker.LenientPikaEventBroker",
            port=port,
            username="guest",
            password="guest",
            queues=["q"],
            exchange_name="x",
            connection_attempts=1,
            retry_delay_in_seconds=0.01,
        )
        broker = await EventBroker.create(config)
        assert isinstance(broker, LenientPikaEventBroker)
        for n in range(5):
            broker.publish({"sender_id": "rest:a", "event": "action", "name": f"a{n}"})
        await asyncio.sleep(0.05)
        await broker.close()
        return broker

    broker = asyncio.run(scenario())
    assert [e["name"] for e in broker._unpublished_events] == ["a2", "a3", "a4"]
    assert broker.dropped == 2

"""Masking tracker stores against the real stores: a SQLite file and the local Redis server.

What is checked: the stored bytes hold no national id or phone number in clear, the in-flight
tracker keeps the real values, a second save adds no duplicates, a new store instance (a Rasa
restart) reads the conversation back, and both endpoints files build these stores.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from nlu.pii import CITIZEN_ID_MASK
from rasa_plugins.tracker_store import MaskingRedisTrackerStore, MaskingSQLTrackerStore, mask_event

ROOT = Path(__file__).resolve().parents[2]
CITIZEN_ID = "1101700230708"
PHONE = "081-234-5678"
CASE_REF = "CM69-1234-5675"
CLEAR_VALUES = (CITIZEN_ID, PHONE, "0812345678", "1-1017-00230-70-8")


def _user_turn(text: str) -> UserUttered:
    entities = [
        {"entity": "citizen_id", "value": CITIZEN_ID, "start": 8, "end": 21, "text": CITIZEN_ID},
        {"entity": "phone", "value": "0812345678", "start": 26, "end": 38},
        {"entity": "case_id", "value": CASE_REF, "start": 40, "end": 54},
    ]
    return UserUttered(
        text,
        intent={"name": "check_case_status", "confidence": 0.9},
        entities=entities,
        parse_data={
            "text": text,
            "intent": {"name": "check_case_status", "confidence": 0.9},
            "entities": entities,
            "intent_ranking": [{"name": "check_case_status", "confidence": 0.9}],
        },
        input_channel="line",
        metadata={"display_name": "สมชาย", "note": f"โทร {PHONE}"},
    )


def _conversation(sender_id: str, domain: Domain) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(_user_turn(f"เลขบัตร {CITIZEN_ID} โทร {PHONE} เรื่อง {CASE_REF} ค่ะ"))
    tracker.update(SlotSet("complaint_description", f"ติดต่อกลับ {PHONE} นะคะ"))
    tracker.update(SlotSet("case_id", CASE_REF))
    tracker.update(
        BotUttered(f"รับเลข {CASE_REF} แล้วค่ะ", {"buttons": [{"title": "เมนูหลัก", "payload": "/greet"}]})
    )
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def _assert_clean(blob: str) -> None:
    for value in CLEAR_VALUES:
        assert value not in blob, value


def _assert_masked_tracker(tracker: DialogueStateTracker) -> None:
    user = next(e for e in tracker.events if isinstance(e, UserUttered))
    assert CITIZEN_ID_MASK in user.text and "5678" in user.text
    assert user.text.startswith("เลขบัตร ") and CASE_REF in user.text
    entities = {e["entity"]: e["value"] for e in user.entities}
    assert entities["citizen_id"] == CITIZEN_ID_MASK
    assert entities["case_id"] == CASE_REF
    assert tracker.get_slot("case_id") == CASE_REF
    assert tracker.get_slot("complaint_description").startswith("ติดต่อกลับ xxx")
    _assert_clean(json.dumps([e.as_dict() for e in tracker.events], ensure_ascii=False))


def test_mask_event_leaves_names_ids_and_timestamps_alone():
    event = _user_turn(f"เลขบัตร {CITIZEN_ID}").as_dict()
    event["message_id"] = "0812345678901234"  # digit-heavy id must survive
    masked = mask_event(event)
    assert masked["message_id"] == event["message_id"]
    assert masked["timestamp"] == event["timestamp"]
    assert masked["parse_data"]["intent"] == event["parse_data"]["intent"]
    assert masked["input_channel"] == "line"
    assert event["text"].endswith(CITIZEN_ID)  # the input is not modified


def test_sql_store_masks_persists_and_survives_a_restart(tmp_path, domain):
    db = tmp_path / "tracker.db"
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = _conversation("line:U1", domain)
    asyncio.run(store.save(tracker))

    # The in-flight tracker still has the real values for this turn.
    assert CITIZEN_ID in next(e for e in tracker.events if isinstance(e, UserUttered)).text
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("select data from events where sender_id = 'line:U1'")]
        dump = "\n".join(conn.iterdump())
    assert len(rows) == len(tracker.events)
    _assert_clean(dump)

    # A second turn appends only the new events.
    tracker.update(_user_turn(f"อีกครั้ง {CITIZEN_ID}"))
    asyncio.run(store.save(tracker))
    with sqlite3.connect(db) as conn:
        count = conn.execute("select count(*) from events where sender_id = 'line:U1'").fetchone()[0]
    assert count == len(tracker.events)

    # A new store on the same file is what Rasa sees after a restart.
    restarted = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    back = asyncio.run(restarted.retrieve("line:U1"))
    assert back is not None and len(back.events) == len(tracker.events)
    _assert_masked_tracker(back)


def test_redis_store_masks_merges_without_duplicates_and_expires(domain, redis_prefix):
    store = MaskingRedisTrackerStore(
        domain=domain, host="127.0.0.1", port=6379, db=0, key_prefix=redis_prefix, record_exp=600
    )
    tracker = _conversation("web:S1", domain)
    asyncio.run(store.save(tracker))
    tracker.update(_user_turn(f"ซ้ำ {CITIZEN_ID}"))
    asyncio.run(store.save(tracker))

    client = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True)
    key = f"{redis_prefix}:tracker:web:S1"
    raw = client.get(key)
    assert raw is not None
    _assert_clean(raw)
    assert 0 < client.ttl(key) <= 600
    stored_events = json.loads(raw)["events"]
    assert len(stored_events) == len(tracker.events)
    assert CITIZEN_ID in next(e for e in tracker.events if isinstance(e, UserUttered)).text

    fresh = MaskingRedisTrackerStore(domain=domain, host="127.0.0.1", port=6379, key_prefix=redis_prefix)
    back = asyncio.run(fresh.retrieve("web:S1"))
    assert back is not None and len(back.events) == len(tracker.events)
    _assert_masked_tracker(back)
    client.close()


def test_sql_endpoints_file_builds_the_masking_store(tmp_path, monkeypatch, domain):
    monkeypatch.setenv("ACTION_PORT", "5999")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t0k-test")
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "var" / "tracker.db"))
    endpoints = read_endpoints_from_path(str(ROOT / "bot" / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5999/webhook"
    store = create_tracker_store(endpoints.tracker_store, domain)
    assert isinstance(store, MaskingSQLTrackerStore)
    asyncio.run(store.save(_conversation("sms:h1", domain)))
    assert (tmp_path / "var" / "tracker.db").exists()


def test_redis_endpoints_file_builds_masking_store_and_redis_lock(monkeypatch, domain, redis_prefix):
    for name, value in {
        "ACTION_PORT": "5999",
        "ACTION_SERVER_TOKEN": "t0k-test",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "RASA_REDIS_PREFIX": redis_prefix,
    }.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(ROOT / "bot" / "endpoints.redis.yml"))
    store = create_tracker_store(endpoints.tracker_store, domain)
    assert isinstance(store, MaskingRedisTrackerStore)
    assert store.record_exp and float(store.record_exp) > 0
    asyncio.run(store.save(_conversation("line:U9", domain)))
    client = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True)
    assert client.exists(f"{redis_prefix}:tracker:line:U9")
    client.close()

    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, RedisLockStore)

    async def _lock_round_trip() -> None:
        async with lock_store.lock("line:U9"):
            assert lock_store.get_lock("line:U9") is not None

    asyncio.run(_lock_round_trip())


def test_sql_store_returns_the_latest_session_or_all_sessions(tmp_path, domain):
    from rasa.shared.core.events import SessionStarted

    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("web:S2", domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted(timestamp=1.0))
    tracker.update(_user_turn("สวัสดี"), domain)
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("action_session_start", timestamp=1e10))
    tracker.update(SessionStarted(timestamp=1e10 + 1))
    tracker.update(ActionExecuted("action_listen", timestamp=1e10 + 2))
    asyncio.run(store.save(tracker))

    latest = asyncio.run(store.retrieve("web:S2"))
    full = asyncio.run(store.retrieve_full_tracker("web:S2"))
    assert [e.type_name for e in latest.events] == ["session_started", "action"]
    assert len(full.events) == len(tracker.events) == 6
    assert asyncio.run(store.retrieve("nobody")) is None

"""Case conversations in the real tracker stores (a SQLite file and the local Redis): a complaint whose
description and location carry a national id and phone numbers (ASCII and Thai digits), a LINE
location in the metadata, and a typed last-4-digits answer. Nothing of these may be stored in clear:
not in user texts, not in the slots the forms set (SlotSet events), not in metadata, not in the
events an event broker receives.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from nlu.pii import CITIZEN_ID_MASK
from rasa_plugins.tracker_store import MaskingRedisTrackerStore, MaskingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
CITIZEN_ID = "3100602345671"  # valid checksum, synthetic
CITIZEN_ID_THAI = "๓-๑๐๐๖-๐๒๓๔๕-๖๗-๑"
PHONE = "089-765-4321"
PHONE_THAI = "๐๘๑๒๒๒๓๓๔๔"
LAST4 = "4321"
CASE_REF = "CM69-1234-5675"
# Every clear form that must not be stored (digit runs long enough to identify someone).
CLEAR = (CITIZEN_ID, CITIZEN_ID_THAI, "3-1006-02345-67-1", PHONE, "0897654321", PHONE_THAI, "0812223344")


def _user(text: str, intent: str, metadata: dict[str, Any] | None = None) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
    return UserUttered(
        text, intent=parse["intent"], parse_data=parse, input_channel="line", metadata=metadata
    )


def _conversation(sender_id: str, domain: Domain) -> DialogueStateTracker:
    description = f"ไฟถนนดับทั้งซอย เลขบัตรผม {CITIZEN_ID} โทรกลับ {PHONE} หรือ {PHONE_THAI} นะครับ"
    location = f"หน้าบ้านเลขที่ 12/3 ซอยวัดใหม่ เบอร์บ้าน {PHONE_THAI} บัตร {CITIZEN_ID_THAI}"
    location_meta = {
        "channel": "line",
        "user_id": "U4af4980629a1b2c3d4e5f60718293a4b",
        "kind": "location",
        "event_id": "01HZX9Q4",
        "location": {"latitude": 13.75, "longitude": 100.5, "address": location, "title": f"โทร {PHONE}"},
    }
    tracker = DialogueStateTracker(sender_id, domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        _user("แจ้งไฟดับค่ะ", "file_complaint"),
        ActionExecuted("complaint_form"),
        ActiveLoop("complaint_form"),
        SlotSet("requested_slot", "complaint_description"),
        ActionExecuted("action_listen"),
        _user(description, "file_complaint", {"channel": "line", "note": f"โทร {PHONE}"}),
        SlotSet("complaint_description", description),
        SlotSet("requested_slot", "complaint_location"),
        ActionExecuted("action_listen"),
        _user(location, "file_complaint", location_meta),
        SlotSet("complaint_location", location),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        BotUttered(f"รับเรื่อง {CASE_REF} แล้วค่ะ ติดต่อกลับ {PHONE}"),
        ActionExecuted("action_listen"),
        _user(f"เรื่อง {CASE_REF} ถึงไหนแล้ว", "check_case_status"),
        ActionExecuted("case_status_form"),
        ActiveLoop("case_status_form"),
        SlotSet("case_id", CASE_REF),
        SlotSet("requested_slot", "phone_last4"),
        BotUttered("ขอเลข 4 ตัวท้ายของเบอร์ที่ให้ไว้ค่ะ"),
        ActionExecuted("action_listen"),
        _user(f"{LAST4}ค่ะ", "inform"),
        SlotSet("phone_last4", CASE_REF),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
        _user("ขอบคุณค่ะ มีเลข 1111 ด้วยไหม", "thank"),
    ):
        tracker.update(event)
    return tracker


def _assert_clean(blob: str) -> None:
    for value in CLEAR:
        assert value not in blob, value


def _assert_stored_events(events: list[dict[str, Any]]) -> None:
    _assert_clean(json.dumps(events, ensure_ascii=False))
    users = [e for e in events if e["event"] == "user"]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot" and e["value"] is not None}
    assert CITIZEN_ID_MASK in users[1]["text"] and "xxx-xxx-4321" in users[1]["text"]
    assert CITIZEN_ID_MASK in slots["complaint_description"]
    assert "xxx-xxx-4321" in slots["complaint_description"]
    assert "12/3" in slots["complaint_location"] and CITIZEN_ID_MASK in slots["complaint_location"]
    location_meta = users[2]["metadata"]["location"]
    assert CITIZEN_ID_MASK in location_meta["address"] and location_meta["title"] == "โทร xxx-xxx-4321"
    assert location_meta["latitude"] == 13.75 and users[2]["metadata"]["event_id"] == "01HZX9Q4"
    assert users[1]["metadata"]["note"] == "โทร xxx-xxx-4321"
    # The last-4 answer keeps no digit; the case reference and other turns are left alone.
    assert users[4]["text"] == "xxxxค่ะ" and users[4]["parse_data"]["text"] == "xxxxค่ะ"
    assert users[3]["text"] == f"เรื่อง {CASE_REF} ถึงไหนแล้ว"
    assert users[5]["text"] == "ขอบคุณค่ะ มีเลข 1111 ด้วยไหม"
    assert slots["case_id"] == CASE_REF and slots["phone_last4"] == CASE_REF


class _Collecting(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def test_sql_store_masks_case_conversations_in_text_slots_metadata_and_broker(tmp_path, domain):
    db = tmp_path / "tracker.db"
    broker = _Collecting()
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), event_broker=broker)
    tracker = _conversation("line:U4af4980629a1b2c3d4e5f60718293a4b", domain)
    asyncio.run(store.save(tracker))
    with sqlite3.connect(db) as conn:
        rows = [json.loads(r[0]) for r in conn.execute("select data from events order by id")]
        dump = "\n".join(conn.iterdump())
    _assert_clean(dump)
    _assert_stored_events(rows)
    assert len(broker.published) == len(tracker.events)
    _assert_stored_events(broker.published)
    # The in-flight tracker keeps the real values for the turn being processed.
    assert tracker.get_slot("complaint_description").count(CITIZEN_ID) == 1

    # The next turn is saved against the stored count: the last-4 answer of a second round is hidden
    # too, although the question was asked in an earlier save.
    tracker.update(ActiveLoop("case_status_form"))
    tracker.update(SlotSet("requested_slot", "phone_last4"))
    asyncio.run(store.save(tracker))
    tracker.update(_user("๔๓๒๑", "inform"))
    asyncio.run(store.save(tracker))
    back = asyncio.run(
        MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db)).retrieve(tracker.sender_id)
    )
    assert back is not None and len(back.events) == len(tracker.events)
    assert back.latest_message is not None and back.latest_message.text == "xxxx"


def test_redis_store_masks_case_conversations(domain, redis_prefix):
    store = MaskingRedisTrackerStore(
        domain=domain, host="127.0.0.1", port=6379, db=0, key_prefix=redis_prefix, record_exp=600
    )
    tracker = _conversation("sms:0f1e2d3c4b5a69788796a5b4c3d2e1f0", domain)
    asyncio.run(store.save(tracker))
    client = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True)
    raw = client.get(f"{redis_prefix}:tracker:{tracker.sender_id}")
    client.close()
    assert raw is not None
    _assert_clean(raw)
    _assert_stored_events(json.loads(raw)["events"])
    back = asyncio.run(store.retrieve(tracker.sender_id))
    assert back is not None and len(back.events) == len(tracker.events)
    assert CITIZEN_ID not in back.get_slot("complaint_description")

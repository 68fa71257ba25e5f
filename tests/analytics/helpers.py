"""Rasa-shaped broker events and the checks shared by the analytics tests."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

CITIZEN_ID = "1101700230708"  # valid checksum
PHONE = "0812345678"
TEXTS = (f"เลขบัตร {CITIZEN_ID} โทร {PHONE}", "ต่อใบขับขี่ใช้อะไรบ้าง")
SERVICE = "dlt-renew"
TABLES = ("analytics_messages", "analytics_actions", "analytics_conversations")


def turn(sender: str, start: float, n: int = 0) -> list[dict[str, Any]]:
    """One conversation turn in the order Rasa's broker publishes it: the citizen's message, the
    answering action, its message, the slot it set (after its message), action_listen. Every other
    turn's answer is a response (`utter_action` in the metadata), the others a custom action's text."""
    t = start + n * 0.01
    user = {
        "sender_id": sender,
        "event": "user",
        "timestamp": t,
        "text": TEXTS[n % 2],
        "parse_data": {
            "intent": {"name": "ask_service" if n % 3 else "nlu_fallback", "confidence": 0.91},
            "entities": [{"entity": "citizen_id", "value": CITIZEN_ID}],
            "text": TEXTS[n % 2],
        },
        "input_channel": sender.split(":", 1)[0],
        "message_id": f"m{n}",
        "metadata": {"phone": PHONE},
    }
    action = {
        "sender_id": sender,
        "event": "action",
        "timestamp": t + 0.001,
        "name": "action_answer_service",
        "policy": "RulePolicy",
        "confidence": 1.0,
    }
    bot = {
        "sender_id": sender,
        "event": "bot",
        "timestamp": t + 0.002,
        "text": f"ตอบ {PHONE}",
        "data": {},
        "metadata": {"utter_action": "utter_service_docs"} if n % 2 == 0 else {"model_id": "x"},
    }
    slot = {
        "sender_id": sender,
        "event": "slot",
        "timestamp": t + 0.003,
        "name": "service_id",
        "value": SERVICE,
    }
    listen = {"sender_id": sender, "event": "action", "timestamp": t + 0.004, "name": "action_listen"}
    return [user, action, bot, slot, listen]


def events(conversations: int, turns: int, start: float | None = None) -> list[dict[str, Any]]:
    start = time.time() if start is None else start
    out: list[dict[str, Any]] = []
    for n in range(turns):
        for c in range(conversations):
            out += turn(f"{('line', 'sms', 'web', 'rest')[c % 4]}:U{c:05d}", start + c, n)
    return out


def write_sql_broker(path: Path, batch: list[dict[str, Any]]) -> None:
    """Append events to a table shaped as Rasa's SQLEventBroker creates it."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"
        )
        conn.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [(e["sender_id"], json.dumps(e)) for e in batch],
        )


def expected(messages: int, actions: int, conversations: int) -> dict[str, int]:
    return {
        "analytics_messages": messages,
        "analytics_actions": actions,
        "analytics_conversations": conversations,
    }


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    finally:
        engine.dispose()


_HASH = re.compile(r"[0-9a-f]{64}")
_PII = re.compile(r"\d{9,}|[\u0E00-\u0E7F]")


def assert_no_pii(url: str, senders: set[str]) -> int:
    """Every value in the analytics tables: no national id, phone number, Thai text, sender id or
    free text (the texts sent). Returns how many values were scanned (so the scan is never empty)."""
    engine = sa.create_engine(url)
    scanned = 0
    try:
        with engine.connect() as conn:
            for table in TABLES:
                for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                    for value in row:
                        scanned += 1
                        text = str(value)
                        # Text columns (numbers and times are not text; keyed hashes may hold digit runs).
                        if isinstance(value, str) and not _HASH.fullmatch(text):
                            assert not _PII.search(text), (table, text)
                        assert CITIZEN_ID not in text and PHONE not in text, (table, text)
                        assert not any(s in text for s in senders), (table, text)
                        assert not any(t in text for t in TEXTS), (table, text)
    finally:
        engine.dispose()
    assert scanned > 0
    return scanned

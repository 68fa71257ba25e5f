"""Two-stage fallback: rephrase with three suggestions, then a person; misses recorded masked."""

from __future__ import annotations

import sqlite3

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.fallback import ActionFallbackOfferHuman, ActionFallbackRephrase, suggestions
from actions.unanswered import UnansweredRecorder
from actions.unanswered_models import UnansweredMessage
from nlu.pii import CITIZEN_ID_MASK

VALID_CITIZEN_ID = "1101700230708"  # passes the Thai checksum


async def test_rephrase_offers_three_suggestions_led_by_the_likely_intents(make_tracker, sqlite_sessions):
    tracker = make_tracker(
        "เอ่อ เรื่องนั้นอะ",
        intent="nlu_fallback",
        ranking=[("nlu_fallback", 0.3), ("file_complaint", 0.25), ("request_human", 0.2), ("greet", 0.1)],
    )
    dispatcher = CollectingDispatcher()
    events = await ActionFallbackRephrase(UnansweredRecorder(sqlite_sessions)).run(dispatcher, tracker, {})

    assert events == [SlotSet("fallback_count", 1.0)]
    [message] = dispatcher.messages
    assert message["text"].startswith("ขออภัยค่ะ ยังไม่เข้าใจ")
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == ["/file_complaint", "/request_human", "/ask_service"]


def test_suggestions_fill_up_with_defaults_without_duplicates(make_tracker):
    tracker = make_tracker(
        "???", intent="nlu_fallback", ranking=[("nlu_fallback", 0.2), ("ask_service", 0.1)]
    )
    titles = [b.title for b in suggestions(tracker)]
    assert titles == ["สอบถามบริการ", "ติดตามเรื่อง", "คุยกับเจ้าหน้าที่"]


async def test_offer_human_counts_and_offers_a_person_or_the_menu(make_tracker, sqlite_sessions):
    tracker = make_tracker("งง", intent="nlu_fallback", slots={"fallback_count": 1.0})
    dispatcher = CollectingDispatcher()
    events = await ActionFallbackOfferHuman(UnansweredRecorder(sqlite_sessions)).run(dispatcher, tracker, {})

    assert events == [SlotSet("fallback_count", 2.0)]
    [message] = dispatcher.messages
    assert "เจ้าหน้าที่" in message["text"]
    # tapping the offer is the confirmation: /affirm goes straight to action_handover (rules.yml)
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/greet", "/restart"]


async def test_misses_are_recorded_with_ids_and_phones_masked(make_tracker, sqlite_sessions, tmp_path):
    text = f"เลขบัตร {VALID_CITIZEN_ID} เบอร์ 081-234-5678 ทำไงดี"
    tracker = make_tracker(
        text,
        intent="nlu_fallback",
        ranking=[("nlu_fallback", 0.3), ("ask_service", 0.28)],
        channel="line",
        sender_id="line:U1234",
    )
    recorder = UnansweredRecorder(sqlite_sessions, lambda sender: "hashed:" + sender[-2:])
    await ActionFallbackRephrase(recorder).run(CollectingDispatcher(), tracker, {})

    with sqlite_sessions() as session:
        [row] = session.scalars(select(UnansweredMessage)).all()
    assert row.channel == "line"
    assert row.top_intent == "ask_service"
    assert abs(row.confidence - 0.28) < 1e-9
    assert row.sender_hash == "hashed:34"  # the context's keyed hash, never the id itself
    assert CITIZEN_ID_MASK in row.masked_text
    assert "5678" in row.masked_text and "081-234" not in row.masked_text
    assert row.masked_text.startswith("เลขบัตร ")
    # Nothing in the database file holds the clear values.
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("govbot.db*"))
    assert VALID_CITIZEN_ID.encode() not in raw
    with sqlite3.connect(tmp_path / "govbot.db") as conn:
        dump = "\n".join(conn.iterdump())
    assert VALID_CITIZEN_ID not in dump and "081-234-5678" not in dump


async def test_blank_text_is_answered_but_not_recorded(make_tracker, sqlite_sessions):
    dispatcher = CollectingDispatcher()
    await ActionFallbackRephrase(UnansweredRecorder(sqlite_sessions)).run(
        dispatcher, make_tracker("   ", intent="nlu_fallback"), {}
    )
    assert dispatcher.messages and dispatcher.messages[0]["text"]
    with sqlite_sessions() as session:
        assert session.scalars(select(UnansweredMessage)).all() == []


async def test_long_text_is_recorded_truncated(make_tracker, sqlite_sessions):
    await ActionFallbackRephrase(UnansweredRecorder(sqlite_sessions)).run(
        CollectingDispatcher(), make_tracker("ก" * 5000, intent="nlu_fallback"), {}
    )
    with sqlite_sessions() as session:
        [row] = session.scalars(select(UnansweredMessage)).all()
    assert row.masked_text == "ก" * 2000


async def test_citizen_still_gets_an_answer_when_the_database_is_down(make_tracker, tmp_path):
    from db.engine import make_engine, make_sessionmaker

    # A database without the table: every insert fails.
    broken = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
    dispatcher = CollectingDispatcher()
    events = await ActionFallbackRephrase(UnansweredRecorder(broken)).run(
        dispatcher, make_tracker("อะไรนะ", intent="nlu_fallback"), {}
    )
    assert events == [SlotSet("fallback_count", 1.0)]
    assert dispatcher.messages[0]["text"].startswith("ขออภัยค่ะ")


async def test_sms_gets_the_short_variant(make_tracker, sqlite_sessions):
    dispatcher = CollectingDispatcher()
    await ActionFallbackRephrase(UnansweredRecorder(sqlite_sessions)).run(
        dispatcher, make_tracker("???", intent="nlu_fallback", channel="sms"), {}
    )
    [message] = dispatcher.messages
    assert message["text"] == "ขออภัยค่ะ ไม่เข้าใจ พิมพ์ใหม่หรือเลือกหัวข้อค่ะ"
    assert len(message["buttons"]) == 3


def test_context_hashes_sender_ids_with_the_personal_data_key() -> None:
    """Review records group a citizen's misses under the process's keyed hash (PERSONAL_DATA_KEYS),
    the one hashing scheme of privacy/, never a plain digest anyone could recompute from the id."""
    import hashlib

    from actions.context import ActionContext
    from privacy import PersonalData, PrivacySettings, log_id

    settings = PrivacySettings.generate()
    keyed = ActionContext.sender_hash(_context_with(PersonalData(settings)), "line:U1234")
    assert keyed == PersonalData(settings).sender_hash("line:U1234")
    assert keyed != hashlib.sha256(b"line:U1234").hexdigest()
    assert PersonalData(PrivacySettings.generate()).sender_hash("line:U1234") != keyed  # keyed, not fixed
    assert ActionContext.sender_hash(_context_with(None), "line:U1234") == log_id("line:U1234")


def _context_with(personal_data: object) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(personal_data=personal_data)

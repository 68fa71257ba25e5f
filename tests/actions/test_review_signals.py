"""The review queue's signals (issue 13): why a question was kept, what the bot answered, the service.

Real pieces throughout: a migrated SQLite database, the recorder with nlu.pii.mask, the handover desk
(office hours, agencies), and for the service action the seeded knowledge base with the default
embedding model. Trackers are built the rasa-sdk way, with the events Rasa would have stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.fallback import ActionFallbackOfferHuman, ActionFallbackRephrase
from actions.handover import ActionHandover
from actions.review_signals import question_before, session_turns
from actions.service import ActionAnswerService, ServiceResolver, answered_unsure
from actions.service_resolver import Decision
from actions.unanswered import UnansweredRecorder
from actions.unanswered_models import UnansweredMessage
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import DEFAULT_BACKEND, EmbedderConfig, make_embedder
from knowledge.search.live import LiveIndex
from knowledge.seed_loader import load_seed
from knowledge.store import KnowledgeStore
from nlu.pii import CITIZEN_ID_MASK
from tests.actions.desks import IN_HOURS, OUT_OF_HOURS, make_desk
from tests.actions.dialogue_events import answered, user

SENDER = "line:Ureview0001"


def uttered(response: str) -> list[dict[str, Any]]:
    return [
        {"event": "action", "name": response},
        {"event": "bot", "text": "ค่ะ", "metadata": {"utter_action": response}},
        {"event": "action", "name": "action_listen"},
    ]


def tracker_of(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker(SENDER, dict(slots or {}), latest, events, False, None, {}, "action_listen")


def rows(sessions: sessionmaker[Session]) -> list[UnansweredMessage]:
    with sessions() as session:
        return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()


# -- the recorder -------------------------------------------------------------------------------------


def test_the_recorder_keeps_reason_answer_and_service_masked(sessions: sessionmaker[Session]) -> None:
    recorder = UnansweredRecorder(sessions)
    row_id = recorder.record(
        channel="web",
        sender_id=SENDER,
        text="บัตร 1101700230708 หายต้องทำไง",
        top_intent="ask_service",
        confidence=0.52,
        reason="thumbs_down",
        bot_answer="id_card_lost",
        service_id="id_card_lost",
    )
    [row] = rows(sessions)
    assert row.id == row_id
    assert row.masked_text == f"บัตร {CITIZEN_ID_MASK} หายต้องทำไง"  # Thai read back, id masked
    assert (row.reason, row.bot_answer, row.service_id) == ("thumbs_down", "id_card_lost", "id_card_lost")
    assert row.sender_hash != SENDER and SENDER not in row.sender_hash


def test_the_recorder_defaults_to_unanswered_and_refuses_unknown_reasons(
    sessions: sessionmaker[Session],
) -> None:
    recorder = UnansweredRecorder(sessions)
    recorder.record(channel="sms", sender_id=SENDER, text="อะไรนะ", top_intent=None, confidence=None)
    with pytest.raises(ValueError, match="unknown review reason"):
        recorder.record(
            channel="sms", sender_id=SENDER, text="x", top_intent=None, confidence=None, reason="angry"
        )
    # a blank message keeps nothing
    assert (
        recorder.record(channel="sms", sender_id=SENDER, text=" \n ", top_intent=None, confidence=None)
        is None
    )
    assert [r.reason for r in rows(sessions)] == ["unanswered"]


def test_long_answer_names_are_cut_to_the_columns(sessions: sessionmaker[Session]) -> None:
    UnansweredRecorder(sessions).record(
        channel="line",
        sender_id=SENDER,
        text="ถามยาวๆ",
        top_intent="ask_service",
        confidence=0.5,
        reason="low_confidence",
        bot_answer="x" * 200,
        service_id="y" * 200,
    )
    [row] = rows(sessions)
    assert len(row.bot_answer or "") == 80 and len(row.service_id or "") == 80


# -- which question a signal is about -----------------------------------------------------------------


def test_the_question_before_skips_answers_payloads_and_requests_for_a_person() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        user("สวัสดีค่ะ", "greet"),
        *uttered("utter_greet"),
        user("ต่อใบขับขี่ใช้อะไรบ้าง", "ask_service"),
        *answered("driving_license_renew"),
        user('/ask_service{"service_id":"driving_license_renew","service_aspect":"fee"}', "ask_service"),
        *answered("driving_license_renew"),
        user("ขอคุยกับเจ้าหน้าที่", "request_human"),
        *uttered("action_handover_confirm"),
        user("ใช่", "affirm"),
    ]
    turns = session_turns(events)
    assert turns[0].text == "สวัสดีค่ะ"
    question = question_before(turns, include_latest=True)
    assert question is not None and question.text == "ต่อใบขับขี่ใช้อะไรบ้าง"
    assert question.answer() == "driving_license_renew"


def test_a_restart_starts_afresh_and_old_questions_are_too_far() -> None:
    events = [user("ทำพาสปอร์ตใช้อะไร", "ask_service"), *answered("passport_new"), {"event": "restart"}]
    events += [
        user("ขอบคุณ", "thank"),
        *uttered("utter_thank"),
        user("/feedback_negative", "feedback_negative"),
    ]
    assert question_before(session_turns(events)) is None
    far = [user("ทำพาสปอร์ตใช้อะไร", "ask_service"), *answered("passport_new")]
    for _ in range(7):
        far += [user("555", "chitchat"), *uttered("utter_chitchat")]
    far.append(user("/feedback_negative", "feedback_negative"))
    assert question_before(session_turns(far)) is None


# -- handover -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("now", [IN_HOURS, OUT_OF_HOURS], ids=["queued", "call-back offered"])
async def test_the_question_that_led_to_a_handover_is_kept(sessions: sessionmaker[Session], now: Any) -> None:
    events = [
        user("ทำพาสปอร์ตต้องใช้อะไรบ้าง โทร 0812345678", "ask_service"),
        *answered("passport_new"),
        user("ขอคุยกับเจ้าหน้าที่ค่ะ", "request_human"),
        *uttered("action_handover_confirm"),
        user("ใช่ค่ะ", "affirm"),
    ]
    action = ActionHandover(make_desk(sessions, now=now), UnansweredRecorder(sessions))
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker_of(events, {"service_id": "passport_new"}), {})
    assert dispatcher.messages  # the citizen was answered
    [row] = rows(sessions)
    assert row.reason == "handover" and row.channel == "line"
    assert "0812345678" not in row.masked_text and row.masked_text.startswith("ทำพาสปอร์ตต้องใช้อะไรบ้าง")
    assert (row.bot_answer, row.service_id) == ("passport_new", "passport_new")


async def test_a_handover_without_a_question_keeps_nothing(sessions: sessionmaker[Session]) -> None:
    events = [
        user("ขอคุยกับเจ้าหน้าที่", "request_human"),
        *uttered("action_handover_confirm"),
        user("/affirm", "affirm"),
    ]
    action = ActionHandover(make_desk(sessions), UnansweredRecorder(sessions))
    await action.run(CollectingDispatcher(), tracker_of(events), {})
    assert rows(sessions) == []


async def test_a_broken_queue_never_blocks_the_handover(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"  # no tables: every insert fails
    engine = make_engine(url)
    broken = make_sessionmaker(engine)
    good_url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(good_url)
    good = make_engine(good_url)
    try:
        events = [user("ภาษีรถยนต์จ่ายที่ไหน", "ask_service"), *answered("vehicle_tax"), user("ใช่", "affirm")]
        action = ActionHandover(make_desk(make_sessionmaker(good)), UnansweredRecorder(broken))
        dispatcher = CollectingDispatcher()
        result = await action.run(dispatcher, tracker_of(events), {})
        assert dispatcher.messages and any(e.get("name") == "handover_agency" for e in result)
    finally:
        engine.dispose()
        good.dispose()


# -- unanswered and low confidence --------------------------------------------------------------------


async def test_the_fallback_keeps_reason_unanswered_with_its_stage(sessions: sessionmaker[Session]) -> None:
    events = [user("อิอิ ฮ่าฮ่า งง", "nlu_fallback", 0.2)]
    recorder = UnansweredRecorder(sessions)
    await ActionFallbackRephrase(recorder).run(CollectingDispatcher(), tracker_of(events), {})
    await ActionFallbackOfferHuman(recorder).run(CollectingDispatcher(), tracker_of(events), {})
    kept = rows(sessions)
    assert [(r.reason, r.bot_answer) for r in kept] == [
        ("unanswered", "action_fallback_rephrase"),
        ("unanswered", "action_fallback_offer_human"),
    ]


def test_answered_unsure_reads_the_fallback_intent_and_the_search() -> None:
    sure = Decision("answer", why="dense and BM25 agree")
    unsure_search = Decision("answer", why="follow-up among near matches", low_confidence=True)
    assert not answered_unsure(sure, tracker_of([user("ทำพาสปอร์ต", "ask_service")]))
    assert answered_unsure(sure, tracker_of([user("นานมั้ย", "nlu_fallback", 0.3)]))
    assert answered_unsure(unsure_search, tracker_of([user("ทำพาสปอร์ต", "ask_service")]))


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveIndex, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('signals') / 'govbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    store = KnowledgeStore(sessions)
    load_seed(store)
    embedder = make_embedder(DEFAULT_BACKEND, EmbedderConfig())
    live = LiveIndex(store, embedder, cache=EmbeddingCache(tmp_path_factory.mktemp("emb")), check_every=0.0)
    live.refresh()
    yield live, sessions
    engine.dispose()


async def test_an_unclear_message_answered_from_the_current_service_is_low_confidence(
    knowledge: tuple[LiveIndex, sessionmaker[Session]],
) -> None:
    live, sessions = knowledge
    with sessions() as session, session.begin():
        session.query(UnansweredMessage).delete()
    desk = make_desk(sessions)
    action = ActionAnswerService(
        ServiceResolver(live), UnansweredRecorder(sessions), ActionHandover(desk), desk.sensitive
    )
    events = [
        user("ต่อใบขับขี่ใช้อะไรบ้าง", "ask_service"),
        *answered("driving_license_renew"),
        user("แล้วค่าธรรมเนียมเท่าไหร่", "nlu_fallback", 0.31),
    ]
    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, tracker_of(events, {"service_id": "driving_license_renew"}), {})
    slots = {e["name"]: e["value"] for e in result if e["event"] == "slot"}
    assert slots.get("service_id") == "driving_license_renew"  # answered, not the fallback
    [row] = rows(sessions)
    assert (row.reason, row.bot_answer, row.service_id) == (
        "low_confidence",
        "driving_license_renew",
        "driving_license_renew",
    )
    assert row.masked_text == "แล้วค่าธรรมเนียมเท่าไหร่"


async def test_a_confident_answer_keeps_nothing_and_an_unsure_one_is_unanswered(
    knowledge: tuple[LiveIndex, sessionmaker[Session]],
) -> None:
    live, sessions = knowledge
    with sessions() as session, session.begin():
        session.query(UnansweredMessage).delete()
    desk = make_desk(sessions)
    action = ActionAnswerService(
        ServiceResolver(live), UnansweredRecorder(sessions), ActionHandover(desk), desk.sensitive
    )
    await action.run(CollectingDispatcher(), tracker_of([user("ทำพาสปอร์ตใช้เอกสารอะไร", "ask_service")]), {})
    assert rows(sessions) == []
    await action.run(
        CollectingDispatcher(), tracker_of([user("ขอใบอนุญาตเลี้ยงนกกระจอกเทศ", "ask_service")]), {}
    )
    [row] = rows(sessions)
    assert row.reason == "unanswered" and (row.bot_answer or "").startswith("service_")

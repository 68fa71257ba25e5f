"""👍 / 👎 on a service answer (issue 13): the buttons under an answer, the replies, the review queue.

The service action runs on the seeded knowledge base with the default embedding model and a migrated
SQLite database; the rendering is the LINE adapter's own (the SDK models validate what LINE gets).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.feedback import ActionFeedback, says_what_was_meant
from actions.handover import ActionHandover
from actions.replies import FEEDBACK_BUTTONS, HUMAN, reply_for
from actions.service import ActionAnswerService, ServiceResolver
from actions.unanswered import UnansweredRecorder
from actions.unanswered_models import UnansweredMessage
from channels.line.render import render
from channels.messages import Button as ChannelButton
from channels.messages import Outbound
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import DEFAULT_BACKEND, EmbedderConfig, make_embedder
from knowledge.search.live import LiveIndex
from knowledge.seed_loader import load_seed
from knowledge.store import KnowledgeStore
from tests.actions.desks import make_desk
from tests.actions.dialogue_events import answered, user

SENDER = "line:Ufeedback0001"
FEEDBACK_PAYLOADS = [b.payload for b in FEEDBACK_BUTTONS]


def tracker_of(
    events: list[dict[str, Any]], slots: dict[str, Any] | None = None, active_loop: str | None = None
) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    loop = {"name": active_loop} if active_loop else {}
    return Tracker(SENDER, dict(slots or {}), latest, events, False, None, loop, "action_listen")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveIndex, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'govbot.db'}"
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


@pytest.fixture
def sessions(knowledge: tuple[LiveIndex, sessionmaker[Session]]) -> sessionmaker[Session]:
    _, made = knowledge
    with made() as session, session.begin():
        session.query(UnansweredMessage).delete()
    return made


@pytest.fixture
def service(knowledge: tuple[LiveIndex, sessionmaker[Session]]) -> ActionAnswerService:
    live, made = knowledge
    desk = make_desk(made)
    return ActionAnswerService(
        ServiceResolver(live), UnansweredRecorder(made), ActionHandover(desk), desk.sensitive
    )


def rows(sessions: sessionmaker[Session]) -> list[UnansweredMessage]:
    with sessions() as session:
        return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))


async def answer(action: ActionAnswerService, tracker: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


# -- the buttons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["line", "web"])
async def test_a_service_answer_offers_feedback_once_beside_the_aspect_buttons(
    service: ActionAnswerService, channel: str
) -> None:
    message = await answer(service, tracker_of([user("ต่อใบขับขี่ใช้อะไรบ้าง", "ask_service", channel=channel)]))
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[-2:] == FEEDBACK_PAYLOADS and payloads.count("/feedback_negative") == 1
    assert any(p.startswith("/ask_service{") for p in payloads)  # the aspect buttons are kept
    # LINE: all of them as quick replies (at most 13, labels within 20 characters), 👍 first of the two
    buttons = tuple(ChannelButton(b["title"], b["payload"]) for b in message["buttons"])
    [line_message] = render([Outbound(text=message["text"], buttons=buttons)])
    assert line_message.quick_reply is not None
    items = line_message.quick_reply.items
    assert [i.action.label for i in items][-2:] == ["👍 ตรงคำถาม", "👎 ไม่ตรง"]
    assert [i.action.data for i in items][-2:] == FEEDBACK_PAYLOADS


async def test_no_feedback_buttons_on_sms_in_english_inside_a_form_or_on_a_clarification(
    service: ActionAnswerService,
) -> None:
    sms = await answer(service, tracker_of([user("ต่อใบขับขี่ใช้อะไรบ้าง", "ask_service", channel="sms")]))
    assert not set(FEEDBACK_PAYLOADS) & {b["payload"] for b in sms.get("buttons") or []}
    english = await answer(service, tracker_of([user("How do I renew my passport?", "ask_service")]))
    assert not set(FEEDBACK_PAYLOADS) & {b["payload"] for b in english.get("buttons") or []}
    in_form = await answer(
        service, tracker_of([user("ทำพาสปอร์ตใช้อะไร", "ask_service")], active_loop="complaint_form")
    )
    assert not set(FEEDBACK_PAYLOADS) & {b["payload"] for b in in_form.get("buttons") or []}
    unsure = await answer(service, tracker_of([user("ขอใบอนุญาตเลี้ยงนกกระจอกเทศ", "ask_service")]))
    assert not set(FEEDBACK_PAYLOADS) & {b["payload"] for b in unsure.get("buttons") or []}


# -- the replies and the review queue -----------------------------------------------------------------


async def test_thumbs_up_is_thanked_and_keeps_nothing(sessions: sessionmaker[Session]) -> None:
    events = [user("ทำพาสปอร์ตใช้อะไร", "ask_service"), *answered("passport_new")]
    events.append(user("/feedback_positive", "feedback_positive"))
    dispatcher = CollectingDispatcher()
    result = await ActionFeedback(UnansweredRecorder(sessions)).run(
        dispatcher, tracker_of(events, {"service_id": "passport_new"}), {}
    )
    assert [m["text"] for m in dispatcher.messages] == [reply_for("feedback_thanks", "line").text]
    assert result == [] and rows(sessions) == []


@pytest.mark.parametrize("channel", ["line", "sms"])
async def test_thumbs_down_apologises_offers_and_keeps_the_question(
    sessions: sessionmaker[Session], channel: str
) -> None:
    events = [
        user("ต่อใบขับขี่ต้องใช้อะไร เบอร์ผม 0812345678", "ask_service", channel=channel),
        *answered("driving_license_renew"),
        user("ไม่ตรงคำถามเลยค่ะ", "feedback_negative", channel=channel),
    ]
    dispatcher = CollectingDispatcher()
    result = await ActionFeedback(UnansweredRecorder(sessions)).run(
        dispatcher, tracker_of(events, {"service_id": "driving_license_renew"}), {}
    )
    [message] = dispatcher.messages
    assert message["text"] == reply_for("feedback_sorry", channel).text
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0] == HUMAN.payload  # then the licence's twins (first licence…), one tap each
    assert payloads[1:] and all(
        p.startswith('/ask_service{"service_id":"driving_license_') for p in payloads[1:]
    )
    assert '/ask_service{"service_id":"driving_license_renew"}' not in payloads
    slots = {e["name"]: e["value"] for e in result if e["event"] == "slot"}
    # The service stays: a follow-up ("ไปทำที่ไหน") is still about it; only the aspect is dropped.
    assert slots == {"service_aspect": None}
    [row] = rows(sessions)
    assert row.reason == "thumbs_down" and row.channel == channel
    assert row.masked_text == "ต่อใบขับขี่ต้องใช้อะไร เบอร์ผม xxxxxx5678"
    assert (row.bot_answer, row.service_id) == ("driving_license_renew", "driving_license_renew")
    assert row.top_intent == "ask_service"


async def test_a_second_thumbs_down_on_the_same_answer_is_not_kept_twice(
    sessions: sessionmaker[Session],
) -> None:
    events = [user("ทำพาสปอร์ตใช้อะไร", "ask_service"), *answered("passport_new")]
    events.append(user("/feedback_negative", "feedback_negative"))
    action = ActionFeedback(UnansweredRecorder(sessions))
    await action.run(CollectingDispatcher(), tracker_of(events, {"service_id": "passport_new"}), {})
    events += [
        {"event": "action", "name": "action_feedback"},
        {"event": "bot", "text": "ขออภัยค่ะ", "metadata": {}},
        {"event": "action", "name": "action_listen"},
        user("ไม่ตรงคำถาม", "feedback_negative"),
    ]
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker_of(events), {})
    assert len(dispatcher.messages) == 1  # still answered
    assert [r.reason for r in rows(sessions)] == ["thumbs_down"]


async def test_thumbs_down_with_no_question_before_only_apologises(sessions: sessionmaker[Session]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionFeedback(UnansweredRecorder(sessions)).run(
        dispatcher, tracker_of([user("ไม่ตรงคำถาม", "feedback_negative")]), {}
    )
    assert dispatcher.messages[0]["text"] == reply_for("feedback_sorry", "line").text
    assert rows(sessions) == []


def test_what_a_typed_thumbs_down_means() -> None:
    plains = (
        "ไม่ตรงคำถามเลยค่ะ", "ไม่ใช่ที่ถามครับ", "ตอบไม่ตรงเลยอ่ะ", "/feedback_negative", "👎 ไม่ตรง", "",
        "ไม่ค่อยตรงเท่าไร", "ไม่ตรงอีกแล้ว", "ไม่ค่อยตรงสักเท่าไหร่ครับ",  # hedged: still only a verdict
    )  # fmt: skip
    for plain in plains:
        assert not says_what_was_meant(plain), plain
    for meant in ("ไม่ตรงค่ะ หมายถึงย้ายออก", "ไม่ใช่ที่ถาม ถามเรื่องต่อพาสปอร์ต", "ไม่ตรง ค่าธรรมเนียมเท่าไหร่"):
        assert says_what_was_meant(meant), meant


async def test_a_typed_thumbs_down_that_says_what_was_meant_is_answered_at_once(
    sessions: sessionmaker[Session], service: ActionAnswerService
) -> None:
    events = [
        user("ย้ายเข้าบ้านใหม่ต้องทำไง", "ask_service"),
        *answered("house_registration_move_in"),
        user("ไม่ตรงค่ะ หมายถึงย้ายออกจากบ้าน", "feedback_negative"),
    ]
    dispatcher = CollectingDispatcher()
    result = await ActionFeedback(UnansweredRecorder(sessions), service).run(
        dispatcher, tracker_of(events, {"service_id": "house_registration_move_in"}), {}
    )
    assert dispatcher.messages[0]["text"] == reply_for("feedback_retry", "line").text
    assert len(dispatcher.messages) == 2  # the apology, then the answer
    slots = [(e["name"], e["value"]) for e in result if e["event"] == "slot"]
    assert ("service_id", "house_registration_move_out") in slots
    assert slots.index(("service_id", None)) < slots.index(("service_id", "house_registration_move_out"))
    [row] = rows(sessions)
    assert (row.reason, row.bot_answer) == ("thumbs_down", "house_registration_move_in")


async def test_the_no_photo_button_stays_an_answer_when_the_nlu_reads_it_as_a_photo() -> None:
    """Two more intents moved the linear model's balance and "ไม่มีรูป" leaned to share_image (seen on
    the authors' complaint conversations): only the gateway's "/share_image" is a photo."""
    from actions.complaint import NO_PHOTO, ValidateComplaintForm

    latest = {
        "text": "ไม่มีรูป",
        "intent": {"name": "share_image", "confidence": 0.59},
        "intent_ranking": [{"name": "share_image", "confidence": 0.59}],
        "entities": [],
    }
    events = [{"event": "user", "text": "ไม่มีรูป", "parse_data": latest, "input_channel": "line"}]
    slots = {"requested_slot": "complaint_photo", "complaint_photo": "ไม่มีรูป"}
    tracker = Tracker(SENDER, slots, latest, events, False, None, {"name": "complaint_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_photo("ไม่มีรูป", dispatcher, tracker, {})
    assert result == {"complaint_photo": NO_PHOTO}
    assert not any("รับรูปไม่สำเร็จ" in (m.get("text") or "") for m in dispatcher.messages)


async def test_thumbs_down_on_a_near_twin_offers_the_other_twin_in_one_tap(
    sessions: sessionmaker[Session],
) -> None:
    events = [
        user("ย้ายทะเบียนบ้านต้องใช้อะไร", "ask_service"),
        *answered("house_registration_move_in"),
        user("ไม่ตรง", "feedback_negative"),
    ]
    dispatcher = CollectingDispatcher()
    await ActionFeedback(UnansweredRecorder(sessions)).run(
        dispatcher, tracker_of(events, {"service_id": "house_registration_move_in"}), {}
    )
    [message] = dispatcher.messages
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        (HUMAN.title, HUMAN.payload),
        ("ย้ายออกจากบ้านเดิม", '/ask_service{"service_id":"house_registration_move_out"}'),
    ]

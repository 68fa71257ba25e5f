"""A person, the rasa-sdk way (Tracker + CollectingDispatcher) against a migrated SQLite database with
the seeded knowledge base: confirm once, in hours the custom message the gateway queues on (agency of
the service discussed, else gcc1111), out of hours when staff are back and the call-back offer, and the
call-back form (consent stored word for word, phone sealed, no trap)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.callback import ActionSubmitCallback, ValidateCallbackForm, consent_wording
from actions.handover import ActionHandover, ActionHandoverConfirm, ActionHandoverDeclined
from actions.replies import reply_for
from handover.events import record_event
from handover.models import AgencyClosure, CallbackTicket, Handover, HandoverEvent
from tests.actions.desks import IN_HOURS, OUT_OF_HOURS, make_desk
from tests.databases import seeded_sqlite

DOMAIN: dict[str, Any] = {
    "slots": {
        name: {"type": "text", "mappings": [{"type": "custom"}]}
        for name in ("callback_consent", "callback_phone", "callback_consent_at", "callback_ticket")
    },
    "forms": {"callback_form": {"required_slots": ["callback_consent", "callback_phone"]}},
}


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    with seeded_sqlite(tmp_path_factory.mktemp("handover")) as made:
        yield made


def tracker(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    requested_slot: str | None = None,
    channel: str = "line",
    sender: str = "line:U123",
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events = [
        *(history or []),
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel},
    ]
    all_slots = {"requested_slot": requested_slot, **(slots or {})}
    loop = {"name": "callback_form"} if requested_slot else {}
    return Tracker(sender, all_slots, latest, events, False, None, loop, "action_listen")


def user(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text}


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_asking_for_a_person_is_confirmed_once() -> None:
    messages, slots = await run(ActionHandoverConfirm(), tracker("ขอคุยกับเจ้าหน้าที่", "request_human"))
    assert messages[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"
    assert [(b["title"], b["payload"]) for b in messages[0]["buttons"]] == [
        ("ใช่", "/affirm"),
        ("ไม่ใช่", "/deny"),
    ]
    assert slots == {"handover_offer": "request_human"}
    messages, slots = await run(ActionHandoverDeclined(), tracker("ไม่ใช่", "deny"))
    assert messages[0]["text"] == reply_for("handover_declined", "line").text
    assert slots["handover_offer"] is None and slots["callback_offered"] is None


async def test_a_complaint_about_an_officer_opens_the_complaint_form_not_a_handover() -> None:
    """dev3 d3k006: "จะแจ้งเรื่องเจ้าหน้าที่ค่ะ" read by the NLU as asking for a person is a complaint
    about one: the complaint form takes it, nothing asked about a person."""
    dispatcher = CollectingDispatcher()
    t = tracker("จะแจ้งเรื่องเจ้าหน้าที่ค่ะ", "request_human")
    events = await ActionHandoverConfirm().run(dispatcher, t, DOMAIN)
    assert dispatcher.messages == []
    assert [(e["event"], e.get("name")) for e in events] == [("followup", "complaint_form")]
    # telling something *to* an officer is still a wish to talk to one
    messages, _ = await run(ActionHandoverConfirm(), tracker("ขอแจ้งเรื่องกับเจ้าหน้าที่", "request_human"))
    assert messages[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"


async def test_another_agencys_matter_heard_as_asking_for_a_person_goes_to_the_service_action() -> None:
    """dev2 d2c049: a scam call told with "เจ้าหน้าที่" in it is the anti-scam centre's matter (the
    service action refers it, offering a person too); asking for a person about it is still asked."""
    from knowledge.agencies import AgencyDirectory

    confirm = ActionHandoverConfirm(None, AgencyDirectory.load())
    dispatcher = CollectingDispatcher()
    t = tracker("มีคนโทรมาอ้างเป็นเจ้าหน้าที่ ขอเลขบัญชีกับรหัส OTP ค่ะ", "request_human")
    events = await confirm.run(dispatcher, t, DOMAIN)
    assert dispatcher.messages == []
    assert [(e["event"], e.get("name")) for e in events] == [("followup", "action_answer_service")]
    for said in ("โดนแก๊งคอลเซ็นเตอร์หลอก ขอคุยกับเจ้าหน้าที่", "ขอคุยกับเจ้าหน้าที่"):
        messages, slots = await run(confirm, tracker(said, "request_human"))
        assert messages[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"
        assert slots == {"handover_offer": "request_human"}


async def test_asking_for_a_person_in_distress_gets_the_topics_hotline_first() -> None:
    from handover.sensitive import SensitiveTopics
    from knowledge.agencies import AgencyDirectory

    sensitive = SensitiveTopics.load(AgencyDirectory.load())
    said = "เครียดมาก ไม่อยากอยู่แล้ว อยากคุยกับใครสักคน"
    messages, slots = await run(ActionHandoverConfirm(sensitive), tracker(said, "request_human"))
    assert "โทร 1323" in messages[0]["text"] and messages[0]["text"].endswith("ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ")
    assert slots == {"handover_offer": "sensitive_topic", "handover_agency": "dmh"}
    messages, slots = await run(ActionHandoverConfirm(sensitive), tracker("ขอคุยกับเจ้าหน้าที่", "request_human"))
    assert messages[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"


async def test_in_hours_the_service_agency_is_queued_with_the_custom_message(
    sessions: sessionmaker[Session],
) -> None:
    history = [
        user("ทำพาสปอร์ตต้องใช้อะไรบ้าง", "ask_service"),
        bot("เอกสารที่ต้องใช้ ..."),
        user("ขอคุยกับเจ้าหน้าที่", "request_human"),
        bot("ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"),
    ]
    t = tracker(
        "ใช่",
        "affirm",
        slots={"service_id": "passport_new", "handover_offer": "request_human"},
        history=history,
    )
    messages, slots = await run(ActionHandover(make_desk(sessions, now=IN_HOURS)), t)
    request = messages[1]["custom"]["handover"]
    assert request["reason"] == "request_human"
    assert request["agency"] == "consular" and request["service"] == "passport_new"
    assert request["intent"] == "ask_service"
    assert request["transcript"][0] == {"author": "citizen", "text": "ทำพาสปอร์ตต้องใช้อะไรบ้าง"}
    assert messages[0]["text"].startswith("กำลังต่อให้คุยกับเจ้าหน้าที่ของกรมการกงสุล")
    assert "คิว" not in messages[0]["text"]  # the gateway tells the position, not the bot
    assert slots["handover"] is True and slots["handover_agency"] == "consular"
    assert slots["callback_offered"] is None and slots["handover_offer"] is None


async def test_without_a_service_the_contact_centre_and_the_fallback_reason(
    sessions: sessionmaker[Session],
) -> None:
    t = tracker("ใช่", "affirm", slots={"fallback_count": 2.0})
    messages, slots = await run(ActionHandover(make_desk(sessions, now=IN_HOURS)), t)
    request = messages[1]["custom"]["handover"]
    assert (request["agency"], request["service"], request["reason"]) == ("gcc1111", None, "fallback")
    assert slots["handover_agency"] == "gcc1111"


async def test_out_of_hours_says_when_staff_are_back_and_offers_a_call_back(
    sessions: sessionmaker[Session],
) -> None:
    t = tracker("ใช่", "affirm", slots={"service_id": "passport_new", "handover_offer": "request_human"})
    messages, slots = await run(ActionHandover(make_desk(sessions, now=OUT_OF_HOURS)), t)
    assert len(messages) == 1 and not messages[0].get("custom")  # nothing queued
    # Sunday evening; Monday 7 December 2026 is the substitution day of Father's Day.
    assert "วันอังคารที่ 8 ธ.ค. เวลา 08:30 น." in messages[0]["text"]
    assert "กรมการกงสุล" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert slots["callback_offered"] is True


async def test_out_of_hours_on_a_makha_bucha_day_and_on_an_agency_closure(
    sessions: sessionmaker[Session],
) -> None:
    makha_bucha = dt.datetime(2026, 3, 3, 10, 0, tzinfo=IN_HOURS.tzinfo)
    messages, slots = await run(ActionHandover(make_desk(sessions, now=makha_bucha)), tracker("ใช่", "affirm"))
    assert "พรุ่งนี้ วันพุธที่ 4 มี.ค. เวลา 08:00 น." in messages[0]["text"]  # gcc1111 opens at 08:00
    assert slots["callback_offered"] is True
    with sessions() as session, session.begin():
        session.add(AgencyClosure(agency_id="consular", starts_on=IN_HOURS.date(), ends_on=IN_HOURS.date()))
    t = tracker("ใช่", "affirm", slots={"service_id": "passport_new"})
    messages, slots = await run(ActionHandover(make_desk(sessions, now=IN_HOURS)), t)
    assert not messages[0].get("custom") and "พรุ่งนี้ วันพุธที่ 9 ธ.ค. เวลา 08:30 น." in messages[0]["text"]
    messages, _ = await run(ActionHandover(make_desk(sessions, now=IN_HOURS, always=True)), t)
    assert messages[1]["custom"]["handover"]["agency"] == "consular"  # OFFICE_HOURS=always


async def test_out_of_hours_without_keys_offers_no_call_back(sessions: sessionmaker[Session]) -> None:
    desk = make_desk(sessions, now=OUT_OF_HOURS, keys=False)
    messages, slots = await run(ActionHandover(desk), tracker("ใช่", "affirm"))
    assert "buttons" not in messages[0] or not messages[0]["buttons"]
    assert "วันอังคารที่ 8 ธ.ค." in messages[0]["text"] and slots["callback_offered"] is None


# --- the call-back form -------------------------------------------------------------------------------


async def test_consent_then_phone_stores_a_sealed_ticket_with_the_wording(
    sessions: sessionmaker[Session],
) -> None:
    desk = make_desk(sessions, now=OUT_OF_HOURS)
    form = ValidateCallbackForm(desk)
    base = {"handover_agency": "dopa", "service_id": "birth_registration"}
    _, slots = await run(form, tracker("ยินยอม", "affirm", slots=base, requested_slot="callback_consent"))
    assert slots["callback_consent"] is True  # Rasa's form then asks the phone
    consent_at = slots["callback_consent_at"]
    t = tracker(
        "๐๘๑-๒๓๔-๕๖๗๘",
        "nlu_fallback",
        slots={**base, "callback_consent": True, "callback_consent_at": consent_at},
        requested_slot="callback_phone",
    )
    _, slots = await run(form, t)
    assert slots["callback_phone"] == "5678"  # every slot filled: the form completes
    with sessions() as session:
        ticket = session.get(CallbackTicket, int(slots["callback_ticket"]))
        assert ticket is not None
        assert ticket.phone_last4 == "5678" and "0812345678" not in ticket.phone_enc
        assert desk.personal_data is not None and desk.personal_data.open(ticket.phone_enc) == "+66812345678"
        assert (
            ticket.consent_wording
            == consent_wording("line")
            == reply_for("ask_callback_consent", "line").text
        )
        assert ticket.agency_id == "dopa" and ticket.service_id == "birth_registration"
        assert ticket.channel == "line" and ticket.recipient_hash == desk.sender_hash("line:U123")
        assert ticket.consent_at == dt.datetime.fromisoformat(consent_at)
    done = tracker("", "nlu_fallback", slots={**base, **slots})
    messages, cleared = await run(ActionSubmitCallback(desk), done)
    assert "ลงท้าย 5678" in messages[0]["text"] and "0812345678" not in messages[0]["text"]
    assert cleared["callback_offered"] is None and cleared["callback_ticket"] is None


async def test_a_ticket_after_an_unclaimed_handover_is_linked_with_its_event(
    sessions: sessionmaker[Session],
) -> None:
    desk = make_desk(sessions, now=OUT_OF_HOURS)
    with sessions() as session, session.begin():
        handover = Handover(
            agency_id="gcc1111",
            channel="line",
            recipient_hash=desk.sender_hash("line:Ulinked"),
            recipient_enc="x",
            status="cancelled",
            reason="request_human",
            requested_at=OUT_OF_HOURS - dt.timedelta(minutes=20),
        )
        session.add(handover)
        session.flush()
        record_event(session, handover.id, "unclaimed_timeout")
        handover_id = handover.id
    t = tracker(
        "0812345678",
        "nlu_fallback",
        slots={"callback_consent": True},
        requested_slot="callback_phone",
        sender="line:Ulinked",
    )
    _, slots = await run(ValidateCallbackForm(desk), t)
    with sessions() as session:
        ticket = session.get(CallbackTicket, int(slots["callback_ticket"]))
        assert ticket is not None and ticket.handover_id == handover_id
        kinds = session.scalars(
            select(HandoverEvent.kind).where(HandoverEvent.handover_id == handover_id)
        ).all()
        assert "callback_ticket" in kinds


@pytest.mark.parametrize("answer", [("ไม่ยินยอม", "deny"), ("ยกเลิก", "chitchat"), ("ไม่ค่ะ", "deny")])
async def test_declining_consent_ends_the_form_with_nothing_stored(
    sessions: sessionmaker[Session], answer: tuple[str, str]
) -> None:
    desk = make_desk(sessions, now=OUT_OF_HOURS)
    with sessions() as session:
        before = len(session.scalars(select(CallbackTicket.id)).all())
    _, slots = await run(ValidateCallbackForm(desk), tracker(*answer, requested_slot="callback_consent"))
    assert slots["callback_consent"] is False and slots["requested_slot"] is None
    messages, _ = await run(ActionSubmitCallback(desk), tracker(*answer, slots=slots))
    assert messages[0]["text"].startswith("ได้ค่ะ ไม่ได้ฝากเบอร์ไว้")
    with sessions() as session:
        assert len(session.scalars(select(CallbackTicket.id)).all()) == before


async def test_cancel_at_the_phone_step_ends_the_form(sessions: sessionmaker[Session]) -> None:
    desk = make_desk(sessions, now=OUT_OF_HOURS)
    t = tracker("ยกเลิก", "deny", slots={"callback_consent": True}, requested_slot="callback_phone")
    _, slots = await run(ValidateCallbackForm(desk), t)
    assert slots["callback_phone"] == "none"
    messages, _ = await run(ActionSubmitCallback(desk), tracker("ยกเลิก", "deny", slots=slots))
    assert messages[0]["text"].startswith("ได้ค่ะ ไม่ได้ฝากเบอร์ไว้")


@pytest.mark.parametrize("intent", ["ask_service", "out_of_scope", "nlu_fallback"])
async def test_a_question_aside_is_not_taken_as_an_answer(
    sessions: sessionmaker[Session], intent: str
) -> None:
    """Nothing is set, so Rasa's form rejects the message and the rules let the service action
    answer it before the form asks again (bot/data/rules_handover.yml)."""
    form = ValidateCallbackForm(make_desk(sessions, now=OUT_OF_HOURS))
    messages, slots = await run(
        form, tracker("ทำพาสปอร์ตใช้อะไรบ้าง", intent, requested_slot="callback_consent")
    )
    assert messages == [] and not [k for k in slots if k.startswith("callback_")]
    t = tracker("ต่อใบขับขี่ที่ไหน", intent, slots={"callback_consent": True}, requested_slot="callback_phone")
    messages, slots = await run(form, t)
    assert messages == [] and not [k for k in slots if k.startswith("callback_")]


async def test_asking_for_a_person_inside_the_form_says_when_and_asks_again(
    sessions: sessionmaker[Session],
) -> None:
    form = ValidateCallbackForm(make_desk(sessions, now=OUT_OF_HOURS))
    t = tracker(
        "ขอคุยกับคน", "request_human", slots={"handover_agency": "dopa"}, requested_slot="callback_consent"
    )
    messages, slots = await run(form, t)
    assert "กรมการปกครอง" in messages[0]["text"] and "วันอังคารที่ 8 ธ.ค. เวลา 08:30 น." in messages[0]["text"]
    assert slots["callback_consent"] is None  # asked again


async def test_a_wrong_number_is_asked_again_then_the_form_lets_go(sessions: sessionmaker[Session]) -> None:
    form = ValidateCallbackForm(make_desk(sessions, now=OUT_OF_HOURS))
    slots = {"callback_consent": True}
    messages, out = await run(
        form, tracker("12345", "nlu_fallback", slots=slots, requested_slot="callback_phone")
    )
    assert messages[0]["text"] == reply_for("callback_phone_invalid", "line").text
    assert out["callback_phone"] is None  # asked again
    history = [
        {"event": "active_loop", "name": "callback_form"},
        {"event": "slot", "name": "requested_slot", "value": "callback_phone"},
        user("12345", "nlu_fallback"),
        {"event": "slot", "name": "requested_slot", "value": "callback_phone"},
    ]
    t = tracker("555", "nlu_fallback", slots=slots, requested_slot="callback_phone", history=history)
    messages, out = await run(form, t)
    assert messages[0]["text"] == reply_for("callback_ended_unclear", "line").text
    assert out["callback_phone"] == "none"
    messages, _ = await run(
        ActionSubmitCallback(make_desk(sessions)), tracker("555", "nlu_fallback", slots=out)
    )
    assert messages == []  # the reason was said already


async def test_sms_and_web_consent_wordings_are_stored_as_shown() -> None:
    assert consent_wording("sms") == reply_for("ask_callback_consent", "sms").text
    assert consent_wording("web") == reply_for("ask_callback_consent", "default").text
    assert "เบอร์โทร" in consent_wording("sms")


def test_the_ticket_table_never_holds_the_number(tmp_path: Path) -> None:
    """The model keeps only the sealed phone and its last 4 digits (the form never slots the number)."""
    columns = {c.name for c in CallbackTicket.__table__.columns}
    assert "phone_enc" in columns and "phone_last4" in columns and "phone" not in columns


OFFERED = [
    user("ขอคุยกับคน", "request_human"),
    {"event": "action", "name": "action_handover"},
    {"event": "slot", "name": "callback_offered", "value": True},
    bot("ตอนนี้อยู่นอกเวลาทำการ..."),
]


async def test_typing_for_a_call_back_at_the_offer_starts_the_form_without_asking_again() -> None:
    """ "ให้โทรกลับ" typed is request_human to the NLU: right after the offer it is the yes to it."""
    t = tracker("ให้โทรกลับ", "request_human", slots={"callback_offered": True}, history=OFFERED)
    dispatcher = CollectingDispatcher()
    events = await ActionHandoverConfirm().run(dispatcher, t, DOMAIN)
    assert dispatcher.messages == []
    assert [(e["event"], e["name"]) for e in events] == [("followup", "callback_form")]
    later = [*OFFERED, user("ทำพาสปอร์ตใช้อะไร", "ask_service"), bot("...")]
    t = tracker("ขอคุยกับคน", "request_human", slots={"callback_offered": True}, history=later)
    messages, _ = await run(ActionHandoverConfirm(), t)
    assert messages[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"  # the offer lapsed: confirm again


async def test_a_sensitive_topic_is_handed_to_its_own_agency(sessions: sessionmaker[Session]) -> None:
    slots = {"handover_offer": "sensitive_topic", "handover_agency": "dmh", "service_id": "passport_new"}
    action = ActionHandover(make_desk(sessions, now=IN_HOURS))
    messages, _ = await run(action, tracker("ใช่", "affirm", slots=slots))
    request = messages[1]["custom"]["handover"]
    assert (request["reason"], request["agency"]) == ("sensitive_topic", "dmh")


@pytest.mark.parametrize("text", ["ขอให้โทรกลับ", "ให้เจ้าหน้าที่โทรกลับที่ 0812345678 ได้ไหมคะ", "ติดต่อกลับด้วยค่ะ"])
async def test_asking_to_be_called_back_starts_the_call_back_form_at_once(text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandoverConfirm().run(dispatcher, tracker(text, "request_human"), DOMAIN)
    assert dispatcher.messages == []
    assert [(e["event"], e["name"]) for e in events] == [("followup", "callback_form")]


async def test_out_of_hours_nothing_is_marked_as_handed_over(sessions: sessionmaker[Session]) -> None:
    _, slots = await run(ActionHandover(make_desk(sessions, now=OUT_OF_HOURS)), tracker("ใช่", "affirm"))
    assert "handover" not in slots

"""Right after a complaint is filed: questions about it are answered about it (actions/complaint_after.py).

Seen on LINE: a rubbish complaint filed anonymously, then "จะได้รับการแก้ไขภายในกี่วันคะ" got "ขออภัยค่ะ
ยังไม่แน่ใจว่าหมายถึงบริการใด…" with unrelated service buttons. Each test files a complaint for real
(ActionSubmitComplaint on a throw-away SQLite database, the tracker signed as the gateway signs it),
builds the conversation's events as Rasa records them (the form's slots, the submit action, its reply,
the slots emptied) and runs action_complaint_after on the next message, with the real service action
over the seed to tell a service question apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime
from actions.complaint import ActionSubmitComplaint
from actions.complaint_after import (
    AFTER_ACTION,
    ELSEWHERE,
    IN_PROCESS,
    ActionComplaintAfter,
    just_filed,
    topic_of,
)
from actions.complaint_talk import category_from_words
from actions.replies import REPLIES
from actions.service import ActionAnswerService
from actions.service_resolver import ServiceResolver
from cases.complaint_routing import load_routes
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.settings import CasesSettings
from privacy import PrivacySettings
from privacy.identity import GatewayIdentity
from tests.actions.conftest import runtime_for
from tests.databases import throwaway_database

ROOT = Path(__file__).resolve().parents[2]
KEYS = PrivacySettings.generate()
SENDERS = {"line": "line:U4af4980629a0c0f6e4b1d6d5a1e0b7c2", "web": "web:session-0123456789"}
SMS_NUMBER = "+66812345678"
NOT_SURE = "ยังไม่แน่ใจว่าหมายถึงบริการใด"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("sqlite", tmp_path_factory.mktemp("after"), "after") as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_cases_engine(database_url)
    yield make_cases_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> CaseRuntime:
    return runtime_for(CasesSettings(database_url=database_url, privacy=KEYS, photo_dir=tmp_path / "photos"))


@pytest.fixture(scope="module")
def after(resolver: ServiceResolver) -> ActionComplaintAfter:
    return ActionComplaintAfter(ActionAnswerService(resolver))


def _identity(channel: str, runtime: CaseRuntime) -> tuple[str, dict[str, Any]]:
    if channel == "sms":
        sender = runtime.personal_data.sms_sender_id(SMS_NUMBER)
        extra = {"extra": {"n": runtime.personal_data.seal(SMS_NUMBER)}}
    else:
        sender, extra = SENDERS[channel], {}
    return sender, GatewayIdentity(KEYS).sign({"channel": channel, "user_id": sender, **extra})


def _user(text: str, intent: str, channel: str, meta: dict[str, Any]) -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [],
        "metadata": meta,
    }
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel, "metadata": meta}


def _tracker(sender: str, events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def file_complaint(
    runtime: CaseRuntime,
    sessions: sessionmaker[Session],
    channel: str = "line",
    category: str = "garbage",
    anonymous: bool = False,
    consent: bool = True,
) -> tuple[str, list[dict[str, Any]], str, dict[str, Any]]:
    """Files a complaint for real; (its reference, the conversation's events up to now, sender, metadata)."""
    sender, meta = _identity(channel, runtime)
    slots = {
        "complaint_category": category,
        "complaint_description": "ขยะไม่มีคนมาเก็บหน้าหมู่บ้านมา1อาทิตย์แล้ว เหม็นมาก",
        "complaint_location": "หน้าหมู่บ้านพฤกษา 12 ถนนลำลูกกา",
        "complaint_photo": "none",
        "contact_consent": False if anonymous else consent,
        "complaint_anonymous": True if anonymous else None,
        "complaint_confirm": "yes",
    }
    events: list[dict[str, Any]] = [
        _user("ขยะไม่มีคนมาเก็บหน้าหมู่บ้าน", "file_complaint", channel, meta),
        {"event": "action", "name": "complaint_form"},
        {"event": "active_loop", "name": "complaint_form"},
        *({"event": "slot", "name": name, "value": value} for name, value in slots.items()),
        _user("ยืนยัน", "affirm", channel, meta),
        {"event": "action", "name": "complaint_form"},
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
    ]
    dispatcher = CollectingDispatcher()
    submit = ActionSubmitComplaint(runtime, sessions)
    done = await submit.run(dispatcher, _tracker(sender, events, slots), {})
    [message] = dispatcher.messages
    reference = just_filed(
        [{"event": "action", "name": "action_submit_complaint"}, {"event": "bot", **message}]
    )
    assert reference is not None, message["text"]
    events += [
        {"event": "action", "name": "action_submit_complaint"},
        {"event": "bot", "text": message["text"], "data": {"buttons": message.get("buttons")}},
        *(
            {"event": "slot", "name": e["name"], "value": e["value"]}
            for e in done
            if e.get("event") == "slot"
        ),
        {"event": "action", "name": "action_listen"},
    ]
    return reference.reference, events, sender, meta


async def ask(
    action: ActionComplaintAfter,
    events: list[dict[str, Any]],
    sender: str,
    meta: dict[str, Any],
    text: str,
    intent: str,
    channel: str = "line",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(what was said, the events returned) for `text` as the next message."""
    dispatcher = CollectingDispatcher()
    t = _tracker(sender, [*events, _user(text, intent, channel, meta)])
    returned = await action.run(dispatcher, t, {})
    return dispatcher.messages, returned


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _followup(returned: list[dict[str, Any]]) -> str | None:
    return next((e["name"] for e in returned if e.get("event") == "followup"), None)


# --- the live conversation ------------------------------------------------------------------


async def test_how_long_after_an_anonymous_rubbish_complaint_is_its_published_time(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    reference, events, sender, meta = await file_complaint(
        runtime, sessions, "line", "garbage", anonymous=True
    )
    said, returned = await ask(after, events, sender, meta, "จะได้รับการแก้ไขภายในกี่วันคะ", "ask_service")
    route = load_routes()["garbage"]
    text = _text(said)
    assert _followup(returned) is None  # answered here, not handed to the service action
    assert f"ภายใน {route.time_to_act}" in text and route.agency_name in text and reference in text
    assert "ไม่มีการแจ้งความคืบหน้า" in text  # anonymous: nobody will be told
    assert NOT_SURE not in text
    assert all(b["payload"] != "/file_complaint" for m in said for b in m.get("buttons") or [])


# --- every kind of question, on every channel ---------------------------------------------------

QUESTIONS = [
    # (text, the intent the NLU gave it in the live model, a word the answer must have)
    ("จะได้รับการแก้ไขภายในกี่วันคะ", "ask_service", "{time}"),
    ("นานไหมคะกว่าจะมาซ่อม", "ask_service", "{time}"),
    ("แล้วต่อจากนี้ต้องทำอะไรต่อไหมคะ", "ask_service", "{time}"),
    ("จะมีคนแจ้งกลับไหมคะ", "ask_service", "{reference}"),
    ("จะมีคนโทรมาไหมคะ", "request_human", "{reference}"),
    ("แล้วจะรู้ได้ไงว่าเขามาเก็บแล้ว", "check_case_status", "{reference}"),
    ("ขอส่งรูปเพิ่มได้ไหมคะ", "share_image", "{reference}"),
    ("ใครเป็นคนดูแลเรื่องนี้คะ", "bot_challenge", "{agency}"),
    ("เรื่องนี้ใครรับผิดชอบคะ", "nlu_fallback", "{agency}"),
    ("ขอยกเลิกเรื่องที่แจ้งไปค่ะ", "check_case_status", "{reference}"),
    ("ยกเลิกเรื่องนี้ได้ไหมคะ", "unsubscribe_updates", "{reference}"),
    ("ถ้าเกิน 3 วันแล้วยังไม่มาทำไงคะ", "ask_service", "{time}"),
]


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
@pytest.mark.parametrize(("text", "intent", "must"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
async def test_a_question_about_the_complaint_just_filed_is_answered_about_it(
    runtime: CaseRuntime,
    sessions: sessionmaker[Session],
    after: ActionComplaintAfter,
    channel: str,
    text: str,
    intent: str,
    must: str,
) -> None:
    reference, events, sender, meta = await file_complaint(runtime, sessions, channel, "water")
    said, returned = await ask(after, events, sender, meta, text, intent, channel)
    route = load_routes()["water"]
    answer = _text(said)
    assert _followup(returned) is None, answer
    assert must.format(time=route.time_to_act, reference=reference, agency=route.agency_name) in answer
    assert NOT_SURE not in answer and "ค่ะ" in answer, answer


async def test_will_i_be_told_follows_what_was_chosen_at_filing(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    question = ("จะมีคนแจ้งผลให้ทราบไหมคะ", "ask_service")
    _, events, sender, meta = await file_complaint(runtime, sessions, "web", "streetlight", consent=True)
    said, _ = await ask(after, events, sender, meta, *question, channel="web")
    assert _text(said).startswith("แจ้งค่ะ") and "แชตนี้" in _text(said)
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "streetlight", consent=False)
    said, _ = await ask(after, events, sender, meta, *question)
    assert _text(said).startswith("ไม่มีข้อความแจ้งค่ะ")
    assert [b["payload"] for b in said[0]["buttons"]] == ["/check_case_status"]
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "nuisance", anonymous=True)
    said, _ = await ask(after, events, sender, meta, *question)
    assert _text(said).startswith("ไม่มีค่ะ") and "ไม่ระบุตัวตน" in _text(said)


async def test_in_english_how_long_is_answered_in_english(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    reference, events, sender, meta = await file_complaint(runtime, sessions, "line", "streetlight")
    said, returned = await ask(after, events, sender, meta, "how long will it take?", "ask_service")
    assert _followup(returned) is None
    assert "within 7 days" in _text(said) and reference in _text(said) and "street light" in _text(said)
    said, _ = await ask(after, events, sender, meta, "cancel my complaint", "file_complaint")
    assert "cannot be cancelled" in _text(said)


# --- what is not about the complaint goes where it always goes --------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "goes_to"),
    [
        ("ต่อใบขับขี่รถยนต์ต้องใช้อะไรบ้างคะ", "ask_service", "action_answer_service"),
        # a complaint's words ("กี่วัน") in a question that names a service: the service's
        ("ต่อใบขับขี่ใช้เวลากี่วันคะ", "ask_service", "action_answer_service"),
        # …or names near-twins to choose from (moving in or out)
        ("ย้ายทะเบียนบ้านกี่วันเสร็จ", "ask_service", "action_answer_service"),
        ("ทำพาสปอร์ตใช้เวลากี่วันคะ", "ask_service", "action_answer_service"),
        ("แจ้งเกิดต้องไปที่ไหน", "ask_service", "action_answer_service"),
        ("แจ้งอีกเรื่องค่ะ", "file_complaint", "complaint_form"),
        ("ขอคุยกับเจ้าหน้าที่", "request_human", "action_handover_confirm"),
        ("เรื่อง CM69-0001-2345 ถึงไหนแล้ว", "check_case_status", "case_status_form"),
    ],
)
async def test_anything_else_goes_on_to_its_own_action(
    runtime: CaseRuntime,
    sessions: sessionmaker[Session],
    after: ActionComplaintAfter,
    text: str,
    intent: str,
    goes_to: str,
) -> None:
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "garbage")
    said, returned = await ask(after, events, sender, meta, text, intent)
    assert said == [] and _followup(returned) == goes_to


async def test_thanks_and_ok_get_a_light_reply_and_the_next_question_is_still_the_complaints(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    reference, events, sender, meta = await file_complaint(runtime, sessions, "line", "garbage")
    said, returned = await ask(after, events, sender, meta, "ขอบคุณค่ะ", "thank")
    assert said == [{**said[0], "response": "utter_thank"}] and returned == []
    said, returned = await ask(after, events, sender, meta, "โอเค", "affirm")
    assert _text(said) == REPLIES["service_ok_more"]["default"].text and returned == []
    # the light reply ran as this action: the complaint is still the one just filed
    events += [
        _user("โอเค", "affirm", "line", meta),
        {"event": "action", "name": AFTER_ACTION},
        {"event": "bot", "text": _text(said)},
        {"event": "action", "name": "action_listen"},
    ]
    said, _ = await ask(after, events, sender, meta, "กี่วันเสร็จคะ", "ask_service")
    assert reference in _text(said) and "ภายใน 3 วัน" in _text(said)


async def test_no_complaint_just_filed_means_the_usual_actions(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "garbage")
    # a service question answered since: the complaint is no longer what "กี่วัน" is about
    events += [
        _user("ต่อใบขับขี่ต้องใช้อะไร", "ask_service", "line", meta),
        {"event": "action", "name": "action_answer_service"},
        {"event": "bot", "text": "เอกสารที่ใช้ค่ะ"},
        {"event": "action", "name": "action_listen"},
    ]
    said, returned = await ask(after, events, sender, meta, "กี่วันคะ", "ask_service")
    assert said == [] and _followup(returned) == "action_answer_service"
    # small talk as the rules answer it everywhere, said here: a response handed on with a
    # FollowupAction had Rasa's fallback ("ขออภัยค่ะ ยังไม่เข้าใจ…") added to the turn
    said, returned = await ask(after, events, sender, meta, "โอเค", "affirm")
    assert [m.get("response") for m in said] == ["utter_menu"] and returned == []
    # a form cancelled (action_submit_complaint ran, nothing filed)
    cancelled = [
        _user("ยกเลิก", "deny", "line", meta),
        {"event": "action", "name": "action_submit_complaint"},
        {"event": "bot", "text": "ยกเลิกการแจ้งเรื่องแล้วค่ะ"},
        {"event": "action", "name": "action_listen"},
    ]
    for text, intent, response in (
        ("ขอบคุณค่ะ", "thank", "utter_thank"),
        ("ไม่มีแล้วค่ะ", "deny", "utter_deny_ack"),
        ("555", "chitchat", "utter_chitchat"),
        ("บ๊ายบาย", "goodbye", "utter_goodbye"),
        ("คุณเป็นบอทหรือเปล่า", "bot_challenge", "utter_bot_challenge"),
        ("/share_image", "share_image", "utter_share_image_outside_form"),
    ):
        said, returned = await ask(after, cancelled, sender, meta, text, intent)
        assert [m.get("response") for m in said] == [response] and returned == [], text
    # "no" after the thanks is goodbye, as rules.yml has it
    thanked = [*cancelled, _user("ขอบคุณ", "thank", "line", meta), {"event": "action", "name": AFTER_ACTION}]
    thanked.append({"event": "bot", "text": "ยินดีค่ะ", "metadata": {"utter_action": "utter_thank"}})
    said, _ = await ask(after, thanked, sender, meta, "ไม่มีแล้วค่ะ", "deny")
    assert [m.get("response") for m in said] == ["utter_goodbye"]


class Unsubscribe:
    """Stands in for action_unsubscribe_updates: what it was run with."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[Any]:
        self.seen.append(tracker.get_slot("last_case_ref"))
        dispatcher.utter_message(text="ปิดการแจ้งความคืบหน้าแล้วค่ะ")
        return []


async def test_stopping_notices_runs_within_the_turn_for_the_complaint_just_filed(
    runtime: CaseRuntime, sessions: sessionmaker[Session], resolver: ServiceResolver
) -> None:
    """No rule follows action_unsubscribe_updates: handed on with a FollowupAction, Rasa's fallback
    added "ขออภัยค่ะ ยังไม่เข้าใจ…" to the turn; it is run here, on the complaint just filed."""
    unsubscribe = Unsubscribe()
    action = ActionComplaintAfter(ActionAnswerService(resolver))
    action.link({"action_unsubscribe_updates": unsubscribe, "action_answer_service": action.services})
    reference, events, sender, meta = await file_complaint(runtime, sessions, "sms", "streetlight")
    said, returned = await ask(action, events, sender, meta, "เลิกแจ้งเตือน", "unsubscribe_updates", "sms")
    assert unsubscribe.seen == [reference] and _followup(returned) is None
    assert _text(said) == "ปิดการแจ้งความคืบหน้าแล้วค่ะ"


def test_only_what_rules_or_loops_go_on_from_is_handed_on() -> None:
    """A FollowupAction only to a form, the service action or the hand-over confirmation; every other
    target is said or run within the turn (see test_no_complaint_just_filed_means_the_usual_actions)."""
    handed_on = {target for target in ELSEWHERE.values() if not target.startswith("utter_")} - IN_PROCESS
    assert handed_on == {
        "action_answer_service",
        "case_status_form",
        "subscribe_form",
        "complaint_form",
        "action_handover_confirm",
    }


def test_topics_from_words() -> None:
    assert topic_of("จะได้รับการแก้ไขภายในกี่วันคะ", "ask_service") == "time"
    assert topic_of("ยกเลิกการแจ้งเตือนค่ะ", "unsubscribe_updates") is None  # the notices: their own action
    assert topic_of("โอเค รอแจ้งกลับนะคะ", "affirm") is None  # said, not asked
    assert topic_of("/share_image", "share_image") == "photo"
    assert topic_of("what happens next?", "ask_service") == "next"
    assert topic_of("ต่อใบขับขี่ต้องใช้อะไรบ้างคะ", "ask_service") is None


def test_the_rules_send_here_every_intent_this_action_passes_on() -> None:
    """bot/data/rules_complaint.yml routes to action_complaint_after right after filing (and after
    itself) exactly the intents it knows where to pass on."""
    rules = yaml.safe_load((ROOT / "bot/data/rules_complaint.yml").read_text(encoding="utf-8"))["rules"]
    routed = {}
    for rule in rules:
        steps = rule["steps"]
        if steps[-1] == {"action": AFTER_ACTION}:
            routed[steps[0]["action"]] = {step["intent"] for step in steps[1]["or"]}
    assert routed == {"action_submit_complaint": set(ELSEWHERE), AFTER_ACTION: set(ELSEWHERE)}
    domain = yaml.safe_load((ROOT / "bot/domain/complaint.yml").read_text(encoding="utf-8"))
    assert AFTER_ACTION in domain["actions"]


def test_a_filing_is_read_from_the_submit_actions_reply_only() -> None:
    slot = {"event": "slot", "name": "complaint_category", "value": "road"}
    filed = [
        slot,
        {"event": "action", "name": "action_submit_complaint"},
        {"event": "bot", "text": "เลขที่เรื่อง CM69-1234-5675"},
    ]
    assert just_filed(filed) is not None and just_filed(filed).category == "road"  # type: ignore[union-attr]
    assert just_filed([*filed, {"event": "action", "name": "case_status_form"}]) is None
    assert just_filed([*filed, {"event": "active_loop", "name": "complaint_form"}]) is None
    assert just_filed([{"event": "bot", "text": "เลขที่เรื่อง CM69-1234-5675"}]) is None


async def test_a_photo_sent_after_filing_is_answered_in_the_language_typed_before(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    """LINE sends an image as "/share_image": Thai after a Thai filing (it read as English once)."""
    reference, events, sender, meta = await file_complaint(runtime, sessions, "line", "streetlight")
    said, returned = await ask(after, events, sender, meta, "/share_image", "share_image")
    assert _followup(returned) is None and reference in _text(said) and "แนบรูปเพิ่ม" in _text(said)


async def test_how_will_i_know_the_result_of_an_anonymous_complaint(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "service", anonymous=True)
    said, returned = await ask(after, events, sender, meta, "แล้วจะรู้ผลได้ยังไงคะ", "ask_service")
    assert _followup(returned) is None and "ไม่ระบุตัวตน" in _text(said) and "ศูนย์ดำรงธรรม" in _text(said)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to report rubbish that has not been collected for a week", "garbage"),
        ("There is a big pothole on my street", "road"),
        ("A burst pipe is flooding the soi", "water"),
    ],
)
def test_an_english_report_names_its_category(text: str, category: str) -> None:
    """Written in English the category was no clearer than "other": the category menu, then the
    place taken for the story, and the English complaint (and its questions after filing) never filed."""
    assert category_from_words(text, load_routes()) == category


async def test_the_reference_asked_again_and_english_thanks(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    reference, events, sender, meta = await file_complaint(runtime, sessions, "line", "garbage")
    said, returned = await ask(after, events, sender, meta, "ขอเลขที่เรื่องอีกทีค่ะ", "ask_service")
    assert _followup(returned) is None and _text(said).startswith(f"เลขที่เรื่องของท่านคือ {reference}")
    # a reference typed is the case look-up's
    said, returned = await ask(
        after, events, sender, meta, f"เลขที่เรื่อง {reference} ถึงไหนแล้ว", "check_case_status"
    )
    assert said == [] and _followup(returned) == "case_status_form"
    said, _ = await ask(after, events, sender, meta, "thank you so much", "thank")
    assert _text(said) == REPLIES["en_complaint_after_thank"]["default"].text


async def test_notices_on_or_off_after_filing_are_for_the_complaint_just_filed(
    runtime: CaseRuntime, sessions: sessionmaker[Session], after: ActionComplaintAfter
) -> None:
    """ "อยากให้แจ้งความคืบหน้าด้วยค่ะ" (consent refused at filing) turns notices on for that complaint:
    the subscription actions read last_case_ref; anonymous, there is nothing to turn on."""
    reference, events, sender, meta = await file_complaint(runtime, sessions, "line", "road", consent=False)
    for text, intent, goes_to in (
        ("อยากให้แจ้งความคืบหน้าด้วยค่ะ", "subscribe_updates", "subscribe_form"),
        ("ไม่ต้องแจ้งความคืบหน้านะคะ", "unsubscribe_updates", "action_unsubscribe_updates"),
    ):
        said, returned = await ask(after, events, sender, meta, text, intent)
        assert said == [] and _followup(returned) == goes_to
        assert {"event": "slot", "name": "last_case_ref", "value": reference, "timestamp": None} in returned
    _, events, sender, meta = await file_complaint(runtime, sessions, "line", "nuisance", anonymous=True)
    said, returned = await ask(after, events, sender, meta, "อยากให้แจ้งความคืบหน้าด้วยค่ะ", "subscribe_updates")
    assert _followup(returned) is None and "ไม่ระบุตัวตน" in _text(said)

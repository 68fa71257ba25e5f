"""The complaint form against the sixth outside writer's set (bench/conversations/dev6/complaints.yml,
issue 11: a started form is never dropped by a question).

A. A question about a service asked inside the form ("ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม" while the place is
   asked) is answered by the service action itself, and the same step is asked again; a step's own
   answer (a story, a place, a consent word), a question with no service intent and a question about
   the complaint itself never reach it.
B. A change of mind at the end of a longer message ("เอ่อ ขอไปถามผู้ใหญ่บ้านก่อน ยกเลิกไว้ก่อนนะคะ")
   cancels; a service question said with it is answered after the cancel.
C. "ร้องเรียนแบบไม่ต้องบอกชื่อได้ไหม" opening the form is answered (yes, and what it means) first.
D. A place that ends a message at the category step is kept (the summary never asks for it again).
E. English consent in words ("I agree") and the English hints.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.complaint import (
    FORM,
    SERVICE_ACTION,
    ActionSubmitComplaint,
    AskStepAction,
    ValidateComplaintForm,
)
from actions.complaint_steps import place_at_end
from actions.complaint_talk import asks_in_a_clause, ends_with_cancel, wants_cancel
from actions.registry import link_actions
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import DOMAIN, LINE_USER, at_step, form_tracker, user_turn

ROUTES = load_routes()


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A citizen the gateway vouched for: the consent step is part of the form."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


class FakeServices:
    """Stands in for action_answer_service: answers what it is told to, records what it was asked."""

    def __init__(self, service_id: str | None = "vehicle_tax") -> None:
        self.service_id = service_id
        self.asked: list[str] = []

    async def sure_aside(self, tracker: Tracker, text: str) -> bool:
        self.asked.append(text)
        return self.service_id is not None

    async def answer_aside(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> list[EventType] | None:
        self.asked.append(text)
        if self.service_id is None:
            return None
        dispatcher.utter_message(text=f"answer about {self.service_id}")
        return [SlotSet("service_id", self.service_id)]


def _run(form: ValidateComplaintForm, t: Tracker) -> tuple[dict[str, Any], list[str]]:
    got, said, _ = _run_events(form, t)
    return got, said


def _run_events(form: ValidateComplaintForm, t: Tracker) -> tuple[dict[str, Any], list[str], list[str]]:
    """(slots set, texts said, follow-up actions) of one validation run."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form.run(dispatcher, t, DOMAIN))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    return got, [str(m.get("text") or "") for m in dispatcher.messages], followups


STORY = {"complaint_category": "road", "complaint_description": "ถนนหน้าบ้านเป็นหลุมใหญ่ มอไซค์ล้มไปแล้ว2คัน"}
PLACED = {**STORY, "complaint_location": "ซอยเพชรเกษม48", "complaint_photo": "none"}


# --- A. a service question inside the form -------------------------------------------------------


def test_a_service_question_at_the_place_step_is_handed_to_the_service_action() -> None:
    services = FakeServices("vehicle_tax")
    text = "เดี๋ยวก่อน ถามหน่อย ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม"
    got, said, followups = _run_events(
        ValidateComplaintForm(services=services),
        at_step("complaint_location", text, STORY, intent="ask_service"),
    )
    assert services.asked == [text]
    assert said == [] and followups == [SERVICE_ACTION]  # the service action itself answers next
    assert got["service_id"] is None  # it decides on the question alone, as sure_aside did
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"


def test_the_step_question_waits_for_the_answer_then_comes_back() -> None:
    text = "เดี๋ยวก่อน ถามหน่อย ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม"
    t = at_step("complaint_location", text, STORY, intent="ask_service")
    t.followup_action = SERVICE_ACTION
    dispatcher = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(dispatcher, t, {}))
    assert dispatcher.messages == []  # the answer comes first
    # after action_answer_service ran, the form comes back: nothing read again, the same step asked
    t = at_step("complaint_location", text, STORY, intent="ask_service")
    t.events.append({"event": "action", "name": SERVICE_ACTION})
    services = FakeServices("vehicle_tax")
    got, said, followups = _run_events(ValidateComplaintForm(services=services), t)
    assert (got, said, followups, services.asked) == ({"requested_slot": "complaint_location"}, [], [], [])
    dispatcher = CollectingDispatcher()
    asyncio.run(
        AskStepAction("complaint_location").run(dispatcher, at_step("complaint_location", text, STORY), {})
    )
    assert len(dispatcher.messages) == 1


def test_a_service_question_at_the_consent_step_keeps_the_consent_step(reachable: None) -> None:
    services = FakeServices("farmer_registration")
    text = "เออ ถามด้วย ขึ้นทะเบียนเกษตรกรปลูกมันต้องไปแจ้งที่ไหน"
    t = at_step("contact_consent", text, PLACED, intent="ask_service")
    got, _, followups = _run_events(ValidateComplaintForm(services=services), t)
    assert followups == [SERVICE_ACTION]
    assert got["contact_consent"] is None and got["requested_slot"] == "contact_consent"


def test_a_life_event_question_at_the_category_menu_keeps_the_menu() -> None:
    services = FakeServices("turning_60")
    t = at_step("complaint_category", "ถามหน่อย แม่จะอายุ60ปีหน้า ต้องเตรียมไรบ้าง", {}, "sms", "ask_service")
    got, _, followups = _run_events(ValidateComplaintForm(services=services), t)
    assert followups == [SERVICE_ACTION] and got["life_event"] is None
    assert got["complaint_category"] is None and got["requested_slot"] == "complaint_category"


def test_step_answers_never_reach_the_service_action(reachable: None) -> None:
    services = FakeServices("vehicle_tax")
    form = ValidateComplaintForm(services=services)
    cases = [
        ("complaint_description", "ถนนหน้าบ้านเป็นหลุมใหญ่ มอไซค์ล้มไปแล้ว2คัน", {"complaint_category": "road"}),
        ("complaint_location", "หน้าร้านข้าวมันไก่ ซอยเพชรเกษม48 ภาษีเจริญ", STORY),
        ("contact_consent", "ยินยอมค่ะ", PLACED),
        ("contact_consent", "ไม่ระบุตัวตนได้ไหม", PLACED),
    ]
    for step, text, slots in cases:
        _run(form, at_step(step, text, slots, intent="ask_service"))
    assert services.asked == []


def test_only_a_service_question_by_the_nlu_is_offered_to_the_service_action() -> None:
    services = FakeServices("vehicle_tax")
    text = "ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม"
    _run(
        ValidateComplaintForm(services=services),
        at_step("complaint_location", text, STORY, intent="file_complaint"),
    )
    assert services.asked == []


def test_a_question_about_the_complaint_itself_is_not_a_service_question() -> None:
    services = FakeServices("vehicle_tax")
    t = at_step("complaint_location", "ถนนเป็นหลุมแบบนี้ต้องแจ้งที่ไหน", STORY, intent="ask_service")
    _run(ValidateComplaintForm(services=services), t)
    assert services.asked == []  # a category cue (ถนน, หลุม): about the complaint


def test_when_the_service_action_is_unsure_the_step_reads_the_message_as_before(reachable: None) -> None:
    services = FakeServices(None)
    t = at_step("contact_consent", "ต้องรอนานไหมคะ", PLACED, intent="ask_service")
    got, said, followups = _run_events(ValidateComplaintForm(services=services), t)
    assert services.asked == ["ต้องรอนานไหมคะ"] and followups == []
    assert "service_id" not in got and got["requested_slot"] == "contact_consent"
    assert said  # the form's own aside answer (time to act)


def test_the_form_and_the_submit_action_are_linked_to_the_service_action() -> None:
    class Service(Action):
        def name(self) -> str:
            return SERVICE_ACTION

        async def sure_aside(self, *args: Any) -> bool:
            return False

        async def answer_aside(self, *args: Any) -> None:
            return None

    form, submit, service = ValidateComplaintForm(), ActionSubmitComplaint(), Service()
    link_actions([form, submit, service])
    assert form.services is service and submit.services is service
    alone = ValidateComplaintForm()
    link_actions([alone])  # no service module in this server: the form works without it
    assert alone.services is None


# --- B. a change of mind said last ----------------------------------------------------------------


def test_a_change_of_mind_at_the_end_of_a_longer_message_cancels() -> None:
    assert wants_cancel("เอ่อ ขอไปถามผู้ใหญ่บ้านก่อน ยกเลิกไว้ก่อนนะคะ")
    assert wants_cancel("จริงๆอยากถามว่าเบี้ยคนพิการได้เดือนละเท่าไหร่ ไม่ร้องเรียนแล้วค่ะ")
    assert ends_with_cancel("ไฟติดแล้วค่ะ ขอบคุณที่รับเรื่อง ยกเลิกนะคะ")


def test_a_story_that_only_mentions_cancelling_does_not_cancel() -> None:
    assert not ends_with_cancel("ไฟดับทั้งซอย ยกเลิกนัดไปหลายรอบ")
    assert not ends_with_cancel("บัตรหายค่ะ ยกเลิกบัตร")
    assert not ends_with_cancel("ยกเลิกไว้ก่อน")  # one clause: wants_cancel's other rules read it


def test_cancel_at_the_consent_step_in_a_sentence(reachable: None) -> None:
    t = at_step("contact_consent", "เอ่อ ขอไปถามผู้ใหญ่บ้านก่อน ยกเลิกไว้ก่อนนะคะ", PLACED, "web")
    got, _ = _run(ValidateComplaintForm(), t)
    assert got["complaint_confirm"] == "cancel"


def _cancelled(text: str) -> Tracker:
    events = [
        user_turn("แจ้งเรื่องร้องเรียน", "file_complaint"),
        {"event": "active_loop", "name": FORM},
        user_turn(text, "file_complaint"),
        {"event": "active_loop", "name": None},
    ]
    t = form_tracker(events, {"complaint_confirm": "cancel", "complaint_category": "other"})
    t.active_loop = {}
    return t


def test_a_question_said_with_the_cancel_is_answered_after_it() -> None:
    services = FakeServices("disability_allowance")
    dispatcher = CollectingDispatcher()
    text = "จริงๆอยากถามว่าเบี้ยคนพิการได้เดือนละเท่าไหร่ ไม่ร้องเรียนแล้วค่ะ"
    assert asks_in_a_clause(text)
    events = asyncio.run(ActionSubmitComplaint(services=services).run(dispatcher, _cancelled(text), {}))
    said = [str(m.get("text") or "") for m in dispatcher.messages]
    # The cancel is said here; the question is the service action's own turn, right after (so it
    # answers, records and offers feedback as anywhere else), deciding on the question alone.
    assert said == [replies.reply_for("complaint_cancelled", "line").text]
    assert services.asked == [text]
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    assert followups == [SERVICE_ACTION]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["service_id"] is None and slots["complaint_confirm"] is None


def test_a_cancel_with_a_question_the_search_is_unsure_of_is_only_a_cancel() -> None:
    services = FakeServices(None)
    dispatcher = CollectingDispatcher()
    text = "จริงๆอยากถามว่าเรื่องนั้นได้เดือนละเท่าไหร่ ไม่ร้องเรียนแล้วค่ะ"
    events = asyncio.run(ActionSubmitComplaint(services=services).run(dispatcher, _cancelled(text), {}))
    assert not [e for e in events if e.get("event") == "followup"]
    assert len(dispatcher.messages) == 1


def test_a_plain_cancel_asks_the_service_action_nothing() -> None:
    services = FakeServices("disability_allowance")
    asyncio.run(ActionSubmitComplaint(services=services).run(CollectingDispatcher(), _cancelled("ยกเลิก"), {}))
    assert services.asked == []


# --- C. anonymity asked in the first message ------------------------------------------------------


def test_anonymity_asked_in_the_first_message_is_answered_before_the_menu() -> None:
    text = "ร้องเรียนแบบไม่ต้องบอกชื่อได้ไหม"
    events = [user_turn(text, "file_complaint", "sms"), {"event": "active_loop", "name": FORM}]
    got, said = _run(ValidateComplaintForm(), form_tracker(events, {}))
    assert said and said[0].startswith("ได้ค่ะ")
    allowed = [route.label for route in ROUTES.values() if route.allow_anonymous]
    assert allowed and allowed[0] in said[0] and "ความคืบหน้า" in said[0]
    assert got["requested_slot"] == "complaint_category"


def test_a_plain_first_message_gets_no_anonymity_answer() -> None:
    events = [user_turn("ขอร้องเรียนหน่อยครับ", "file_complaint", "sms"), {"event": "active_loop", "name": FORM}]
    _, said = _run(ValidateComplaintForm(), form_tracker(events, {}))
    assert said == []


# --- D. a place at the category step --------------------------------------------------------------


def test_a_place_after_the_category_words_is_kept() -> None:
    slots = {"complaint_description": "ขยะริมถนนกองเต็ม หมาคุ้ยกระจาย"}
    t = at_step("complaint_category", "ต่อเรื่องขยะ หน้าตลาดสดเทศบาล อ.เมือง สุพรรณบุรี", slots, "sms")
    got, _ = _run(ValidateComplaintForm(), t)
    assert got["complaint_category"] == "garbage"
    assert got["complaint_location"] == "หน้าตลาดสดเทศบาล อ.เมือง สุพรรณบุรี"
    assert got["requested_slot"] not in ("complaint_category", "complaint_location")


def test_a_place_after_not_knowing_how_to_send_a_pin_is_kept() -> None:
    slots = {"complaint_description": "หมาจรจัดฝูงใหญ่ไล่กัดเด็กในซอย เดือดร้อนมาก"}
    text = "ไม่รู้จะส่งตำแหน่งยังไง อยู่ซอยข้างเซเว่น ตรงข้ามโลตัสบางบัวทอง นนทบุรี"
    got, _ = _run(ValidateComplaintForm(), at_step("complaint_category", text, slots))
    assert got["complaint_location"] == "ซอยข้างเซเว่น ตรงข้ามโลตัสบางบัวทอง นนทบุรี"
    assert got["requested_slot"] == "complaint_photo"


def test_a_place_at_the_end_is_the_longest_run_that_reads_as_one() -> None:
    assert place_at_end("น้ำประปาไม่ไหล หมู่บ้านพฤกษา 5 ซอย 3", ROUTES) == "หมู่บ้านพฤกษา 5 ซอย 3"
    assert place_at_end("ไฟดับ ซอย 5 มืดมาก", ROUTES) is None  # the story goes on after it
    assert place_at_end("ขยะริมถนนกองเต็ม หมาคุ้ยกระจาย", ROUTES) is None
    # a place word inside the last words tells of a street, it names none (dev k003)
    assert place_at_end("รถขยะไม่มาเก็บ2อาทิตย์แล้ว แมวคุ้ยเกลื่อนถนนเลย", ROUTES) is None


# --- E. English -----------------------------------------------------------------------------------


def test_english_consent_in_words() -> None:
    assert replies.consent_answer("I agree") is True
    assert replies.consent_answer("Yes, I consent.") is True
    assert replies.consent_answer("no thanks") is False
    assert replies.consent_answer("confirm") is None


def test_an_english_complaint_takes_i_agree_as_consent(reachable: None) -> None:
    opening = "My neighbour's dogs bark all night every night. I want to make a complaint."
    events = [
        user_turn(opening, "file_complaint"),
        {"event": "active_loop", "name": FORM},
        {"event": "slot", "name": "requested_slot", "value": "contact_consent"},
        user_turn("I agree", "affirm"),
        {"event": "slot", "name": "contact_consent", "value": "I agree"},
    ]
    slots = {
        "requested_slot": "contact_consent",
        "complaint_category": "nuisance",
        "complaint_description": opening,
        "complaint_location": "(pin)",
        "complaint_photo": "none",
        "contact_consent": "I agree",
    }
    got, _ = _run(ValidateComplaintForm(), form_tracker(events, slots))
    assert got["contact_consent"] is True and got["requested_slot"] == "complaint_confirm"


def test_barking_dogs_in_english_are_a_nuisance() -> None:
    from actions.complaint_talk import category_from_words

    assert category_from_words("My neighbour's dogs bark all night every night.", ROUTES) == "nuisance"
    for said in (
        "I want to complain about loud karaoke next door every night",
        "Smoke from burning rubbish comes into our house",
        "The bar on our soi has a loud party until 3am",
    ):
        assert category_from_words(said, ROUTES) == "nuisance", said

"""The complaint form against the eighth outside writer's set (bench/conversations/dev7, issue 11).

A. A ยกเลิก typed with one slip ("ยกลิก", "ยกเลิค") cancels; a real answer never does.
B. One reply never shows the same button twice (a hint, then the step's question with ยกเลิก).
C. A complaint opened in English stays English: consent in words ("ok to contact me"), the hints.
D. A service question asked as "…ต้องทำไงคะ" at the consent step goes to the service action.
E. Another agency's matter: a child beaten, threats over a debt, a highway, the Prime Minister are
   referred whatever complaint words they have; a water outage is filed, with the waterworks named.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.complaint import SERVICE_ACTION, AskStepAction, ValidateComplaintForm
from actions.complaint_referral import directory, faster_agency, referral_for
from actions.complaint_talk import consent_from_words, edit_distance, wants_cancel
from cases.complaint_routing import load_routes
from knowledge.agencies import DirectoryError, _agency
from tests.actions.complaint_form_driver import DOMAIN, LINE_USER, at_step, form_tracker, user_turn
from tests.actions.test_complaint_sixth_writer import FakeServices

ROUTES = load_routes()
STORY = {"complaint_category": "nuisance", "complaint_description": "หมาข้างบ้านเห่าทั้งคืน ไล่กัดคนเดินผ่าน"}
PLACED = {**STORY, "complaint_location": "ซอยเพชรเกษม48", "complaint_photo": "none"}


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


def _run(
    t: Tracker, services: FakeServices | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateComplaintForm(services=services).run(dispatcher, t, DOMAIN))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    return got, dispatcher.messages, followups


# --- A. a mistyped cancel ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ยกลิก", "ยกเลิค", "ยกเลิกกก", "ยกลิกค่ะ", "ยกเลก"])
def test_a_cancel_typed_with_one_slip_cancels(typed: str) -> None:
    assert wants_cancel(typed)
    got, _, _ = _run(at_step("complaint_description", typed, {"complaint_category": "road"}, "sms"))
    assert got["complaint_confirm"] == complaint.CANCELLED


@pytest.mark.parametrize(
    "real", ["ไฟดับ", "ยกล้อ", "ช่างฝัน", "พ่อแล้ว", "cancer", "ยก", "ยกเลิกรถเมล์สาย8มาเดือนนึงแล้ว"]
)
def test_real_answers_are_not_a_mistyped_cancel(real: str) -> None:
    from actions.complaint_talk import mistyped_cancel

    assert not mistyped_cancel(real)


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("ยกเลิก", "ยกลเิก", 2) == 1
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("abc", "xyzabc", 1) == 2  # past the limit: limit + 1


# --- B. each button once --------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["line", "sms", "web"])
@pytest.mark.parametrize(
    ("step", "text", "slots"),
    [
        ("complaint_description", "ดับ", {"complaint_category": "road"}),
        ("complaint_location", "ก", STORY),
    ],
)
def test_a_hint_and_the_step_question_show_each_button_once(
    channel: str, step: str, text: str, slots: dict[str, Any]
) -> None:
    t = at_step(step, text, slots, channel)
    _, said, _ = _run(t)
    assert said  # the hint
    asked = CollectingDispatcher()
    asyncio.run(AskStepAction(step).run(asked, t, {}))
    titles = [b["title"] for m in [*said, *asked.messages] for b in m.get("buttons") or []]
    assert titles and len(titles) == len(set(titles)), titles


def test_send_never_repeats_a_button() -> None:
    dispatcher = CollectingDispatcher()
    t = at_step("complaint_description", "x", {})
    replies.send(dispatcher, t, "ask_complaint_description", extra_buttons=(replies.CANCEL,))
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [replies.CANCEL.title]


# --- C. English stays English -----------------------------------------------------------------------


def _english(step: str, text: str, slots: dict[str, Any], channel: str = "line") -> Tracker:
    events = [
        user_turn("I want to report a broken streetlight", "file_complaint", channel),
        {"event": "active_loop", "name": complaint.FORM},
        {"event": "slot", "name": "requested_slot", "value": step},
        user_turn(text, "inform", channel),
        {"event": "slot", "name": step, "value": text},
    ]
    return form_tracker(events, {"requested_slot": step, **slots, step: text})


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / len(letters)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Yes, you can contact me", True),
        ("ok to contact me", True),
        ("Please contact me by phone", True),
        ("Please don't contact me", False),
        ("No updates please", False),
        ("No photo", None),
        ("The bar plays live music until 2am", None),
    ],
)
def test_english_consent_in_words(text: str, answer: bool | None) -> None:
    assert consent_from_words(text) is answer


def test_english_consent_at_the_consent_step_is_taken_without_a_side_answer(reachable: None) -> None:
    got, said, _ = _run(_english("contact_consent", "Yes, you can contact me", PLACED))
    assert got["contact_consent"] is True
    assert said == []


def test_an_english_complaint_gets_english_hints() -> None:
    t = _english("complaint_location", "The bar plays live music until 2am every night", STORY, "sms")
    _, said, _ = _run(t)
    asked = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(asked, t, {}))
    text = " ".join(m["text"] for m in [*said, *asked.messages])
    assert _latin_share(text) >= 0.6, text


def test_every_hint_of_the_form_has_an_english_variant() -> None:
    """The form's hints and side answers (not the endings handled elsewhere) are all in English too."""
    hints = [
        k
        for k in replies.REPLIES
        if k.startswith(("complaint_aside_", "complaint_kept_", "complaint_photo_", "complaint_location_"))
        and k != "complaint_aside_referral"
    ]
    assert hints and [k for k in hints if f"en_{k}" not in replies.REPLIES] == []


# --- D. a service question at the consent step ------------------------------------------------------


def test_a_how_to_question_at_the_consent_step_goes_to_the_service_action(reachable: None) -> None:
    services = FakeServices("house_registration_move_out")
    text = "ขอถามนอกเรื่อง ถ้าจะแจ้งย้ายออกจากทะเบียนบ้านต้องทำไงคะ"
    got, _, followups = _run(at_step("contact_consent", text, PLACED, intent="ask_service"), services)
    assert followups == [SERVICE_ACTION] and services.asked == [text]
    assert got["requested_slot"] == "contact_consent"


# --- E. another agency's matter -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("ข้างบ้านตีลูกทุกวัน เด็กร้องดังมาก แจ้งใครได้บ้าง", "osc1300"),
        ("ติดหนี้นอกระบบ ดอกร้อยละ20ต่อเดือน โดนขู่ทุกวัน ช่วยด้วยครับ", "damrongdham"),
        ("ถนนทางหลวงสาย4 มีหลุมใหญ่มาก รถล้มไปแล้ว2คัน", "doh"),
        ("อยากร้องเรียนถึงนายกฯโดยตรง", "gcc1111"),
        ("โดนขู่ทำร้ายทุกวัน", "police"),
    ],
)
def test_matters_that_are_no_local_complaint_are_referred_whatever_their_words(
    text: str, agency: str
) -> None:
    referral = referral_for(text, ROUTES, directory())
    assert referral is not None and referral.agency.id == agency


@pytest.mark.parametrize("text", ["ถนนหน้าบ้านเป็นหลุม", "เปิดเพลงเสียงดังทั้งคืน", "ไฟถนนดับทั้งซอย"])
def test_the_forms_own_matters_are_still_not_referred(text: str) -> None:
    assert referral_for(text, ROUTES, directory()) is None
    assert faster_agency(text, directory()) is None


def test_a_water_outage_is_filed_with_the_waterworks_named_first() -> None:
    text = "น้ำประปาไม่ไหลมา2วันแล้วครับ บ้านอยู่สุพรรณ"
    assert referral_for(text, ROUTES, directory()) is None
    faster = faster_agency(text, directory())
    assert faster is not None and faster.agency.id == "pwa"
    events = [user_turn(text, "file_complaint"), {"event": "active_loop", "name": complaint.FORM}]
    got, said, _ = _run(form_tracker(events, {"requested_slot": None}))
    assert "1662" in said[0]["text"] and "1125" in said[0]["text"]
    assert got.get("complaint_confirm") is None  # the form goes on


def test_a_topics_complaint_use_is_checked() -> None:
    item = {"id": "x1", "name_th": "ก", "topics": [{"why": "ก", "phrases": ["กขค"], "complaint": "maybe"}]}
    with pytest.raises(DirectoryError):
        _agency(item)

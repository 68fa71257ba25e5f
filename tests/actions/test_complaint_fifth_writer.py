"""Issue 11: what a fifth outside writer (bench/conversations/dev4) expected of complaints and case look-ups.

A. A reference with a wrong check digit is answered with the number as the bot read it
   ("เลขที่เรื่อง CM69-…-… มีตัวเลขผิด…"), so the citizen can compare it with their confirmation.
B. Reported a while ago (a month, a week) and nothing moving ("…ยังไม่ขยับ") is about an earlier
   complaint: the look-up apologises first.
C. An address told in the first message after อยู่ / แถว ("…น้ำขัง อยู่ซอย… 12 หน้าตลาด") is kept, with
   the landmark after it, and not asked again.
D. Consent with a filler before it ("โอเค ให้ติดต่อได้ 08…") is a yes, not a request for a person.
E. "What will you use my number for?" at the consent step is answered (the data aside), same step.
F. An officer asking for a bribe is a complaint about officers' service.
G. A complaint opened in English is asked, summed up and confirmed in English; a Thai button label
   sent back later does not switch it to Thai.
Driven through the actions as Rasa calls them (tests/actions/complaint_form_driver.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.case_status import ActionAskPhoneLast4, ValidateCaseStatusForm, misread_ref, send_bad_check
from actions.complaint import (
    FORM,
    AskStepAction,
    ComplaintAsk,
    english_key,
    summary_values,
    writes_english,
)
from actions.complaint_steps import place_in_story
from actions.complaint_talk import about_an_earlier_complaint, category_from_words, consent_from_words
from cases.complaint_routing import load_routes
from nlu.case_ref import make_case_ref, shaped_case_ref
from tests.actions.complaint_form_driver import LINE_USER, at_step, form_tracker, run_form, user_turn

VALID = make_case_ref("CM", 2569, 4321)
TOLD = {
    "complaint_category": "water",
    "complaint_description": "น้ำเสียจากตลาดไหลลงคูหน้าบ้าน ส่งกลิ่นทั้งวัน",
    "complaint_location": "ซอยสุขาภิบาล 3 ตรงข้ามตลาดสด",
    "complaint_photo": "none",
}


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


def _typo(reference: str) -> str:
    last = int(reference[-1])
    return reference[:-1] + str((last + 1) % 10)


def ended(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


def opening(text: str) -> Tracker:
    events = [user_turn(text, "file_complaint"), {"event": "active_loop", "name": FORM}]
    return form_tracker(events, {"requested_slot": None})


# --- A. the number as read, in the bad-check reply ---------------------------------------------------


def test_the_misread_reference_is_written_as_a_reference() -> None:
    typo = _typo(VALID)
    assert shaped_case_ref(typo.lower().replace("-", " ")) == typo
    assert misread_ref(f"ขอดูเรื่อง {typo.lower()} หน่อยค่ะ") == typo
    assert misread_ref(f"เรื่อง {VALID} ค่ะ") == ""  # a valid one is no misread one
    assert shaped_case_ref("XY12-3456-7890") is None


@pytest.mark.parametrize("channel", ["line", "sms", "web"])
def test_a_wrong_check_digit_is_answered_with_the_number_read(channel: str) -> None:
    typo = _typo(VALID)
    typed = f"ตามเรื่อง {typo.lower()} ให้หน่อย"
    t = form_tracker([user_turn(typed, "check_case_status", channel)], {"requested_slot": "case_id"})
    dispatcher = CollectingDispatcher()
    got = asyncio.run(ValidateCaseStatusForm().validate_case_id(typed, dispatcher, t, {}))
    assert got == {"case_id": "told"}
    assert typo in dispatcher.messages[0]["text"] and "  " not in dispatcher.messages[0]["text"]


def test_without_a_readable_number_the_reply_says_this_number() -> None:
    t = form_tracker([user_turn("เช็คเรื่องให้หน่อย", "check_case_status")], {})
    dispatcher = CollectingDispatcher()
    send_bad_check(dispatcher, t, "")
    assert dispatcher.messages[0]["text"].startswith("ไม่พบเลขที่เรื่องนี้ค่ะ มีตัวเลขผิด")


# --- B. reported a month ago and nothing moving ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ร้องเรียนไว้อาทิตย์ที่แล้ว ทำไมเรื่องยังเงียบ",
        f"{VALID} แจ้งไปเดือนกว่าแล้ว เรื่องไม่ขยับเลย",
        "แจ้งไว้ปีที่แล้ว เรื่องไม่เดินสักที",
    ],
)
def test_reported_a_while_ago_and_nothing_moving_is_an_earlier_complaint(text: str) -> None:
    assert about_an_earlier_complaint(text)


def test_something_long_broken_is_still_a_new_complaint() -> None:
    assert not about_an_earlier_complaint("ไฟถนนดับมาเดือนนึงแล้ว ยังไม่มีใครมา")


def test_the_last_four_digits_question_apologises_for_a_case_not_moving() -> None:
    typed = f"{VALID} แจ้งไปเดือนกว่าแล้ว ทำไมยังไม่ขยับ"
    t = form_tracker([user_turn(typed, "check_case_status")], {"case_id": VALID})
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskPhoneLast4().run(dispatcher, t, {}))
    assert dispatcher.messages[0]["text"] == replies.reply_for("case_apology", "line").text


# --- C. the address after อยู่ / แถว in the first message ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("ท่อตันน้ำขังทุกครั้งที่ฝนตก อยู่ซอยวัดเทียนดัด 12 หน้าตลาดนัด", "ซอยวัดเทียนดัด 12 หน้าตลาดนัด"),
        ("ขยะล้นถังมาสามวัน แถวถนนประชาร่วมใจ ซอย 9", "ถนนประชาร่วมใจ ซอย 9"),
        ("ฝาท่อหายกองวัสดุวางอยู่ที่ถนนเลียบคลองสอง", "ถนนเลียบคลองสอง"),
    ],
)
def test_an_address_after_a_lead_word_is_kept(text: str, place: str) -> None:
    assert place_in_story(text) == place
    _, got, _ = run_form(opening(text))
    assert got["complaint_location"] == place and got["requested_slot"] != "complaint_location"


@pytest.mark.parametrize("text", ["ไปติดต่อที่เขตเมื่อวาน เจ้าหน้าที่ไม่สนใจ", "ซอย 7 หน้าบ้านมืดมาก"])
def test_no_address_is_made_of_a_lead_inside_a_word_or_a_problem(text: str) -> None:
    place = place_in_story(text)
    assert place is None or ("มืด" not in place and "เมื่อวาน" not in place)


# --- D. consent with a filler before it ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["โอเค ให้ติดต่อได้ 0891234567", "อืม ยินยอมค่ะ", "ok you can contact me"])
def test_consent_after_a_filler_is_a_yes(typed: str, reachable: None) -> None:
    assert consent_from_words(typed) is True
    before = {k: TOLD[k] for k in TOLD}
    events, got, said = run_form(at_step("contact_consent", typed, before, intent="request_human"))
    assert got["contact_consent"] is True and not ended(events)
    assert replies.reply_for("complaint_aside_human", "line").text not in said


def test_a_filler_before_a_refusal_is_still_a_no() -> None:
    assert consent_from_words("โอเค ไม่ต้องติดต่อกลับนะ") is False


# --- E. what the number is for ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ถ้าให้เบอร์ไปแล้วจะเอาไปทำอะไรคะ", "เบอร์โทรเอาไปใช้ที่ไหนบ้าง"])
def test_what_the_contact_is_for_is_answered_at_the_same_step(typed: str, reachable: None) -> None:
    events, got, said = run_form(at_step("contact_consent", typed, dict(TOLD), intent="ask_service"))
    assert replies.reply_for("complaint_aside_data", "line").text in said
    assert got["requested_slot"] == "contact_consent" and got["contact_consent"] is None
    assert not ended(events)


# --- F. a bribe -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["เจ้าหน้าที่ขอค่าน้ำร้อนน้ำชาถึงจะรับเรื่อง", "โดนเรียกสินบนตอนขอใบอนุญาต", "ขอแจ้งคอร์รัปชันในอบต."],
)
def test_a_bribe_is_a_complaint_about_officers(text: str) -> None:
    assert category_from_words(text, load_routes()) == "service"


# --- G. a complaint opened in English -----------------------------------------------------------------


def _english_form(*later: dict[str, Any], slots: dict[str, Any] | None = None) -> Tracker:
    events = [
        user_turn("I'd like to report a street light that is out", "file_complaint"),
        {"event": "active_loop", "name": FORM},
        *later,
    ]
    return form_tracker(events, {"requested_slot": "complaint_location", **(slots or {})})


def test_a_complaint_opened_in_english_is_asked_in_english() -> None:
    slots = {"complaint_category": "streetlight", "complaint_guess": "streetlight"}
    t = _english_form(slots=slots)
    assert writes_english(t)
    dispatcher = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(dispatcher, t, {}))
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Filed under “street light out”") and "Where is it?" in text


def test_a_thai_button_label_later_does_not_switch_to_thai() -> None:
    t = _english_form(user_turn(replies.NO_PHOTO_LABEL), user_turn("/affirm", "affirm"))
    assert writes_english(t)
    assert english_key("complaint_filed", t) == "en_complaint_filed"
    assert english_key("complaint_earlier_case", t) == "en_complaint_earlier_case"
    assert english_key("complaint_edit_unknown_key", t) == "complaint_edit_unknown_key"  # none: Thai


def test_the_english_summary_names_everything_in_english() -> None:
    slots = {**TOLD, "contact_consent": True}
    t = _english_form(user_turn("yes you may contact me"), slots=slots)
    dispatcher = CollectingDispatcher()
    asyncio.run(ComplaintAsk("complaint_confirm", values=summary_values).run(dispatcher, t, {}))
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Please check before sending") and "water supply and drains" in text
    assert "Progress updates: yes" in text and "Photo: none" in text


def test_a_thai_complaint_stays_thai() -> None:
    t = opening("ไฟทางดับสามต้นติดกันหน้าโรงเรียน")
    assert not writes_english(t)
    assert english_key("complaint_filed", t) == "complaint_filed"
    assert complaint.duration_in("15 วันทำการ", t) == "15 วันทำการ"
    assert complaint.duration_in("15 วันทำการ", _english_form()) == "15 working days"


def test_every_category_has_an_english_name() -> None:
    assert set(replies.COMPLAINT_CATEGORIES_EN) == set(replies.COMPLAINT_CATEGORIES)

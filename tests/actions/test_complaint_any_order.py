"""Citizens do not follow the complaint form's order (issue 11): one message may carry the story, the
place, that there is no photo and whether they may be contacted, at any step. Every field a message
carries is kept for its step, only what is still missing is asked, and nothing given is asked again.

The conversations are written for this test (LINE, web chat, SMS), not taken from any evaluation set.
Driven through the actions as Rasa calls them (tests/actions/complaint_form_driver.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.complaint import FORM, ValidateComplaintForm
from actions.complaint_fields import carried_fields
from tests.actions.complaint_form_driver import DOMAIN, LINE_USER, at_step, form_tracker, run_form, user_turn


@pytest.fixture(autouse=True)
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every channel here can be sent updates (LINE, web chat, the SMS number), so consent is asked."""

    def asker(tracker: Any, cases: Any) -> Asker:
        channel = tracker.get_latest_input_channel() or "line"
        number = "+66812345678" if channel == "sms" else None
        return Asker(
            channel, LINE_USER if channel == "line" else f"{channel}:u1", verified=True, sms_number=number
        )

    monkeypatch.setattr(complaint, "asker_of", asker)


def opening(text: str, channel: str = "line") -> tuple[dict[str, Any], list[str]]:
    """The slots the first message sets (and the next step asked), and what the bot said."""
    events = [user_turn(text, "file_complaint", channel), {"event": "active_loop", "name": FORM}]
    dispatcher = CollectingDispatcher()
    got = asyncio.run(ValidateComplaintForm().run(dispatcher, form_tracker(events, {}), DOMAIN))
    return {e["name"]: e["value"] for e in got}, [m.get("text") or "" for m in dispatcher.messages]


# --- reading one message ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "answer", "consent", "no_photo"),
    [
        ("ซอยรามอินทรา 40 ค่ะ ไม่มีรูปนะ ติดต่อกลับได้เลย", "ซอยรามอินทรา 40", True, True),
        ("ท่อแตกน้ำไหลนองถนน ไม่ต้องโทรกลับนะคะ", "ท่อแตกน้ำไหลนองถนน", False, False),
        ("รูปไม่มีค่ะ แล้วก็ไม่ต้องติดต่อกลับ", "", False, True),
        ("ได้ค่ะ ติดต่อได้ที่ 0812345678", "", True, False),
        ("กิ่งไม้หักขวางทาง ติดต่อทางนี้ได้", "กิ่งไม้หักขวางทาง", True, False),
        ("ไม่มีรูป ถ่ายตอนมืดไม่ติด แต่หลุมใหญ่มาก", "หลุมใหญ่มาก", None, True),
    ],
)
def test_a_message_is_split_into_the_step_answer_and_the_other_steps(
    text: str, answer: str, consent: bool | None, no_photo: bool
) -> None:
    got = carried_fields(text)
    assert (got.answer, got.consent, got.no_photo) == (answer, consent, no_photo)


@pytest.mark.parametrize(
    "text",
    [
        "โทรไปแจ้งเขตแล้วไม่มีใครรับสาย ไฟยังดับอยู่",  # a story that speaks of calling
        "ติดต่อเจ้าหน้าที่ได้ไหม",  # asked of the bot
        "ขอไม่บอกชื่อได้ไหม กลัวเขารู้",  # asked: answered aside, not taken
        "ได้กลิ่นเหม็นเน่าจากคลองทุกเช้า",  # ได้ in a story is no consent
    ],
)
def test_stories_and_questions_carry_nothing(text: str) -> None:
    got = carried_fields(text)
    assert got.fields == 0 and got.answer == " ".join(text.split())


def test_anonymity_told_in_a_sentence_is_carried() -> None:
    got = carried_fields("ขอไม่ระบุตัวตนนะคะ ร้านข้างบ้านเผาขยะทุกเย็น")
    assert got.anonymous and got.answer == "ร้านข้างบ้านเผาขยะทุกเย็น"


# --- LINE: everything in the first message ----------------------------------------------------------


def test_line_everything_in_the_first_message_leaves_only_the_summary() -> None:
    slots, said = opening("ไฟกิ่งดับสามต้นติดกัน ซอยงามวงศ์วาน 23 มืดมาก ไม่มีรูปค่ะ ติดต่อกลับได้")
    assert slots["complaint_category"] == "streetlight"
    assert slots["complaint_description"] == "ไฟกิ่งดับสามต้นติดกัน ซอยงามวงศ์วาน 23 มืดมาก"
    assert slots["complaint_location"] == "ซอยงามวงศ์วาน 23"
    assert slots["complaint_photo"] == "none"
    assert slots["contact_consent"] is True
    assert slots["requested_slot"] == "complaint_confirm"
    assert replies.reply_for("complaint_kept_consent", "line").text in said


def test_line_anonymity_in_the_first_message_skips_the_consent_question() -> None:
    slots, _ = opening("ขอไม่ประสงค์ออกนาม ข้างบ้านเปิดคาราโอเกะเสียงดังถึงตีสองทุกคืน")
    assert slots["complaint_anonymous"] is True and slots["contact_consent"] is False
    assert "คาราโอเกะ" in slots["complaint_description"]
    assert slots["requested_slot"] == "complaint_location"


# --- LINE: later steps answered while an earlier one is asked ---------------------------------------


def test_line_place_photo_and_consent_at_the_place_step() -> None:
    told = {"complaint_category": "water", "complaint_description": "ท่อประปาแตก น้ำพุ่งกลางซอย"}
    t = at_step("complaint_location", "หน้าตลาดนัดคลองถม ซอยวัดใหม่ ไม่มีรูปค่ะ ไม่ต้องติดต่อกลับ", told)
    _, got, _ = run_form(t)
    assert got["complaint_location"] == "หน้าตลาดนัดคลองถม ซอยวัดใหม่"
    assert got["complaint_photo"] == "none" and got["contact_consent"] is False
    assert got["requested_slot"] == "complaint_confirm"


def test_line_story_with_consent_at_the_story_step_asks_the_place_next() -> None:
    t = at_step(
        "complaint_description",
        "รถขยะไม่มาเก็บมาสองอาทิตย์ หมาคุ้ยกระจาย ติดต่อกลับได้ค่ะ",
        {"complaint_category": "garbage"},
    )
    _, got, _ = run_form(t)
    assert got["complaint_description"] == "รถขยะไม่มาเก็บมาสองอาทิตย์ หมาคุ้ยกระจาย"
    assert got["contact_consent"] is True
    assert got["requested_slot"] == "complaint_location"


def test_line_no_photo_and_consent_together_at_the_photo_step() -> None:
    told = {
        "complaint_category": "road",
        "complaint_description": "ฝาท่อระบายน้ำหาย เป็นรูโหว่กลางทาง",
        "complaint_location": "ถนนนวมินทร์ ซอย 42",
    }
    t = at_step("complaint_photo", "ไม่ได้ถ่ายไว้ค่ะ แล้วก็ไม่ต้องติดต่อกลับนะ", told)
    _, got, _ = run_form(t)
    assert got["complaint_photo"] == "none" and got["contact_consent"] is False
    assert got["requested_slot"] == "complaint_confirm"


def test_line_a_story_and_its_place_at_the_category_menu() -> None:
    t = at_step("complaint_category", "น้ำประปาไม่ไหลมาสามวันแล้ว หมู่บ้านพฤกษา 5 ซอย 3 ติดต่อกลับได้ค่ะ", {})
    _, got, _ = run_form(t)
    assert got["complaint_category"] == "water"
    assert got["complaint_description"] == "น้ำประปาไม่ไหลมาสามวันแล้ว หมู่บ้านพฤกษา 5 ซอย 3"
    assert got["complaint_location"] == "หมู่บ้านพฤกษา 5 ซอย 3"
    assert got["contact_consent"] is True
    assert got["requested_slot"] == "complaint_photo"


def test_what_was_given_is_never_overwritten_by_a_later_message() -> None:
    """Consent already answered: a later sentence that says otherwise in passing does not change it
    behind the citizen's back (the summary's แก้ไข does)."""
    told = {"complaint_category": "garbage", "complaint_description": None, "contact_consent": True}
    t = at_step("complaint_description", "ขยะล้นถังหน้าปากซอย ไม่ต้องติดต่อกลับ", told)
    _, got, _ = run_form(t)
    assert "contact_consent" not in got
    assert got["complaint_description"] == "ขยะล้นถังหน้าปากซอย"


# --- web chat and SMS: no photo step, the rest the same -------------------------------------------


def test_web_place_and_consent_before_the_story_then_the_story() -> None:
    t = at_step(
        "complaint_description", "ถนนสีลม หน้าธนาคาร ติดต่อกลับได้ค่ะ", {"complaint_category": "road"}, "web"
    )
    _, got, _ = run_form(t)
    assert got["complaint_location"] == "ถนนสีลม หน้าธนาคาร"
    assert got["contact_consent"] is True
    assert got["complaint_description"] is None and got["requested_slot"] == "complaint_description"
    assert "complaint_photo" not in got  # web chat cannot send one: never asked, never set


def test_sms_one_long_message_is_ready_to_confirm() -> None:
    slots, _ = opening("ไฟกิ่งเสียมาอาทิตย์นึงแล้ว ถนนเพชรบุรี ซอย 5 หน้าร้านข้าวมันไก่ ติดต่อทางนี้ได้", "sms")
    assert slots["complaint_location"] == "ถนนเพชรบุรี ซอย 5 หน้าร้านข้าวมันไก่"
    assert slots["contact_consent"] is True and slots.get("complaint_photo") is None
    assert slots["requested_slot"] == "complaint_confirm"


def test_sms_story_place_and_no_contact_at_the_category_menu() -> None:
    t = at_step("complaint_category", "ฝาท่อหายไป อยู่หน้าโรงเรียน ถนนเจริญกรุง ไม่ต้องติดต่อกลับนะครับ", {}, "sms")
    _, got, _ = run_form(t)
    assert got["complaint_category"] == "road"
    assert got["complaint_location"] == "หน้าโรงเรียน ถนนเจริญกรุง" and got["contact_consent"] is False
    assert got["requested_slot"] == "complaint_confirm"

"""The complaint form against the thirteenth outside writer's set (bench/conversations/dev12), which holds
every step to issue 11 on LINE, web chat and SMS.

A. A question asked in the message that opens the form ("ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม")
   is answered before the first step, for the category just read.
B. "How long?" before any category is chosen gets the shortest and longest published times, not only
   "it depends".
"""

from __future__ import annotations

import pytest

from actions.complaint_talk import aside_kind, category_from_words
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import at_step, opening, run_form


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
@pytest.mark.parametrize(
    "text",
    ["ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม", "ไฟทางหน้าบ้านดับ แจ้งแล้วกี่วันมาซ่อม"],
)
def test_how_long_in_the_opening_message_is_answered_for_the_category_read(text: str, channel: str) -> None:
    _, got, said = run_form(opening(text, channel))
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert "7 วัน" in said[0]  # streetlight's published time to act, before the place is asked


def test_a_story_without_a_question_gets_no_time() -> None:
    _, got, said = run_form(opening("ไฟถนนหน้าซอยดับมาสามคืนแล้ว นานมากค่ะ"))
    assert got["requested_slot"] == "complaint_location"
    assert not any("ภายใน" in text for text in said)


@pytest.mark.parametrize(
    ("channel", "phrase"), [("line", "ตั้งแต่ 3 วัน ถึง 15 วันทำการ"), ("sms", "3 วัน ถึง 15 วันทำการ")]
)
def test_how_long_before_a_category_names_the_published_range(channel: str, phrase: str) -> None:
    _, got, said = run_form(at_step("complaint_category", "ใช้เวลานานไหมคะ", {}, channel=channel))
    assert phrase in said[0]
    assert got.get("complaint_category") is None


FILLED = {
    "complaint_category": "garbage",
    "complaint_description": "ขยะบ่มีไผมาเก็บเจ้า เหม็นขนาดเลย",
    "complaint_location": "หน้าวัดพระสิงห์",
    "complaint_photo": "none",
    "contact_consent": True,
}


@pytest.mark.parametrize("text", ["ยืนยันเจ้า", "ยืนยันเด้อ", "ยืนยันครับผม", "ยืนยันฮะ"])
def test_confirm_with_a_regional_or_young_particle_files(text: str) -> None:
    """dev12 w12l16: "ยืนยันเจ้า" (northern) had been shown the summary again."""
    _, got, _ = run_form(at_step("complaint_confirm", text, FILLED))
    assert got["complaint_confirm"] == "yes"


@pytest.mark.parametrize("text", ["ไม่ต้องบอกชื่อจริงใช่ไหมครับ", "ต้องใส่ชื่อด้วยไหมคะ"])
def test_whether_a_name_is_needed_is_the_anonymity_question(text: str) -> None:
    """dev12 w12w02: it had been taken as the consent answer and the place asked."""
    assert aside_kind(text, "inform", "complaint_location") == "anonymous"
    _, got, said = run_form(
        at_step("complaint_location", text, {"complaint_category": "garbage"}, channel="web")
    )
    assert got.get("complaint_location") is None
    assert "ไม่ระบุตัวตน" in said[0] or "ไม่ประสงค์ออกนาม" in said[0]


def test_a_road_full_of_potholes_that_floods_is_a_road_complaint() -> None:
    """dev12 w12l03: "น้ำขัง" had taken it to the water and drains category."""
    text = "ถนนในซอยเป็นหลุมเป็นบ่อ ฝนตกทีน้ำขังเต็ม รถมอไซค์ล้มบ่อยมาก"
    assert category_from_words(text, load_routes()) == "road"
    assert category_from_words("น้ำขังหน้าบ้านไม่ระบายเลย", load_routes()) == "water"

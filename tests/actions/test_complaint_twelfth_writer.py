"""The complaint form against the thirteenth outside writer's set (bench/conversations/dev12), which holds
every step to issue 11 on LINE, web chat and SMS.

A. A question asked in the message that opens the form ("ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม")
   is answered before the first step, for the category just read.
B. "How long?" before any category is chosen gets the shortest and longest published times, not only
   "it depends".
"""

from __future__ import annotations

from typing import Any

import pytest

from actions import complaint
from actions.case_runtime import Asker
from actions.complaint_referral import directory, insisted_story, referral_for, wants_it_filed_here
from actions.complaint_talk import aside_kind, category_from_words, skips_photo
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import at_step, opening, run_form, user_turn


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
@pytest.mark.parametrize(
    "text",
    ["ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม", "ไฟทางหน้าบ้านดับ แจ้งแล้วกี่วันมาซ่อม"],
)
def test_how_long_in_the_opening_message_is_answered_for_the_category_read(text: str, channel: str) -> None:
    _, got, said = run_form(opening(text, channel))
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert "7 วัน" in said[0]  # streetlight's published time to act, before the place is asked


def test_how_long_asked_in_english_in_the_opening_message_is_answered_in_english() -> None:
    """Live: "…how long until it is fixed?" (too long for a question aside) had not been answered."""
    text = "I want to report a broken streetlight on Sukhumvit soi 39, how long until it is fixed?"
    _, got, said = run_form(opening(text, "web"))
    assert got["complaint_category"] == "streetlight" and "7 days" in said[0]


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


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # dev12 w12l03: "น้ำขัง" had taken it to water and drains
        ("ถนนในซอยเป็นหลุมเป็นบ่อ ฝนตกทีน้ำขังเต็ม รถมอไซค์ล้มบ่อยมาก", "road"),
        ("น้ำขังหน้าบ้านไม่ระบายเลย", "water"),
        # dev12 w12l13 / w12l20: rubbish that smells is rubbish, not a nuisance by its smell
        ("ขยะหน้าหมู่บ้านไม่มีใครมาเก็บมาเกือบสองอาทิตย์แล้ว ส่งกลิ่นเหม็นไปทั้งซอย", "garbage"),
        ("มีคนเอาขยะมาทิ้งที่ดินว่างข้างบ้านทุกวัน ส่งกลิ่นเหม็นมาก", "garbage"),
        ("โรงงานข้างหมู่บ้านปล่อยกลิ่นเหม็นทุกคืน", "nuisance"),
        ("เผาขยะทุกเย็น ควันเข้าบ้าน", "nuisance"),
        # dev12 w12w01: "ไฟฟ้าส่องสว่างบนถนน" had been a road complaint
        ("ไฟฟ้าส่องสว่างบนถนนหน้าโรงเรียนดับหลายดวงครับ", "streetlight"),
    ],
)
def test_the_category_is_the_thing_complained_of(text: str, category: str) -> None:
    assert category_from_words(text, load_routes()) == category


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
@pytest.mark.parametrize("text", ["555", "ขอบคุณนะคะ", "👍", "5555 โอเคค่ะ"])
@pytest.mark.parametrize("step", ["complaint_location", "complaint_description", "complaint_category"])
def test_thanks_a_laugh_or_an_emoji_is_no_answer_to_any_step(text: str, step: str, channel: str) -> None:
    """dev12 w12s24/w12w20: "555" and "ขอบคุณนะคะ" had been kept as the place."""
    _, got, said = run_form(at_step(step, text, {}, channel=channel, intent="chitchat"))
    assert got.get(step) is None and got.get("requested_slot") == step
    assert said[0].startswith("ค่ะ")


@pytest.mark.parametrize("intent", ["deny", "inform"])
def test_not_understanding_the_consent_question_gets_it_explained_never_a_no(intent: str) -> None:
    """dev12 w12l24/w12s13: "ไม่เข้าใจ" (read as deny) had recorded "no consent" and shown the summary."""
    slots = {
        "complaint_category": "garbage",
        "complaint_description": "ขยะไม่มีคนเก็บ",
        "complaint_location": "ซอย 5",
    }
    _, got, said = run_form(at_step("contact_consent", "ไม่เข้าใจ", slots, intent=intent))
    assert got.get("contact_consent") is None and got.get("requested_slot") == "contact_consent"
    assert "ความคืบหน้า" in said[0]


@pytest.mark.parametrize("step", ["complaint_description", "complaint_location"])
def test_the_anonymity_question_heard_as_deny_is_still_the_anonymity_question(step: str) -> None:
    """dev12 w12w02: read by the NLU as deny, it had been kept as "no consent" ("รับทราบเรื่องการติดต่อกลับ")."""
    _, got, said = run_form(
        at_step(step, "ไม่ต้องบอกชื่อจริงใช่ไหมครับ", {"complaint_category": "water"}, "web", "deny")
    )
    assert "ไม่ระบุตัวตน" in said[0] and got["complaint_anonymous"] is True
    assert got.get(step) is None and got["requested_slot"] == step


def test_a_category_button_pressed_outside_the_form_is_no_story() -> None:
    """dev12 w12w02: "น้ำประปา ท่อระบายน้ำ" pressed under the greeting had become the story itself."""
    _, got, _ = run_form(opening("น้ำประปา ท่อระบายน้ำ", "web"))
    assert got["complaint_category"] == "water" and got.get("complaint_description") is None
    assert got["requested_slot"] == "complaint_description"


@pytest.mark.parametrize("text", ["อื่นๆ", "อื่น ๆ ค่ะ", "เรื่องอื่นๆ"])
def test_other_typed_short_is_the_other_category(text: str) -> None:
    """dev12 w12s23: "อื่นๆ" typed over SMS had been asked to choose again."""
    _, got, _ = run_form(at_step("complaint_category", text, {}, channel="sms"))
    assert got["complaint_category"] == "other"


@pytest.mark.parametrize("text", ["ยาย ไม่ มี รูป ค่ะ", "หนูไม่มีรูปค่ะ"])
def test_no_photo_said_after_i_is_no_photo(text: str) -> None:
    """dev12 w12l14: an elderly citizen's "ยาย ไม่ มี รูป ค่ะ" had been asked for the photo again."""
    assert skips_photo(text)


def test_whether_my_data_reaches_the_one_complained_of_is_the_data_question() -> None:
    """dev12 w12l24: at the consent step it had been asked to press ยินยอม or ไม่ยินยอม."""
    assert aside_kind("ข้อมูลผมจะถูกส่งให้โรงงานรู้ไหมครับ", "ask_service", "contact_consent") == "data"


CONSENT_ASKED = {
    "complaint_category": "garbage",
    "complaint_description": "ขยะกองเต็ม",
    "complaint_location": "ซอย 5",
}


@pytest.mark.parametrize(
    ("text", "consent"),
    [
        ("ไม่มีรูปค่ะ ติดต่อกลับได้ค่ะ", True),
        ("ไม่มีรูปครับ ติดต่อกลับได้ที่เบอร์ 086-441-2290", True),
        ("ไม่มีรูป ไม่ต้องติดต่อกลับ", False),
    ],
)
def test_consent_told_after_another_answer_is_the_consent(
    text: str, consent: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev13 w13k-web-07/-01: at the consent step on web chat (no photo step) "ไม่มีรูปค่ะ ติดต่อกลับได้ค่ะ"
    had got "no photo needed" and the consent asked again, and with a number it had become more of the
    story (the number with it)."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("web", "web:s1", verified=True))
    _, got, _ = run_form(at_step("contact_consent", text, CONSENT_ASKED, channel="web"))
    assert got["contact_consent"] is consent
    assert "complaint_description" not in got


@pytest.mark.parametrize(
    ("step", "text", "says"),
    [
        ("complaint_description", "สวัสดีค่ะ ยังอยู่ไหมคะ", "อยู่ค่ะ"),
        ("complaint_location", "กลับมาเรื่องเดิม", "กลับมา"),
        ("complaint_location", "ok กลับมาเรื่องเดิมนะ", "กลับมา"),
    ],
)
def test_are_you_there_and_back_to_it_are_no_answers(step: str, text: str, says: str) -> None:
    """dev13 w13k-web-12 / w13k-sms-03: "สวัสดีค่ะ ยังอยู่ไหมคะ" had become the story, "กลับมาเรื่องเดิม"
    (after a service question aside) the place."""
    _, got, said = run_form(at_step(step, text, {"complaint_category": "garbage"}, channel="sms"))
    assert got.get(step) is None and got["requested_slot"] == step
    assert said[0].startswith(says)


@pytest.mark.parametrize(
    "text",
    ["ได้กลิ่นแก๊สแรงมากค่ะ แถวหลังตลาด กลัวระเบิด 😰", "ถังแก๊สรั่ว กลิ่นแรงมาก ทำไงดี"],
)
def test_a_gas_leak_is_the_fire_services_matter(text: str) -> None:
    """dev13 w13k-line-13 / w13k-sms-13: it had been given the complaint category menu."""
    referral = referral_for(text, load_routes(), directory())
    assert referral is not None and referral.agency.id == "fire199"


def _referred_then(first: str, then: str) -> list[dict[str, Any]]:
    return [
        user_turn(first, "file_complaint"),
        {"event": "bot", "text": "ติดต่อการไฟฟ้าส่วนภูมิภาค (กฟภ.) โทร 1129"},
        user_turn(then, "request_human"),
    ]


@pytest.mark.parametrize("then", ["ไม่อยากโทรอะ ขอแจ้งที่นี่เลยได้ไหม", "ทราบค่ะ แต่ขอแจ้งไว้กับเทศบาลด้วยได้ไหมคะ"])
def test_filing_here_asked_right_after_a_referral_files_the_matter_told(then: str) -> None:
    """dev13 w13k-line-12 / w13k-web-09: it had been heard as a request for a person, or as unsure."""
    events = _referred_then("ไฟดับทั้งซอยเลยค่ะ ตั้งแต่ 2 ทุ่ม", then)
    assert wants_it_filed_here(events, then)
    assert insisted_story(events, load_routes(), directory()) == "ไฟดับทั้งซอยเลยค่ะ ตั้งแต่ 2 ทุ่ม"
    assert not wants_it_filed_here(_referred_then("ขอเบอร์ประกันสังคม", "ขอบคุณค่ะ"), "ขอบคุณค่ะ")


@pytest.mark.parametrize("channel", ["sms", "web"])
def test_back_from_a_service_question_the_same_step_is_asked_not_the_photo(channel: str) -> None:
    """dev13 w13k-sms-03: "ต่อภาษีรถเสียเท่าไหร่" at the consent step over SMS was answered, then the
    form came back asking the photo (the domain's first empty step, which SMS and web chat skip), and
    "ติดต่อกลับได้" never counted as the consent."""
    t = at_step("contact_consent", "ต่อภาษีรถเสียเท่าไหร่", CONSENT_ASKED, channel=channel, intent="ask_service")
    t.events.append({"event": "action", "name": "action_answer_service"})
    _, got, _ = run_form(t)
    assert got == {"requested_slot": "contact_consent"}

"""Questions asked while the photo is asked are answered, not met with "ยังไม่ได้รับรูปค่ะ" (dev5 d5k023,
dev6 d6k033): whether it may go without a photo ("ถ้าไม่มีรูปได้ไหมคะ": no photo is needed) and whether
the one who reports is named ("คนแจ้งจะถูกเปิดเผยชื่อไหมคะ": what the form keeps and who sees it). The
photo step is asked again; nothing is taken as its answer."""

from __future__ import annotations

import pytest

from actions.complaint_talk import aside_kind
from actions.replies import reply_for
from tests.actions.complaint_form_driver import at_step, run_form, user_turn

PLACED = {
    "complaint_category": "nuisance",
    "complaint_description": "เพื่อนบ้านเผาขยะทุกเย็น ควันเข้าบ้าน ลูกเป็นหอบ",
    "complaint_location": "บ้านเลขที่45/2 ม.3 ต.หนองหาร อ.สันทราย เชียงใหม่",
}


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("ถ้าไม่มีรูปได้ไหมคะ", "complaint_aside_photo_needed"),
        ("คนแจ้งจะถูกเปิดเผยชื่อไหมคะ", "complaint_aside_data"),
        ("ชื่อผู้แจ้งจะเปิดเผยไหมคะ", "complaint_aside_data"),
        ("เขาจะรู้ไหมว่าเราแจ้ง", "complaint_aside_data"),
    ],
)
def test_a_question_at_the_photo_step_is_answered_and_the_step_asked_again(text: str, reply: str) -> None:
    _, got, said = run_form(at_step("complaint_photo", text, PLACED))
    assert said == [reply_for(reply, "line").text]
    assert got["complaint_photo"] is None and got["requested_slot"] == "complaint_photo"


def test_no_photo_told_with_a_question_tag_is_the_answer() -> None:
    _, got, _ = run_form(at_step("complaint_photo", "ไม่มีรูปก็ได้ใช่มั้ยคะ", PLACED))
    assert got["complaint_photo"] == "none"


def test_telling_and_asking_for_anonymity_are_still_anonymity() -> None:
    for text in ("ไม่อยากเปิดเผยชื่อ", "ขอไม่เปิดเผยชื่อได้ไหม"):
        assert aside_kind(text, "inform", "complaint_photo") == "anonymous"
    # a story that says so in passing is still the story
    assert aside_kind("เจ้าหน้าที่ทำให้ข้อมูลส่วนตัวถูกเปิดเผย", "inform", "complaint_description") is None


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    from actions import complaint
    from actions.case_runtime import Asker
    from tests.actions.complaint_form_driver import LINE_USER

    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


@pytest.mark.parametrize("text", ["no photo", "I don't have a photo", "ไม่มีรูป"])
def test_no_photo_told_at_the_consent_step_is_no_answer_to_consent(reachable: None, text: str) -> None:
    """dev5 d5k029 (SMS, English): "no photo" typed where consent is asked (SMS has no photo step) had
    been read as no to updates; it gets the no-photo hint and consent is asked again."""
    slots = {**PLACED, "complaint_photo": None}
    t = at_step("contact_consent", text, slots, channel="sms")
    t.events[0] = user_turn("I want to report a broken streetlight", "file_complaint", "sms")
    _, got, said = run_form(t)
    assert got["contact_consent"] is None and got["requested_slot"] == "contact_consent"
    assert len(said) == 1 and said[0] in {
        reply_for(k, "sms").text for k in ("en_complaint_aside_no_photo", "complaint_aside_no_photo")
    }


def test_asking_to_keep_name_and_number_back_is_anonymity() -> None:
    """dev6 d6k024 (SMS): "ไม่ให้เปิดเผยชื่อกับเบอร์โทรได้ไหม", heard by the NLU as asking for a person,
    had got the reply that the complaint is not sent yet and a button to talk to staff."""
    for intent in ("request_human", "inform"):
        kind = aside_kind("ไม่ให้เปิดเผยชื่อกับเบอร์โทรได้ไหม", intent, "contact_consent")
        assert kind == "anonymous"


def test_an_english_place_with_a_landmark_is_a_place_and_consent_at_it_is_kept(reachable: None) -> None:
    """dev6 d6k014 (web, English): "About 5 lamps in a row, in front of the 7-Eleven" at the place step
    is the place (English landmarks), and "yes, I consent" there is kept for consent."""
    story = {
        "complaint_category": "streetlight",
        "complaint_description": "the streetlights on my soi are off",
    }
    t = at_step(
        "complaint_location", "About 5 lamps in a row, in front of the 7-Eleven", story, channel="web"
    )
    t.events[0] = user_turn(
        "Hi, the streetlights on my soi have been off for a week.", "file_complaint", "web"
    )
    _, got, _ = run_form(t)
    assert got["complaint_location"] == "About 5 lamps in a row, in front of the 7-Eleven"
    # a direction alone is no place: the story told again at the place step is not kept as one
    t = at_step("complaint_location", "The light in front of my house has been out for a week", story, "web")
    t.events[0] = user_turn("I want to report a broken streetlight", "file_complaint", "web")
    _, got, _ = run_form(t)
    assert got["complaint_location"] is None
    t = at_step("complaint_location", "yes, I consent", story, channel="web")
    t.events[0] = user_turn(
        "Hi, the streetlights on my soi have been off for a week.", "file_complaint", "web"
    )
    _, got, said = run_form(t)
    assert got["complaint_location"] is None and got["contact_consent"] is True
    assert said == ["Noted about contacting you."]

"""Issue 11: what a third outside writer (bench/conversations/dev3) expected of the complaint form.

A. Yes to the summary in a sentence ("ถูกต้อง ส่งเลย", "โอเค ยืนยัน") files it; a no, an edit or a
   cancel in the same words does not.
B. A change of mind told with its reason ("เอ่อ ยกเลิกก่อนดีกว่า เดี๋ยวไปคุยกับ…เอง") cancels at any
   step, never becomes the place.
C. Consent in the citizen's words with a way to reach them ("โทรกลับได้ 08…", "ติดต่อ 09…") is a yes
   (not a request for a person); the number is never kept.
D. "ไม่มีรูปค่ะ ถ่ายตอนกลางคืนไม่ติด" skips the photo.
E. Consent said at the photo step is kept for the consent step (and means no photo).
F. A typed change of an answered field at a later step is taken, said, and the step asked again.
G. Category words (construction noise at night, an officer away from the counter, nobody answering
   the phone) and a message about a case already filed (the look-up, not a new complaint).
H. A government office typed as the place is the place; "จำเลขไม่ได้" at the empty menu is the look-up.
I. Upset right after a case look-up is about that case (an apology, no menu); the last-4-digits
   question apologises first after an upset message.
Driven through validate_complaint_form's run() as Rasa calls it (see test_complaint_outside_writers).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.case_status import ActionAskPhoneLast4
from actions.complaint import (
    CASE_FORM,
    EARLIER,
    FORM,
    NO_PHOTO,
    TRACK,
    ActionSubmitComplaint,
)
from actions.complaint_talk import (
    category_from_words,
    confirms_in_words,
    consent_from_words,
    reads_as_place,
    skips_photo,
    tracks_a_case,
    wants_cancel,
)
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import (
    LINE_USER,
    STEPS,
    at_step,
    form_tracker,
    run_form,
    user_turn,
)

FILLED = {
    "complaint_category": "garbage",
    "complaint_description": "รถขยะไม่มาเก็บมาสิบวันแล้ว กองเต็มปากซอย",
    "complaint_location": "ซอยเพชรเกษม 48 แขวงบางหว้า",
    "complaint_photo": "none",
    "contact_consent": True,
}
BEFORE_PHOTO = {k: FILLED[k] for k in ("complaint_category", "complaint_description", "complaint_location")}
BEFORE_CONSENT = {**BEFORE_PHOTO, "complaint_photo": NO_PHOTO}


def opening(text: str, before: list[dict[str, Any]] | None = None) -> Tracker:
    events = [*(before or []), user_turn(text, "file_complaint"), {"event": "active_loop", "name": FORM}]
    return form_tracker(events, {"requested_slot": None})


run = run_form


def ended(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The asker as the gateway vouches for a LINE user (updates can reach them: consent is asked)."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


# --- A. yes to the summary in a sentence -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["ถูกต้อง ส่งเลย", "โอเค ยืนยัน", "ok ยืนยันครับ", "ถูกต้องแล้วค่ะ ยืนยัน", "ใช่ ข้อมูลครบแล้ว ส่งได้เลยจ้า", "ยืนยัน!"],
)
def test_yes_to_the_summary_in_a_sentence_files_it(typed: str) -> None:
    assert confirms_in_words(typed)
    events, got, _ = run(at_step("complaint_confirm", typed, FILLED))
    assert got["complaint_confirm"] == "yes" and not ended(events)
    assert got["requested_slot"] is None  # complete: the submit action files it


@pytest.mark.parametrize(
    "typed",
    ["ยังไม่ยืนยันค่ะ", "ไม่ส่งแล้ว", "ถูกต้อง แต่ขอแก้ที่อยู่ก่อน", "ยืนยันแล้วได้เลขเมื่อไหร่", "ส่งเลยได้ไหม", "อย่าเพิ่งส่ง"],
)
def test_a_no_an_edit_or_a_question_in_the_sentence_is_not_a_yes(typed: str) -> None:
    assert not confirms_in_words(typed)
    _, got, _ = run(at_step("complaint_confirm", typed, FILLED))
    assert got.get("complaint_confirm") != "yes"


# --- B. a change of mind told with its reason ------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        ("complaint_confirm", "เอ่อ ยกเลิกก่อนดีกว่าค่ะ เดี๋ยวลองไปคุยกับกำนันดูก่อน"),
        ("complaint_location", "ไม่เอาแล้วครับ เปลี่ยนใจ เดี๋ยวไปเคลียร์กับข้างบ้านเอง"),
        ("complaint_description", "อืม ไม่แจ้งแล้วค่ะ เขามาเก็บแล้วเมื่อกี้ ขอบคุณมากนะคะ"),
    ],
)
def test_a_change_of_mind_with_its_reason_cancels(step: str, typed: str) -> None:
    assert wants_cancel(typed)
    slots = {k: v for k, v in FILLED.items() if STEPS.index(k) < STEPS.index(step)}
    events, got, _ = run(at_step(step, typed, slots, channel="sms"))
    assert ended(events) and got["complaint_confirm"] == complaint.CANCELLED
    assert got.get("complaint_location") is None


@pytest.mark.parametrize(
    "typed",
    ["ยกเลิกรอบเก็บขยะมาสองอาทิตย์แล้ว ขยะเต็มซอยไปหมด", "ยกเลิกการแจ้งเตือนทั้งหมดเลยค่ะ ไม่อยากได้แล้ว"],
)
def test_a_story_that_opens_with_yokloek_is_no_cancel(typed: str) -> None:
    assert not wants_cancel(typed)


# --- C. consent with a way to reach the citizen -------------------------------------------------------


@pytest.mark.parametrize("typed", ["โทรกลับได้ 0861234567", "ติดต่อ 0923456781", "เบอร์ 081-234-5678 โทรมาได้เลย"])
def test_consent_with_a_number_is_a_yes_and_the_number_is_not_kept(typed: str, reachable: None) -> None:
    assert consent_from_words(typed) is True
    events, got, said = run(at_step("contact_consent", typed, BEFORE_CONSENT, intent="request_human"))
    assert got["contact_consent"] is True and not ended(events)
    assert got["requested_slot"] == "complaint_confirm"
    assert replies.reply_for("complaint_consent_number_not_kept", "line").text in said
    digits = "".join(c for c in typed if c.isdigit())
    for event in events:  # what the actions return is never the number
        assert digits[-8:] not in str(event.get("value") or "").replace("-", "")
    assert not any("คุยกับเจ้าหน้าที่" in s for s in said)


@pytest.mark.parametrize("typed", ["ไม่ต้องโทร 0861234567", "ติดต่อไม่ได้นะ 0861234567"])
def test_a_number_with_a_no_is_no_yes(typed: str) -> None:
    assert consent_from_words(typed) is not True


# --- D. no photo, with the reason --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ไม่มีรูปค่ะ ถ่ายตอนกลางคืนไม่ติด", "ไม่มีครับ มืดมองไม่เห็น", "ถ่ายไม่ทันค่ะ รถวิ่งไปแล้ว"])
def test_no_photo_with_a_reason_skips_the_photo(typed: str) -> None:
    assert skips_photo(typed)
    _, got, said = run(at_step("complaint_photo", typed, BEFORE_PHOTO))
    assert got["complaint_photo"] == NO_PHOTO
    assert not any("ยังไม่ได้รับรูป" in s for s in said)


# --- E. consent said at the photo step --------------------------------------------------------------


@pytest.mark.parametrize(("typed", "answer"), [("ไม่ต้องติดต่อกลับ", False), ("ติดต่อกลับได้ค่ะ", True)])
def test_consent_at_the_photo_step_is_kept_and_not_asked_again(
    typed: str, answer: bool, reachable: None
) -> None:
    _, got, said = run(at_step("complaint_photo", typed, BEFORE_PHOTO))
    assert got["complaint_photo"] == NO_PHOTO and got["contact_consent"] is answer
    assert got["requested_slot"] == "complaint_confirm"  # the summary next, not the consent question
    assert replies.reply_for("complaint_kept_consent", "line").text in said


# --- F. a change of an answered field typed at a later step ------------------------------------------


def test_a_typed_change_with_its_value_at_a_later_step_is_taken_and_the_step_asked_again(
    reachable: None,
) -> None:
    typed = "ขอแก้ที่อยู่ค่ะ จริงๆอยู่หน้าตลาดสดบางแค ซอยเพชรเกษม 63"
    events, got, said = run(at_step("contact_consent", typed, BEFORE_CONSENT))
    assert got["complaint_location"] == "จริงๆอยู่หน้าตลาดสดบางแค ซอยเพชรเกษม 63"
    assert got["requested_slot"] == "contact_consent" and got["contact_consent"] is None
    assert said == ["แก้สถานที่แล้วค่ะ"] and not ended(events)


def test_a_typed_change_without_a_value_asks_that_field_then_goes_on(reachable: None) -> None:
    _, got, _ = run(at_step("complaint_photo", "ขอแก้รายละเอียดหน่อยค่ะ", BEFORE_PHOTO))
    assert got["complaint_description"] is None and got["requested_slot"] == "complaint_description"
    assert got.get("complaint_location", "kept")  # the place is kept


def test_a_story_that_says_fix_is_not_an_edit() -> None:
    slots = {"complaint_category": "road", "complaint_location": "ซอยพหลโยธิน 7"}
    typed = "แก้ไขถนนไปครั้งนึงแล้วแต่ตอนนี้ที่อยู่ตรงนั้นยุบอีก"
    _, got, _ = run(at_step("complaint_description", typed, slots))
    assert got.get("complaint_location", "ซอยพหลโยธิน 7") == "ซอยพหลโยธิน 7"


# --- G. category words, and following a case already filed ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("คอนโดข้างบ้านตอกเสาเข็มตอนตีหนึ่ง ดังมาก", "nuisance"),
        ("ห้องตรงข้ามร้องคาราโอเกะจนดึก", "nuisance"),
        ("ไปที่อำเภอเจ้าหน้าที่หายไปหมดทั้งแผนก รอครึ่งวัน", "service"),
        ("โทรหาเทศบาลทั้งวันไม่มีคนรับสาย", "service"),
    ],
)
def test_category_words_of_the_third_writer(text: str, category: str) -> None:
    assert category_from_words(text, load_routes()) == category
    _, got, _ = run(opening(text))
    assert got["complaint_category"] == category


@pytest.mark.parametrize("text", ["อยากตามเรื่องร้องเรียนที่เคยส่งไปค่ะ", "จำเลขเรื่องไม่ได้แล้วค่ะ"])
def test_following_a_case_already_filed_goes_to_the_look_up(text: str) -> None:
    assert tracks_a_case(text)
    events, got, _ = run(opening(text))
    assert ended(events) and got["complaint_confirm"] == TRACK
    t = form_tracker([user_turn(text, "file_complaint")], {"complaint_confirm": TRACK})
    events = asyncio.run(ActionSubmitComplaint().run(CollectingDispatcher(), t, {}))
    assert {"event": "followup", "name": CASE_FORM} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events
    ]


# --- H. a government office as the place; the lost number at the empty menu -----------------------------


@pytest.mark.parametrize("text", ["เทศบาลเมืองปากเกร็ด ชั้น 2 งานทะเบียน", "อบต.หนองไผ่ อ.เมือง"])
def test_a_government_office_is_a_place(text: str) -> None:
    assert reads_as_place(text, load_routes())
    slots = {"complaint_description": "เจ้าหน้าที่ทั้งห้องออกไปข้างนอก ไม่มีใครให้บริการเลย"}
    _, got, _ = run(at_step("complaint_category", text, slots))
    assert got["complaint_location"] == text


def test_the_lost_number_at_the_empty_menu_is_the_look_up_but_not_once_a_story_is_told() -> None:
    events, got, _ = run(at_step("complaint_category", "จำเลขไม่ได้แล้วค่ะ", {}))
    assert ended(events) and got["complaint_confirm"] == TRACK
    told = {"complaint_description": "ท่อประปาแตกหน้าบ้านน้ำไหลทั้งคืน"}
    events, got, _ = run(at_step("complaint_category", "จำเลขไม่ได้แล้วค่ะ", told))
    assert not ended(events)


# --- I. upset about a case just looked up -------------------------------------------------------------


def test_upset_right_after_a_case_look_up_is_about_that_case() -> None:
    looked_up = [
        user_turn("ขอดูเรื่อง CM69-1234-5675", "check_case_status"),
        {"event": "action", "name": CASE_FORM},
        {"event": "action", "name": "action_submit_case_status"},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "action_listen"},
    ]
    events, got, _ = run(opening("ช้ามาก รอมาเกือบเดือนแล้วนะคะ", looked_up))
    assert ended(events) and got["complaint_confirm"] == EARLIER
    # The same words with no look-up before them: a new complaint may be meant; the form goes on.
    events, got, _ = run(opening("ช้ามาก รอมาเกือบเดือนแล้วนะคะ"))
    assert not ended(events)


def test_the_last_four_digits_question_apologises_after_an_upset_message() -> None:
    def asked(text: str) -> list[str]:
        t = form_tracker([user_turn(text, "check_case_status")], {"case_id": "CM69-1234-5675"})
        dispatcher = CollectingDispatcher()
        asyncio.run(ActionAskPhoneLast4().run(dispatcher, t, {}))
        return [m.get("text") or "" for m in dispatcher.messages]

    upset = asked("เรื่อง CM69-1234-5675 ยังไม่มีใครมาดูเลย ไม่ได้เรื่อง")
    assert upset[0] == replies.reply_for("case_apology", "line").text and len(upset) == 2
    assert "ไม่ได้เรื่อง" not in " ".join(upset)
    # the reference as the bot read it, then the question, in one message
    plain = asked("CM69-1234-5675")
    assert len(plain) == 1 and plain[0].startswith("เลขที่เรื่อง CM69-1234-5675 ค่ะ") and "4 ตัวท้าย" in plain[0]


# --- answers given out of order: consent at the category menu ----------------------------------------


def test_consent_typed_at_the_menu_is_kept_and_the_category_chosen_for_the_citizen(reachable: None) -> None:
    told = {"complaint_description": "รอเจ้าหน้าที่ที่อำเภอตั้งแต่เช้าจนบ่าย ไม่มีใครมาให้บริการ"}
    events, got, said = run(at_step("complaint_category", "ติดต่อกลับได้ค่ะ", told))
    assert got["contact_consent"] is True and got["complaint_category"] is not None and not ended(events)
    assert replies.reply_for("complaint_kept_consent", "line").text in said
    assert got["requested_slot"] != "contact_consent"  # not asked again

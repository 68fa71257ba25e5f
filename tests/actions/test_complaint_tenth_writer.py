"""The complaint form's steps before filing against the tenth outside writer's set (bench/conversations/dev9).

A. The category read from the first message is said back with a one-tap confirm: a button with the
   category's own name, besides "เปลี่ยนหมวด" and "ยกเลิก". That name (pressed or typed), or "ใช่" /
   "ถูกแล้ว", right after it confirms the category - said so briefly, the same step asked again -
   and is never added to the story ("ขยะ ความสะอาด" at the place step had become more of the story).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.case_runtime import Asker
from actions.complaint import FORM, AskConsentAction, AskStepAction
from actions.complaint_referral import REFERRED, directory, referral_for
from actions.complaint_talk import about_an_earlier_complaint, category_from_words, reported_before
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import LINE_USER, at_step, form_tracker, opening, run_form, user_turn

GARBAGE_STORY = "ขยะไม่มีรถมาเก็บเลยอาทิตย์นึงแล้ว เหม็นไปทั้งซอยค่ะ"
TAKEN = {
    "complaint_category": "garbage",
    "complaint_guess": "garbage",
    "complaint_description": GARBAGE_STORY,
}

# --- A. the one-tap confirm of the category read from the words --------------------------------------


def asked(step: str, slots: dict[str, Any], channel: str = "line") -> dict[str, Any]:
    t = form_tracker([user_turn("...", channel=channel)], {**slots, "requested_slot": step})
    dispatcher = CollectingDispatcher()
    action = AskConsentAction() if step == "contact_consent" else AskStepAction(step)
    asyncio.run(action.run(dispatcher, t, {}))
    [message] = dispatcher.messages
    return message


@pytest.mark.parametrize("category", list(replies.COMPLAINT_CATEGORIES))
@pytest.mark.parametrize("step", ["complaint_description", "complaint_location", "contact_consent"])
def test_the_category_said_back_has_a_button_with_its_name(category: str, step: str) -> None:
    message = asked(step, {"complaint_category": category, "complaint_guess": category})
    titles = [b["title"] for b in message["buttons"]]
    label = replies.COMPLAINT_CATEGORIES[category]
    assert titles[:2] == [label, replies.CHANGE_CATEGORY_LABEL]
    assert message["buttons"][0]["payload"] == label  # pressed, the category's own name comes back
    assert set(titles) & set(replies.COMPLAINT_CATEGORIES.values()) == {label}  # not the menu
    plain = asked(step, {"complaint_category": category, "complaint_guess": None})
    assert titles[2:] == [b["title"] for b in plain.get("buttons") or []]  # ยกเลิก where it was
    assert len(set(titles)) == len(titles)
    assert all(len(title) <= 20 for title in titles)


def test_the_plain_question_has_no_confirm_button() -> None:
    message = asked("complaint_location", {"complaint_category": "garbage", "complaint_guess": None})
    titles = [b["title"] for b in message.get("buttons") or []]
    assert replies.COMPLAINT_CATEGORIES["garbage"] not in titles


@pytest.mark.parametrize("typed", ["ขยะ ความสะอาด", "ขยะความสะอาด", "ใช่ค่ะ", "ถูกแล้ว", "ใช่"])
@pytest.mark.parametrize("step", ["complaint_location", "complaint_description"])
def test_the_categorys_name_or_yes_confirms_it_and_asks_the_same_step(typed: str, step: str) -> None:
    slots = dict(TAKEN) if step == "complaint_location" else {k: v for k, v in TAKEN.items() if k != step}
    _, got, said = run_form(at_step(step, typed, slots))
    assert got["requested_slot"] == step and got[step] is None and got["complaint_guess"] is None
    assert "complaint_description" not in got or got["complaint_description"] is None
    assert got.get("complaint_category", "garbage") == "garbage"
    confirmed = replies.reply_for("complaint_category_confirmed", "line").text
    assert said == [confirmed.format(label=replies.COMPLAINT_CATEGORIES["garbage"])]


def test_another_categorys_name_right_after_takes_that_category() -> None:
    _, got, _ = run_form(at_step("complaint_location", "ถนน ทางเท้าชำรุด", TAKEN))
    assert got["complaint_category"] == "road" and got["requested_slot"] == "complaint_location"
    assert "complaint_description" not in got
    assert got["complaint_guess"] is None


def test_the_categorys_name_after_the_step_was_answered_on_is_still_no_story() -> None:
    """Answered on already (the line said once), the category's own name is still no place or story."""
    slots = {**TAKEN, "complaint_guess": None}
    _, got, said = run_form(at_step("complaint_location", "ขยะ ความสะอาด", slots))
    confirmed = replies.reply_for("complaint_category_confirmed", "line").text
    assert said == [confirmed.format(label=replies.COMPLAINT_CATEGORIES["garbage"])]
    assert "complaint_description" not in got and got["complaint_location"] is None


# --- B. a field named with its new value at "แก้ไขหัวข้อไหนคะ" ------------------------------------------

FILLED = {
    "complaint_category": "streetlight",
    "complaint_description": "ไฟทางบนสะพานข้ามคลองดับทั้งแถวเลยครับ",
    "complaint_location": "สะพานข้ามคลองแสนแสบ ใกล้วัดบัวขวัญ",
    "complaint_photo": "none",
    "contact_consent": True,
    "complaint_confirm": "edit",
}
NEW_PLACE = "สะพานข้ามคลองแสนแสบ ฝั่งวัดบัวขวัญ หน้าโรงเรียนวัดบัวขวัญ"


@pytest.mark.parametrize(
    ("typed", "field", "value"),
    [
        (f"แก้สถานที่ครับ เป็น{NEW_PLACE}", "complaint_location", NEW_PLACE),
        (f"สถานที่ {NEW_PLACE}", "complaint_location", NEW_PLACE),
        ("รายละเอียด ไฟดับทั้งแถวตั้งแต่ต้นสะพานถึงท้ายสะพาน มืดมาก", "complaint_description", None),
        ("หมวดเป็นถนน ทางเท้าชำรุด", "complaint_category", "road"),
        ("การแจ้งความคืบหน้า ไม่ยินยอม", "contact_consent", False),
    ],
)
def test_a_field_named_with_its_new_value_sets_it_and_returns_to_the_summary(
    typed: str, field: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The asker as the gateway vouches for a LINE user (updates can reach them: consent is a field).
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    _, got, said = run_form(at_step("complaint_edit", typed, FILLED))
    expected = value if value is not None else typed.removeprefix("รายละเอียด ").strip()
    assert got[field] == expected
    assert got["complaint_edit"] is None and got["complaint_confirm"] is None
    assert got["requested_slot"] == "complaint_confirm"
    assert said and said[0].startswith("แก้")


@pytest.mark.parametrize("typed", ["สถานที่", "แก้สถานที่ค่ะ"])
def test_a_field_named_alone_is_asked_again_as_before(typed: str) -> None:
    _, got, _ = run_form(at_step("complaint_edit", typed, FILLED))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"


def summary_then_edit_then(step: str, typed: str) -> Any:
    """The summary shown with FILLED, แก้ไข, the field named, its question, then `typed` at it."""
    events = [
        user_turn("ไฟทางบนสะพานข้ามคลองดับทั้งแถวเลยครับ", "file_complaint"),
        {"event": "active_loop", "name": "complaint_form"},
        *({"event": "slot", "name": k, "value": v} for k, v in FILLED.items() if k != "complaint_confirm"),
        {"event": "slot", "name": "requested_slot", "value": "complaint_confirm"},
        {"event": "bot", "text": "ตรวจสอบก่อนส่งเรื่องค่ะ"},
        user_turn("แก้ไข"),
        {"event": "slot", "name": "complaint_confirm", "value": "edit"},
        {"event": "slot", "name": "requested_slot", "value": "complaint_edit"},
        user_turn("สถานที่"),
        {"event": "slot", "name": "complaint_edit", "value": None},
        {"event": "slot", "name": "complaint_confirm", "value": None},
        {"event": "slot", "name": step, "value": None},
        {"event": "slot", "name": "requested_slot", "value": step},
        {"event": "bot", "text": "เกิดขึ้นที่ไหนคะ"},
        user_turn(typed),
        {"event": "slot", "name": step, "value": typed},
    ]
    slots = {**FILLED, "complaint_confirm": None, step: typed, "requested_slot": step}
    return form_tracker(events, slots)


@pytest.mark.parametrize("typed", ["ยืนยันครับ", "ยืนยัน"])
@pytest.mark.parametrize("step", ["complaint_location", "complaint_description"])
def test_yes_where_an_edited_field_is_asked_keeps_what_the_summary_showed(typed: str, step: str) -> None:
    _, got, said = run_form(summary_then_edit_then(step, typed))
    assert got[step] == FILLED[step]
    assert got["requested_slot"] == "complaint_confirm"
    assert said == [replies.reply_for("complaint_edit_kept", "line").text.format(field=_label_of(step))]


def _label_of(field: str) -> str:
    return next(label for label, slot in replies.COMPLAINT_EDIT_FIELDS.items() if slot == field)


def test_yes_at_the_place_step_with_no_earlier_place_is_no_place() -> None:
    _, got, _ = run_form(at_step("complaint_location", "ยืนยันครับ", {"complaint_category": "garbage"}))
    assert got["complaint_location"] is None


# --- C. an anonymity question gets its answer first ------------------------------------------------------

NOISE = {"complaint_category": "nuisance", "complaint_description": "ข้างบ้านเปิดเพลงดังทุกคืนจนตีสาม นอนไม่ได้เลยค่ะ"}
PLACE_NOT_HOME = replies.reply_for("complaint_aside_location_private", "line").text


@pytest.mark.parametrize("typed", ["แจ้งแบบไม่บอกชื่อได้ไหมคะ กลัวข้างบ้านรู้ว่าใครแจ้ง", "ไม่บอกชื่อได้ไหม เพื่อนบ้านจะรู้ไหมคะ"])
def test_an_anonymity_question_naming_the_neighbours_gets_only_the_anonymity_answer(typed: str) -> None:
    _, got, said = run_form(at_step("complaint_location", typed, NOISE))
    assert got["requested_slot"] == "complaint_location" and got["complaint_anonymous"] is True
    assert len(said) == 1 and said[0].startswith("ได้ค่ะ") and PLACE_NOT_HOME not in said


def test_an_anonymity_question_about_the_address_hears_the_answer_first_then_the_place_line() -> None:
    _, _, said = run_form(at_step("complaint_location", "ขอไม่บอกที่อยู่ได้ไหมคะ กลัวเขารู้", NOISE))
    assert said[0].startswith("ได้ค่ะ") and said[1] == PLACE_NOT_HOME


@pytest.mark.parametrize("channel", ["sms", "line", "web"])
def test_an_anonymity_question_before_a_category_leads_with_yes_then_the_category(channel: str) -> None:
    slots = {"complaint_description": "หมาจรเยอะมาก กัดเด็กไปแล้ว2คน"}
    _, got, said = run_form(at_step("complaint_category", "ไม่บอกชื่อได้ไหม", slots, channel=channel))
    assert got["requested_slot"] == "complaint_category" and got.get("complaint_category") is None
    assert said[0].startswith("ได้ค่ะ")
    if channel != "sms":  # which categories allow it
        allowed = [r.label for r in load_routes().values() if r.allow_anonymous]
        assert all(label in said[0] for label in allowed)


@pytest.mark.parametrize("channel", ["sms", "line"])
def test_an_anonymity_question_where_the_category_needs_a_contact_leads_with_no(channel: str) -> None:
    slots = {"complaint_category": "other", "complaint_description": "มีคนมาจอดรถขายของหน้าบ้านทุกวัน"}
    _, _, said = run_form(at_step("complaint_location", "ไม่บอกชื่อได้ไหมคะ", slots, channel=channel))
    assert said[0].startswith("ไม่ได้ค่ะ")


# --- D. a broken bus-stop shelter or a fallen sign is the local authority's, not the bus company's -------

ROUTES = load_routes()


@pytest.mark.parametrize(
    "told",
    [
        "หลังคาป้ายรถเมล์หน้าตลาดพังหล่นลงมาค่ะ อันตรายมาก",
        "ศาลาที่พักผู้โดยสารหน้าโรงเรียนหลังคารั่ว เก้าอี้หัก",
        "ป้ายรถเมล์หน้าบ้านพังมาเป็นเดือนแล้ว",
        "ป้ายจราจรหน้าปากซอยล้มขวางทาง",
        "ป้ายบอกทางหล่นลงมากลางถนน",
    ],
)
def test_a_broken_public_structure_is_no_referral_and_opens_the_form(told: str) -> None:
    assert referral_for(told, ROUTES, directory()) is None
    events, got, _ = run_form(opening(told))
    assert not any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    assert got.get("complaint_confirm") != REFERRED


@pytest.mark.parametrize(
    "told",
    ["หลังคาป้ายรถเมล์หน้าตลาดพังหล่นลงมาค่ะ อันตรายมาก", "ศาลาที่พักผู้โดยสารหน้าโรงเรียนพัง", "ป้ายจราจรล้ม"],
)
def test_a_named_structure_is_the_road_category(told: str) -> None:
    assert category_from_words(told, ROUTES) == "road"


@pytest.mark.parametrize(
    "told", ["รถเมล์ไม่จอดป้าย คนขับขับเร็วมาก", "ลืมของบนรถเมล์สาย 8", "รอรถเมล์ที่ป้ายรถเมล์นานมากทุกวัน"]
)
def test_the_buses_themselves_are_still_the_bus_companys(told: str) -> None:
    referral = referral_for(told, ROUTES, directory())
    assert referral is not None and referral.agency.id == "bmta"


# --- E. an angry word about a matter already reported is no new complaint --------------------------------


@pytest.mark.parametrize(
    "told",
    [
        "ไอ้พวกเทศบาลไม่ทำงาน แจ้งไฟดับไปตั้งนาน",
        "แจ้งไฟดับไปตั้งนานแล้วค่ะ",
        "เทศบาลไม่ทำงาน แจ้งถนนพังไปนานแล้ว",
        "ร้องเรียนไปแล้ว ไม่มีใครมา",
    ],
)
def test_a_matter_already_reported_is_about_that_report(told: str) -> None:
    assert about_an_earlier_complaint(told)


@pytest.mark.parametrize("told", ["ไฟดับมาตั้งนานแล้ว", "ไฟถนนดับตั้งแต่อาทิตย์ที่แล้ว", "แจ้งไฟถนนดับหน้าบ้านค่ะ"])
def test_something_long_broken_told_now_is_a_new_complaint(told: str) -> None:
    assert not about_an_earlier_complaint(told)


def test_a_rude_word_about_an_old_report_gets_an_apology_no_referral_and_no_menu() -> None:
    told = "ไอ้พวกเทศบาลไม่ทำงาน แจ้งไฟดับไปตั้งนาน"
    events, got, said = run_form(opening(told, channel="sms"))
    assert got["complaint_confirm"] == complaint.EARLIER and said == []
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    t = form_tracker([user_turn(told, "file_complaint", "sms")], {"complaint_confirm": complaint.EARLIER})
    dispatcher = CollectingDispatcher()
    asyncio.run(complaint.ActionSubmitComplaint().run(dispatcher, t, {}))
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    titles = {b["title"] for m in dispatcher.messages for b in m.get("buttons") or []}
    assert text.startswith("ขออภัย") and "ไอ้" not in text and "1129" not in text
    assert not titles & set(replies.COMPLAINT_CATEGORIES.values())


def after_a_case_lookup(text: str) -> Any:
    events = [
        user_turn("จะตามเรื่องที่แจ้งไว้ค่ะ แต่จำเลขเรื่องไม่ได้แล้ว", "check_case_status"),
        {"event": "action", "name": "case_status_form"},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "action_listen"},
        user_turn(text, "file_complaint"),
        {"event": "active_loop", "name": FORM},
    ]
    return form_tracker(events, {"requested_slot": None})


def test_which_report_told_right_after_a_case_lookup_is_no_new_complaint() -> None:
    _, got, _ = run_form(after_a_case_lookup("แจ้งเรื่องไฟถนนดับ ประมาณอาทิตย์ที่แล้วค่ะ"))
    assert got["complaint_confirm"] == complaint.EARLIER


def test_a_new_complaint_right_after_a_case_lookup_is_still_one() -> None:
    _, got, _ = run_form(after_a_case_lookup("ขยะไม่มีรถมาเก็บเลยอาทิตย์นึงแล้ว เหม็นไปทั้งซอยค่ะ"))
    assert got.get("complaint_confirm") is None and got["complaint_category"] == "garbage"


@pytest.mark.parametrize("told", ["อยากแจ้งว่าไฟดับไปนานแล้วค่ะ", "ขอแจ้งไฟถนนดับไปตั้งนานแล้วค่ะ"])
def test_reporting_now_something_long_broken_is_a_new_complaint(told: str) -> None:
    assert not about_an_earlier_complaint(told)


@pytest.mark.parametrize(
    ("told", "before"),
    [
        ("แจ้งเรื่องไฟถนนดับ ประมาณอาทิตย์ที่แล้วค่ะ", True),
        ("ร้องเรียนเรื่องขยะไปเมื่อวานค่ะ", True),
        ("แจ้งไฟถนนดับตั้งแต่อาทิตย์ที่แล้วค่ะ", False),
        ("ขอแจ้งขยะไม่มาเก็บ เมื่อวานก็ไม่มา", False),
    ],
)
def test_a_report_told_as_made_some_time_ago(told: str, before: bool) -> None:
    assert reported_before(told) is before


# --- F. the category named back after an aside is still a confirm, not the place -----------------------


@pytest.mark.parametrize("typed", ["ใช่ค่ะ เรื่องเสียงดัง", "เสียงดัง เหตุรำคาญ", "หมวดเสียงดังค่ะ"])
def test_the_category_named_after_an_aside_confirms_it_and_is_no_place_or_story(typed: str) -> None:
    slots = {**NOISE, "complaint_anonymous": True, "contact_consent": False}
    _, got, said = run_form(at_step("complaint_location", typed, slots))
    assert got["requested_slot"] == "complaint_location" and got["complaint_location"] is None
    assert "complaint_description" not in got
    confirmed = replies.reply_for("complaint_category_confirmed", "line").text
    assert said == [confirmed.format(label=replies.COMPLAINT_CATEGORIES["nuisance"])]


@pytest.mark.parametrize("typed", ["ใช่ค่ะ เรื่องขยะ", "หน้าบ้านเลขที่ 5 เสียงดังมาก"])
def test_another_category_or_a_place_is_not_that_confirm(typed: str) -> None:
    _, _, said = run_form(at_step("complaint_location", typed, NOISE))
    confirmed = replies.reply_for("complaint_category_confirmed", "line").text
    assert confirmed.format(label=replies.COMPLAINT_CATEGORIES["nuisance"]) not in said

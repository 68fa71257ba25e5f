"""The complaint form against the ninth outside writer's set (bench/conversations/dev8).

A. A change of mind told with a reason: a cancel word (typed with one slip too) and then the reason
   ("ยกลิก ไปโทรหาเขตเองดีกว่า"), or the reason and then ยกเลิก with softening words ("… ยกเลิกไปก่อนนะคะ")
   cancels; ยกเลิก as the topic ("อยากยกเลิกสัญญา…", "ยกเลิก รอบเก็บขยะ…" as a story) never does.
B. Yes to the summary in other words: "ยืนยันการแจ้ง", "ok send it".
C. A short opening ("อยากแจ้งเรื่องไฟถนนค่ะ"), then the details where the place is asked: the details
   are added to the story and the place asked again; a place, or a story that opens with its place,
   is still the place, and a second story there is kept (no one is asked a third time).
D. A service question announced as one ("เดี๋ยวก่อนค่ะ ขอถามเรื่องขอติดตั้งมิเตอร์ไฟฟ้าใหม่หน่อย") mid-form
   gets the service answer and the same step again; asking told in a story is no question.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.complaint import SERVICE_ACTION, AskStepAction, ValidateComplaintForm
from actions.complaint_steps import more_of_the_story
from actions.complaint_talk import asks_in_a_clause, confirms_in_words, wants_cancel
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import DOMAIN, STEPS, at_step, run_form
from tests.actions.test_complaint_no_trap import conversation
from tests.actions.test_complaint_sixth_writer import FakeServices
from tests.actions.test_complaint_third_writer import FILLED, ended

ROUTES = load_routes()

# --- A. a change of mind with its reason ------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        ("contact_consent", "ยกเลืก เดี๋ยวไปแจ้งที่สำนักงานเขตเอง"),
        ("complaint_location", "ยกเลิกค่ะ ไว้ถามลุงก่อน"),
        ("complaint_photo", "ยังไม่แน่ใจเลย ยกเลิกไว้ก่อนละกันค่ะ"),
        ("complaint_confirm", "ไม่อยากมีเรื่องกับข้างบ้าน ยกเลิกไปเลยนะครับ"),
    ],
)
def test_a_cancel_said_with_its_reason_ends_the_form(step: str, typed: str) -> None:
    assert wants_cancel(typed)
    slots = {k: v for k, v in FILLED.items() if STEPS.index(k) < STEPS.index(step)}
    events, got, _ = run_form(at_step(step, typed, slots, channel="sms"))
    assert ended(events) and got["complaint_confirm"] == complaint.CANCELLED


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        ("complaint_description", "อยากยกเลิกสัญญาเช่าหอแต่เจ้าของไม่คืนเงินประกัน"),
        ("complaint_description", "นิติบุคคลไม่ให้ ยกเลิกสัญญาจอดรถ"),
        ("complaint_description", "ยกเลิก รอบเก็บขยะมาสามอาทิตย์แล้ว ถังล้นจนหมาคุ้ยกระจายเต็มถนนหน้าบ้านทุกวัน"),
        ("complaint_location", "ตรงที่เขา ยกเลิกป้ายรถเมล์ ถนนจรัญ 13"),
    ],
)
def test_cancel_as_the_topic_is_no_change_of_mind(step: str, typed: str) -> None:
    assert not wants_cancel(typed)
    slots = {k: v for k, v in FILLED.items() if STEPS.index(k) < STEPS.index(step)}
    events, got, _ = run_form(at_step(step, typed, slots, channel="sms"))
    assert not ended(events) and got.get("complaint_confirm") != complaint.CANCELLED


# --- B. yes to the summary in other words -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["ยืนยันการแจ้งค่ะ", "โอเค ยืนยันแจ้งได้เลย", "okay submit it please", "Send it now"]
)
def test_other_words_for_yes_file_the_complaint(typed: str) -> None:
    assert confirms_in_words(typed)
    events, got, _ = run_form(at_step("complaint_confirm", typed, FILLED))
    assert got["complaint_confirm"] == "yes" and not ended(events)


@pytest.mark.parametrize("typed", ["ยังไม่ยืนยันการแจ้ง", "send it tomorrow", "แจ้งเพิ่มได้ไหม"])
def test_a_not_yet_is_still_no_yes(typed: str) -> None:
    assert not confirms_in_words(typed)
    _, got, _ = run_form(at_step("complaint_confirm", typed, FILLED))
    assert got.get("complaint_confirm") != "yes"


# --- C. the details typed where the place is asked --------------------------------------------------

OPENING = {"complaint_category": "streetlight", "complaint_description": "อยากแจ้งเรื่องไฟถนนค่ะ"}


@pytest.mark.parametrize(
    "typed",
    [
        "ไฟกิ่งดับติดกันสามต้นมาเป็นเดือนแล้ว ตอนกลางคืนมืดมาก มีคนโดนวิ่งราวกระเป๋า",
        "หลอดไฟกะพริบทั้งคืน บางคืนก็ดับไปเลย เดินผ่านตอนดึกไม่ปลอดภัย",
    ],
)
def test_details_at_the_place_step_go_to_the_story_and_the_place_is_asked_again(typed: str) -> None:
    assert more_of_the_story(typed, ROUTES)
    events, got, said = run_form(at_step("complaint_location", typed, OPENING, channel="sms"))
    assert not ended(events) and got["complaint_location"] is None
    assert got["complaint_description"] == f"{OPENING['complaint_description']} {typed}"
    assert said[0] == replies.reply_for("complaint_kept_detail", "sms").text
    assert got["requested_slot"] == "complaint_location"


@pytest.mark.parametrize(
    "typed",
    ["ซอยวัดด่าน 7 ไฟดับทั้งซอย", "หน้าโรงเรียนบ้านหนองบัว", "ทางเข้าหมู่บ้านเอื้ออาทร", "เสาไฟหน้าวัดดับมาสามวัน"],
)
def test_a_place_or_a_story_with_its_place_is_still_the_place(typed: str) -> None:
    assert not more_of_the_story(typed, ROUTES)
    _, got, _ = run_form(at_step("complaint_location", typed, OPENING, channel="sms"))
    assert got["complaint_location"] == typed
    told = OPENING["complaint_description"]
    assert got.get("complaint_description", told) == told


def test_a_second_story_at_the_place_step_is_kept_no_third_ask() -> None:
    typed = "ไฟดับมาเป็นเดือนแล้ว แจ้งไปหลายรอบก็ไม่มีใครมาซ่อม"
    t = conversation("อยากแจ้งเรื่องไฟถนนค่ะ", "complaint_location", typed, earlier=("ไฟดับมืดมาก",), slots=OPENING)
    _, got, _ = run_form(t)
    assert got["complaint_location"] == typed


# --- D. a service question that says it is one ("ขอถามเรื่อง …") --------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["แป๊บนึงค่ะ ขอสอบถามเรื่องทำบัตรผู้พิการหน่อย", "ขอถามเรื่องต่อภาษีรถยนต์ค่ะ", "อ้อ อยากถามเรื่องเบี้ยผู้สูงอายุด้วย"],
)
def test_a_question_announced_as_one_mid_form_gets_the_service_answer(typed: str) -> None:
    assert asks_in_a_clause(typed)
    services = FakeServices("disability_card")
    t = at_step("complaint_location", typed, OPENING, intent="ask_service")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateComplaintForm(services=services).run(dispatcher, t, DOMAIN))
    assert [e["name"] for e in events if e.get("event") == "followup"] == [SERVICE_ACTION]
    assert services.asked == [typed]
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert got["requested_slot"] == "complaint_location" and got["complaint_location"] is None


@pytest.mark.parametrize("typed", ["ไปสอบถามที่เขตแล้วไม่มีใครตอบเลย", "ถามเจ้าหน้าที่แล้วก็เงียบ", "ถนนหน้าโรงเรียนวัดใหม่"])
def test_asking_told_in_a_story_is_no_question(typed: str) -> None:
    assert not asks_in_a_clause(typed)


# --- E. the category read from the words is said once ---------------------------------------------


@pytest.mark.parametrize("aside", ["ต้องบอกชื่อจริงด้วยไหมคะ", "แจ้งแบบไม่ระบุตัวตนได้มั้ย"])
def test_after_a_side_answer_the_category_line_is_not_said_again(aside: str) -> None:
    guessed = {"complaint_category": "streetlight", "complaint_guess": "streetlight", **OPENING}
    events, got, said = run_form(at_step("complaint_location", aside, guessed, channel="sms"))
    assert said and got["requested_slot"] == "complaint_location" and not ended(events)
    assert "complaint_guess" not in got  # still read from the words: its one-tap confirm stays
    t = at_step("complaint_location", aside, {**guessed, **got})
    dispatcher = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(dispatcher, t, DOMAIN))
    asked = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "บันทึกเป็นหมวด" not in asked and "เกิดขึ้นที่ไหน" in asked
    # dev16 w16k002: the category's own name and the change are still under the question
    titles = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert titles[:2] == ["ไฟถนนดับ", "เปลี่ยนหมวด"]

"""The complaint form against the ninth outside writer's set (bench/conversations/dev8).

A. A change of mind told with a reason: a cancel word (typed with one slip too) and then the reason
   ("ยกลิก ไปโทรหาเขตเองดีกว่า"), or the reason and then ยกเลิก with softening words ("… ยกเลิกไปก่อนนะคะ")
   cancels; ยกเลิก as the topic ("อยากยกเลิกสัญญา…", "ยกเลิก รอบเก็บขยะ…" as a story) never does.
B. Yes to the summary in other words: "ยืนยันการแจ้ง", "ok send it".
"""

from __future__ import annotations

import pytest

from actions import complaint
from actions.complaint_talk import confirms_in_words, wants_cancel
from tests.actions.complaint_form_driver import STEPS, at_step, run_form
from tests.actions.test_complaint_third_writer import FILLED, ended

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

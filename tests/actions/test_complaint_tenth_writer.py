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

from actions import replies
from actions.complaint import AskConsentAction, AskStepAction
from tests.actions.complaint_form_driver import at_step, form_tracker, run_form, user_turn

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


def test_the_categorys_name_after_the_step_was_answered_on_is_more_of_the_story_as_before() -> None:
    """Without the category said back (answered on already), the words are the step's own answer."""
    slots = {**TAKEN, "complaint_guess": None}
    _, _, said = run_form(at_step("complaint_location", "ขยะ ความสะอาด", slots))
    confirmed = replies.reply_for("complaint_category_confirmed", "line").text
    assert confirmed.format(label=replies.COMPLAINT_CATEGORIES["garbage"]) not in said

"""The complaint form against the sixteenth outside writer's set (bench/conversations/dev15).

A. A first message that only names a category ("ร้องเรียนเสียงดัง") tells no story: the story is asked,
   and the story typed next is never taken as the place.
B. Questions aside that ask by their words, without a question ending, at the story step ("ปกติใช้เวลา
   กี่วันกว่าจะมีคนมาแก้") are answered, not kept as the story.
C. A smell is what a named source gives off: rubbish that smells is rubbish, a smell alone a nuisance.
D. "Who do I call" about a matter another agency fixes faster gets the referral first.
E. "Can I stay anonymous?" while consent is still to be asked is answered; the choice stays at that step.
F. "จำเลขเรื่องที่แจ้งไม่ได้" is a forgotten number; "ทำไมยังไม่เสร็จ" is owed an apology, and so is an
   upset "no" ("ห่วยมาก").
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint
from actions.acknowledge import ActionAcknowledgeNo, no_reply
from actions.case_runtime import Asker
from actions.case_status import owed_apology
from actions.complaint import FORM, AskStepAction
from actions.complaint_referral import directory, referral_for
from actions.complaint_steps import MIN_DESCRIPTION_LETTERS
from actions.complaint_talk import aside_kind, category_from_words, first_description
from actions.replies import forgot_reference
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import LINE_USER, at_step, form_tracker, opening, run_form, user_turn


@pytest.mark.parametrize("text", ["ร้องเรียนเสียงดัง", "อยากแจ้งเรื่องเสียงดังค่ะ", "แจ้งไฟถนนดับนะคะ"])
def test_a_category_named_alone_is_no_story(text: str) -> None:
    assert first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes()) is None
    _, got, _ = run_form(opening(text))
    assert got.get("complaint_description") is None
    assert got["requested_slot"] in ("complaint_category", "complaint_description")


@pytest.mark.parametrize("text", ["ไฟถนนดับสามต้น", "ขยะเต็มถนน", "แจ้งไฟถนนดับหน้าบ้าน"])
def test_a_category_with_more_told_is_the_story(text: str) -> None:
    assert first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes()) == text


@pytest.mark.parametrize(
    ("text", "kind"),
    [("ปกติใช้เวลากี่วันกว่าจะมีคนมาแก้", "time"), ("ร้องเรียนแล้วจะเกิดอะไรขึ้นต่อคะ", "next")],
)
def test_a_question_by_its_words_at_the_story_step_is_answered(text: str, kind: str) -> None:
    assert aside_kind(text, "inform", "complaint_description") == kind


def test_a_story_that_counts_days_is_still_the_story() -> None:
    assert aside_kind("ไฟดับมากี่วันแล้วก็ไม่รู้ มืดมาก", "inform", "complaint_description") is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("แจ้งขยะกองหน้าโรงเรียนค่ะ ส่งกลิ่นเหม็นมาก", "garbage"),
        ("ท่อระบายน้ำหน้าบ้านส่งกลิ่นเหม็น", "water"),
        ("ข้างบ้านส่งกลิ่นเหม็นทุกวัน", "nuisance"),
    ],
)
def test_a_smell_belongs_to_its_named_source(text: str, category: str) -> None:
    assert category_from_words(text, load_routes()) == category


def test_who_to_call_about_a_water_outage_is_referred_first() -> None:
    asked = referral_for("น้ำประปาไม่ไหลมา2วัน โทรหาใคร", load_routes(), directory())
    assert asked is not None and asked.agency.id == "pwa"
    # told, not asked: filed here (the faster agency named in the form's first reply)
    assert referral_for("น้ำประปาไม่ไหลมา 2 วัน", load_routes(), directory()) is None


def test_a_forgotten_number_with_words_between_and_an_unfinished_case() -> None:
    assert forgot_reference("จำเลขเรื่องที่แจ้งไม่ได้ค่ะ แจ้งไฟดับไปเมื่อเดือนที่แล้ว")
    assert not forgot_reference("ไฟถนนดับหน้าบ้านค่ะ")
    assert owed_apology("CM69-0001-2345 ทำไมยังไม่เสร็จ โทรไปก็ไม่มีคนรับ")


def test_an_upset_no_gets_an_apology_and_a_person_offered() -> None:
    """dev13 w13k-sms-09: "ห่วยมาก" after a look-up found nothing is read as a no; "ได้ค่ะ" to it had
    read as indifference."""
    assert no_reply("ห่วยมาก") == "upset_no_ack"
    assert no_reply("ไม่ค่ะ") == "utter_deny_ack"
    assert no_reply("ไม่มีแล้ว", "utter_thank") == "utter_goodbye"
    said = CollectingDispatcher()
    asyncio.run(ActionAcknowledgeNo().run(said, form_tracker([user_turn("ห่วยมาก", "deny", "sms")], {}), {}))
    [message] = said.messages
    assert message["text"].startswith("ขออภัย") and "ห่วย" not in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["คุยกับเจ้าหน้าที่"]


def test_an_anonymity_question_before_consent_leaves_the_choice_to_the_consent_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """dev15 w15k022, dev12 w12w02: asked at the story step where updates can be sent, the answer says
    yes and where to choose it; the consent question still comes (its "ไม่ระบุตัวตน" button)."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    told = {"complaint_category": "nuisance"}
    _, got, said = run_form(at_step("complaint_description", "แจ้งแบบไม่ระบุตัวตนได้มั้ยคะ", told))
    assert said[0].startswith("ได้ค่ะ") and "ไม่ระบุตัวตน" in said[0]
    assert got.get("complaint_anonymous") is None and got.get("contact_consent") is None
    assert got["requested_slot"] == "complaint_description"
    # asked at the consent step itself (dev15 w15k005, dev12 w12l05): the same, the question again
    placed = {**told, "complaint_location": "ซอย 5"}
    _, asked, _ = run_form(at_step("contact_consent", "ไม่บอกชื่อได้ไหม", placed))
    assert asked.get("complaint_anonymous") is None and asked["requested_slot"] == "contact_consent"
    # told, it is the choice
    _, chosen, _ = run_form(at_step("complaint_description", "ขอไม่ระบุตัวตนนะคะ ร้านข้างบ้านเปิดเพลงดัง", told))
    assert chosen["complaint_anonymous"] is True and chosen["contact_consent"] is False


def test_a_story_with_a_time_question_in_it_is_still_the_story() -> None:
    """Live (SMS): "ขยะไม่มีใครมาเก็บเป็นอาทิตย์ ใช้เวลากี่วันถึงจะมาเก็บ" at the story step tells one."""
    text = "ขยะไม่มีใครมาเก็บเป็นอาทิตย์ ใช้เวลากี่วันถึงจะมาเก็บ"
    assert aside_kind(text, "inform", "complaint_description") is None


def test_the_one_tap_confirm_under_an_english_question_is_the_thai_name() -> None:
    """dev15 w15k027, dev12: an English writer taps the category's Thai name, as every button is Thai
    (ยินยอม, เปลี่ยนหมวด); the English text names it in both languages."""
    events = [user_turn("I want to report a broken street light", "file_complaint", "web")]
    events.append({"event": "active_loop", "name": FORM})
    slots = {"complaint_category": "streetlight", "complaint_guess": "streetlight"}
    said = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(said, form_tracker(events, slots), {}))
    [message] = said.messages
    assert message["buttons"][0]["title"] == "ไฟถนนดับ"
    assert "street light" in message["text"] and "ไฟถนนดับ" in message["text"]

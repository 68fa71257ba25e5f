"""Which step a typed message answers (actions/complaint_steps.py, complaint_talk.reads_as_place),
the category chosen for a citizen, and the re-ask count read from Rasa's events (form_tries.py).

Each rule with the message that needs it and the message it must leave alone: a place read as a
story is refused at the place step, a story read as a place loses what happened.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.complaint_steps import OTHER, category_for_citizen, later_answer
from actions.complaint_talk import category_from_words, reads_as_place, says_not_that
from actions.form_tries import texts_since_start, tries_at_step
from cases.complaint_routing import load_routes

ROUTES = load_routes()


@pytest.mark.parametrize(
    "text",
    [
        "ที่ว่าการอำเภอเมืองนครปฐมค่ะ เมื่อวานบ่าย2",
        "ซอยลาดพร้าว 101 แยก 3 เขตบางกะปิ",
        "หน้าซอยสุขุมวิท 50",
        "ถนนสุขุมวิท ใกล้ BTS อ่อนนุช",  # ถนน: a road cue, and here only a place
        "123/4 หมู่ที่ 5 ตำบลบางพลี",
        "แยกบางนา ฝั่งไปบางพลี",
        "อยู่ที่ตลาดสดเทศบาล ประตู 2",
    ],
)
def test_places(text: str) -> None:
    assert reads_as_place(text, ROUTES)


@pytest.mark.parametrize(
    "text",
    [
        "ถนนพังเป็นหลุมใหญ่",  # a problem with the road
        "หน้าบ้านไฟดับทั้งซอย",  # the story, told from its place
        "ซอย 5 ขยะเต็มถัง",
        "ข้างบ้านเลี้ยงหมา 10 ตัว เห่าทั้งคืน",  # ข้าง… opens a place only in a short message
        "เจ้าหน้าที่พูดจาไม่ดี ตะคอกใส่",
        "ต้องไปจดที่อำเภอไหมคะ",  # a question
        "อืม",
        "/affirm",
    ],
)
def test_not_places(text: str) -> None:
    assert not reads_as_place(text, ROUTES)


def test_not_that() -> None:
    assert says_not_that("ไม่ใช่ค่ะ") and says_not_that("ไม่ใช่ไฟถนน เป็นไฟบ้าน")
    assert not says_not_that("ใช่ค่ะ") and not says_not_that("ไม่มีใครมาซ่อม")


@pytest.mark.parametrize(
    "text",
    [
        "เจ้าหน้าที่ที่อำเภอพูดจาไม่ดี ตะคอกใส่",
        "จนท.พูดจาไม่สุภาพ",
        "รอคิวนาน เจ้าหน้าที่ไม่สนใจ",
        "ไปติดต่อที่เขต โดนตวาดกลับมา",
    ],
)
def test_an_officers_manner_is_the_officer_service_category(text: str) -> None:
    assert category_from_words(text, ROUTES) == "service"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ไฟถนนดับ เทศบาลไม่สนใจ", "streetlight"),  # "ไม่สนใจ" alone is no officer cue
        ("แจ้งเจ้าหน้าที่มาเก็บขยะหน่อย", "garbage"),  # nor is "เจ้าหน้าที่"
        ("ข้างบ้านเปิดเพลงเสียงดัง พูดจาหยาบคาย", "nuisance"),
    ],
)
def test_officer_cues_leave_other_categories_alone(text: str, category: str) -> None:
    assert category_from_words(text, ROUTES) == category


def test_later_answer_keeps_a_place_a_story_or_more_of_it() -> None:
    place = "ซอยลาดพร้าว 101 แยก 3"
    assert later_answer(place, {}, ROUTES) == {
        "complaint_location": place,
        "complaint_lat": None,
        "complaint_lon": None,
    }
    story = "รถเมล์จอดไม่ตรงป้ายทุกวัน คนแก่ต้องเดินไกล"
    assert later_answer(story, {}, ROUTES) == {"complaint_description": story}
    told = {"complaint_description": "ไฟถนนดับ"}
    assert later_answer("มืดทั้งซอยเลย เด็กกลับบ้านลำบาก", told, ROUTES) == {
        "complaint_description": "ไฟถนนดับ มืดทั้งซอยเลย เด็กกลับบ้านลำบาก"
    }
    assert later_answer("ใช่ค่ะ มืดทั้งซอยเลย เด็กกลับบ้านลำบาก", told, ROUTES) == {
        "complaint_description": "ไฟถนนดับ มืดทั้งซอยเลย เด็กกลับบ้านลำบาก"
    }
    # A place already kept: a second one is not taken for it (the edit step changes a place).
    assert "complaint_location" not in later_answer(place, {"complaint_location": "ซอย 5"}, ROUTES)
    for nothing in ("ไม่รู้สิ", "อืม", "/greet", "ขอถามก่อนค่ะ ต้องใช้เอกสารอะไรไหม"):
        assert later_answer(nothing, told, ROUTES) == {}
    # A national id typed into the place is masked before it is kept.
    kept = later_answer("ซอย 5 บ้านเลขที่ 1101700230708", {}, ROUTES)
    assert "1101700230708" not in kept["complaint_location"]


def test_the_category_for_a_citizen_comes_from_all_they_said_else_other() -> None:
    assert category_for_citizen(["อยากร้องเรียน", "ขยะเต็มหน้าบ้าน กี่วันคะ", "ซอย 5"], ROUTES) == "garbage"
    assert category_for_citizen(["อยากร้องเรียน", "ที่ว่าการอำเภอ"], ROUTES) == OTHER
    # No cue is made across two messages ("…ถ" + "นน…").
    assert category_for_citizen(["ไปที่ถ", "นนใหญ่"], ROUTES) == OTHER


def _events(*spec: tuple[str, Any]) -> Tracker:
    events: list[dict[str, Any]] = []
    for kind, value in spec:
        if kind == "user":
            events.append({"event": "user", "text": value})
        elif kind == "ask":
            events.append({"event": "slot", "name": "requested_slot", "value": value})
        elif kind == "start":
            events.append({"event": "active_loop", "name": value})
    return Tracker("s", {}, {}, events, False, None, {}, "action_listen")


def test_tries_count_only_the_messages_sent_while_the_step_stood_asked() -> None:
    t = _events(
        ("user", "ร้องเรียนก่อนหน้านี้"),
        ("start", "complaint_form"),
        ("ask", "complaint_category"),
        ("user", "ขยะ ความสะอาด"),  # answered the category…
        ("ask", "complaint_description"),  # …then the story is asked
        ("user", "ดับ"),
        ("ask", "complaint_description"),
        ("user", "ไฟดับ"),
    )
    assert tries_at_step(t, "complaint_description", "complaint_form") == 2
    # The opening message, before the first ask, is no try at the category.
    opening = _events(("user", "อยากร้องเรียน"), ("start", "complaint_form"), ("ask", "complaint_category"))
    opening.events.append({"event": "user", "text": "อืม"})
    assert tries_at_step(opening, "complaint_category", "complaint_form") == 1
    # A form started earlier in the conversation is not counted.
    later = _events(
        ("start", "complaint_form"),
        ("ask", "complaint_category"),
        ("user", "x"),
        ("ask", None),
        ("user", "อยากร้องเรียนอีกเรื่อง"),
        ("start", "complaint_form"),
        ("ask", "complaint_category"),
        ("user", "y"),
    )
    assert tries_at_step(later, "complaint_category", "complaint_form") == 1


def test_texts_since_start_take_the_opening_and_leave_payloads_and_earlier_talk() -> None:
    t = _events(
        ("user", "ต่อใบขับขี่ใช้อะไร"),
        ("user", "ขยะเต็มหน้าบ้าน"),
        ("start", "complaint_form"),
        ("ask", "complaint_category"),
        ("user", "/greet"),
        ("user", "ซอย 5"),
    )
    assert texts_since_start(t, "complaint_form") == ["ขยะเต็มหน้าบ้าน", "ซอย 5"]

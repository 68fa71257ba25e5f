"""The words the complaint form reads (actions/complaint_talk.py): cancel, asides, category cues.

Each rule is checked with the message that needs it and with the message it must leave alone,
because a wrong "yes" here either drops a citizen's form or swallows their description.
"""

from __future__ import annotations

import pytest

from actions.complaint_talk import (
    about_an_earlier_complaint,
    aside_kind,
    category_from_words,
    consent_from_words,
    first_description,
    is_bare_no,
    wants_cancel,
)
from cases.complaint_routing import load_routes

ROUTES = load_routes()


@pytest.mark.parametrize("text", ["ยกเลิก", "ยกเลิกค่ะ", "ยกเลิกดีกว่าครับ", "เปลี่ยนใจ ไม่แจ้งแล้วค่ะ", "cancel"])
def test_cancel(text: str) -> None:
    assert wants_cancel(text)


@pytest.mark.parametrize("text", ["ไม่", "ยกเลิกการแจ้งเตือน", "ไฟดับทั้งซอย ยกเลิกนัดไปหลายรอบ", "/deny"])
def test_not_cancel(text: str) -> None:
    assert not wants_cancel(text)


def test_a_bare_no() -> None:
    assert is_bare_no("ไม่ค่ะ") and not is_bare_no("ไม่มีใครมาเก็บขยะ")


@pytest.mark.parametrize(
    ("text", "intent", "step", "kind"),
    [
        ("ขอไม่บอกชื่อได้ไหมคะ", "request_human", "complaint_description", "anonymous"),
        ("ขอไม่บอกที่อยู่ได้ไหมคะ กลัวเขารู้", "request_human", "complaint_location", "anonymous"),
        ("ขอคุยกับเจ้าหน้าที่", "request_human", "complaint_location", "human"),
        ("/request_human", "request_human", "complaint_location", "human"),
        ("ใช้เวลากี่วันคะ", "ask_service", "complaint_description", "time"),
        ("ปกติใช้เวลากี่วันกว่าเจ้าหน้าที่จะมา", "ask_service", "complaint_location", "time"),
        ("แจ้งแล้วจะเป็นยังไงต่อคะ", "out_of_scope", "complaint_location", "next"),
        ("ใครจะเห็นข้อมูลของฉันบ้าง", "delete_my_data", "contact_consent", "data"),
        # Answers, not asides: the story mentions time in passing, a long message names an officer.
        ("ไฟดับมาสามวันแล้ว ใช้เวลาเดินผ่านมืดมาก", "file_complaint", "complaint_description", None),
        (
            "เจ้าหน้าที่ที่สำนักงานเขตพูดจาไม่สุภาพ ตะคอกใส่แม่ตอนไปทำบัตรประชาชนเมื่อวานนี้",
            "request_human",
            "complaint_description",
            None,
        ),
        ("ซอยลาดพร้าว 101", "out_of_scope", "complaint_location", None),
        # "No photo" where no photo was asked (web chat, SMS) is not "no" to the consent question.
        ("ไม่มีรูป", "deny", "contact_consent", "no_photo"),
        ("ไม่ได้ถ่ายรูปไว้ค่ะ", "deny", "complaint_confirm", "no_photo"),
        ("ไม่มีรูปครับ", "deny", "complaint_location", "no_photo"),
        ("ไม่มีรูป", "deny", "complaint_photo", None),  # the photo step's own answer
        ("ไม่ยินยอม", "deny", "contact_consent", None),
        ("ไม่มีใครมาเก็บขยะหน้าบ้าน ถ่ายรูปไว้แล้วด้วย", "file_complaint", "complaint_location", None),
    ],
)
def test_aside_kind(text: str, intent: str, step: str, kind: str | None) -> None:
    assert aside_kind(text, intent, step) == kind


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("แจ้งไฟถนนดับหน้าบ้าน", "streetlight"),
        ("อยากร้องเรียนเรื่องถนน", "road"),
        ("น้ำท่วมถนนหน้าบ้าน", "water"),
        ("ข้างบ้านเผาขยะทุกเย็น", "nuisance"),
        ("เจ้าหน้าที่เขตพูดจาไม่ดี", "service"),
        ("อยากร้องเรียนค่ะ", None),
        ("ขยะเกลื่อนถนน", None),  # a tie between two categories asks instead of guessing
    ],
)
def test_category_from_words(text: str, category: str | None) -> None:
    assert category_from_words(text, ROUTES) == category


def test_first_description() -> None:
    assert first_description("แจ้งไฟถนนดับหน้าบ้านค่ะ", 6, ROUTES) == "แจ้งไฟถนนดับหน้าบ้านค่ะ"
    for bare_request in ("อยากร้องเรียนค่ะ", "มีเรื่องจะร้องเรียนครับ", "แจ้งเรื่องร้องทุกข์ครับ", "/file_complaint"):
        assert first_description(bare_request, 6, ROUTES) is None


def test_an_earlier_complaint() -> None:
    for text in (
        "มึงตอบช้า เรื่องที่กูร้องเรียนไปไม่เห็นมีใครมาทำ",
        "แจ้งไปสามรอบแล้ว ขยะยังกองอยู่",
        "แจ้งหลุมถนนไปนานแล้วไม่ซ่อม",
    ):
        assert about_an_earlier_complaint(text), text
    for text in ("ไฟถนนดับ 3 วันยังไม่มีใครมาซ่อม", "แจ้งไฟดับไปแล้วสองวัน", "ไฟดับไปนานแล้วค่ะ"):
        assert not about_an_earlier_complaint(text), text


def test_consent_at_the_start_of_a_longer_reply() -> None:
    assert consent_from_words("ยินยอมค่ะ ติดต่อกลับได้") is True
    assert consent_from_words("ไม่ยินยอมครับ") is False
    assert consent_from_words("อะไรนะ") is None
    # The citizen's own words for the same answers.
    for text in ("ไม่ต้องติดต่อกลับ", "ไม่ต้องแจ้งอะไรมาค่ะ", "ไม่อยากให้ติดต่อมา"):
        assert consent_from_words(text) is False, text
    for text in ("ติดต่อกลับได้ค่ะ", "แจ้งมาได้เลยครับ"):
        assert consent_from_words(text) is True, text
    assert consent_from_words("ไม่มีรูป") is None

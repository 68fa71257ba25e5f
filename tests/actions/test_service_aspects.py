"""The aspect detector on how citizens phrase things (normalised Thai, Thai digits, zero-width spaces)."""

from __future__ import annotations

import pytest

from knowledge.aspects import ASPECTS, detect_aspect, parse_aspect, strip_aspect_words


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("ต่อใบขับขี่ใช้อะไรบ้าง", "documents"),
        ("ต้องเตรียมเอกสารอะไร", "documents"),
        ("ทำครั้งแรก ต้องใช้ไรบ้าง", "documents"),  # ไร for อะไร, as typed
        ("ทำพาสปอร์ตกี่บาท", "fee"),
        ("เสียค่าธรรมเนียมไหมคะ", "fee"),
        ("ค่า ธรรม เนียม เท่า ไหร่", "fee"),
        ("ต้องไปทำที่ไหน", "place"),
        ("จ่ายที่ไหนได้บ้าง", "place"),  # paying where: a place, not an amount
        ("ติดต่อสำนักงานไหนครับ", "place"),
        ("แล้วใช้เวลากี่วัน", "time"),
        ("รอนานไหม", "time"),
        ("เงินเข้าวันที่เท่าไร", "time"),
        ("อายุเท่าไหร่ถึงสอบได้", "eligibility"),
        # typed without tone marks or the silencing mark (SMS, hurried typing)
        ("ตองใชอะไรบาง", "documents"),
        ("ออนไลนได้ปะ", "online"),
        ("ต่อภาษรถออนไลนไดมั๊ย", "online"),
        ("เสียคาธรรมเนียมไหม", "fee"),
        # until when: the deadline, whatever channel is named
        ("ยื่นออนไลน์ได้ถึงเมื่อไหร่", "time"),
        ("จ่ายได้ถึงวันไหน", "time"),
        ("ทำบัตรประชาชนครั้งแรกตอนอายุกี่ปี", "eligibility"),  # a paper, then the age to get it
        ("ใครมีสิทธิ์บ้าง", "eligibility"),
        ("ทำออนไลน์ได้ไหม", "online"),
        ("จ่ายผ่านแอปได้มั้ย", "online"),
        ("ONLINE ได้ป่าว", "online"),
        ("ทำ\u200bออน\u200bไลน์ได้ไหม", "online"),
        ("รอ ๓ วันได้ไหม นานไหม", "time"),
    ],
)
def test_detects_the_aspect(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


@pytest.mark.parametrize(
    "text",
    # how long a paper lasts is not the citizen's age
    ["ทำพาสปอร์ต", "", "   ", "😀", "บัตรประชาชนหาย", "<b>hi</b>", "ใบขับขี่ชั่วคราวมีอายุกี่ปีคะ"],
)
def test_no_aspect_when_none_is_asked(text: str) -> None:
    assert detect_aspect(text) is None


def test_strip_leaves_only_the_service_words() -> None:
    assert strip_aspect_words("แล้วใช้เวลากี่วัน").strip() == "แล้ว"
    assert "พาสปอร์ต" in strip_aspect_words("ค่าทำพาสปอร์ตกี่บาท")


def test_parse_aspect_accepts_only_known_values() -> None:
    assert [parse_aspect(a) for a in ASPECTS] == list(ASPECTS)
    assert parse_aspect(" FEE ") == "fee"
    assert parse_aspect("'; drop") is None and parse_aspect(None) is None


def test_aspect_words_typed_without_marks_are_taken_out_whole() -> None:
    assert "ออนไลน" not in strip_aspect_words("ออนไลนได้ปะ")
    # the longest keyword goes first, also with its marks left out: no "ธรรมเนียม" left behind
    assert "ธรรมเนียม" not in strip_aspect_words("เสียคาธรรมเนียมไหม")

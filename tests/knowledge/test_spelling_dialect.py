"""Regional Thai folded to central Thai (knowledge/spelling.yml): Isan, Northern and Southern particles
and question words read as the questions they are, and central words with the same letters are kept."""

from __future__ import annotations

import pytest

from knowledge.spelling import fold_dialect, fold_typing


@pytest.mark.parametrize(
    ("typed", "central"),
    [
        # yes/no particles at the end of a clause
        ("แม่ไปยื่นแทนได้บ่", "แม่ไปยื่นแทนได้ไหม"),
        ("ทำที่อำเภอได้บ่ครับ", "ทำที่อำเภอได้ไหมครับ"),
        ("สมัครออนไลน์ได้ก่อเจ้า", "สมัครออนไลน์ได้ไหมค่ะ"),
        ("ต้องเสียเงินก่อ", "ต้องเสียเงินไหม"),
        ("ไปคนเดียวได้ม้าย", "ไปคนเดียวได้ไหม"),
        ("แม่นบ่", "ใช่ไหม"),
        # question words and verbs
        ("ต้องเฮ็ดหยังแหน่", "ต้องทำอะไรบ้าง"),
        ("ขอใหม่จั่งได๋", "ขอใหม่ยังไง"),
        ("ต้องไปภายในจักมื้อ", "ต้องไปภายในกี่วัน"),
        ("ต้องพาพยานไปจักคน", "ต้องพาพยานไปกี่คน"),
        ("ไปยื่นไส", "ไปยื่นที่ไหน"),
        ("ไผไปแจ้งได้", "ใครไปแจ้งได้"),
        ("ค่าธรรมเนียมเท่าใด", "ค่าธรรมเนียมเท่าไหร่"),
        ("ทำพรือ", "ทำยังไง"),
        # บ่ before a verb is ไม่; the warmth of เด้อ goes
        ("หาบ่เจอเลยเด้อ", "หาไม่เจอเลย"),
        ("ลูกบ่ฮู้ว่าต้องไปไส", "ลูกไม่รู้ว่าต้องไปที่ไหน"),
    ],
)
def test_regional_words_read_as_central_thai(typed: str, central: str) -> None:
    assert fold_dialect(typed) == central


@pytest.mark.parametrize(
    "central",
    [
        "ต้องไปบ่อยไหม",
        "เปิดบ่ายโมง",
        "แบ่งแยกที่ดิน",
        "บ่นว่าช้า",
        "ต้องแจ้งก่อนไหม",
        "ขออนุญาตก่อสร้าง",
        "ผู้ก่อการ",
        "ปลูกไผ่",
        "ไส้กรอก",
        "ตำแหน่งงาน",
        "รู้จักคนที่อำเภอ",
        "จักรยานยนต์",
        "เจ้าบ้านต้องไปไหม",
        "เจ้าหน้าที่",
    ],
)
def test_central_words_with_the_same_letters_are_kept(central: str) -> None:
    assert fold_dialect(central) == central


def test_folded_wherever_text_is_matched() -> None:
    # fold_typing is what search, near-twin cues, life-event cues and referral phrases read
    assert fold_typing("บัตรหายเฮ็ดจั่งได๋") == "บัตรหายทำยังไง"
    assert "cafe" in fold_typing("open a small café")

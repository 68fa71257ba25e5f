"""Follow-ups that only give a new figure re-ask the citizen's earlier question with it."""

from __future__ import annotations

import pytest

from actions.service_follow_up import with_context, with_new_figure, with_new_subject


def said(*texts: str) -> list[dict[str, str]]:
    return [{"event": "user", "text": t} for t in texts]


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # a what-if with only a new duration
        (("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "แล้วถ้าหมดไป 2 ปีล่ะ"), "ใบขับขี่หมดอายุ 2ปี ต้องสอบไหม"),
        # a correction with a bare yes/no ending
        (("รถอายุ 6 ปี ต้องตรวจสภาพไหม", "เอ้ย 8 ปีค่ะ ต้องไหม"), "รถอายุ 8ปี ต้องตรวจสภาพไหม"),
        # an age, in Thai digits
        (("ลูก 5 ขวบ ได้เงินอุดหนุนไหม", "แล้วถ้า ๗ ขวบล่ะ"), "ลูก 7 ขวบ ได้เงินอุดหนุนไหม"),
        # another child, said by which one it is; the question's own words for the age are kept
        (
            ("ลูกอายุ 7 ขวบ ยังได้เงินอุดหนุนอยู่มั้ยคะ", "แล้วลูกคนเล็ก 2 ขวบล่ะ"),
            "ลูกอายุ 2 ขวบ ยังได้เงินอุดหนุนอยู่มั้ยคะ",
        ),
        # a message without a figure in between does not break the thread
        (("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "ขอบคุณค่ะ", "แล้วถ้า 2 ปีล่ะ"), "ใบขับขี่หมดอายุ 2ปี ต้องสอบไหม"),
        # a bare number in a what-if is the same figure in its unit
        (("แม่อายุ 72 ได้เบี้ยเดือนละเท่าไหร่", "แล้วถ้า 85 ล่ะ"), "แม่อายุ 85 ได้เบี้ยเดือนละเท่าไหร่"),
        (("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "ถ้า 4 ล่ะ"), "ใบขับขี่หมดอายุ 4 เดือน ต้องสอบไหม"),
        # a new income, in the earlier question's words
        (("เงินเดือน 9000 โสด ต้องยื่นภาษีไหม", "แล้วถ้าเงินเดือน 30000 ล่ะ"), "เงินเดือน30000โสดต้องยื่นภาษีไหม"),
        (("รายได้ปีละ 150,000 ลงบัตรคนจนได้ไหม", "ถ้ารายได้ 80,000 ล่ะ"), "รายได้ปีละ80,000ลงบัตรคนจนได้ไหม"),
        # a new figure for another subject of the same rule
        (
            ("ต่อภาษีรถเก๋งอายุ 8 ปี ต้องตรวจสภาพที่ ตรอ. ไหม", "แล้วถ้าเป็นมอไซค์ 3 ปีล่ะ"),
            "ต่อภาษีมอไซค์อายุ 3ปี ต้องตรวจสภาพที่ ตรอ. ไหม",
        ),
        # a chain of what-ifs keeps the first question
        (
            ("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "แล้วถ้า 2 ปีล่ะ", "แล้ว 5 ปีล่ะ"),
            "ใบขับขี่หมดอายุ 5ปี ต้องสอบไหม",
        ),
    ],
)
def test_a_new_figure_re_asks_the_question(history: tuple[str, ...], expected: str) -> None:
    assert with_new_figure(history[-1], said(*history)) == expected


@pytest.mark.parametrize(
    "history",
    [
        # words of its own: a question of its own
        ("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "ถ้าลูกอายุ 8 ขวบต้องทำบัตรไหม"),
        # another kind of figure (an age after a duration)
        ("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "แล้วถ้าอายุ 70 ล่ะ"),
        # a bare number without a what-if ("85" alone could be anything)
        ("แม่อายุ 72 ได้เบี้ยเดือนละเท่าไหร่", "85"),
        # no earlier figure to replace
        ("ใบขับขี่หาย ทำไง", "แล้วถ้า 2 ปีล่ะ"),
        # a button press is no question of the citizen's
        ('/ask_service{"service_id":"driving_license_renewal"}', "แล้วถ้า 2 ปีล่ะ"),
        # a full question with a figure stays as it is
        ("ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "ใบขับขี่รถจักรยานยนต์หมดอายุไปแล้ว 2 ปีต้องทำยังไงบ้างคะ"),
    ],
)
def test_other_messages_are_left_alone(history: tuple[str, ...]) -> None:
    assert with_new_figure(history[-1], said(*history)) == history[-1]


def test_a_bare_next_step_carries_the_previous_message() -> None:
    history = ("ทะเบียนโดนระงับแล้วใช่ไหม", "ต้องทำไงต่อ")
    assert with_context(history[-1], said(*history)) == "ทะเบียนโดนระงับแล้วใช่ไหม ต้องทำไงต่อ"
    assert with_context("ต้องใช้เอกสารอะไรบ้างคะ", said("บัตรหาย", "ต้องใช้เอกสารอะไรบ้างคะ")) == (
        "ต้องใช้เอกสารอะไรบ้างคะ"
    )


def test_another_subject_alone_re_asks_the_question_about_it() -> None:
    history = ("อายุ 17 ทำใบขับขี่รถยนต์ได้ยัง", "แล้วถ้ามอไซค์ล่ะ")
    assert with_new_subject(history[-1], said(*history)) == "อายุ 17 ทำใบขับขี่มอไซค์ได้ยัง"
    # a word of its own is a question of its own
    history = ("ต่อภาษีรถยนต์ค่ะ", "แล้วถ้ามอไซค์หายล่ะ")
    assert with_new_subject(history[-1], said(*history)) == history[-1]
    # no earlier subject to swap
    history = ("ทำพาสปอร์ตค่ะ", "แล้วมอไซค์ล่ะ")
    assert with_new_subject(history[-1], said(*history)) == history[-1]

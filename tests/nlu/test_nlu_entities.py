"""nlu.entities: phones, national ids and case references, with offsets into what was typed."""

import pytest
from thai_id_builders import bad_citizen_id, citizen_id, to_thai_digits

from nlu.case_ref import make_case_ref
from nlu.entities import CASE_ID, CITIZEN_ID, PHONE, Entity, find_entities

VALID_ID = citizen_id("110170023070")
BAD_ID = bad_citizen_id("110170023070")
CASE = make_case_ref("CM", 2569, 1234567)


def only(text: str) -> Entity:
    found = find_entities(text)
    assert len(found) == 1, found
    entity = found[0]
    # The span is exactly what the citizen typed, and Entity.text repeats it.
    assert text[entity.start : entity.end] == entity.text
    return entity


@pytest.mark.parametrize(
    ("typed", "number", "value"),
    [
        ("โทร 0812345678 ครับ", "0812345678", "+66812345678"),
        ("เบอร์081-234-5678ค่ะ", "081-234-5678", "+66812345678"),
        ("081 234 5678", "081 234 5678", "+66812345678"),
        ("06.1234.5678", "06.1234.5678", "+66612345678"),
        ("ติดต่อ 09-1234-5678 นะ", "09-1234-5678", "+66912345678"),
        ("+66812345678", "+66812345678", "+66812345678"),
        ("+66 81 234 5678", "+66 81 234 5678", "+66812345678"),
        ("66812345678", "66812345678", "+66812345678"),
        ("+66 (0)81-234-5678", "+66 (0)81-234-5678", "+66812345678"),
        ("สำนักงาน 02-123-4567", "02-123-4567", "+6621234567"),
        ("021234567", "021234567", "+6621234567"),
        ("053-123-456 เชียงใหม่", "053-123-456", "+6653123456"),
        ("+66 53 123 456", "+66 53 123 456", "+6653123456"),
    ],
)
def test_phone_forms(typed: str, number: str, value: str) -> None:
    entity = only(typed)
    assert (entity.entity, entity.text, entity.value) == (PHONE, number, value)


def test_phone_in_thai_digits_with_zero_width_chars() -> None:
    typed = f"เบอร์{to_thai_digits('081')}\u200b-{to_thai_digits('234-5678')}ค่ะ"
    entity = only(typed)
    assert entity.value == "+66812345678"
    assert entity.text == typed[len("เบอร์") : -len("ค่ะ")]


@pytest.mark.parametrize(
    "typed",
    [
        "08123456789",
        "012345678",
        "0812345",
        "ราคา 1500 บาท",
        "ปี 2566",
        "191",
        "1-0812345678",
        "08123456780812345678",
    ],
)
def test_not_phones(typed: str) -> None:
    assert [e for e in find_entities(typed) if e.entity == PHONE] == []


@pytest.mark.parametrize(
    "typed",
    [
        VALID_ID,
        f"{VALID_ID[0]}-{VALID_ID[1:5]}-{VALID_ID[5:10]}-{VALID_ID[10:12]}-{VALID_ID[12]}",
        f"{VALID_ID[0]} {VALID_ID[1:5]} {VALID_ID[5:10]} {VALID_ID[10:12]} {VALID_ID[12]}",
        to_thai_digits(VALID_ID),
    ],
)
def test_citizen_id_forms(typed: str) -> None:
    entity = only(f"เลขบัตร {typed} ครับ")
    assert (entity.entity, entity.value, entity.text) == (CITIZEN_ID, VALID_ID, typed)


def test_citizen_id_failing_checksum_is_not_an_entity_and_not_a_phone() -> None:
    assert find_entities(f"เลขบัตร {BAD_ID}") == []


def test_citizen_id_starting_with_zero_is_invalid() -> None:
    zero_first = citizen_id("012345678901")
    assert find_entities(zero_first) == []


def test_longer_digit_runs_yield_nothing() -> None:
    assert find_entities(VALID_ID + "5") == []
    assert find_entities("12345678901234567890") == []


def test_id_and_phone_side_by_side() -> None:
    typed = f"0812345678 {VALID_ID}"
    found = find_entities(typed)
    assert [(e.entity, e.text) for e in found] == [(PHONE, "0812345678"), (CITIZEN_ID, VALID_ID)]


@pytest.mark.parametrize(
    "typed", [CASE, CASE.lower(), CASE.replace("-", ""), CASE.replace("-", " "), to_thai_digits(CASE.lower())]
)
def test_case_id_forms(typed: str) -> None:
    entity = only(f"ติดตามเรื่อง{typed}ครับ")
    assert (entity.entity, entity.value, entity.text) == (CASE_ID, CASE, typed)
    assert entity.attributes["check"] == "valid"
    assert entity.to_rasa()["check"] == "valid"


def test_case_id_with_wrong_check_digit_is_flagged() -> None:
    typo = CASE[:-1] + str((int(CASE[-1]) + 1) % 10)
    entity = only(f"เรื่อง {typo}")
    assert entity.value == typo
    assert entity.attributes["check"] == "bad_check"


def test_case_digits_never_become_a_phone() -> None:
    ref = make_case_ref("AP", 2566, 812345)  # AP66-0812-345x: "66 0812345..." must not be a phone
    assert [e.entity for e in find_entities(ref)] == [CASE_ID]


def test_unknown_prefix_is_not_a_case() -> None:
    assert find_entities("XY69-1234-5675") == []


@pytest.mark.parametrize(
    "typed", ["", "😀😀😀", "!!!???", "\u200b\u200c", "สวัสดีครับ", "hello world", "555555", "มากกกกก"]
)
def test_nothing_to_find(typed: str) -> None:
    assert find_entities(typed) == []


def test_long_text_with_entities_at_the_end() -> None:
    typed = "ก" * 4960 + " โทร 0812345678 " + CASE
    found = find_entities(typed)
    assert [e.entity for e in found] == [PHONE, CASE_ID]
    assert [typed[e.start : e.end] for e in found] == ["0812345678", CASE]


def test_mixed_thai_english_sentence() -> None:
    typed = f"Hi ครับ my phone is +66 81-234-5678, case {CASE} และบัตร {VALID_ID} thanks!"
    found = find_entities(typed)
    assert [(e.entity, typed[e.start : e.end]) for e in found] == [
        (PHONE, "+66 81-234-5678"),
        (CASE_ID, CASE),
        (CITIZEN_ID, VALID_ID),
    ]

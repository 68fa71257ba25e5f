"""nlu.pii.mask: ids vanish, phones keep their last four digits, nothing else changes."""

import pytest
from thai_id_builders import bad_citizen_id, citizen_id, to_thai_digits

from nlu.case_ref import make_case_ref
from nlu.pii import CITIZEN_ID_MASK, mask

VALID_ID = citizen_id("310100123456")


@pytest.mark.parametrize(
    "typed_id",
    [
        VALID_ID,
        bad_citizen_id("310100123456"),  # a typo'd id is still somebody's id
        f"{VALID_ID[0]}-{VALID_ID[1:5]}-{VALID_ID[5:10]}-{VALID_ID[10:12]}-{VALID_ID[12]}",
        to_thai_digits(VALID_ID),
        VALID_ID[:6] + "\u200b" + VALID_ID[6:],
        "12345678901234567",
    ],
)
def test_ids_are_replaced_entirely(typed_id: str) -> None:
    masked = mask(f"เลขบัตรผม {typed_id} ครับ")
    assert masked == f"เลขบัตรผม {CITIZEN_ID_MASK} ครับ"
    assert not any(d in masked for d in VALID_ID[1:])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("โทร 0812345678 นะ", "โทร xxxxxx5678 นะ"),
        ("081-234-5678", "xxx-xxx-5678"),
        ("+66 81 234 5678", "+xx xx xxx 5678"),
        ("02-123-4567", "xx-xxx-4567"),
        (to_thai_digits("0812345678"), "xxxxxx" + to_thai_digits("5678")),
    ],
)
def test_phones_keep_last_four(typed: str, expected: str) -> None:
    assert mask(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "สวัสดีครับ 😀", "ราคา 1,500 บาท ปี 2566", make_case_ref("CM", 2569, 7), "555555", "!!!"],
)
def test_everything_else_is_untouched(typed: str) -> None:
    assert mask(typed) == typed


def test_mixed_message() -> None:
    typed = f"ID {VALID_ID} tel 0891112222 เรื่อง {make_case_ref('AP', 2569, 3)}"
    masked = mask(typed)
    assert masked == f"ID {CITIZEN_ID_MASK} tel xxxxxx2222 เรื่อง {make_case_ref('AP', 2569, 3)}"


def test_long_text() -> None:
    typed = ("ข้อความ " * 700)[:4980] + " 0812345678"
    masked = mask(typed)
    assert masked.endswith(" xxxxxx5678")
    assert len(masked) == len(typed)

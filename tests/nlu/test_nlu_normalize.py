"""nlu.normalize: what gets normalised, and that every offset still points at what was typed."""

import pytest
from pythainlp.util import normalize as pythainlp_normalize

from nlu.normalize import normalize, normalize_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
        ("ขอ\u200bบ\u200cคุ\u200dณ\u2060ครับ\ufeff", "ขอบคุณครับ"),
        ("บัตร\u00adประชาชน", "บัตรประชาชน"),
        ("มากกกกก", "มาก"),
        ("ครับบบบ", "ครับ"),
        ("sooooo good", "so good"),
        ("เเปลก", "แปลก"),
        ("ดีีีี", "ดี"),
        ("นานาาา", "นานา"),
        ("ขอออนไลน์ได้ไหม", "ขอออนไลน์ได้ไหม"),  # ขอ | ออนไลน์: two words, not emphasis
        ("รอออกบัตรนานไหม", "รอออกบัตรนานไหม"),
        ("ขออออนไลน์", "ขอออนไลน์"),
        ("ขอออออ", "ขอ"),
        ("  สวัสดี   ค่ะ  ", "สวัสดี ค่ะ"),
        ("", ""),
    ],
)
def test_normalises(typed: str, expected: str) -> None:
    assert normalize_text(typed) == expected


@pytest.mark.parametrize("digits", ["555555", "0800555555", "1111111111111", "๕๕๕๕๕"])
def test_digits_are_never_collapsed(digits: str) -> None:
    assert len(normalize_text(digits)) == len(digits)


@pytest.mark.parametrize(
    "typed",
    ["เเปลก", "นานาาา", "ดีีีี", "ก่่่าา", "  ่สวัสดี  ค่ะ  ", "น้ำ", "ทำา", "พ ุ่มดอกไม้", "ภาษาไทย\u200bง่ายนิดเดียว"],
)
def test_agrees_with_pythainlp_on_thai_text(typed: str) -> None:
    # Our tracked re-implementation must give the same string as PyThaiNLP's normalize.
    assert normalize_text(typed) == pythainlp_normalize(typed)


def test_every_normalised_character_maps_into_the_original() -> None:
    typed = "โทร ๐๘๑-๒๓๔-๕๖๗๘ ค่าาา\u200b มากกกก 😀"
    result = normalize(typed)
    assert result.original == typed
    assert len(result.spans) == len(result.text)
    for (start, end), ch in zip(result.spans, result.text, strict=True):
        assert 0 <= start < end <= len(typed)
        if ch.isdigit():
            assert typed[start:end] in "0123456789๐๑๒๓๔๕๖๗๘๙" and typed[start:end]


def test_original_span_covers_exactly_what_was_typed() -> None:
    typed = "เบอร์ ๐๘\u200b๑-๒๓๔-๕๖๗๘ นะคะะะ"
    result = normalize(typed)
    start = result.text.index("081")
    end = start + len("081-234-5678")
    assert result.text[start:end] == "081-234-5678"
    s, e = result.original_span(start, end)
    assert typed[s:e] == "๐๘\u200b๑-๒๓๔-๕๖๗๘"


def test_collapsed_run_maps_back_to_the_whole_run() -> None:
    typed = "ดีมากกกกกครับ"
    result = normalize(typed)
    start = result.text.index("มาก")
    s, e = result.original_span(start, start + 3)
    assert typed[s:e] == "มากกกกก"


def test_empty_range_and_bounds() -> None:
    result = normalize("abc")
    assert result.original_span(1, 1) == (1, 1)
    assert result.original_span(3, 3) == (3, 3)
    with pytest.raises(ValueError):
        result.original_span(2, 5)


@pytest.mark.parametrize("typed", ["😀😀😀", "!!!???...", "\u200b\u200b", "   "])
def test_emoji_punctuation_and_invisible_only(typed: str) -> None:
    result = normalize(typed)
    assert len(result.spans) == len(result.text)
    assert "\u200b" not in result.text


def test_long_text_is_handled() -> None:
    typed = ("ขอสอบถามเรื่องทะเบียนบ้านค่ะ " * 200)[:5000]
    result = normalize(typed)
    assert 0 < len(result.text) <= 5000
    assert result.original_span(0, len(result.text)) == (0, len(typed.rstrip()))

"""nlu.tokenize: newmm with domain words, and offsets that index the original text."""

import pytest
from thai_id_builders import citizen_id, to_thai_digits

from nlu.case_ref import make_case_ref
from nlu.entities import find_entities
from nlu.tokenize import dictionary_trie, load_domain_words, tokenize


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def assert_offsets_valid(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end <= len(text)
        assert text[token.start : token.end].strip(), token
        previous_end = token.end


def test_domain_dictionary_has_enough_entries() -> None:
    domain = load_domain_words()
    assert len(domain) >= 100
    assert {"ทะเบียนบ้าน", "ใบขับขี่", "บัตรสวัสดิการ", "กรมการปกครอง", "ที่ว่าการอำเภอ"} <= domain


def test_trie_is_built_once() -> None:
    assert dictionary_trie() is dictionary_trie()


@pytest.mark.parametrize(
    "word",
    [
        "ทะเบียนบ้าน",
        "ใบขับขี่",
        "บัตรสวัสดิการ",
        "บัตรประชาชน",
        "หนังสือเดินทาง",
        "ประกันสังคม",
        "กรมการปกครอง",
        "สำนักงานเขต",
        "ที่ว่าการอำเภอ",
        "พาสปอร์ต",
    ],
)
def test_domain_words_stay_whole(word: str) -> None:
    assert word in words(f"อยากสอบถามเรื่อง{word}หน่อยครับ")


def test_text_without_spaces() -> None:
    assert words("ขอทำบัตรประชาชนใหม่ที่สำนักงานเขตได้ไหมคะ") == [
        "ขอ",
        "ทำ",
        "บัตรประชาชน",
        "ใหม่",
        "ที่",
        "สำนักงานเขต",
        "ได้",
        "ไหม",
        "คะ",
    ]


def test_no_whitespace_tokens() -> None:
    text = "  สวัสดี \t ครับ \n hello   world  "
    assert words(text) == ["สวัสดี", "ครับ", "hello", "world"]
    assert_offsets_valid(text)


def test_thai_mixed_with_english() -> None:
    assert words("Passportหายครับ renew ได้ไหม") == ["Passport", "หาย", "ครับ", "renew", "ได้", "ไหม"]


def test_emoji_and_punctuation_are_tokens() -> None:
    assert words("ขอบคุณ!!😀👍🏽") == ["ขอบคุณ", "!", "!", "😀", "👍🏽"]


def test_offsets_point_into_original_after_normalisation() -> None:
    text = "ขอบคุณมากกกกก\u200bครับบบ เบอร์ ๐๘๑-๒๓๔-๕๖๗๘"
    tokens = tokenize(text)
    originals = [text[t.start : t.end] for t in tokens]
    assert originals == ["ขอบคุณ", "มากกกกก", "ครับบบ", "เบอร์", "๐๘๑", "-", "๒๓๔", "-", "๕๖๗๘"]
    assert [t.text for t in tokens][4] == "081"
    assert_offsets_valid(text)


@pytest.mark.parametrize(
    "text",
    [
        "โทร0812345678ครับ",
        "ติดต่อ +66 81 234 5678 นะ",
        f"เลขบัตร{citizen_id('110170023070')}ค่ะ",
        "เรื่องcm6912345675ค่ะ",
        "เบอร์06.1234.5678ค่ะ",
        f"ติดตาม{make_case_ref('AP', 2569, 99)}หน่อย",
        to_thai_digits("โทร 02-123-4567"),
    ],
)
def test_entity_spans_fall_on_token_boundaries(text: str) -> None:
    tokens = tokenize(text)
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    entities = find_entities(text)
    assert entities
    for entity in entities:
        assert entity.start in starts and entity.end in ends, (entity, tokens)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200d"])
def test_empty_inputs(text: str) -> None:
    assert tokenize(text) == []


@pytest.mark.parametrize("text", ["😀😀😀", "!!!...???", "555555"])
def test_symbol_only_inputs(text: str) -> None:
    assert tokenize(text)
    assert_offsets_valid(text)


def test_five_thousand_characters() -> None:
    text = ("ขอสอบถามเรื่องทะเบียนบ้านค่ะ hello 123 " * 200)[:5000]
    tokens = tokenize(text)
    assert len(tokens) > 500
    assert tokens[-1].end <= 5000
    assert_offsets_valid(text)

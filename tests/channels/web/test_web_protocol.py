"""Frame parsing at the socket boundary: every bad input becomes a named error, good Thai passes intact."""

from __future__ import annotations

import json

import pytest

from channels.web.protocol import (
    ERROR_TEXT,
    ChatMessage,
    FrameError,
    Hello,
    Ping,
    clean_text,
    error_frame,
    parse_frame,
)


def parse(frame: object, max_text_chars: int = 1000) -> object:
    raw = frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False)
    return parse_frame(raw, max_bytes=16 * 1024, max_text_chars=max_text_chars)


def code_of(frame: object, **kw: int) -> str:
    with pytest.raises(FrameError) as info:
        parse(frame, **kw)
    return info.value.code


def test_hello_with_and_without_token() -> None:
    assert parse({"type": "hello", "session": "abc.def"}) == Hello("abc.def")
    assert parse({"type": "hello"}) == Hello(None)
    assert parse({"type": "hello", "session": 42}) == Hello(None)
    assert parse({"type": "ping"}) == Ping()


@pytest.mark.parametrize(
    "text",
    ["ทำบัตรประชาชนใหม่ใช้อะไรบ้าง", "เลขที่คำร้อง ๑๒๓๔๕", "ขอ passport ใหม่ค่ะ", "👍🙏", "ค่าธรรมเนียม\nกี่บาท"],
)
def test_thai_digits_emoji_and_mixed_text_pass_unchanged(text: str) -> None:
    message = parse({"type": "message", "id": "a1", "text": text})
    assert message == ChatMessage("a1", text=text)


def test_zero_width_characters_are_removed() -> None:
    message = parse({"type": "message", "id": "a1", "text": "\u200bทำ\u200bบัตร\u200d\ufeff"})
    assert isinstance(message, ChatMessage)
    assert message.text == "ทำบัตร"


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\ufeff \u200c\n", "\x00\x07"])
def test_empty_or_invisible_text_is_refused(text: str) -> None:
    assert code_of({"type": "message", "id": "a1", "text": text}) == "empty"


def test_too_long_text_is_refused_with_its_id() -> None:
    with pytest.raises(FrameError) as info:
        parse({"type": "message", "id": "a1", "text": "ก" * 1001})
    assert (info.value.code, info.value.message_id) == ("too_long", "a1")
    assert isinstance(parse({"type": "message", "id": "a1", "text": "ก" * 1000}), ChatMessage)


def test_5000_characters_are_refused() -> None:
    assert code_of({"type": "message", "id": "a1", "text": "ทดสอบ" * 1000}) == "too_long"


def test_oversized_frame_is_refused_before_json_parsing() -> None:
    with pytest.raises(FrameError) as info:
        parse_frame("{" * 20000, max_bytes=16 * 1024, max_text_chars=1000)
    assert info.value.code == "too_large"
    # Thai is 3 bytes per character in UTF-8: the byte limit counts bytes, not characters.
    with pytest.raises(FrameError):
        parse_frame(
            json.dumps({"type": "message", "id": "a", "text": "ก" * 6000}, ensure_ascii=False),
            max_bytes=16 * 1024,
            max_text_chars=10_000,
        )


@pytest.mark.parametrize(
    "raw", ["not json", "{", "[1,2", "", '"just a string"', "[]", "null", "[" * 5000 + "]" * 5000]
)
def test_malformed_json(raw: str) -> None:
    assert code_of(raw) in {"bad_json", "bad_frame"}


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "nope"},
        {"no": "type"},
        {"type": "message", "id": "a1", "text": 5},
        {"type": "message", "id": "a1", "text": ["x"]},
    ],
)
def test_wrong_shapes(frame: dict) -> None:
    assert code_of(frame) == "bad_frame"


@pytest.mark.parametrize("message_id", [None, "", "a b", "x" * 65, "ก", 12, "../etc", "a#0"])
def test_bad_client_ids(message_id: object) -> None:
    assert code_of({"type": "message", "id": message_id, "text": "สวัสดี"}) == "bad_id"


def test_button_payload_with_title() -> None:
    message = parse(
        {"type": "message", "id": "b1", "payload": '/ask_service{"service_id":"id_card"}', "title": "ทำบัตร"}
    )
    assert message == ChatMessage("b1", payload='/ask_service{"service_id":"id_card"}', title="ทำบัตร")
    assert message.shown == "ทำบัตร"


@pytest.mark.parametrize("payload", ["", "\u200b", 7, "/" + "x" * 600])
def test_bad_payloads(payload: object) -> None:
    assert code_of({"type": "message", "id": "b1", "payload": payload}) == "bad_payload"


def test_clean_text_keeps_thai_combining_marks() -> None:
    assert clean_text("  น้ำ ผู้ใหญ่ กิ๊ก  ") == "น้ำ ผู้ใหญ่ กิ๊ก"


def test_every_error_has_thai_text() -> None:
    for code in ERROR_TEXT:
        frame = error_frame(code, "a1", retry_after=2.04)
        assert frame["message"] and frame["id"] == "a1" and frame["retry_after"] == 2.0
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in frame["message"])

"""The web chat socket's JSON protocol: frame checking and text cleaning, free of any I/O.

The browser never talks to Rasa: it sends only the frames below, and everything it receives is
built here from channel-neutral messages.

Browser -> gateway
    {"type": "hello", "session": "<token>" | null}
        First frame on every connection. A missing, made-up or tampered token gets a new session.
    {"type": "message", "id": "<client message id>", "text": "…"}
    {"type": "message", "id": "<client message id>", "payload": "/intent{…}", "title": "…"}
        A typed message, or a quick-reply button (title is what the citizen saw and is shown in the
        transcript). The id ([A-Za-z0-9_-], at most 64) is made by the browser and kept across
        resends: the same id is processed once and a resend is answered from the transcript.
    {"type": "ping"}

Gateway -> browser
    {"type": "session", "session": "<token>", "new": bool, "max_chars": int}
                                                               answer to hello; keep the token
    {"type": "history", "entries": [entry, …]}                 the transcript so far, oldest first
    {"type": "ack", "id": "<client id>", "duplicate": bool}    stored and queued (or known already);
                                                               the widget shows "typing" until the answer
    {"type": "typing", "on": bool}                             the worker has started on an answer
    {"type": "user", "entry": entry}                           this session's message, sent from another tab
    {"type": "bot", "reply_to": "<client id>", "entries": [entry, …]}   the bot's answer
    {"type": "error", "code": "…", "message": "<Thai text for the citizen>", "id"?: …, "retry_after"?: s}
    {"type": "pong"}

    entry = {"id", "role": "user"|"bot", "text", "buttons": [{"title", "payload"}], "image"?,
             "reply_to", "ts"}

Error codes: bad_json, bad_frame, too_large, hello_first, bad_id, empty, too_long, bad_payload
(the message is refused for good), rate_limited and unavailable (the widget keeps the message and
sends it again after `retry_after` seconds), session_expired (after "session" and "history", when
hello presented a genuine but expired token: the socket has a new session; the old one is not shown).
A "session" frame may carry a fresh token for the same session (rotation): the widget just keeps it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from channels.text_input import json_too_deep, sanitize_text

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PAYLOAD_CHARS = 500
MAX_TITLE_CHARS = 200


ERROR_TEXT: dict[str, str] = {
    "bad_json": "ข้อความที่ส่งมาอ่านไม่ได้ กรุณาลองใหม่",
    "bad_frame": "รูปแบบข้อความไม่ถูกต้อง",
    "too_large": "ข้อความยาวเกินไป",
    "hello_first": "กรุณาเชื่อมต่อใหม่อีกครั้ง",
    "bad_id": "รหัสข้อความไม่ถูกต้อง กรุณาโหลดหน้านี้ใหม่",
    "empty": "กรุณาพิมพ์ข้อความก่อนส่ง",
    "too_long": "ข้อความยาวเกินไป กรุณาแบ่งส่งเป็นหลายข้อความ",
    "bad_payload": "ตัวเลือกนี้ใช้ไม่ได้แล้ว กรุณาพิมพ์คำถามแทน",
    "rate_limited": "ส่งข้อความถี่เกินไป ระบบจะส่งให้อีกครั้งในไม่ช้า",
    "unavailable": "ระบบไม่ว่างชั่วคราว ระบบจะส่งให้อีกครั้งในไม่ช้า",
    "session_expired": "การสนทนาเดิมหมดอายุแล้ว เพื่อความปลอดภัย ระบบเริ่มการสนทนาใหม่ให้ค่ะ",
}


class FrameError(Exception):
    """A frame the gateway refuses; `code` is one of ERROR_TEXT's keys."""

    def __init__(self, code: str, message_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message_id = message_id


def clean_text(text: str) -> str:
    """What the bot should see of a typed message: NFC, no invisible or control characters, trimmed.

    Thai digits (๑๒๓), emoji and mixed Thai/English pass through unchanged; the NLU normalises
    digits itself and the original text stays in the transcript.
    """
    return sanitize_text(text, drop_invisible=True).strip()


@dataclass(frozen=True, slots=True)
class Hello:
    token: str | None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    id: str
    text: str | None = None
    payload: str | None = None
    title: str | None = None

    @property
    def shown(self) -> str:
        """The text the citizen sees in the transcript for this message."""
        return self.text if self.text is not None else (self.title or self.payload or "")


@dataclass(frozen=True, slots=True)
class Ping:
    pass


Frame = Hello | ChatMessage | Ping


def parse_frame(raw: str, *, max_bytes: int, max_text_chars: int) -> Frame:
    """One text frame from the browser -> a typed frame, or FrameError with a reason to show."""
    if len(raw) > max_bytes or len(raw.encode("utf-8")) > max_bytes:
        raise FrameError("too_large")
    if json_too_deep(raw):
        raise FrameError("bad_json")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise FrameError("bad_json") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame")
    kind = data.get("type")
    if kind == "hello":
        token = data.get("session")
        return Hello(token if isinstance(token, str) else None)
    if kind == "ping":
        return Ping()
    if kind != "message":
        raise FrameError("bad_frame")
    return _parse_message(data, max_text_chars)


def _parse_message(data: dict[str, Any], max_text_chars: int) -> ChatMessage:
    message_id = data.get("id")
    if not isinstance(message_id, str) or not CLIENT_ID.match(message_id):
        raise FrameError("bad_id")
    text, payload = data.get("text"), data.get("payload")
    if payload is not None:
        if not isinstance(payload, str):
            raise FrameError("bad_payload", message_id)
        payload = clean_text(payload)
        if not payload or len(payload) > MAX_PAYLOAD_CHARS:
            raise FrameError("bad_payload", message_id)
        title = data.get("title")
        title = clean_text(title)[:MAX_TITLE_CHARS] if isinstance(title, str) else None
        return ChatMessage(message_id, payload=payload, title=title or None)
    if not isinstance(text, str):
        raise FrameError("empty" if text is None else "bad_frame", message_id)
    if len(text) > max_text_chars * 2:  # refuse before cleaning a huge string
        raise FrameError("too_long", message_id)
    text = clean_text(text)
    if not text:
        raise FrameError("empty", message_id)
    if len(text) > max_text_chars:
        raise FrameError("too_long", message_id)
    return ChatMessage(message_id, text=text)


def error_frame(code: str, message_id: str | None = None, retry_after: float | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "error",
        "code": code,
        "message": ERROR_TEXT.get(code, ERROR_TEXT["bad_frame"]),
    }
    if message_id is not None:
        frame["id"] = message_id
    if retry_after is not None:
        frame["retry_after"] = round(retry_after, 1)
    return frame

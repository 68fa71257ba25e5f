"""Shape the bot's answers for SMS: plain text, numbered options, within a segment budget.

Thai needs UCS-2: 70 UTF-16 units fit one SMS, 67 per part of a long one, an emoji costs two units.
Segments are counted with `smsutil` (the library a gateway operator would use to bill), not by hand.
What does not fit the budget waits in the store and is offered as "ตอบ 1 เพื่ออ่านต่อ".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import smsutil

from channels.messages import Button, Outbound

MORE_FOOTER = "ตอบ 1 เพื่ออ่านต่อ"
MAX_OPTIONS = 9  # one digit to answer


def segments(text: str) -> int:
    """Number of SMS parts the text costs (0 for an empty text)."""
    if not text:
        return 0
    return len(smsutil.split(text).parts)


_MARKUP = [
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"__(.+?)__"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)"), r"\1 \2"),
    (re.compile(r"<[^>]+>"), ""),
]


def plain(text: str) -> str:
    """Strip the light markup Rasa responses may carry (bold, links, tags); SMS shows it literally."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return re.sub(r"[ \t]+\n", "\n", text).strip()


@dataclass(frozen=True, slots=True)
class SmsReply:
    text: str  # what is sent now
    options: tuple[Button, ...] = ()  # what the digits in `text` mean
    rest: str = ""  # text still to send after "ตอบ 1 เพื่ออ่านต่อ"
    rest_options: tuple[Button, ...] = field(default=())


def compose(answers: Sequence[Outbound]) -> tuple[str, tuple[Button, ...]]:
    """One plain text with numbered options at the end."""
    parts: list[str] = []
    buttons: list[Button] = []
    for answer in answers:
        if answer.text and answer.text.strip():
            parts.append(plain(answer.text))
        elif answer.custom and isinstance(answer.custom.get("sms"), str):
            parts.append(plain(answer.custom["sms"]))
        for button in answer.buttons:
            if button not in buttons and not button.payload.startswith(("http://", "https://")):
                buttons.append(button)
    options = tuple(buttons[:MAX_OPTIONS])
    text = "\n".join(parts)
    if options:
        lines = [f"{i}) {plain(b.title)}" for i, b in enumerate(options, start=1)]
        text = (text + "\n" if text else "") + "ตอบเลข:\n" + "\n".join(lines)
    return text, options


def _safe_cut(text: str, index: int) -> int:
    """Move a cut left so it never splits a Thai vowel/tone mark or a surrogate from its base."""
    while 0 < index < len(text) and (
        unicodedata.combining(text[index]) or unicodedata.category(text[index]) == "Mn"
    ):
        index -= 1
    window = text.rfind("\n", max(0, index - 40), index)
    if window <= 0:
        window = text.rfind(" ", max(0, index - 20), index)
    return window if window > 0 else index


def fit(text: str, options: tuple[Button, ...], budget: int) -> SmsReply:
    """Cut `text` to `budget` segments, keeping room for the read-more footer when it does not fit."""
    if segments(text) <= budget:
        return SmsReply(text=text, options=options)
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits together with the footer
        middle = (low + high + 1) // 2
        if segments(text[:middle].rstrip() + "\n" + MORE_FOOTER) <= budget:
            low = middle
        else:
            high = middle - 1
    cut = _safe_cut(text, low)
    head, rest = text[:cut].rstrip(), text[cut:].lstrip()
    return SmsReply(text=f"{head}\n{MORE_FOOTER}", options=(), rest=rest, rest_options=options)

"""A staff reply cut into what its channel can carry, never shortened.

Case notices are shortened to fit (the citizen can look the case up); a staff reply cannot be: a person
wrote every word for this citizen. So a long reply (the console allows 2,000 characters) is split at
word boundaries (pythainlp's dictionary tokenizer: Thai has no spaces between words) into:
- LINE: text messages of at most 5,000 characters, at most 5 per push (one push, one retry key);
- SMS: several texts, each within the adapter's segment budget (`DirectSender.segment_budget`),
  numbered "(1/3) " because phones may show separate texts out of order; at most `MAX_SMS_PARTS`
  texts — a reply that needs more is refused with a reason the inbox shows, never cut;
- web chat (and any channel without a rule here): one message as written.
`TooLong` carries the reason; the delivery worker records it on the row (delivery_state "failed").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from channels.line.render import MAX_MESSAGES as LINE_MAX_MESSAGES
from channels.line.render import MAX_TEXT_CHARS as LINE_MAX_TEXT_CHARS
from channels.sms.render import segments

MAX_SMS_PARTS = 20  # a 2,000-character Thai reply needs 11-12 at the default budget of 3 segments


class TooLong(ValueError):
    """The reply cannot be carried by this channel without cutting it; the message says why."""


@dataclass(frozen=True, slots=True)
class TextLimit:
    """A chat channel's rule: characters per message and messages per send."""

    max_chars: int
    max_messages: int


# Chat channels with a per-message limit, by channel name (an explicit registry; SMS is ruled by its
# sender's segment budget instead, web chat has no limit a staff reply can reach).
TEXT_LIMITS: dict[str, TextLimit] = {"line": TextLimit(LINE_MAX_TEXT_CHARS, LINE_MAX_MESSAGES)}


@cache
def _tokenizer() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    return lambda text: word_tokenize(text, engine="newmm", keep_whitespace=True)


def words(text: str) -> list[str]:
    """Words and the whitespace between them; joined they give `text` back exactly."""
    return [w for w in _tokenizer()(text) if w]


def _hard_cut(word: str, fits: Callable[[str], bool]) -> tuple[str, str]:
    """The longest head of an over-long word that fits, never separating a Thai vowel or tone mark
    (or any combining mark) from its base character."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    while 1 < low < len(word) and unicodedata.category(word[low]) == "Mn":
        low -= 1
    return word[:low], word[low:]


def pack(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy: as many whole words per part as `fits` allows; parts keep their inner whitespace and
    lose only the whitespace at a cut."""
    parts: list[str] = []
    current = ""
    pending = words(text.strip())
    pending.reverse()
    while pending:
        word = pending.pop()
        if fits(current + word):
            current += word
            continue
        if current.strip():
            parts.append(current.strip())
            current = ""
            if not word.isspace():
                pending.append(word)
            continue
        if word.isspace():
            continue
        head, tail = _hard_cut(word, fits)
        parts.append(head)
        if tail:
            pending.append(tail)
    if current.strip():
        parts.append(current.strip())
    return parts


def numbered(index: int, total: int, text: str) -> str:
    return f"({index}/{total}) {text}" if total > 1 else text


def _sms_fits(reserved: int, budget: int) -> Callable[[str], bool]:
    room = "x" * reserved  # the numbering's characters: one UCS-2 unit each, like Thai

    def fits(part: str) -> bool:
        return segments(room + part) <= budget

    return fits


def split_sms(text: str, budget: int, max_parts: int = MAX_SMS_PARTS) -> list[str]:
    """Texts of at most `budget` segments each, numbered when there are several; TooLong beyond
    `max_parts`."""
    if segments(text) <= budget:
        return [text]
    total = 9
    while True:  # reserve room for the numbering; its width depends on the count
        parts = pack(text, _sms_fits(len(numbered(total, total, "")), budget))
        if len(str(len(parts))) <= len(str(total)):
            break
        total = len(parts)
    if len(parts) > max_parts:
        raise TooLong(f"too long for SMS: {len(parts)} texts of {budget} segments (at most {max_parts})")
    return [numbered(i, len(parts), part) for i, part in enumerate(parts, start=1)]


def split_chat(text: str, limit: TextLimit) -> list[str]:
    """Messages of at most `limit.max_chars`; TooLong when more than one send can carry."""
    if len(text) <= limit.max_chars:
        return [text]
    parts = pack(text, lambda part: len(part) <= limit.max_chars)
    if len(parts) > limit.max_messages:
        raise TooLong(
            f"too long: {len(parts)} messages of {limit.max_chars} characters (at most {limit.max_messages})"
        )
    return parts


def split_for(channel: str, text: str, segment_budget: int | None) -> list[str]:
    """The texts one staff reply becomes on `channel`. For SMS (a segment budget) each text is sent
    on its own; for the others all of them go in one send."""
    if not text.strip():
        raise TooLong("empty reply")
    if segment_budget is not None:
        return split_sms(text, segment_budget)
    limit = TEXT_LIMITS.get(channel)
    return [text] if limit is None else split_chat(text, limit)

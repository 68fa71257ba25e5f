"""Short follow-ups that only make sense with the citizen's earlier question.

Two kinds lean on what was asked before rather than on the current service alone:
- a bare next-step question ("ต้องทำไงต่อ") is about the previous message's FAQ, so the search gets both;
- a new figure for the same question ("แล้วถ้าหมดไป 2 ปีล่ะ" after "ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม",
  "เอ้ย 8 ขวบค่ะ") asks that question again with the new figure, so the verdict is worked out anew
  instead of an overview of the service.
"""

from __future__ import annotations

import re
from typing import Any

from actions.replies import (
    AGE_ASKED_PATTERN,
    DURATION_NUMBER_WORDS,
    DURATION_UNIT_DAYS,
    FIGURE_FOLLOW_UP_WORDS,
    NEXT_STEP_PATTERN,
    WHAT_IF_WORDS,
)
from nlu.normalize import normalize_text

NEXT_STEP_MAX_CHARS = 25  # a longer message says what it is about itself
FIGURE_FOLLOW_UP_MAX_CHARS = 30  # "แล้วถ้าหมดอายุไปแล้ว2ปีกว่าๆล่ะคะ" still only gives a figure
LOOK_BACK_MESSAGES = 4  # the question a figure re-asks is one of the citizen's last few messages

_NEXT_STEP = re.compile(NEXT_STEP_PATTERN)
_BARE_NUMBER = re.compile(r"(?<!\d)\d{1,3}(?!\d)")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NUMBER = rf"\d+(?:\.\d+)?|{'|'.join(DURATION_NUMBER_WORDS)}"
# a duration ("2 ปี", "สามเดือน") or a person's age ("อายุ 8", "๘ ขวบ"), by kind
_FIGURES = {
    "duration": re.compile(rf"(?:{_NUMBER})\s*(?:{'|'.join(DURATION_UNIT_DAYS)})"),
    "age": re.compile(AGE_ASKED_PATTERN),
}


def _user_texts(events: list[dict[str, Any]]) -> list[str]:
    return [str(e.get("text") or "") for e in events if e.get("event") == "user"]


def with_context(text: str, events: list[dict[str, Any]]) -> str:
    """A bare next-step question carries the citizen's previous message, so the search finds the FAQ
    that question was about ("ทะเบียนโดนระงับแล้วใช่ไหม" then "ต้องทำไงต่อ": returning the plates and
    registering again); any other message is left as it is."""
    squashed = "".join(text.split())
    if len(squashed) > NEXT_STEP_MAX_CHARS or not _NEXT_STEP.search(squashed):
        return text
    said = _user_texts(events)
    previous = said[-2] if len(said) >= 2 else ""
    if not previous or previous.startswith("/"):
        return text
    return f"{previous} {text}"


def _figure(text: str) -> tuple[str, re.Match[str]] | None:
    """The first figure in a text and its kind (an age before a duration: "อายุ 8 ปี" is an age)."""
    for kind in ("age", "duration"):
        found = _FIGURES[kind].search(text)
        if found is not None:
            return kind, found
    return None


def _words_beside(squashed: str, figure: re.Match[str]) -> list[str]:
    """The words of a message besides its figure and the words of a what-if or a correction."""
    from knowledge.search.text import bm25_tokens

    rest = squashed[: figure.start()] + " " + squashed[figure.end() :]
    return [w for w in bm25_tokens(rest) if w not in FIGURE_FOLLOW_UP_WORDS]


def _re_ask(text: str, question: str) -> str | None:
    """`question` with the figure of `text` in place of its own, when `text` gives only a new figure
    of the same kind for it; else None."""
    squashed = "".join(normalize_text(text).split())
    if len(squashed) > FIGURE_FOLLOW_UP_MAX_CHARS:
        return None
    question = normalize_text(question)
    asked = _figure(question)
    if asked is None:
        return None
    found = _figure(squashed)
    if found is None:  # "แล้วถ้า 85 ล่ะ": a bare number in a what-if is the same figure, in its unit
        number = _BARE_NUMBER.search(squashed)
        if number is None or not any(word in squashed for word in WHAT_IF_WORDS):
            return None
        new = _DIGITS.sub(number.group(0), asked[1].group(0), count=1)
        found = (asked[0], number)
    else:
        new = found[1].group(0)
    kind, figure = found
    if asked[0] != kind:
        return None
    if not all(word in "".join(question.split()) for word in _words_beside(squashed, figure)):
        return None  # a word of its own ("ถ้าลูกอายุ 8 ขวบต้องทำบัตรไหม"): a question of its own
    old = asked[1]
    return f"{question[: old.start()]}{new}{question[old.end() :]}"


def with_new_figure(text: str, events: list[dict[str, Any]]) -> str:
    """The citizen's latest question that gave a figure, asked again with this message's figure, when
    this message gives only a new figure of the same kind ("แล้วถ้า 2 ปีล่ะ", "เอ้ย 8 ขวบค่ะ"); else the
    message as it is. Earlier figure-only follow-ups count as the question they re-asked, so "แล้ว 5
    ปีล่ะ" after "แล้วถ้า 2 ปีล่ะ" still re-asks the first question."""
    question = ""
    for earlier in _user_texts(events)[-LOOK_BACK_MESSAGES - 1 : -1]:
        if earlier.startswith("/") or _figure("".join(normalize_text(earlier).split())) is None:
            continue  # a button, or a message without a figure
        question = (_re_ask(earlier, question) if question else None) or earlier
    if not question:
        return text
    return _re_ask(text, question) or text

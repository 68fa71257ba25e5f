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
    BACK_TO_PATTERN,
    CLOSING_PARTICLES_END_PATTERN,
    DURATION_NUMBER_WORDS,
    DURATION_UNIT_DAYS,
    EARLIER_ONE_WORDS,
    FIGURE_FOLLOW_UP_WORDS,
    INCOME_ASKED_WORDS,
    INCOME_PERIOD_AFTER_PATTERN,
    NEXT_STEP_PATTERN,
    PAY_TAX_WORDS,
    SUBJECT_WORDS,
    WHAT_IF_WORDS,
    WHICH_ONE_WORDS,
)
from actions.service_income import income_amount
from nlu.normalize import normalize_text

NEXT_STEP_MAX_CHARS = 25  # a longer message says what it is about itself
FIGURE_FOLLOW_UP_MAX_CHARS = 30  # "แล้วถ้าหมดอายุไปแล้ว2ปีกว่าๆล่ะคะ" still only gives a figure
LOOK_BACK_MESSAGES = 4  # the question a figure re-asks is one of the citizen's last few messages

_NEXT_STEP = re.compile(NEXT_STEP_PATTERN)
# the subjects a rule tells apart ("รถยนต์", "รถเก๋ง", "มอไซค์"), longest first so "มอเตอร์ไซค์" wins over "มอไซ"
_SUBJECTS = sorted(
    {w for word, everyday in SUBJECT_WORDS.items() for w in (word, *everyday)}, key=len, reverse=True
)
_PERIOD_AFTER = re.compile(INCOME_PERIOD_AFTER_PATTERN)
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


# "กลับมาเรื่องบัตรประชาชนเมื่อกี้ …", "ย้อนไปเรื่องจดพาณิชย์ …": back to a service talked about earlier
_BACK_TO = re.compile(BACK_TO_PATTERN)
_PARTICLES_END = re.compile(CLOSING_PARTICLES_END_PATTERN)
BACK_TO_MIN_CHARS = 3  # "บัตร" and longer: a shorter phrase names nothing
BACK_TO_CUE_MAX_CHARS = 12  # "หาย", "หมดอายุแล้ว" after the name; longer is a story ("ให้ลูกที่เพิ่งเกิด")


def back_to_earlier(text: str, events: list[dict[str, Any]]) -> str:
    """A message that goes back to a service talked about earlier is read with the words the citizen
    used for it then, up to its name ("จะต่ออายุบัตรประชาชน ต้องใช้อะไรบ้าง" earlier makes "กลับมาเรื่อง
    บัตรประชาชนเมื่อกี้ ค่าธรรมเนียมเท่าไร" read "จะต่ออายุบัตรประชาชน ค่าธรรมเนียมเท่าไร": the renewal, not a new
    card); the name alone when no earlier message has it; any other message as it is."""
    found = _BACK_TO.search(text)
    if found is None or len(found.group(1)) < BACK_TO_MIN_CHARS:
        return text
    name, rest = found.group(1), text[found.end() :].strip()
    if name in EARLIER_ONE_WORDS:  # "กลับมาเรื่องเดิม ใช้เอกสารอะไรบ้าง": the question, about what came before
        return rest or text
    key = "".join(name.split())
    # the first message that named it brought it up; a later mention may be an aside in another service
    for earlier in _user_texts(events)[:-1]:
        chunk = next((c for c in earlier.split() if key in c), "")
        if chunk and not earlier.startswith("/"):
            at = chunk.find(key) + len(key)
            # the name with what came before it and a short cue after it ("ต่ออายุบัตรประชาชน", "บัตรประชาชนหาย")
            chunk = _PARTICLES_END.sub("", chunk)
            named = chunk if len(chunk) - at <= BACK_TO_CUE_MAX_CHARS else chunk[:at]
            return f"{named} {rest}".strip()
    return f"{name} {rest}".strip()


def back_to_service(text: str, events: list[dict[str, Any]]) -> str | None:
    """The service a message going back to an earlier one returns to: the one answered right after the
    citizen's first message with the name used ("กลับไปที่เรื่องเบี้ยนะ …" after "แม่ได้เบี้ยผู้สูงอายุอยู่ …"
    was answered with the old-age allowance, then a house registration asked: the allowance, whatever
    else "เบี้ย" might name); None when no such message was answered with a service."""
    found = _BACK_TO.search(text)
    if found is None or len(found.group(1)) < BACK_TO_MIN_CHARS:
        return None
    key = "".join(found.group(1).split())
    said = [i for i, e in enumerate(events) if e.get("event") == "user"][:-1]
    for at in said:
        earlier = str(events[at].get("text") or "")
        if earlier.startswith("/") or key not in "".join(earlier.split()):
            continue
        for event in events[at + 1 :]:
            if event.get("event") == "user":
                break
            if event.get("event") == "slot" and event.get("name") == "service_id" and event.get("value"):
                return str(event["value"])
    return None


def with_context(text: str, events: list[dict[str, Any]]) -> str:
    """A bare next-step question carries the citizen's previous message, so the search finds the FAQ
    that question was about ("ทะเบียนโดนระงับแล้วใช่ไหม" then "ต้องทำไงต่อ": returning the plates and
    registering again); a message going back to an earlier service names it as the citizen did then
    (`back_to_earlier`); any other message is left as it is."""
    back = back_to_earlier(text, events)
    if back != text:
        return back
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
    """The words of a message besides its figure, the words of a what-if or a correction, and which
    child it is ("แล้วลูกคนเล็ก 2 ขวบล่ะ": the same question for the youngest)."""
    from knowledge.search.text import bm25_tokens

    rest = squashed[: figure.start()] + " " + squashed[figure.end() :]
    return [w for w in bm25_tokens(rest) if w not in FIGURE_FOLLOW_UP_WORDS and w not in WHICH_ONE_WORDS]


def _subject_swapped(question: str, squashed: str, beside: list[str]) -> tuple[str, list[str]]:
    """The question with the subject the follow-up names in place of its own ("แล้วถ้าเป็นมอไซค์ 3 ปีล่ะ"
    after "ต่อภาษีรถเก๋งอายุ 8 ปี…"), and the follow-up's other words."""
    new = next((w for w in _SUBJECTS if w in squashed), None)
    old = next((w for w in _SUBJECTS if w in question and w != new), None)
    if new is None or old is None or new in question:
        return question, beside
    return question.replace(old, new, 1), [w for w in beside if w not in _SUBJECTS]


def _income_re_ask(squashed: str, question: str) -> str | None:
    """ "แล้วถ้าเงินเดือน 30000 ล่ะ" after "เงินเดือน 9000 โสด ต้องยื่นภาษีไหม": the question with the new
    amount (the question without its spaces: amounts are found there)."""
    asked_sq = "".join(question.split())
    new, old = income_amount(squashed), income_amount(asked_sq)
    if new is None or old is None:
        return None
    asked_sq, beside = _subject_swapped(asked_sq, squashed, _words_beside(squashed, new))
    if not all(word in asked_sq for word in beside):
        return None
    return f"{asked_sq[: old.start()]}{new.group(0)}{asked_sq[old.end() :]}"


def _re_ask(text: str, question: str) -> str | None:
    """`question` with the figure of `text` in place of its own, when `text` gives only a new figure
    of the same kind for it (and perhaps another subject of the same rule); else None."""
    squashed = "".join(normalize_text(text).split())
    if len(squashed) > FIGURE_FOLLOW_UP_MAX_CHARS:
        return None
    question = normalize_text(question)
    asked = _figure(question)
    if asked is None:
        return _income_re_ask(squashed, question)
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
    swapped, beside = _subject_swapped(question, squashed, _words_beside(squashed, figure))
    if not all(word in "".join(swapped.split()) for word in beside):
        return None  # a word of its own ("ถ้าลูกอายุ 8 ขวบต้องทำบัตรไหม"): a question of its own
    old = _FIGURES[kind].search(swapped) or asked[1]
    number = _DIGITS.search(new)
    if kind == "age" and number is not None:  # "อายุ 7" with "2 ขวบ" given: "อายุ 2", not "2 ขวบ ขวบ"
        new = _DIGITS.sub(number.group(0), old.group(0), count=1)
    return f"{swapped[: old.start()]}{new}{swapped[old.end() :]}"


def _has_figure(text: str) -> bool:
    squashed = "".join(normalize_text(text).split())
    return _figure(squashed) is not None or income_amount(squashed) is not None


def with_new_subject(text: str, events: list[dict[str, Any]]) -> str:
    """ "แล้วถ้ามอไซค์ล่ะ" after "อายุ 17 ทำใบขับขี่รถยนต์ได้ยัง": the latest question that named a subject
    of the same kind, asked again about this one; else the message as it is."""
    squashed = "".join(normalize_text(text).split())
    new = next((w for w in _SUBJECTS if w in squashed), None)
    if (
        new is None
        or len(squashed) > FIGURE_FOLLOW_UP_MAX_CHARS
        or not any(w in squashed for w in WHAT_IF_WORDS)
    ):
        return text
    from knowledge.search.text import bm25_tokens

    others = [w for w in bm25_tokens(squashed) if w not in FIGURE_FOLLOW_UP_WORDS and w not in _SUBJECTS]
    for earlier in reversed(_user_texts(events)[-LOOK_BACK_MESSAGES - 1 : -1]):
        question = normalize_text(earlier)
        if earlier.startswith("/") or not any(w in question for w in _SUBJECTS):
            continue
        if not all(w in "".join(question.split()) for w in others):
            return text  # a question of its own; "แล้วใบขับขี่มอไซค์ล่ะ" repeats the earlier one's words
        swapped, _ = _subject_swapped(question, squashed, [])
        return swapped if swapped != question else text
    return text


def with_new_figure(text: str, events: list[dict[str, Any]]) -> str:
    """The citizen's latest question that gave a figure, asked again with this message's figure, when
    this message gives only a new figure of the same kind ("แล้วถ้า 2 ปีล่ะ", "เอ้ย 8 ขวบค่ะ"); else the
    message as it is. Earlier figure-only follow-ups count as the question they re-asked, so "แล้ว 5
    ปีล่ะ" after "แล้วถ้า 2 ปีล่ะ" still re-asks the first question."""
    carried = _with_earlier_income(text, events)
    if carried is not None:
        return carried
    question = ""
    for earlier in _user_texts(events)[-LOOK_BACK_MESSAGES - 1 : -1]:
        if earlier.startswith("/") or not _has_figure(earlier):
            continue  # a button, or a message without a figure
        question = (_re_ask(earlier, question) if question else None) or earlier
    if not question:
        return text
    return _re_ask(text, question) or text


def _with_earlier_income(text: str, events: list[dict[str, Any]]) -> str | None:
    """ "แล้วต้องเสียภาษีไหม" after "เงินเดือน 15,000 บาท ต้องยื่นภาษีไหมคะ": whether tax is paid turns on
    the income told just before, so the question carries it ("เงินเดือน15,000 แล้วต้องเสียภาษีไหม"); None
    when the message gives a figure of its own, asks something else, or no recent message gave one."""
    squashed = "".join(normalize_text(text).split())
    if (
        len(squashed) > FIGURE_FOLLOW_UP_MAX_CHARS
        or _has_figure(text)
        or not any(w in squashed for w in PAY_TAX_WORDS)
    ):
        return None
    for earlier in reversed(_user_texts(events)[-LOOK_BACK_MESSAGES - 1 : -1]):
        said = "".join(normalize_text(earlier).split())
        found = income_amount(said) if not earlier.startswith("/") else None
        if found is None:
            continue
        start = min(said.find(w) for w in INCOME_ASKED_WORDS if w in said)
        start = min(start, found.start())
        period = _PERIOD_AFTER.match(said, found.end())
        end = period.end() if period is not None else found.end()
        return f"{said[start:end]} {text}"
    return None

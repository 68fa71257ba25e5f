"""Which step of the complaint form a typed message answers, and the category when no button was pressed.

Why apart from actions/complaint.py: the form must never trap a citizen who answers a later question
than the one asked ("ซอยลาดพร้าว 101" while the category is asked, a place while the story is
asked). These functions decide, from the text and the slots already filled, what to keep and where;
complaint.py only talks to the citizen and to storage. Pure over text and slot values (no tracker,
no I/O), so each rule is unit-tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from typing import Any

from actions import replies
from actions.complaint_place import names_a_landmark
from actions.complaint_talk import (
    _PUNCTUATION,
    category_from_words,
    compact,
    consent_from_words,
    first_description,
    is_bare_no,
    is_payload,
    is_question,
    is_yes,
    opens_as_place,
    reads_as_place,
)
from cases.complaint_routing import ComplaintRoute, load_routes
from nlu.pii import mask

MIN_DESCRIPTION_CHARS = 8
MIN_DESCRIPTION_LETTERS = 4  # letters or digits: "😡😡😡😡😡😡😡😡" says nothing an agency can act on
MAX_DESCRIPTION_CHARS = 1000
MIN_LOCATION_CHARS = 3
MAX_LOCATION_CHARS = 300
# A consent answer this short ("ติดต่อกลับได้ค่ะ", "ok to contact me") is that answer alone; a longer
# message may tell a place or a story with it (the consent clause is then taken out: complaint_fields).
CONSENT_ANSWER_MAX_CHARS = 30
# Where nothing the citizen said names a category: the centre that takes any complaint.
OTHER = "other"


def meaningful_chars(text: str) -> int:
    """Letters and digits (Thai vowel and tone marks count with their consonant, emoji do not)."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


def usable_description(text: str) -> bool:
    return (
        not is_payload(text)
        and MIN_DESCRIPTION_CHARS <= len(text) <= MAX_DESCRIPTION_CHARS
        and meaningful_chars(text) >= MIN_DESCRIPTION_LETTERS
    )


def usable_location(text: str) -> bool:
    return (
        not is_payload(text)
        and MIN_LOCATION_CHARS <= len(text) <= MAX_LOCATION_CHARS
        and meaningful_chars(text) >= MIN_LOCATION_CHARS
    )


def only_an_answer_word(text: str) -> bool:
    """ "ยืนยันค่ะ", "ยินยอม", "ใช่", "ติดต่อกลับได้ค่ะ", "ok to contact me": an answer to some yes/no
    question, never a story or a place (typed while the story or the place is asked, it is asked
    again, not kept as one)."""
    return (
        is_yes(text)
        or is_bare_no(text)
        or replies.confirm_answer(text) is not None
        or replies.consent_answer(text) is not None
        or (len(compact(text)) <= CONSENT_ANSWER_MAX_CHARS and consent_from_words(text) is not None)
    )


def tells_a_story(text: str, routes: dict[str, ComplaintRoute]) -> bool:
    """Clearly what happened (a long message, beyond "I want to complain"), though no category cue."""
    story = first_description(text, MIN_DESCRIPTION_LETTERS + 2, routes)
    return story is not None and usable_description(text)


def more_of_the_story(text: str, routes: dict[str, ComplaintRoute]) -> bool:
    """Typed where the place is asked, plainly more of what happened and no place: it tells a story
    ("รถเก็บขยะไม่มาตามรอบมาสองสัปดาห์ ถังล้นออกมาถึงถนน"), does not open with a place ("ซอย 5 ขยะเต็ม",
    "หน้าบ้านไฟดับ" stay places) and names no address inside ("…ถึงถนน" tells of a street, names none)."""
    if is_question(text) or is_payload(text) or opens_as_place(text) or reads_as_place(text, routes):
        return False
    if names_a_landmark(text) or place_in_story(text) is not None:  # "น้ำท่วมขังหน้าตลาด…": its place
        return False
    word = compact(text)
    cues = (cue for route in routes.values() for cue in route.cues if cue not in replies.PLACE_OPENINGS)
    problem = any(p in word for p in replies.PROBLEM_WORDS) or any(cue in word for cue in cues)
    return problem and tells_a_story(text, routes)


def place_slots(text: str) -> dict[str, Any]:
    return {"complaint_location": mask(text), "complaint_lat": None, "complaint_lon": None}


def later_answer(text: str, slots: Mapping[str, Any], routes: dict[str, ComplaintRoute]) -> dict[str, Any]:
    """The slots a typed message fills when it answers a step after the one asked: a place is the
    location (while none is kept), a story the description — or more of it, added to the story the
    first message told. {} when it is neither ("ไม่รู้สิ", a button payload)."""
    if is_question(text):  # "ต้องใช้เอกสารอะไรไหม": asked of the bot, not told
        return {}
    if reads_as_place(text, routes) and not slots.get("complaint_location") and usable_location(text):
        return place_slots(text)
    first, _, rest = text.partition(" ")
    if rest and is_yes(first):  # "ใช่ค่ะ มืดทั้งซอยเลย": the yes answered the question; the rest is told
        text = rest
    if not tells_a_story(text, routes):  # "ไม่รู้สิ", "อืม": nothing to keep
        return {}
    told = str(slots.get("complaint_description") or "")
    more = f"{told} {text}" if told and not restates(told, text) else text
    if len(more) > MAX_DESCRIPTION_CHARS:
        return {}
    return {"complaint_description": mask(more), **place_told(text, slots)}


# Share of the kept story's letters found, in order, in a new message that retells it.
RESTATED_SHARE = 0.8


def restates(told: str, text: str) -> bool:
    """ "ถนนหน้าโรงเรียนเป็นหลุมใหญ่ลึกประมาณ 30 ซม. รถมอไซค์ล้ม…" after "ถนนหน้าโรงเรียนเป็นหลุมใหญ่ รถ
    มอไซค์ล้ม…": the story told again with more in it replaces the one kept (kept both, the summary
    said it twice)."""
    kept, new = compact(told), compact(text)
    if not kept:
        return False
    blocks = SequenceMatcher(None, kept, new, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) >= RESTATED_SHARE * len(kept)


def place_told(story: str, slots: Mapping[str, Any]) -> dict[str, Any]:
    """The place slots for the address a story tells ("น้ำประปาไม่ไหล หมู่บ้านพฤกษา 5 ซอย 3" -> the
    location "หมู่บ้านพฤกษา 5 ซอย 3"), while no place is kept; {} otherwise. A place that ends the
    message whole ("ต่อเรื่องขยะ หน้าตลาดสดเทศบาล อ.เมือง สุพรรณบุรี") is taken before the address
    words inside it ("อ.เมือง")."""
    if slots.get("complaint_location"):
        return {}
    place = place_at_end(story, load_routes()) or place_in_story(story)
    return place_slots(place) if place is not None else {}


def place_at_end(text: str, routes: dict[str, ComplaintRoute]) -> str | None:
    """The longest run of last words that reads as a place on its own, after words that do not
    ("ไม่รู้จะส่งตำแหน่งยังไง อยู่ซอยข้างเซเว่น ตรงข้ามโลตัส…" -> "ซอยข้างเซเว่น ตรงข้ามโลตัส…");
    None when no such run (the whole message is not one: it is read as a place, or a story, as is)."""
    words = text.split()
    for at in range(1, len(words)):
        tail = " ".join(words[at:])
        if opens_as_place(tail) and reads_as_place(tail, routes) and usable_location(tail):
            # "อยู่ซอยข้างเซเว่น" -> "ซอยข้างเซเว่น": the word that led to it is no part of the place
            lead = next(
                (w for w in replies.PLACE_TAIL_LEADS if tail.startswith(w) and len(tail) > len(w)), ""
            )
            place = tail.removeprefix(lead)
            return place if usable_location(place) else tail
    return None


# The field words of a typed change, most specific first: "เรื่อง" names the story only when no other
# field word is there ("แก้เรื่องที่อยู่" is the place).
_EDIT_WORDS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((w, f) for w, f in {**replies.COMPLAINT_EDIT_WORDS, **replies.COMPLAINT_EDIT_FIELDS}.items() if f),
        key=lambda pair: (pair[0] == replies.COMPLAINT_EDIT_LOOSE_WORD, -len(pair[0])),
    )
)
# Said between the field word and its new value ("แก้ที่อยู่หน่อย พิมพ์ผิด เป็นซอย 101/2").
_EDIT_FILLERS = (
    *replies.COMPLAINT_EDIT_VALUE_MARKERS,
    *replies.COMPLAINT_EDIT_FILLERS,
    *replies.POLITE_ENDINGS,
)


def typed_edit(text: str, asked: bool = False) -> tuple[str, str] | None:
    """ "แก้ที่อยู่หน่อย พิมพ์ผิด เป็นซอย 101/2" -> ("complaint_location", "ซอย 101/2"); "ขอแก้
    รายละเอียด" -> ("complaint_description", ""): a change typed at the summary that names its field,
    with the new value when one follows. None when no change verb or no field word is in it.
    `asked`: "แก้ไขหัวข้อไหนคะ" was asked, so a field word alone opens it ("สถานที่ ซอย 101/2")."""
    raw = " ".join(text.split())
    lowered = raw.casefold()
    verb = any(verb in compact(raw) for verb in replies.COMPLAINT_EDIT_VERBS)
    if is_payload(raw) or not (verb or asked):
        return None
    found = [(lowered.find(word), word, field) for word, field in _EDIT_WORDS if word in lowered]
    if not found:
        return None
    specific = [hit for hit in found if hit[1] != replies.COMPLAINT_EDIT_LOOSE_WORD] or found
    at, word, field = min(specific, key=lambda hit: (hit[0], -len(hit[1])))
    value = raw[at + len(word) :].strip(_PUNCTUATION)
    changed = True
    while changed and value:
        changed = False
        for filler in _EDIT_FILLERS:
            if value.startswith(filler):
                value = value[len(filler) :].strip(_PUNCTUATION)
                changed = True
    return field, value


_NUMBER_LIKE = re.compile(r"^[0-9\u0e50-\u0e59][0-9\u0e50-\u0e59/\-.]*$")  # Arabic or Thai digits
# Taken off a word's edges before it is read as part of an address ("(ถนนรัชดาภิเษก", "ซอย3)").
_ADDRESS_EDGES = "()[]{},;:\"'“”"


def _address_start(word: str, following: str) -> bool:
    """A word that opens an address ("ซ.พหลโยธิน24", "ถนนหน้าโรงเรียนวัดสามัคคี", "หมู่" + "3"):
    an address opening with a name or number after it, and nothing that tells of a problem."""
    opening = next((o for o in replies.STORY_PLACE_OPENINGS if word.startswith(o)), None)
    if opening is None or any(problem in word for problem in replies.PROBLEM_WORDS):
        return False
    rest = word[len(opening) :]
    if rest.startswith(replies.NEAR_OPENINGS):  # "ถนนหน้าบ้าน": which road is not said
        return False
    named = len(rest) >= 2 or any(c.isdigit() for c in rest)
    return named or (rest == "" and _NUMBER_LIKE.match(following) is not None)


def _address_in_word(word: str, following: str) -> str | None:
    """The address a word opens ("ซ.พหลโยธิน24"), also after a word that leads to a place inside it
    ("อยู่ซอยเพชรเกษม", "ขยะกองอยู่ที่ถนนสุขุมวิท" -> "ซอยเพชรเกษม", "ถนนสุขุมวิท"); None when none."""
    if _address_start(word, following):
        return word
    for lead in replies.STORY_PLACE_LEADS:
        inside = lead not in replies.STORY_PLACE_LEADS_AT_START  # "ที่" only at a word's start
        at = word.find(lead) if inside else (0 if word.startswith(lead) else -1)
        while at >= 0:
            rest = word[at + len(lead) :]
            if rest and _address_start(rest, following):
                return rest
            at = word.find(lead, at + 1) if inside else -1
    return None


def _near_phrase(word: str) -> bool:
    """ "ข้างร้านยา", "หน้าเซเว่น": a landmark right after an address, nothing told of a problem."""
    rest = next((word[len(n) :] for n in replies.NEAR_OPENINGS if word.startswith(n)), "")
    return len(rest) >= 2 and not any(problem in word for problem in replies.PROBLEM_WORDS)


def place_in_story(text: str) -> str | None:
    """The address told inside a first message ("ถนนหน้าโรงเรียนวัดสามัคคี ซ.พหลโยธิน24 เป็นหลุม…"
    -> "ถนนหน้าโรงเรียนวัดสามัคคี ซ.พหลโยธิน24"): the first run of words that open an address (also
    after อยู่ / ที่ / แถว: "…น้ำท่วมขัง อยู่ซอยเพชรเกษม 48 ข้างร้านยา"), with the address words and
    numbers right after, and one landmark after those ("ข้างร้านยา"); None when the message names no
    address."""
    words = [w.strip(_ADDRESS_EDGES) for w in text.split()]
    words = [w for w in words if w]
    for at, word in enumerate(words):
        start = _address_in_word(word, words[at + 1] if at + 1 < len(words) else "")
        if start is None:
            continue
        run, near = [start], False
        for more in words[at + 1 :]:
            opens = any(more.startswith(o) for o in replies.STORY_PLACE_OPENINGS)
            address = opens and not any(p in more for p in replies.PROBLEM_WORDS)
            if not (address or _NUMBER_LIKE.match(more) or more.startswith(replies.STORY_PLACE_NUMBERED)):
                if near or not _near_phrase(more):
                    break
                near = True
            run.append(more)
        place = " ".join(run)
        return place if usable_location(place) else None
    return None


def category_for_citizen(texts: Iterable[str], routes: dict[str, ComplaintRoute]) -> str:
    """The category everything said so far makes clear (the longest cue, no tie), else เรื่องอื่น ๆ."""
    return category_from_words("|".join(texts), routes) or OTHER  # no cue across two messages

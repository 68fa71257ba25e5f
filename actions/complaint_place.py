"""Is a message typed at the complaint's place step a place, a question, or no answer at all?

Why: the place step used to keep any three letters as the place, so "ไม่รู้", "อะไรนะ" or
"ทำไมต้องบอก" reached the agency as the address of a broken road. A place is recognised here from
what Thai addresses and directions are made of: a house number, address words (ซอย ถนน หมู่ ตำบล
อำเภอ เขต แขวง จังหวัด …), a landmark (วัด ตลาด โรงเรียน เซเว่น …, also after หน้า / ตรงข้าม / ใกล้ /
ข้าง), or a province, Bangkok district or main road name. A question asked back is answered aside
(why the place is needed) and a refusal or "I don't know" gets a hint; the form's no-trap rule still
holds: a second answer that is not a question or a refusal is kept as the place even when no word
here recognises it (a village name not in these lists), so no one is asked a third time.

Pure functions over text (no tracker, no I/O); the word lists are data in complaint_place_words.yml
(read once at import), extend them freely.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions.complaint_talk import bare, compact, is_question

WORDS_FILE = Path(__file__).with_name("complaint_place_words.yml")


def _load_words(path: Path = WORDS_FILE) -> dict[str, tuple[str, ...]]:
    """Every list in the words file, lower-cased without spaces (as messages are compared)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        key: tuple("".join(str(w).split()).casefold() for w in value)
        for key, value in raw.items()
        if isinstance(value, list)
    }


_WORDS = _load_words()
ADDRESS_WORDS = _WORDS["address_words"]
LANDMARK_WORDS = _WORDS["landmark_words"]
NEAR_WORDS = _WORDS["near_words"]
PROVINCES = _WORDS["provinces"]
BANGKOK_PLACES = _WORDS["bangkok_places"]
PLACE_NAME_OPENINGS = _WORDS["place_name_openings"]
NOT_KNOWING_WORDS = _WORDS["not_knowing_words"]
REFUSING_WORDS = _WORDS["refusing_words"]
WHY_PLACE_CUES = _WORDS["why_place_cues"]
PLACE_NAME_MAX_CHARS = 25
NEAR_PLACE_MAX_CHARS = 40
HOUSE_NUMBER = re.compile(r"\d+/\d+")
KILOMETRE = re.compile("(" + "|".join(map(re.escape, _WORDS["kilometre_words"])) + r")\.?\d")


def _has_any(word: str, words: tuple[str, ...]) -> bool:
    return any(w in word for w in words)


def names_a_place(text: object) -> bool:
    """A house number, an address word, a landmark, or a known province, district or road name; a
    short message that opens the way Thai place names do, or one that says where near something
    ("ข้าง ๆ ต้นมะม่วงใหญ่")."""
    word = compact(text)
    if not word:
        return False
    if HOUSE_NUMBER.search(word) or KILOMETRE.search(word):
        return True
    if _has_any(word, ADDRESS_WORDS) or _has_any(word, LANDMARK_WORDS):
        return True
    if _has_any(word, PROVINCES) or _has_any(word, BANGKOK_PLACES):
        return True
    near = next((w for w in NEAR_WORDS if word.startswith(w)), None)
    if near is not None and len(word) - len(near) >= 2 and len(word) <= NEAR_PLACE_MAX_CHARS:
        return True
    return len(word) <= PLACE_NAME_MAX_CHARS and word.startswith(PLACE_NAME_OPENINGS)


def names_a_landmark(text: object) -> bool:
    """A house number, a landmark (วัด ตลาด เซเว่น …), or a known province, district or road name
    anywhere in the message: a place named, not only a street or soi told of ("…ล้นออกมาถึงถนน")."""
    word = compact(text)
    if HOUSE_NUMBER.search(word) or KILOMETRE.search(word) or _has_any(word, LANDMARK_WORDS):
        return True
    return _has_any(word, PROVINCES) or _has_any(word, BANGKOK_PLACES)


def says_no_place(text: object) -> bool:
    """ "ไม่รู้", "จำไม่ได้ค่ะ", "ไม่อยากบอก": no place given (a refusal, or not knowing and no place
    named either)."""
    word = bare(text)
    if word.startswith(REFUSING_WORDS):
        return True
    return word.startswith(NOT_KNOWING_WORDS) and not names_a_place(text)


def place_answer_kind(text: object, tries: int) -> str:
    """What a message typed at the place step is: "place" (keep it), "question" (asked back about the
    step: answered aside, why a place is needed), "refused" (does not want to say: the place asked is
    where it happened, not the citizen's home), "none" (not knowing, or nothing recognisable: a hint).
    From the second answer on, anything that is neither a question nor a refusal is a place."""
    word = compact(text)
    if says_no_place(text):
        if _has_any(word, WHY_PLACE_CUES):
            return "question"
        return "refused" if bare(text).startswith(REFUSING_WORDS) else "none"
    if is_question(text) and not _names_a_clear_place(text):
        return "question"
    if names_a_place(text) or tries >= 2:
        return "place"
    return "none"


def _names_a_clear_place(text: object) -> bool:
    """ "ซอย 5 ใช่ไหม" names its place though it ends like a question; "ต้องบอกซอยไหม" asks."""
    word = compact(text)
    return (
        names_a_place(text)
        and not _has_any(word, WHY_PLACE_CUES)
        and not word.startswith(_WORDS["asking_openings"])
    )

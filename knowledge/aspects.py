"""Which part of a service the citizen asked about: documents, fee, place, time, eligibility, online.

A keyword detector on normalised Thai (Thai digits, zero-width characters and spacing ironed out by
nlu.normalize). Checked in `ASPECT_ORDER`, most specific first: "อายุเท่าไหร่" is about eligibility
and "วันที่เท่าไร" about time, although both contain the fee word "เท่าไร".
"""

from __future__ import annotations

import re

from nlu.normalize import normalize_text

ASPECT_LABELS_TH: dict[str, str] = {
    "documents": "เอกสาร",
    "fee": "ค่าธรรมเนียม",
    "place": "ยื่นที่ไหน",
    "time": "ใช้เวลา",
    "eligibility": "คุณสมบัติ",
    "online": "ทำออนไลน์",
}

ASPECT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "online": (
        "ออนไลน์",
        "online",
        "ออนไลท์",
        "แอป",
        "แอพ",
        "app",
        "เว็บ",
        "web",
        "ทางเน็ต",
        "อินเทอร์เน็ต",
        "ผ่านมือถือ",
        "ทางมือถือ",
        "ไม่ต้องไป",
    ),
    "eligibility": (
        "คุณสมบัติ",
        "มีสิทธิ",
        "ใครบ้าง",
        "ใครได้",
        "ใครทำได้",
        "อายุเท่า",
        "อายุกี่",
        "อายุเท่าไหร่",
        "รายได้",
        "เงื่อนไข",
        "เกณฑ์",
        "เข้าข่าย",
        "eligib",
    ),
    "time": (
        "กี่วัน",
        "ใช้เวลา",
        "นานไหม",
        "นานมั้ย",
        "นานเท่า",
        "กี่ชั่วโมง",
        "กี่นาที",
        "กี่เดือน",
        "เมื่อไร",
        "เมื่อไหร่",
        "วันไหน",
        "วันที่เท่าไหร่",
        "วันที่เท่าไร",
        "วันที่เท่า",
        "ภายในกี่",
        "ได้เมื่อ",
        "ถึงวันไหน",
        "เสร็จ",
        "how long",
    ),
    "documents": (
        "เอกสาร",
        "หลักฐาน",
        "ใช้อะไร",
        "ใช้ไร",
        "เอาอะไร",
        "เอาไร",
        "เตรียมอะไร",
        "เตรียมไร",
        "ต้องมีอะไร",
        "ถือไปด้วย",
        "document",
    ),
    "fee": (
        "ค่าธรรมเนียม",
        "กี่บาท",
        "เท่าไร",
        "เท่าไหร่",
        "ราคา",
        "ค่าใช้จ่าย",
        "เสียเงิน",
        "เสียค่า",
        "ฟรี",
        "ค่าปรับ",
        "จ่าย",
        "ค่าโอน",
        "ค่าทำ",
        "fee",
        "cost",
        "price",
    ),
    "place": ("ที่ไหน", "ไปไหน", "ตรงไหน", "ติดต่อ", "สำนักงาน", "อำเภอไหน", "เขตไหน", "สาขา", "where"),
}
ASPECT_ORDER: tuple[str, ...] = ("online", "eligibility", "time", "documents", "fee", "place")
WHERE_WORDS = ("ที่ไหน", "ตรงไหน", "ไปไหน", "where")
ASPECTS: tuple[str, ...] = tuple(ASPECT_LABELS_TH)
_LONGEST_FIRST = sorted({k for words in ASPECT_KEYWORDS.values() for k in words}, key=len, reverse=True)


def _folded(text: str) -> str:
    return "".join(normalize_text(text or "").lower().split())


# Words holding an aspect keyword that ask no such thing ("ฟรีแลนซ์" is a freelancer, not "free";
# "เกณฑ์ทหาร" is the draft, not a criterion).
NOT_ASPECT_WORDS: tuple[str, ...] = ("ฟรีแลนซ์", "ฟรีแลนส์", "ฟีแลนซ์", "เกณฑ์ทหาร")
# "ใบชั่วคราวอายุกี่ปี", "บัตรมีอายุกี่ปี": how long a paper lasts, not the citizen's age (eligibility);
# with a doing word ("ทำบัตรตอนอายุเท่าไหร่", "สอบใบขับขี่ได้อายุกี่ปี") it is the age again
_VALIDITY_ASKED = re.compile(r"(?:ใบ|บัตร)\S{0,20}อายุ(?:กี่|เท่า)")
_DOING_FOR_AGE = ("ทำ", "ขอ", "สอบ", "ได้", "ถึง", "ตอน", "ต้อง")


def detect_aspect(text: str) -> str | None:
    """The aspect asked about, or None when the question names none (then the answer is an overview)."""
    folded = _folded(text)
    for word in NOT_ASPECT_WORDS:
        folded = folded.replace(word, " ")
    if not folded or (_VALIDITY_ASKED.search(folded) and not any(w in folded for w in _DOING_FOR_AGE)):
        return None
    found = [a for a in ASPECT_ORDER if any(keyword in folded for keyword in ASPECT_KEYWORDS[a])]
    # "จ่ายที่ไหนได้บ้าง": paying where is a question of place, not of how much
    if found[:1] == ["fee"] and any(w in folded for w in WHERE_WORDS):
        return "place"
    return found[0] if found else None


def strip_aspect_words(text: str) -> str:
    """The question without its aspect words, to tell "แล้วใช้เวลากี่วัน" (a follow-up about the same
    service) from a question that names a service."""
    folded = _folded(text)
    for keyword in _LONGEST_FIRST:
        folded = folded.replace(keyword, " ")
    return folded


def parse_aspect(value: object) -> str | None:
    """An aspect from a slot or button payload; anything unknown is treated as none."""
    text = str(value or "").strip().lower()
    return text if text in ASPECT_LABELS_TH else None

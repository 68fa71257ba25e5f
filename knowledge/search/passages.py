"""Inside one service: which FAQ entry or record field answers the question (`SearchIndex.best_passage`).

"โอนที่ดินให้ลูกเสียค่าโอนเท่าไหร่" is a fee question, but the record's answer is its FAQ about a
transfer to a child (0.5%), not the sale fees; "ต้องแจ้งตายภายในกี่วัน" is answered by the FAQ on the
24-hour deadline, not the processing time. So FAQ questions are scored first — word overlap after
removing the words that only name the service, plus the encoder's cosine to the FAQ passage the index
already holds — and a clear FAQ match wins; otherwise the aspect detector names the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from knowledge.aspects import detect_aspect
from knowledge.record import FAQ, ServiceRecord
from knowledge.search.text import bm25_tokens

Kind = Literal["faq", "field"]
FIELDS: tuple[str, ...] = (
    "documents",
    "fee",
    "benefits",
    "place",
    "time",
    "eligibility",
    "online",
    "description",
)
ASPECT_FIELD = {
    "documents": "documents",
    "fee": "fee",
    "place": "place",
    "time": "time",
    "eligibility": "eligibility",
    "online": "online",
}
# Money received rather than paid: "ได้เงินเท่าไหร่", "เงินเข้าวันไหน" on a record with benefits.
BENEFIT_WORDS = re.compile(r"ได้(รับ)?(เงิน|เบี้ย)?(เดือนละ)?(กี่บาท|เท่า|เดือนละ)|ได้เงิน|ได้กี่บาท|เงินเข้า|เบี้ย.*เท่า|รับเงิน")
# A FAQ answers the question when its combined score reaches FAQ_MIN, or FAQ_WEAK with no aspect to fall
# back on. Set by hand on the cases in tests/knowledge/test_retrieval.py::test_best_passage.
FAQ_MIN = 0.50
FAQ_WEAK = 0.38
DENSE_WEIGHT = 0.5
# Citizens ask in the answer's words as often as in the question's ("ทะเบียนโดนระงับแล้วใช่ไหม" for the
# FAQ "ขาดต่อภาษีเกิน 3 ปีจะเป็นอย่างไร", whose answer says the registration is suspended), and in
# shorter words ("คนค้ำ" for "ผู้ค้ำประกัน"): the share of the asked words found in the whole entry
# counts too, a little less than the same share of the FAQ's own question.
ANSWER_WEIGHT = 0.8
PART_MIN_CHARS = 3  # a shorter asked word ("คน") is not looked for inside longer words
# Words that ask or point rather than say what is asked about.
_NOT_CONTENT = frozenset(
    {"ใช่ไหม", "แล้ว", "เลย", "ยัง", "ไง", "ทำ", "ได้", "ไหม", "มั้ย", "หรือ", "นี่", "ที่นี่", "ต้อง", "ไม่ต้อง"}
    | {"แบบนี้", "อย่างนี้", "งี้", "ให้", "ด้วย", "หน่อย", "อยู่"}
    | {"หรือเปล่า", "รึเปล่า", "เปล่า", "หรือไม่", "ป่าว", "ป่ะ", "มั๊ย", "หรือยัง"}
    | {"เมื่อไหร่", "เมื่อไร", "ยังไง", "อย่างไร", "อะไร", "ไหน", "เท่าไหร่", "เท่าไร", "บ้าง", "กี่", "ดี", "มา"}
)


# Senses a question turns on that an entry must speak of to answer it: someone going instead
# ("ให้แฟนไปยื่นแทนได้ไหม" is not answered by "พ่อหรือแม่พาลูกไปคนเดียวได้ไหม", however close).
SENSES_TO_SHARE: tuple[tuple[str, ...], ...] = (("แทน", "มอบอำนาจ", "มอบฉันทะ"),)


def misses_a_sense(text: str, entry_text: str) -> bool:
    squashed, entry = "".join(text.split()), "".join(entry_text.split())
    return any(
        any(w in squashed for w in sense) and not any(w in entry for w in sense) for sense in SENSES_TO_SHARE
    )


@dataclass(frozen=True)
class PassageMatch:
    kind: Kind
    field: str  # one of FIELDS; for a FAQ the aspect the question asks, or "description"
    faq: FAQ | None
    score: float


def identity_tokens(record: ServiceRecord) -> set[str]:
    """Words that only say which service this is (title, short label, synonyms)."""
    names = " ".join([record.title_th, record.short_th, *record.synonyms])
    return set(bm25_tokens(names))


def faq_words(record: ServiceRecord) -> set[str]:
    """Words the FAQ questions use that the title and short label do not: they tell one FAQ from another
    even when a synonym has them too ("ลูก" in the synonym "ยกที่ดินให้ลูก" and the FAQ on a transfer to
    a child), so they are not taken out as words that only name the service."""
    title = set(bm25_tokens(f"{record.title_th} {record.short_th}"))
    return {w for faq in record.faqs for w in bm25_tokens(faq.question)} - title


def overlap(query: set[str], other: set[str]) -> float:
    """Dice coefficient of two token sets (0 when either is empty)."""
    if not query or not other:
        return 0.0
    return 2 * len(query & other) / (len(query) + len(other))


def part_of(one: str, other: str) -> bool:
    """ "ค้ำ" in "ผู้ค้ำประกัน", "แทน" in "ทำแทน": one word inside the other, neither too short."""
    return min(len(one), len(other)) >= PART_MIN_CHARS and (one in other or other in one)


def coverage(query: set[str], entry: set[str]) -> float:
    """The share of the asked content words the entry has, as a word or inside a longer word, each word
    weighed by its length: "ค้ำประกัน" says more than the "หา", "คน", "อยู่" around it."""
    asked = {w for w in query if w not in _NOT_CONTENT}
    if not asked or not entry:
        return 0.0
    return sum(_found(w, entry) for w in asked) / sum(len(w) for w in asked)


def _found(word: str, entry: set[str]) -> int:
    """How much of an asked word the entry has: all of it as a word or inside a longer word ("ค้ำ" in
    "ผู้ค้ำประกัน"), else the longest of its words inside it ("บัตรคนพิการ" asked, "พิการ" found: only
    that part, an entry on the allowance is not one on the card)."""
    if word in entry or any(part_of(word, e) and word in e for e in entry):
        return len(word)
    return max((len(e) for e in entry if part_of(e, word)), default=0)


def shares_a_word(query: set[str], entry: set[str], title: set[str]) -> bool:
    """Whether the entry has an asked word beyond the service's name and the asking words. Without one
    it is a FAQ of the same service on something else, however close the encoder finds the two
    ("จดหย่าต้องไปทั้งสองคนไหม" and "หย่าแล้วต้องเปลี่ยนนามสกุลไหม" share only หย่า, the title's word)."""
    asked = {w for w in query if w not in _NOT_CONTENT and not any(w == t or part_of(w, t) for t in title)}
    return any(w in entry or any(part_of(w, e) for e in entry) for w in asked)


# A question, not a statement ("จะทำพาสปอร์ตให้ลูกสาวค่ะ" asks nothing an FAQ answers in its words).
_ASKS = re.compile(r"ไหม|มั้ย|มั๊ย|เปล่า|ป่าว|ป่ะ|หรือยัง|กี่|อะไร|ยังไง|อย่างไร|ไหน|เท่าไ|เมื่อไ|ไง|ใคร|ล่ะ|\?")


_BEYOND = re.compile(r"เกิน\s*(\d+)")
_UNDER = re.compile(r"ไม่ถึง\s*(\d+)")


def beyond_limit(query: set[str], faq_text: str) -> set[str]:
    """ "ขาดต่อมา 4 ปี" is the case of an FAQ "ขาดต่อเกิน 3 ปี", "ขาดไป 2 ปี" of one on "ไม่ถึง 3 ปี": a
    figure above the FAQ's upper limit, or under its lower one, stands for the limit's own figure."""
    above = [int(n) for n in _BEYOND.findall(faq_text)]
    under = [int(n) for n in _UNDER.findall(faq_text)]
    if not above and not under:
        return query
    out = set()
    for word in query:
        over = [n for n in above if word.isdigit() and int(word) > n]
        short = [n for n in under if word.isdigit() and int(word) < n]
        out.add(str(max(over)) if over else str(min(short)) if short else word)
    return out


def best_passage(
    record: ServiceRecord,
    text: str,
    faq_cosines: list[float] | None = None,
    skip: Callable[[FAQ], bool] | None = None,
) -> PassageMatch | None:
    """`faq_cosines`: the encoder's cosine of the question to each FAQ passage (None: words only);
    `skip`: FAQ entries the caller knows are not the case asked (another duration band)."""
    aspect = detect_aspect(text)
    field = ASPECT_FIELD.get(aspect or "", "")
    if field == "fee" and record.benefits and (BENEFIT_WORDS.search(text) or not record.fees):
        field = "benefits"
    identity = identity_tokens(record) - faq_words(record)
    title = set(bm25_tokens(f"{record.title_th} {record.short_th}"))
    query = set(bm25_tokens(text)) - identity
    asks = _ASKS.search(text) is not None
    best: tuple[float, FAQ] | None = None
    for i, faq in enumerate(record.faqs):
        if skip is not None and skip(faq):
            continue
        asked = set(bm25_tokens(faq.question)) - identity
        entry = asked | (set(bm25_tokens(faq.answer)) - identity)
        said = beyond_limit(query, f"{faq.question} {faq.answer}")
        words = overlap(said, asked)
        if asks:
            words = max(words, ANSWER_WEIGHT * coverage(said, entry))
        if not shares_a_word(said, entry, title) or misses_a_sense(text, f"{faq.question} {faq.answer}"):
            continue
        if faq_cosines is not None and i < len(faq_cosines):
            score = (1 - DENSE_WEIGHT) * words + DENSE_WEIGHT * max(0.0, faq_cosines[i])
        else:
            score = words
        if best is None or score > best[0]:
            best = (score, faq)
    # a message that asks nothing ("จะพาลูกไปทำพาสปอร์ตค่ะ") needs a clear match to get an FAQ's answer
    weak_enough = FAQ_WEAK if asks else FAQ_MIN
    if best is not None and (best[0] >= FAQ_MIN or (best[0] >= weak_enough and not field)):
        return PassageMatch("faq", field or "description", best[1], round(best[0], 3))
    if field:
        return PassageMatch("field", field, None, 1.0)
    return None

"""What the search sees of a record and of a question: passages for embeddings, tokens for BM25."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache

from knowledge.record import ServiceRecord
from knowledge.search.normalise import normalise

# Questions are cut here before any work: nobody asks a 10,000-character question, and tokenising or
# embedding one would only cost time. The first part holds what the citizen asked about.
MAX_QUERY_CHARS = 400

# Particles, politeness and question words that every question has and no service name needs.
# (PyThaiNLP's stop-word list is not used: it drops "ต่อ" and "ใหม่", which tell renew from new.)
QUESTION_WORDS = frozenset(
    [
        "ครับ",
        "คับ",
        "ค่ะ",
        "คะ",
        "ค่า",
        "ขา",
        "จ้า",
        "จ้ะ",
        "นะ",
        "น่ะ",
        "ฮะ",
        "อ่ะ",
        "อะ",
        "เหรอ",
        "หรอ",
        "มั้ย",
        "ไหม",
        "มั๊ย",
        "ไม๊",
        "ป่าว",
        "เปล่า",
        "ยังไง",
        "อย่างไร",
        "อะไร",
        "บ้าง",
        "ที่ไหน",
        "ไหน",
        "เท่าไร",
        "เท่าไหร่",
        "กี่",
        "ได้",
        "ไม่",
        "ต้อง",
        "จะ",
        "อยาก",
        "ขอ",
        "ถาม",
        "สอบถาม",
        "หน่อย",
        "ด้วย",
        "คือ",
        "ว่า",
        "แล้ว",
        "ก็",
        "ที่",
        "ของ",
        "การ",
        "ให้",
        "กับ",
        "และ",
        "หรือ",
        "ใน",
        "ไป",
        "มา",
        "เรา",
        "ผม",
        "ฉัน",
        "หนู",
        "ดิฉัน",
        "เค้า",
        "เขา",
        "มี",
        "เป็น",
        "อยู่",
        "นี้",
        "นั้น",
        "ครั้ง",
        "ช่วย",
        "บอก",
        "ล่ะ",
        "ละ",
        "ไร",
    ]
)

_WORD = re.compile(r"\w", re.UNICODE)


def clean_query(text: str) -> str:
    """NFC, no control characters, collapsed spaces, bounded length."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def bm25_tokens(text: str) -> list[str]:
    """Lower-cased word tokens (PyThaiNLP newmm with the project's domain words via nlu.tokenize),
    without punctuation, emoji or question words; misspellings and abbreviations rewritten first."""
    return list(_tokens(text))


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[str, ...]:
    """One search tokenises the question three times (word BM25, character trigrams, FAQ overlap):
    the few most recent questions are kept."""
    from nlu.tokenize import tokenize  # heavy dictionary; loaded on first use, once per process

    out = []
    for token in tokenize(normalise(text)):
        word = token.text.lower()
        if _WORD.search(word) and word not in QUESTION_WORDS:
            out.append(_singular(word))
    return tuple(out)


def index_tokens(text: str, known: Container[str]) -> list[str]:
    """The question's tokens for the word index: `bm25_tokens`, where a domain word the index does not
    know is followed by the index's words that spell it.

    A domain word ("เงินอุดหนุนเด็กแรกเกิด", "โฉนดที่ดิน") is one token, so where every record words it
    otherwise ("เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด": เงินอุดหนุน … เด็กแรกเกิด) the citizen's word
    matched nothing. A domain word the index knows stays whole and alone, so what matches today scores
    as it did; the records' side is left whole too (their compounds' parts made "ราคาทอง" match the
    gold card).
    """
    out: list[str] = []
    for word in _tokens(text):
        out.append(word)
        if word not in known and word in _domain_words():
            out.extend(spelt_by(word, known))
    return out


def spelt_by(word: str, known: Container[str]) -> tuple[str, ...]:
    """`word` cut into the fewest `known` words other than itself, none shorter than MIN_PART_CHARS nor
    a question word; empty when no such cut spells it whole. Only words the index knows: a part the
    records never say ("ร้อง" of "ร้องเรียน", "สรร" of "สรรพากร") would leave a stray syllable
    ("เรียน", "พา") matching an unrelated service."""
    n = len(word)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for start in range(n - 1, -1, -1):
        for end in range(n, start + MIN_PART_CHARS - 1, -1):
            rest = best[end]
            piece = word[start:end]
            if rest is None or (start == 0 and end == n) or piece in QUESTION_WORDS or piece not in known:
                continue
            current = best[start]
            if current is None or len(rest) + 1 < len(current):
                best[start] = (piece, *rest)
    return best[0] or ()


def _singular(word: str) -> str:
    """An English plural as its singular ("cars" in a record's English text, "car" in the question);
    Thai has no such endings."""
    if len(word) > ENGLISH_PLURAL_MIN and word.isascii() and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


ENGLISH_PLURAL_MIN = 3  # "bus", "tax" stay as they are
MIN_PART_CHARS = 2  # a part of one letter is no word


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    """The project's domain words (nlu/dictionary/domain_words.txt), lower-cased as tokens are."""
    from nlu.tokenize import load_domain_words

    return frozenset(w.lower() for w in load_domain_words())


def record_passages(record: ServiceRecord) -> list[str]:
    """Short texts that each say what the service is: one embedding per passage, a record scores the
    best of them. Titles, colloquial names and FAQ questions match how people ask."""
    passages = [record.title_th]
    if record.title_en:
        passages.append(record.title_en)
    passages.extend(record.synonyms)
    passages.extend(f"{record.title_th}: {faq.question}" for faq in record.faqs)
    passages.extend(record.approved_questions)  # citizens' own words, confirmed by a reviewer
    if record.description:
        passages.append(record.description)
    seen: set[str] = set()
    return [p for p in passages if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def record_bm25_text(record: ServiceRecord) -> str:
    """Titles and synonyms twice (they name the service), FAQ and approved questions and the description
    once; the English title and description too, so an English question finds its words ("annual car
    tax") where the titles alone do not (their words never match a Thai question)."""
    english = getattr(record, "english", None)
    english_title = getattr(english, "title", "") if english else ""
    names = " ".join([record.title_th, record.title_en, english_title, *record.synonyms])
    questions = " ".join([*(f.question for f in record.faqs), *record.approved_questions])
    english_text = getattr(english, "description", "") if english else ""
    return f"{names} {names} {questions} {record.description} {english_text}"


CHAR_GRAM = 3


def char_grams(text: str, known: Container[str] = ()) -> list[str]:
    """Character trigrams of each word the word index does not know (`known`; question words dropped; a
    word of three letters or fewer is its own gram): a misspelt word ("ขับขี๋", "พาสสปอร์ต") still
    shares most of its trigrams with the right name, where whole-word BM25 finds nothing. Known words
    are left to word BM25, so a common word next to a rare abbreviation ("สมัคร กยศ") adds nothing."""
    grams: list[str] = []
    for word in bm25_tokens(text):
        if word in known:
            continue
        if len(word) <= CHAR_GRAM:
            grams.append(word)
        else:
            grams.extend(word[i : i + CHAR_GRAM] for i in range(len(word) - CHAR_GRAM + 1))
    return grams


def record_char_text(record: ServiceRecord) -> str:
    """What character trigrams are taken from: the service's names only (title, short label, synonyms),
    where a misspelling matters; FAQ questions and prose would make common words ("สมัคร") match."""
    return " ".join([record.title_th, record.short_th, *record.synonyms])

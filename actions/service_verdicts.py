"""What the record says to a question: the yes/no verdict (ได้ค่ะ / ไม่ได้ค่ะ / ต้องค่ะ / ไม่ต้องค่ะ …)
and the clause of the record behind it.

Pure functions over a `ServiceRecord` (no search, no Rasa), below actions/service_answer.py, which
decides in what order they are tried and lays out the answer. Reading a question (yes/no or not; its
modal word: must, can, have), finding the record's sentence that answers it, and the verdicts of the
record's fields: documents, offices, online, fees, eligibility clauses, going in person or together,
ages, durations and deadlines. A verdict is catalogue text (actions/replies.py), or None when the
record does not say.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from actions.replies import (
    ACCOMPANYING_PERSON_WORDS,
    AGE_ASKED_PATTERN,
    AGE_BOUND_PATTERN,
    AGE_EXCEPTION_PATTERN,
    AGE_IN_RULE_PATTERN,
    AGE_LOWER_PATTERN,
    AGE_RANGE_PATTERN,
    AGE_REACHED_PATTERN,
    AGE_UNDER_PATTERN,
    AGE_UPPER_PATTERN,
    ALONE_WORDS,
    ALTERNATIVE_WORD,
    ANY_AGE_PATTERN,
    ANY_OFFICE_ASKED_PATTERN,
    ANY_OFFICE_WORDS,
    AREA_BRACKETS_PATTERN,
    AREA_MARK,
    ASKED_ALONE_WORDS,
    ASKED_POINT_WORDS,
    BAHT_WORD,
    BY_ONESELF_ONLINE,
    CAN_WORD,
    CASUAL_TAIL_PATTERN,
    CONDITION_LEADS,
    CONDITION_OPENING_WORDS,
    CONDITION_WORDS,
    COUNTED_FROM_WORD,
    DOCUMENT_KIND_WORDS,
    DOCUMENT_VERB_PATTERN,
    DOING_WORDS,
    DOTTED_ABBREVIATION_PATTERN,
    DURATION_BOUNDS,
    DURATION_KIND_BEFORE,
    DURATION_NOT_SAID_BEFORE,
    DURATION_NUMBER_WORDS,
    DURATION_UNIT_DAYS,
    EXCLUSION_ALTERNATIVE_WORD,
    EXCLUSION_INSIDE_PATTERN,
    EXCLUSION_PATTERN,
    FIGURE_FOLLOW_UP_WORDS,
    GENERIC_SUBJECT_WORDS,
    HOUSE_MASTER_WORDS,
    HOW_MUCH_WORDS,
    IN_PERSON_ASKED_PATTERN,
    IN_PERSON_CLAUSE_WORD,
    IN_PERSON_WORDS,
    INCOME_WORDS,
    INTENTION_WORD,
    JOINED_LEADS,
    JUST_GONE_BY_WORDS,
    LACKING_PATTERN,
    LACKING_SPAN_CHARS,
    LATE_AFTER_PATTERN,
    MODAL_THEN_YET_PATTERN,
    MONEY_SAID_PATTERN,
    MONEY_WORDS,
    MORE_THAN_WORD,
    MUST_WORD,
    NAME_ABBREVIATION_PATTERN,
    NEGATION_WORD,
    NO_NEED_WORD,
    NONE_ONLINE_PATTERN,
    NOT_DOING_WORDS,
    NOT_IN_PERSON_WORDS,
    NOT_PROXY_WORDS,
    NOT_YET_WORDS,
    OFFICE_KIND_WORDS,
    OFFICES_JOINER,
    OPEN_QUESTION_PATTERN,
    OPTIONAL_FEE_MARKS,
    OTHERWISE_ALLOWED_PATTERN,
    OWN_OFFICE_PATTERN,
    PAY_TAX_WORDS,
    PERCENT_ASKED_PATTERN,
    PERCENT_WORD_PATTERN,
    PLACE_NAMED_PATTERN,
    PREFIX_FILLER_WORDS,
    PREREQUISITE_PATTERN,
    PROXY_AT_PLACE_PATTERN,
    PROXY_RECORD_WORDS,
    PROXY_WORD,
    SELF_WORD,
    SUBJECT_WORDS,
    SYLLABLE_START_PATTERN,
    TIME_LIMIT_PATTERN,
    TOGETHER_ASKED_WORDS,
    TOGETHER_CLAUSE_WORDS,
    TOGETHER_WORDS,
    TOPIC_INSTEAD_PATTERN,
    UNABLE_TO_GO_WORDS,
    UNDER_AGE_CASE_PATTERN,
    VAGUE_AMOUNT_WORDS,
    WARM_ENDINGS,
    WHO_AND_AGE_WORDS,
    YES_NO_TYPED_ENDINGS,
    reply_for,
)
from actions.service_income import income_said
from knowledge.record import TO_CONFIRM_MARK_TH, Fee, ServiceRecord
from nlu.normalize import normalize_text

# Yes/no questions: Thai question particles and English auxiliaries at the start.
_YES_NO_TH = (
    "ไหม",
    "มั้ย",
    "มั๊ย",
    "หรือเปล่า",
    "รึเปล่า",
    "หรือป่าว",
    "ป่าว",
    "หรือไม่",
    "ใช่ไหม",
    "ปะ",
    "ป่ะ",
    "ป้ะ",
    "เปล่า",
    "รึยัง",
    "หรือยัง",
    *YES_NO_TYPED_ENDINGS,
)
_MODAL_THEN_YET = re.compile(MODAL_THEN_YET_PATTERN)
_YES_NO_EN = re.compile(r"^\s*(can|could|do|does|is|are|must|should|may|will|shall|have to)\b", re.I)
# "need insurance first?", "insurance needed?", "ok to pay online?": a telegraphic question (SMS) that
# drops its auxiliary
_YES_NO_EN_TELEGRAPHIC = re.compile(
    r"^\s*(need|needs|have to|has to|ok|okay|possible|allowed)\b[^?]*\?\s*$"
    r"|\b(needed|required|necessary|ok|okay|possible|allowed)\s*\?\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Leading words of an FAQ answer that already answer yes or no, longest first.
POLARITY = (
    ("ไม่จำเป็น", "answer_no_need"),
    ("ไม่ต้อง", "answer_no_need"),
    ("ไม่ได้", "answer_no_cannot"),
    ("ไม่ใช่", "answer_no"),
    ("ต้อง", "answer_yes_must"),
    ("ได้", "answer_yes_can"),
    ("ใช่", "answer_yes"),
)
MIN_YES_NO_PART = 5  # characters of a part that ends in a yes/no particle ("เสียเงินไหม")
_LATE_WORDS = ("ปรับ", "ล่าช้า", "เงินเพิ่ม", "เกินกำหนด")
_FREE_WORDS = ("ไม่เสีย", "ฟรี", "ไม่มีค่า", "ยกเว้นค่าธรรมเนียม")
_ENDINGS = ("ค่ะ", "คะ", "ครับ", ".", "!", "?", ")")


# What a casual question may trail after its particle: laughter, emoji, punctuation, "อะ" ("ได้ยังอะ 555")
_CASUAL_TAIL = re.compile(CASUAL_TAIL_PATTERN)


def _ends_yes_no(piece: str) -> bool:
    folded = "".join(normalize_text(piece or "").lower().split())
    folded = _CASUAL_TAIL.sub("", folded) or folded
    folded = folded.rstrip("?ๆ").removesuffix("คะ").removesuffix("ครับ").removesuffix("ค่ะ").removesuffix("คับ")
    for ending in WARM_ENDINGS:
        folded = folded.removesuffix(ending)
    folded = folded.removesuffix("นะ").rstrip("?")
    return any(folded.endswith(p) for p in _YES_NO_TH) or _MODAL_THEN_YET.search(folded) is not None


def is_yes_no(text: str) -> bool:
    """A yes/no question: its end, or the end of one of its space-separated parts ("เสียเงินไหม ถ้าไป
    ที่อำเภอ", "ต้องกลับไปทำที่ไทยไหม หรือทำที่นี่ได้"), is a yes/no particle; or English with a sentence
    that opens with an auxiliary. A part shorter than a word ("ปะ" alone) does not count."""
    if _ends_yes_no(text):
        return True
    parts = (text or "").split()
    if len(parts) > 1 and any(len(p) >= MIN_YES_NO_PART and _ends_yes_no(p) for p in parts[:-1]):
        return True
    # "I'm a salaried employee. Can I file online?": a sentence after the setting may ask it
    return any(
        _YES_NO_EN.match(sentence) or _YES_NO_EN_TELEGRAPHIC.search(sentence)
        for sentence in _SENTENCE_END.split(text or "")
    )


def asked_and_said(text: str) -> tuple[str, str]:
    """A yes/no question followed by the citizen's own statement ("ย้ายปลายทางได้ใช่มั้ยครับ ไม่ต้องกลับ
    โคราช"): (the question, the statement); (text, "") when the text ends in its question."""
    if _ends_yes_no(text):
        return text, ""
    parts = normalize_text(text or "").split()
    for i in range(len(parts) - 2, -1, -1):
        if len(parts[i]) >= MIN_YES_NO_PART and _ends_yes_no(parts[i]):
            return " ".join(parts[: i + 1]), " ".join(parts[i + 1 :])
    return text, ""


def say(key: str, channel: str, **values: str) -> str:
    text = reply_for(key, channel).text
    return text.format(**values) if values else text


# -- record fields ------------------------------------------------------------------------------------
def benefits_of(record: ServiceRecord) -> list[str]:
    """Money the citizen receives, as display lines (the knowledge base's `benefits`, when present)."""
    return [_display(item) for item in getattr(record, "benefits", ()) or ()]


_PERCENT_ASKED = re.compile(PERCENT_ASKED_PATTERN)
_PERCENT_WORD = re.compile(PERCENT_WORD_PATTERN)
_OPEN_QUESTION = re.compile(OPEN_QUESTION_PATTERN)


def _squashed(text: str) -> str:
    return "".join(normalize_text(text or "").split())


def asks_percent(question: str) -> bool:
    """ "ได้กี่เปอเซ็น", "กี่%", "ดอกเบี้ยร้อยละเท่าไหร่": a percentage asked, however percent is typed."""
    return _PERCENT_ASKED.search(_squashed(question)) is not None


def asks_amount(question: str) -> bool:
    """ "ได้เดือนละเท่าไหร่", "ค่าธรรมเนียมกี่บาท", "ได้กี่เปอเซ็น": how much, asked as no yes/no question."""
    if is_yes_no(question):
        return False
    squashed = _squashed(question)
    return asks_percent(question) or any(w in squashed for w in HOW_MUCH_WORDS)


def asks_open(question: str) -> bool:
    """ "ได้เดือนละเท่าไหร่", "ต้องทำยังไง": a question that no yes or no answers, so an FAQ's ได้ / ต้อง
    (said to its own yes/no question) is no verdict on it."""
    if not question or is_yes_no(question):
        return False
    return _OPEN_QUESTION.search(_squashed(question)) is not None


def amounts_asked(record: ServiceRecord, question: str) -> list[Any]:
    """The record's amounts a how-much question asks (fees and benefits as items with label, amount and
    to_confirm): the money received when it asks what one gets ("ได้เดือนละเท่าไหร่") or the record
    pays no fee to speak of, the fees otherwise; with a percentage asked, the amounts in percent. Those
    whose label shares a word with the question come first ("ถูกเลิกจ้างได้กี่เปอร์เซ็นต์")."""
    from knowledge.search.passages import BENEFIT_WORDS
    from knowledge.search.text import bm25_tokens

    benefits = list(getattr(record, "benefits", ()) or ())
    fees = list(record.fees)
    squashed = _squashed(question)
    if asks_percent(question):
        items = [i for i in (*benefits, *fees) if _PERCENT_WORD.search(str(i.amount))]
    elif benefits and (BENEFIT_WORDS.search(squashed) or not fees):
        items = benefits
    else:
        items = fees
    asked = {t for t in bm25_tokens(squashed) if len(t) >= 3}
    return sorted(items, key=lambda i: not (asked & set(bm25_tokens(str(i.label)))))


def _display(item: Any) -> str:
    if hasattr(item, "display_th"):
        return str(item.display_th())
    if isinstance(item, dict):
        label, amount = str(item.get("label", "")), str(item.get("amount", ""))
        return f"{label}: {amount}" if label and amount else label or amount
    return str(item)


_NO_ONLINE = ("ไม่มี", "ไม่สามารถ", "ไม่ได้", "ยังไม่มี", "ต้องไปด้วยตนเอง", "ต้องไปยื่น")


_IN_PERSON = IN_PERSON_WORDS
_BY_ONESELF_ONLINE = BY_ONESELF_ONLINE  # "ปรับปรุงข้อมูลด้วยตนเองผ่านแอป": by oneself, online
_NONE_ONLINE = re.compile(NONE_ONLINE_PATTERN)  # "…ไม่มีการจดทะเบียนสมรสออนไลน์": none, said further on


def online_partly(record: ServiceRecord) -> bool:
    """Some steps online but the citizen still has to go in person (the online note says so)."""
    note = "".join((record.where_to_apply.online or "").split())
    for phrase in _BY_ONESELF_ONLINE:
        note = note.replace(phrase, "")
    return any(w in note for w in _IN_PERSON)


def online_available(record: ServiceRecord) -> bool:
    where = record.where_to_apply
    if where.online:
        note = where.online.strip()
        return not note.startswith(_NO_ONLINE) and not _NONE_ONLINE.search("".join(note.split()))
    return bool(where.e_service_url)


def polite(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(_ENDINGS) else text + "ค่ะ"


# -- yes/no verdicts from a sentence -----------------------------------------------------------------
# What a yes/no question asks about, read from its modal word: must (ต้อง), can (ได้), have (มี).
# Each verdict: (negative words, positive words) looked for in the supporting sentence.
_VERDICT_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    "must": (("ไม่ต้อง", "ไม่จำเป็น", "ไม่บังคับ"), ("ต้อง", "จำเป็น"), "answer_no_need", "answer_yes_must"),
    "can": (("ไม่ได้", "ไม่สามารถ", "ไม่รับ"), ("ได้", "สามารถ"), "answer_no_cannot", "answer_yes_can"),
    "have": (("ไม่มี",), ("มี",), "answer_no_have", "answer_yes_have"),
}
_SHOULD = "ควร"
# "ได้รับ", "ต้องการ", "มีผล": the modal's letters starting a longer word are not the modal.
_NOT_MODAL = ("ได้รับ", "ได้แก่", "ต้องการ", "มีผล", "มีนา")
_NOT_MODAL_ENDING = INCOME_WORDS  # "รายได้", "เงินได้": income, not can


def _modal_at(text: str, start: int) -> bool:
    """Whether the modal word found at `start` is the modal, not part of a longer word around it."""
    if any(text.startswith(longer, start) for longer in _NOT_MODAL):
        return False
    for word in _NOT_MODAL_ENDING:
        begins = start - len(word) + len(_CAN_WORD)
        if text.startswith(_CAN_WORD, start) and begins >= 0 and text.startswith(word, begins):
            return False
    return True


_CAN_WORD = CAN_WORD


CAN_ASKED = re.compile(r"ได้(?:บ้าง|ด้วย|เลย|ก่อน|อยู่|ใช่)?(ไหม|มั้ย|มั๊ย|ไม๊|หรือเปล่า|รึเปล่า|ป่ะ|ปะ|ป่าว|หรือไม่)")


def question_modal(question: str) -> str | None:
    """must / can / have: what a yes/no question asks (ต้อง…ไหม, …ได้ไหม, มี…ไหม), else None; a statement
    after the question ("…ได้ใช่มั้ย ไม่ต้องกลับโคราช") asks nothing."""
    folded = "".join(normalize_text(asked_and_said(question or "")[0]).split())
    if "ต้อง" in folded or "จำเป็น" in folded or re.search(r"ด้วย(ไหม|มั้ย|หรือเปล่า|ป่ะ|ปะ|ป่าว)", folded):
        return "must"
    if CAN_ASKED.search(folded):
        return "can"
    if folded.startswith("มี") or re.search(r"มี\S{0,12}(ไหม|มั้ย|หรือเปล่า|ป่ะ|ปะ|ป่าว|หรือไม่)", folded):
        return "have"
    return None


def _has_word(text: str, word: str) -> bool:
    start = text.find(word)
    while start >= 0:
        if _modal_at(text, start):
            return True
        start = text.find(word, start + 1)
    return False


MIN_CLAUSE_CHARS = 12  # a shorter piece ("ทุกเดือน") belongs to the clause before it
LONG_WORD_CHARS = 6  # one shared word this long ("ตรวจร่างกาย") is enough to pick a sentence


def _clauses(text: str) -> list[str]:
    """Space-separated clauses, a clause opening with และ/หรือ joined to the one before it, and a
    condition ("ถ้าไม่สะดวกกลับไปบ้านเดิม") to the one after it."""
    out: list[str] = []
    condition = False  # the last part was a condition, which says nothing without what follows it
    for part in (text or "").split():
        # "ภายใน 15 | วันนับแต่…": a figure stays with its unit
        if out and (
            condition
            or part.startswith(("และ", "หรือ", "แต่"))
            or len(part) < MIN_CLAUSE_CHARS
            or out[-1][-1:].isdigit()
        ):
            out[-1] += " " + part
        else:
            out.append(part)
        condition = part.startswith(CONDITION_OPENING_WORDS)
    return out


_OTHERWISE_ALLOWED = re.compile(OTHERWISE_ALLOWED_PATTERN)


def _otherwise_allowed(clause: str, asked: set[str]) -> bool:
    """ "ถ้าไม่สะดวกกลับไปบ้านเดิม ใช้วิธีย้ายปลายทาง…แทนได้": without what was asked (in the condition),
    another way is allowed, so it is not a duty."""
    if _OTHERWISE_ALLOWED.search(clause.strip()) is None:
        return False
    return _shares(asked, _content_senses(clause.split()[0]))


def verdict(question: str, sentence: str, procedure: bool = False) -> str | None:
    """The catalogue key of the verdict a sentence gives to a yes/no question (ไม่ต้องค่ะ, ได้ค่ะ …):
    the clause with the modal word must share a content word with the question. `procedure`: the
    sentence is the record's own account of what was asked, so "can I …?" is answered ได้ค่ะ by it."""
    modal = question_modal(question)
    if modal is None:
        return _confirmed_by(question, sentence)
    negative, positive, no_key, yes_key = _VERDICT_WORDS[modal]
    asked = _content_senses(question)
    # "ไม่ต้อง ผู้สำเร็จ… รด. ปี 3 … แต่ยังต้องไปลงบัญชี…": an answer opening with its verdict word gives that
    # verdict, whatever a later clause adds
    opening = (sentence.split() or [""])[0]
    if opening in (*negative, *positive) and _shares(asked, _content_senses(sentence)):
        return no_key if opening in negative else yes_key
    time_limited = False
    for clause in _clauses(sentence):
        if not _shares(asked, _content_senses(clause)):
            continue
        if modal == "must" and _otherwise_allowed(clause, asked):
            return no_key
        polarity = _last_polarity(_main_part(clause, asked), negative, positive)
        if polarity is not None:
            return no_key if polarity < 0 else yes_key
        time_limited = time_limited or _TIME_LIMIT.search(clause) is not None
    if procedure and modal == "can" and not any(w in sentence for w in negative):
        return yes_key
    # "ต้องทำบัตรใหม่ไหม" - "ทำบัตรประชาชนใหม่ภายใน 60 วัน": a time limit on what was asked makes it a duty
    if (
        time_limited
        and modal == "must"
        and not CONFIRM_ASKED.search("".join(normalize_text(question).split()))
    ):
        return yes_key
    # "ต้องจองคิวก่อนไหม" - "ควรจองคิวล่วงหน้า …": advised, not required
    if (
        modal == "must"
        and _SHOULD in "".join(sentence.split())
        and not _has_word("".join(sentence.split()), "ต้อง")
    ):
        return "answer_advised"
    return None


def _main_part(clause: str, asked: set[str]) -> str:
    """A clause without a condition that says nothing of what was asked: "หากไปไม่ได้ ให้ทำหนังสือมอบอำนาจ"
    says what to do (the condition's ไม่ได้ is the citizen's situation, not the verdict); "ถ้าไม่ถึงเกณฑ์
    ไม่ต้องยื่น" keeps its verdict on what was asked."""
    parts = clause.split()
    last = len(parts) - 1
    return "".join(
        p
        for i, p in enumerate(parts)
        if i == last or not p.startswith(CONDITION_OPENING_WORDS) or _shares(asked, _content_senses(p))
    )


# "ภายใน 60 วัน", "ภายใน 15 วันนับแต่…": a time limit (a date "ภายในวันที่ 10" may be a payday, not a duty)
_TIME_LIMIT = re.compile(TIME_LIMIT_PATTERN)

_NEGATED = "\x00"


def _last_polarity(folded: str, negative: tuple[str, ...], positive: tuple[str, ...]) -> int | None:
    """-1 / +1 for the clause's last modal word, None without one: "เจ้าบ้านแจ้งย้ายผู้ที่ไม่ได้อยู่จริง
    ออกได้" ends in ได้ (the relative clause's ไม่ได้ says nothing about what was asked)."""
    marked = folded
    for word in sorted(negative, key=len, reverse=True):
        marked = marked.replace(word, _NEGATED)
    negative_at = marked.rfind(_NEGATED)
    positive_at = -1
    for word in positive:
        start = marked.find(word)
        while start >= 0:
            if _modal_at(marked, start):
                positive_at = max(positive_at, start)
            start = marked.find(word, start + 1)
    if negative_at < 0 and positive_at < 0:
        return None
    return -1 if negative_at > positive_at else 1


def _shares(asked: set[str], said: set[str]) -> bool:
    """A word in common, or one inside the other ("ค้ำ" asked, "ผู้ค้ำประกัน" said)."""
    from knowledge.search.passages import part_of

    return bool(asked & said) or any(part_of(a, b) for a in asked for b in said if "~" not in a + b)


CONFIRM_MIN_SHARED = 2  # "ทะเบียนโดนระงับแล้วใช่ไหม": two asked words stated in one clause


def _confirmed_by(question: str, sentence: str) -> str | None:
    """ "… ใช่ไหม", "…ไปแล้วหรือเปล่า" with no modal word: ใช่ค่ะ when one clause states what was asked
    (two of its words, or one long one); ไม่ใช่ค่ะ when that clause negates one of them."""
    if CONFIRM_ASKED.search("".join(normalize_text(question or "").split())) is None and not is_yes_no(
        question
    ):
        return None
    from knowledge.search.passages import part_of

    asked = _content_senses(question)
    conditional = any(w in question for w in CONDITION_OPENING_WORDS)
    clauses = _clauses(sentence)
    if conditional:  # "ถ้าไม่รายงานตัวจะได้เงินไหม": the clause on that case first, then the others
        clauses = sorted(clauses, key=lambda c: not any(w in c for w in CONDITION_OPENING_WORDS))
    for clause in clauses:
        # "ได้เงินว่างงานไหม" - "ถ้าไม่รายงานจะไม่ได้เงินงวดนั้น": a case the citizen did not tell is no
        # verdict; the rest of the clause still is ("ถ้าย้ายบ้านไม่แจ้ง สิทธิ์จะถูกตัด…")
        if not conditional:
            clause = " ".join(p for p in clause.split() if not p.startswith(CONDITION_OPENING_WORDS))
            if not clause:
                continue
        said = _content_senses(clause)
        shared = {w for w in asked if w in said or any(part_of(w, s) for s in said if "~" not in w + s)}
        weight = sum(2 if len(w.lstrip("~")) >= LONG_WORD_CHARS else 1 for w in shared)
        if weight < CONFIRM_MIN_SHARED:
            continue
        return "answer_no" if _negates(clause, shared) else "answer_yes"
    return None


NEGATION_REACH = 6  # "ไม่ถูกระงับ", "ไม่ได้ระงับ": the negation right before a word asked about


def _negates(clause: str, shared: set[str]) -> bool:
    """Whether the clause negates one of the words asked about ("ไม่ได้ถูกระงับ"), not some other part
    of it ("ค่าปรับไม่เกิน 1,000 บาท" still says there is a fine)."""
    folded = "".join(clause.split())
    for word in shared:
        at = folded.find(word.lstrip("~"))
        if at > 0 and NEGATION_WORD in folded[max(0, at - NEGATION_REACH) : at]:
            return True
    return False


def _content_senses(text: str) -> set[str]:
    from knowledge.search.text import bm25_tokens

    return _senses(t for t in bm25_tokens(text) if len(t) >= 2 and t not in _QUESTION_WORDS)


# Words that ask in different ways for the same thing; a question word and a record word match if
# they share a group.
_SAME_SENSE: tuple[frozenset[str], ...] = (
    frozenset({"ก่อน", "ล่วงหน้า", "ไว้ก่อน"}),
    frozenset({"สมัคร", "ลงทะเบียน", "ลงชื่อ", "ยื่น", "ขอรับ"}),
    frozenset({"ตรวจร่างกาย", "ใบรับรองแพทย์", "ตรวจสุขภาพ"}),
    frozenset({"แทน", "มอบอำนาจ", "ฝาก"}),
    frozenset({"ครบ", "ถึง"}),
    frozenset(TOGETHER_WORDS),
    frozenset(HOUSE_MASTER_WORDS),
)
_QUESTION_WORDS = {
    "ไหม",
    "มั้ย",
    "หรือเปล่า",
    "ได้",
    "ต้อง",
    "ด้วย",
    "อะไร",
    "ยังไง",
    "อย่างไร",
    "บ้าง",
    "ค่ะ",
    "คะ",
    "ครับ",
    "หรือ",
    "เปล่า",
    "ป่ะ",
    "ไว้",
    "ใช้",
    "ไป",
    "ทำ",
    "มี",
    "ไม่",
    "จำเป็น",
    "สามารถ",
}


# "ไปทำแทนแม่ได้ไหม": someone going instead is a question of its own, answered by a power of attorney
_ASKED_ALONE = frozenset(f"~{min(g)}" for g in _SAME_SENSE if PROXY_WORD in g) | frozenset(ASKED_ALONE_WORDS)
# "ทำแทน", "ยื่นแทน", "ไปแทน": a compound that ends in one of these carries its sense ("เงินฝาก" does not
# end in a sense of going instead: only these endings count).
_SENSE_ENDINGS = (PROXY_WORD,)


def _senses(words: Iterable[str]) -> set[str]:
    out = set()
    for word in words:
        out.add(word)
        ending = next((e for e in _SENSE_ENDINGS if word.endswith(e)), word)
        for group in _SAME_SENSE:
            if word in group or ending in group:
                out |= {f"~{min(group)}"}
    return out


def faq_answered(record: ServiceRecord, sentence: str) -> Any:
    """The FAQ whose whole answer is this sentence (as supporting_sentences gives it), else None."""
    for faq in record.faqs:
        answer = faq.answer.strip()
        for joiner in _LEADING_JOINERS:
            answer = answer.removeprefix(joiner)
        if answer == sentence:
            return faq
    return None


def supporting_sentence(record: ServiceRecord, question: str) -> str | None:
    """The clause of the record (FAQ answers, overview, eligibility, time, online, documents) that
    shares the most content words with the question; None when none shares two (or one long one)."""
    found = supporting_sentences(record, question)
    return found[0] if found else None


def sentence_with_verdict(
    record: ServiceRecord, question: str, procedure: bool = False
) -> tuple[str | None, str | None]:
    """(verdict key, clause): among the clauses that share the most with the question, the first that
    gives a verdict ("ไปจดทะเบียนหย่าพร้อมกัน…" says none, "ทั้งสองฝ่ายต้องไปพร้อมกัน" says ต้อง), else the
    first with no verdict; (None, None) when no clause shares enough."""
    found = supporting_sentences(record, question)
    for clause in found:
        key = verdict(question, clause, procedure=procedure)
        if key is not None:
            return key, clause
    return None, (found[0] if found else None)


def supporting_sentences(record: ServiceRecord, question: str) -> list[str]:
    """The clauses tied for the most content words shared with the question, in the record's order."""
    from knowledge.search.text import bm25_tokens

    asked_words = {t for t in bm25_tokens(question) if len(t) >= 2 and t not in _QUESTION_WORDS}
    identity = set(bm25_tokens(record.title_th)) | set(bm25_tokens(getattr(record, "label_th", "") or ""))
    asked_words -= identity
    asked = _senses(asked_words)
    if not asked:
        return []
    sources: list[str] = [f.answer for f in record.faqs]
    for text in (
        record.description,
        record.eligibility,
        record.processing_time,
        record.where_to_apply.online,
    ):
        sources.extend(_clauses(text or ""))
    # "ให้ลูกไปลงแทนได้ไหม": a listed power of attorney "กรณีให้ผู้อื่นยื่นแทน" says it can be done (only
    # for that question: a document is no answer to "ทะเบียนโดนระงับแล้วใช่ไหม")
    if asked & (_senses(["แทน"]) - {"แทน"}):
        sources.extend(record.documents)
    # "ถ้าไม่ไปมีโทษไหม" - "มีโทษทางอาญา…": a word that is the whole point, inside other words on both sides
    alone = {w for w in (*ASKED_ALONE_WORDS, *ASKED_POINT_WORDS) if w in "".join(question.split())}
    scored: list[tuple[float, str]] = []
    age = age_asked(question)
    for clause in sources:
        clause = clause.strip()
        if len(clause) < 4 or (age is not None and _age_outside(clause, age)):
            continue
        shared = asked & _senses(bm25_tokens(clause))
        score = sum(
            2.0 if len(w.lstrip("~")) >= LONG_WORD_CHARS or w in _ASKED_ALONE else 1.0 for w in shared
        )
        score += 2.0 * len({w for w in alone - shared if w in "".join(clause.split())})
        if score >= 2.0:  # two shared words, or one long one
            scored.append((score, clause))
    top = max((score for score, _ in scored), default=0.0)
    best = [clause for score, clause in scored if score == top]
    out = []
    for clause in best:
        for joiner in _LEADING_JOINERS:
            clause = clause.removeprefix(joiner)
        out.append(clause)
    return out


_AGE_UNDER = re.compile(AGE_UNDER_PATTERN)


def _age_outside(clause: str, age: int) -> bool:
    """ "อายุ20แล้ว ต้อง…ไหม" against "ผู้เยาว์อายุต่ำกว่า 20 ปีต้อง…" or "อายุ 60 ปีขึ้นไป": a clause for
    ages the citizen's is not, which cannot answer their question."""
    folded = normalize_text(clause)
    under = [int(m.group(1)) for m in _AGE_UNDER.finditer(folded)]
    over = [int(m.group(1)) for m in _AGE_LOWER.finditer(folded)]
    return any(age >= bound for bound in under) or any(age < bound for bound in over)


def is_fine_question(text: str) -> bool:
    return "ปรับ" in text or "ล่าช้า" in text or "เกินกำหนด" in text


_LATE_AFTER = re.compile(LATE_AFTER_PATTERN)


def late_fee_by_duration(record: ServiceRecord, text: str, channel: str) -> str | None:
    """ "หมดไป 1 ปี ปรับไหม" on "ค่าปรับกรณียื่นเกิน 60 วันหลังบัตรหมดอายุ: ไม่เกิน 100 บาท": the time the
    citizen gives against the days the late fee starts after - มีค่ะ with the fee, or ไม่มีค่ะ within them.
    None when no duration is given or no late fee says after how long."""
    days = duration_said(text)
    if days is None:
        return None
    for fee in record.fees:
        found = _LATE_AFTER.search("".join(normalize_text(fee.label).split()))
        if found is None or not any(w in fee.label for w in _LATE_WORDS):
            continue
        limit = _days(found.group(1), found.group(2))
        if days > limit:
            return say("answer_late_fee_due", channel, fee=_display(fee))
        return say("answer_late_fee_not_yet", channel, bound=f"{found.group(1)} {found.group(2)}")
    return None


def late_fees(record: ServiceRecord) -> list[str]:
    return [f.display_th() for f in record.fees if any(w in f.label + f.amount for w in _LATE_WORDS)]


_CLAUSE_SPLIT = re.compile(r"\s+(?=\S{2,})")
_LEADING_JOINERS = ("และ", "แล้ว", "โดย", "ซึ่ง")


def _figure_clauses(text: str) -> list[str]:
    """Clauses split at spaces, a figure kept with the words around it ("…อายุครบ 18 ปี") and an aside
    in brackets with the words before it ("ประกันภัยภาคบังคับ (พ.ร.บ.)")."""
    out: list[str] = []
    for piece in _CLAUSE_SPLIT.split(text):
        unclosed = out and out[-1].count("(") > out[-1].count(")")
        if out and (piece[:1].isdigit() or piece[:1] == "(" or unclosed or out[-1][-1:].isdigit()):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


# An abbreviation typed with or without its dots ("พรบ", "พ.ร.บ.", "กยศ"): consonants only, a word alone.
_ABBREVIATION = re.compile(
    r"(?<![\u0e00-\u0e7f.])[\u0e01-\u0e2e](?:\.?[\u0e01-\u0e2e]){2,4}\.?(?![\u0e00-\u0e7f])"
)


def clause_answer(record: ServiceRecord, text: str, channel: str) -> str | None:
    """ "ต้องไปรายงานตัวไหม": a clause of the overview or eligibility that has the asked words and says
    ต้อง (must); then ต้องค่ะ and the clause. None when no such clause (then the record does not say).
    What comes before ต้อง may only name the service or someone the record speaks of ("เบี้ยยังชีพต้อง
    ไปลงทะเบียนไหม", "ลูกชายอายุ 17 ต้องไปลงบัญชีทหารไหม"); the words after it are the ones looked for."""
    from knowledge.search.text import bm25_tokens

    split = must_split(text)
    if split is None or (
        split[0] and not prefix_fits(record, split[0]) and not story_leads_in(record, split)
    ):
        return None
    # "ต้องอบรมก่อนไหม": ก่อน names nothing of its own (a clause "…ล่วงหน้าก่อนหมดอายุ" is no answer)
    skip = _GENERIC_DOC_WORDS | _DOING_WORDS
    asked = {t for t in bm25_tokens(split[1]) if len(t) >= 3 and t not in skip}
    short = {m.group(0).replace(".", "") for m in _ABBREVIATION.finditer(split[1])}  # "พรบ" for "พ.ร.บ."
    if not asked and not short:
        return None
    clauses = [
        c for source in (record.description, record.eligibility) for c in _figure_clauses(source or "")
    ]
    # a clause that itself says ต้อง first ("ต้องอบรมออนไลน์หรือที่สำนักงาน")
    for clause in sorted(clauses, key=lambda c: _MUST_WORD not in c):
        named = asked & set(bm25_tokens(clause)) or any(a in clause.replace(".", "") for a in short)
        if NO_NEED_WORD in clause or not named:
            continue
        for joiner in _LEADING_JOINERS:
            clause = clause.removeprefix(joiner)
        return say("answer_yes_must", channel) + " " + polite(clause)
    return None


# -- must-questions: what is asked after ต้อง, and who or what comes before it -------------------------
# After ต้อง, doing words name nothing of their own ("ต้องไปทำเองก่อนไหม" asks about the service itself);
# the not-doing ones ask something else (who comes along, what to bring or pay). Before it, a condition
# ("ถ้ารายได้ไม่ถึง…") changes the duty; "ยังไม่ได้แจ้งเกิด" (not done yet) does not.
_MUST_WORD = MUST_WORD
_DOING_WORDS = frozenset(DOING_WORDS)
_FILLER_WORDS = frozenset(PREFIX_FILLER_WORDS)


def must_split(question: str) -> tuple[str, str] | None:
    """(what comes before ต้อง, ต้อง and the rest) of a question, or None without ต้อง."""
    text = normalize_text(question or "").strip()
    at = text.find(_MUST_WORD)
    return None if at < 0 else (text[:at].strip(), text[at:])


def _record_words(record: ServiceRecord) -> tuple[str, set[str]]:
    from knowledge.search.text import bm25_tokens

    texts = [
        record.title_th,
        record.label_th,
        *record.synonyms,
        record.description,
        record.eligibility,
        *(f"{f.question} {f.answer}" for f in record.faqs),
    ]
    joined = " ".join(t or "" for t in texts)
    return "".join(joined.split()), set(bm25_tokens(joined))


def _known_word(word: str, folded: str, words: set[str]) -> bool:
    from knowledge.search.passages import part_of

    return word in folded or any(part_of(word, w) for w in words)


def prefix_fits(record: ServiceRecord, prefix: str) -> bool:
    """Whether what precedes ต้อง only names the service or someone or something the record speaks of
    (an age, "ลูกชาย" for "ชายไทย"), with no condition of its own ("ถ้า…", "ไม่มี…")."""
    from knowledge.search.text import bm25_tokens

    folded = "".join(prefix.split())
    if any(w in folded for w in CONDITION_WORDS) or NEGATION_WORD in folded.replace(NOT_YET_WORDS, ""):
        return False
    known, words = _record_words(record)
    for token in bm25_tokens(prefix):
        if token.isdigit() or len(token) < 2 or token in _FILLER_WORDS:
            continue
        if not _known_word(token, known, words):
            return False
    return True


def story_leads_in(record: ServiceRecord, split: tuple[str, str]) -> bool:
    """ "จะเปิดร้านขายอุปกรณ์มือถือ ต้องจดทะเบียนพาณิชย์ไหม", "ลูกชายจะ 18 ปีหน้า ต้องไปลงบัญชีทหารไหม":
    a plan told before ต้อง (จะ…) that leads to the service itself, asked after it. Words the record
    does not know are fine there; a condition, a negation or money ("จะมีรายได้น้อย ต้องยื่นภาษีไหม")
    still is not, since those can change the duty."""
    story = "".join(split[0].split())
    if INTENTION_WORD not in story:  # "ชาวต่างชาติต้องทำบัตรไหม": someone the record does not speak of
        return False
    if not _names_the_service(record, split[1]) or any(w in story for w in CONDITION_WORDS):
        return False
    negated = NEGATION_WORD in story.replace(NOT_YET_WORDS, "")
    return not negated and not any(w in story for w in (*INCOME_WORDS, *MONEY_WORDS))


def _names_the_service(record: ServiceRecord, part: str) -> bool:
    """ "ต้องไปทำบัตรประชาชนไหม", "ต้องทำก่อนไหม": after ต้อง only doing words and the service's name."""
    from knowledge.search.text import bm25_tokens

    folded = "".join(part.split())
    if any(w in folded for w in NOT_DOING_WORDS):
        return False
    name = " ".join([record.title_th, record.label_th, *record.synonyms])
    name_folded, name_words = "".join(name.split()), set(bm25_tokens(name))
    asked = [
        t for t in bm25_tokens(part) if t not in _DOING_WORDS and t not in _YES_NO_TH and not t.isdigit()
    ]  # "ต้องจดทะเบียนพาณิชย์หรือไม่": หรือไม่ asks, it names nothing
    return all(_known_word(t, name_folded, name_words) for t in asked)


_AGE_REACHED = re.compile(AGE_REACHED_PATTERN)


def obligation_deadline(record: ServiceRecord, question: str) -> str | None:
    """ "ลูกอายุ 7 ขวบ ต้องไปทำบัตรประชาชนไหม": a must-question about doing the service itself, on a
    record whose duty comes with a time limit (an FAQ asking ต้อง…, or a clause saying ต้อง… ภายใน 60
    วัน): that FAQ answer or clause (a deadline implies the duty), else None. An age below the one the
    duty starts at ("ลูก 5 ขวบ" for "อายุครบ 7 ปี") gets None."""
    if not is_yes_no(question) or question_modal(question) != "must":
        return None
    if CONFIRM_ASKED.search("".join(normalize_text(question).split())):
        return None
    split = must_split(question)
    if split is None or not _names_the_service(record, split[1]):
        return None
    if not prefix_fits(record, split[0]) and not story_leads_in(record, split):
        return None
    found = None
    for faq in record.faqs:
        asks = "".join(faq.question.split())
        if _MUST_WORD in asks.replace(NO_NEED_WORD, "") and _DEADLINE.search(faq.answer):
            found = faq.answer
            break
    for text in (record.description, record.eligibility, record.processing_time):
        for clause in _clauses(text or "") if found is None else ():
            if _MUST_WORD in clause.replace(NO_NEED_WORD, "") and _DEADLINE.search(clause):
                found = clause
                break
    if found is None:
        return None
    age = age_asked(question)
    starts = [int(m.group(1)) for m in _AGE_REACHED.finditer(normalize_text(found))]
    if age is not None and starts and age < min(starts):
        return None
    for joiner in _LEADING_JOINERS:
        found = found.removeprefix(joiner)
    return polite(found.strip())


def _situation_covered(record: ServiceRecord, story: str, subject: str) -> bool:
    """Whether a word of the situation told before ต้อง ("จ้างแรงงานลาวมาทำสวน") is one the record uses
    for whom its duty falls on: the duty clause's subject ("คนต่างด้าว…"), a synonym or an FAQ question
    ("จ้างแรงงานพม่า ลาว กัมพูชา ต้องทำอย่างไร") whose answer does not say no. "คนไทยต้องทำใบอนุญาต
    ทำงานไหม" (คนไทย only in "อาชีพสงวนสำหรับคนไทย") is not covered."""
    from knowledge.search.text import bm25_tokens

    questions = [f.question for f in record.faqs if not polite(f.answer).startswith(NEGATION_WORD)]
    refused = [f.question for f in record.faqs if polite(f.answer).startswith(NEGATION_WORD)]
    covering = " ".join([subject, *record.synonyms, *questions])
    folded, words = "".join(covering.split()), set(bm25_tokens(covering))
    refused_folded = "".join("".join(refused).split())
    refused_words = set(bm25_tokens(" ".join(refused)))
    name = " ".join([record.title_th, record.label_th])
    covered = False
    for token in bm25_tokens(story):
        if token.isdigit() or len(token) < 2 or token in _FILLER_WORDS or token in _DOING_WORDS:
            continue
        if token in name:  # the service's own name says nothing of whom
            continue
        if refused and _known_word(token, refused_folded, refused_words):
            return False  # "ชาวต่างชาติทำบัตรได้ไหม" - "ไม่ได้…": the record says no to that situation
        covered = covered or _known_word(token, folded, words)
    return covered


def stated_duty(record: ServiceRecord, question: str) -> str | None:
    """ "จ้างแรงงานลาวมาทำสวน ต้องขอใบอนุญาตทำงานไหม": a must-question whose object is the service itself,
    after a situation the record covers, on a record whose overview states the duty ("คนต่างด้าวต้องมี
    ใบอนุญาตทำงานก่อนเริ่มทำงาน…"): that clause, else None. A condition, a negation or money told in the
    situation, or a condition in the clause, can change the duty, so they give None."""
    from knowledge.search.text import bm25_tokens

    if not is_yes_no(question) or question_modal(question) != "must":
        return None
    if CONFIRM_ASKED.search("".join(normalize_text(question).split())):
        return None
    split = must_split(question)
    if split is None or not split[0] or not _names_the_service(record, split[1]):
        return None
    story = "".join(split[0].split())
    if any(w in story for w in CONDITION_WORDS) or NEGATION_WORD in story.replace(NOT_YET_WORDS, ""):
        return None
    if any(w in story for w in (*INCOME_WORDS, *MONEY_WORDS)):
        return None
    asked = [
        t
        for t in bm25_tokens(split[1])
        if t not in _DOING_WORDS and t not in _YES_NO_TH and not t.isdigit() and len(t) > 1
    ]
    if not asked:
        return None
    for text in (record.description, record.eligibility):
        clauses = _clauses(text or "")
        for i, clause in enumerate(clauses):
            folded = "".join(clause.split())
            at = folded.replace(NO_NEED_WORD, "\x00" * len(NO_NEED_WORD)).find(_MUST_WORD)
            if at == 0 and i > 0:  # "…ร้านขายของออนไลน์ | ต้องจดทะเบียนพาณิชย์…": whom, in the clauses before
                clause = " ".join(clauses[: i + 1])
                folded = "".join(clause.split())
                at = folded.replace(NO_NEED_WORD, "\x00" * len(NO_NEED_WORD)).rfind(_MUST_WORD)
            unconditional = folded.replace(COUNTED_FROM_WORD, "")  # "นับแต่วันเริ่ม…" is no แต่
            if at <= 0 or any(w in unconditional for w in CONDITION_WORDS):
                continue
            duty = folded[at:]
            if not all(t in duty for t in asked):
                continue
            if _situation_covered(record, split[0], folded[:at]):
                return clause.strip()
    return None


def _free_fee(fee: Fee) -> bool:
    """A fee item that costs nothing: its amount says so, or its label does and no figure is given -
    not "อากรแสตมป์ (กรณีไม่เสียภาษีธุรกิจเฉพาะ): ร้อยละ 0.5", a charge named by the tax it replaces."""
    if any(w in fee.amount for w in _FREE_WORDS):
        return True
    return any(w in fee.label for w in _FREE_WORDS) and not any(c.isdigit() for c in fee.amount)


def yes_no_from_fields(record: ServiceRecord, aspect: str | None, text: str, channel: str) -> str | None:
    """ได้ค่ะ / ไม่ได้ค่ะ … when a field answers a yes/no question; None when the record does not say."""
    if aspect == "online":
        if online_available(record) and online_partly(record):  # "จองคิวออนไลน์ได้ แต่ต้องไปยื่นด้วยตนเอง"
            return say("answer_online_partly", channel)
        return say("answer_yes_can" if online_available(record) else "answer_no_cannot", channel)
    if aspect == "fee":
        if benefits_of(record) and not record.fees:
            return None
        if not record.fees:
            return None
        if is_fine_question(text):  # "เสียค่าปรับไหม": a late fee among the fees, or not said
            if not late_fees(record):
                return None
            return late_fee_by_duration(record, text, channel) or say("answer_has_late_fee", channel)
        main = [
            f for f in record.fees if not any(w in f.label + f.amount for w in _LATE_WORDS)
        ] or record.fees
        free = [_free_fee(f) for f in main]
        if all(free):
            return say("answer_free", channel)
        if any(free):  # "ในสำนักทะเบียน: ไม่มีค่าธรรมเนียม; นอกสำนักทะเบียน: 200 บาท"
            case = next(f.label for f, is_free in zip(main, free, strict=True) if is_free)
            return say("answer_free_when", channel, case=case)
        return say("answer_has_fee", channel)
    modal = question_modal(text)
    if modal == "can" and aspect in ("documents", None):
        lacking = lacking_document(record, text)
        if lacking is not None:
            return say("answer_document_lacking", channel, document=lacking)
    # "ได้เบี้ยด้วยไหม" reads as must: any yes/no but "มี…ไหม" asks whether the citizen can
    if modal != "have" and aspect in ("eligibility", None) and (clause := excluding_clause(record, text)):
        return say("answer_excluded", channel, clause=polite(clause))
    # "ต้องใช้สูติบัตรไหม": a listed document answers a must/have question, never "can I get …?"
    # "…โดนระงับแล้วใช่ไหม" asks no document; "ต้องใช้บัตรคนพิการด้วยใช่มั้ย" (a modal word) does
    confirm = modal is None and CONFIRM_ASKED.search("".join(text.split())) is not None
    if aspect in ("documents", None) and modal in ("must", "have", None) and not confirm:
        # the service's own name ("จดทะเบียน" in "ต้องจดทะเบียนอะไรไหม") is not a document asked about
        document = _document_named(record.documents, document_asked(text), _title_words(record, text))
        if document:
            return say("answer_document_listed", channel, document=document)
    first_made = _PREREQUISITE.search("".join(normalize_text(text).split())) if modal == "must" else None
    if aspect in ("documents", None) and first_made is not None:
        # "ต้องทำบัตรคนพิการก่อนใช่ไหม": a listed paper to get first
        document = _document_named(record.documents, first_made.group(1), _title_words(record, text))
        if document:
            return say("answer_document_listed", channel, document=document)
    if aspect in ("place", None) and (office_line := any_office_verdict(record, text, channel)):
        return office_line
    if aspect in ("place", None) and (other_area := other_area_verdict(record, text, channel)):
        return other_area
    if (
        aspect in ("place", None)
        and modal == "can"
        and (not_listed := office_not_listed_line(record, text, channel))
    ):
        return not_listed
    # "ที่ห้างได้ไหม": an office listed for it; not a must-question ("ย้ายเข้าหอใหม่ ต้องแจ้งย้ายไหม" shares
    # only "ใหม่" with "…ที่บ้านหลังใหม่ตั้งอยู่") unless it names the office to confirm ("ต้องไป
    # ดำเนินการที่สำนักงานที่ดินใช่หรือไม่": ใช่ค่ะ)
    place_confirmed = office_confirmed(record, text, channel) if aspect in ("place", None) else None
    if place_confirmed is not None:
        return place_confirmed
    if aspect in ("place", None) and modal != "must":
        office = office_kind_listed(record, text) or _document_named(
            record.where_to_apply.offices, text, _GENERIC_PLACE_WORDS
        )
        if office:
            return say("answer_place_listed", channel, office=office)
    # "ต้องอบรมก่อนไหม": ก่อน reads as a time question, but what is asked is a duty the overview states
    if aspect is None or (aspect == "time" and question_modal(text) == "must"):
        return clause_answer(record, text, channel)
    return None


_DOCUMENT_VERBS = frozenset(DOCUMENT_VERB_PATTERN.split("|"))
_PREREQUISITE = re.compile(PREREQUISITE_PATTERN)


def document_asked(text: str) -> str:
    """The part of a question that names the document: after its verb ("อายุ20แล้ว ต้องเอา|ทะเบียนบ้าน
    ไปด้วยมั้ย"), else before it ("สูติบัตร|ต้องใช้ไหม"); nothing when no document verb is there
    ("ต้องเปลี่ยนนามสกุลตามสามีไหม" asks about a step, not a paper). Words, not letters: "มี" is in "สามี"."""
    from nlu.tokenize import tokenize

    words = [t.text for t in tokenize(normalize_text(text))]
    at = next((i for i, w in enumerate(words) if w in _DOCUMENT_VERBS), None)
    if at is None:
        return ""
    after = "".join(words[at + 1 :])
    return after if _content_senses(after) else "".join(words[:at])


def document_not_listed(record: ServiceRecord, question: str) -> str | None:
    """ "อายุ20แล้ว ต้องเอาทะเบียนบ้านไปด้วยมั้ย": a must-question on bringing a paper the record never
    names (not among its documents, FAQs, overview or eligibility): that paper, else None."""
    if question_modal(question) != "must":
        return None
    asked = document_asked(question)
    paper = next((w for w in DOCUMENT_KIND_WORDS if w in asked), None)
    if paper is None:
        return None
    said = [*record.documents, record.description, record.eligibility, record.where_to_apply.online]
    said += [f"{f.question} {f.answer}" for f in record.faqs]
    folded = "".join(" ".join(t or "" for t in said).split())
    return None if paper in folded else paper


_NAME_ABBREVIATION = re.compile(NAME_ABBREVIATION_PATTERN)
_AREA_BRACKETS = re.compile(AREA_BRACKETS_PATTERN)


def _agency_names(record: ServiceRecord) -> dict[str, str]:
    """Every name an agency of the record goes by, to its short name: "การไฟฟ้านครหลวง", "กฟน", "MEA" ->
    "กฟน" (from "การไฟฟ้านครหลวง (กฟน.)" and "MEA Smart Life (กฟน.)")."""
    names: dict[str, str] = {}
    for text in (record.agency, record.where_to_apply.online, record.office_hours):
        for found in _NAME_ABBREVIATION.finditer(text or ""):
            name = found.group(1).split()[0] if found.group(1).isascii() else found.group(1)
            for lead in JOINED_LEADS:
                name = name.removeprefix(lead)
            names[name] = names[found.group(2)] = found.group(2)
    return names


def other_area_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "อยู่นนทบุรี ขอมิเตอร์ไฟใหม่ ไปยื่นPEAได้ไหม": the province is in the brackets of one office
    ("สำนักงานการไฟฟ้านครหลวงเขต (กรุงเทพฯ นนทบุรี สมุทรปราการ)") and the agency asked runs another:
    ไม่ได้ค่ะ, that office and its hotline. None when no province or agency is named, or they agree."""
    folded = "".join(normalize_text(question).split()).replace(AREA_MARK, "")
    offices = record.where_to_apply.offices
    place, area_office = "", None
    for office in offices:
        for bracket in _AREA_BRACKETS.findall(office):
            for area in bracket.replace(AREA_MARK, "").split():
                if len(area) >= 3 and area in folded:
                    place, area_office = area, office
    if area_office is None:
        return None
    names = _agency_names(record)
    asked = next((short for name, short in names.items() if name in folded or name.lower() in folded), None)
    if asked is None:
        return None
    full = {short: name for name, short in names.items() if name != short and not name.isascii()}
    runs = full.get(asked, "")
    if not runs or runs in area_office:
        return None
    own = next((short for short, name in full.items() if name in area_office), None)
    found = re.search(rf"{own}\.?\s*(\d{{3,}})", record.office_hours or "") if own else None
    if found is not None:
        hotline = found[1]
        return say("answer_office_other_area_call", channel, place=place, office=area_office, hotline=hotline)
    return say("answer_office_other_area", channel, place=place, office=area_office)


def office_kind_not_listed(record: ServiceRecord, question: str) -> str | None:
    """ "ไปทำที่อำเภอได้ไหม" for a passport: the kind of office asked about, when neither the offices nor
    the online channel of the record name it (the list of where to apply is the answer)."""
    where = record.where_to_apply
    if not where.offices:
        return None
    folded = "".join(normalize_text(question).split())
    listed = "".join(" ".join((*where.offices, where.online or "")).split())
    if optional_fee_named(record, question) is not None:
        return None  # "ส่งเล่มทางไปรษณีย์ได้ไหม": an option charged for ("ค่าจัดส่งทางไปรษณีย์"), not an office
    for kind, names in OFFICE_KIND_WORDS.items():
        if kind in folded and not any(name in listed for name in names):
            return kind
    return None


def office_kind_listed(record: ServiceRecord, question: str) -> str | None:
    """ "ไปลงทะเบียนที่อบต.ได้ไหม" on "เทศบาลหรือองค์การบริหารส่วนตำบลที่…": the listed office that names
    the kind of office asked about by one of its names (อบต. is an องค์การบริหารส่วนตำบล)."""
    folded = "".join(normalize_text(question).split())
    for kind, names in OFFICE_KIND_WORDS.items():
        if kind in folded:
            offices = record.where_to_apply.offices
            found = next((o for o in offices if any(n in "".join(o.split()) for n in names)), None)
            if found is not None:
                return found
    return None


_PLACE_NAMED = re.compile(PLACE_NAMED_PATTERN)


def office_confirmed(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ต้องไปทำที่สำนักงานที่ดินใช่ไหม": ใช่ค่ะ with the listed office the place named after ที่ is; None
    for a question that is no confirmation or names no listed office."""
    folded = "".join(normalize_text(question).split())
    asked = CONFIRM_ASKED.search(folded)
    named = _PLACE_NAMED.search(folded[: asked.start()]) if asked else None
    if named is None:
        return None
    place = folded[named.start(1) : asked.start()] if asked else ""
    office = office_kind_listed(record, place) or _document_named(
        record.where_to_apply.offices, place, _GENERIC_PLACE_WORDS
    )
    return None if office is None else say("answer_place_confirmed", channel, office=office)


def office_not_listed_line(
    record: ServiceRecord, question: str, channel: str, faq_question: str = ""
) -> str | None:
    """ไม่ได้ค่ะ with where to go, for a kind of office the record does not list; None when it lists it,
    or when the FAQ found is itself about that kind of office (its own answer then says)."""
    kind = office_kind_not_listed(record, question)
    if kind is None or kind in "".join(normalize_text(faq_question).split()):
        return None
    offices = OFFICES_JOINER.join(f"“{o}”" for o in record.where_to_apply.offices)
    return say("answer_office_not_listed", channel, kind=kind, offices=offices)


_ANY_OFFICE_ASKED = re.compile(ANY_OFFICE_ASKED_PATTERN)
_OWN_OFFICE = re.compile(OWN_OFFICE_PATTERN)


def any_office_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ทำที่อำเภอไหนก็ได้ไหม": yes with the office line that says any, no with the one that says which;
    None when the offices say neither (the list answers it)."""
    if not _ANY_OFFICE_ASKED.search("".join(normalize_text(question).split())):
        return None
    offices = record.where_to_apply.offices
    anywhere = next((o for o in offices if any(w in o for w in ANY_OFFICE_WORDS)), None)
    if anywhere is not None:
        return say("answer_place_listed", channel, office=anywhere)
    own = next((o for o in offices if _OWN_OFFICE.search(o)), None)
    return say("answer_own_office", channel, office=own) if own is not None else None


_EXCLUSION = re.compile(EXCLUSION_PATTERN)
_EXCLUSION_INSIDE = re.compile(EXCLUSION_INSIDE_PATTERN)
EXCLUDED_WORD_MIN_CHARS = 4  # "บำนาญ": a shorter shared word ("รับ", "อื่น") says nothing
EXCLUDED_NEGATION_CHARS = 12  # "ไม่ได้รับบำนาญ": the negation before the shared word


def excluding_clause(record: ServiceRecord, question: str) -> str | None:
    """The eligibility clause that leaves out what the citizen says they are ("ไม่เป็นผู้รับบำนาญ…" for
    "พ่อเป็นข้าราชการบำนาญ"), unless the question says they are not, or the clause offers another way in."""
    from knowledge.search.text import bm25_tokens

    folded = "".join(normalize_text(question).split())
    # "คนไทยที่ไม่มีสิทธิประกันสังคม…" in the overview excludes as well: the part from ไม่ on
    inside = [m.group(1) for m in _EXCLUSION_INSIDE.finditer(record.description or "")]
    own_name = _title_words(record, question)
    for clause in [*(record.eligibility or "").split(), *inside]:
        if not _EXCLUSION.search(clause) or EXCLUSION_ALTERNATIVE_WORD in clause:
            continue
        body = _EXCLUSION.sub("", clause)
        for word in bm25_tokens(body):
            at = folded.find(word)
            if len(word) < EXCLUDED_WORD_MIN_CHARS or at < 0 or word in own_name:
                continue
            if NEGATION_WORD in folded[max(0, at - EXCLUDED_NEGATION_CHARS) : at]:
                return None  # "พ่อไม่ได้รับบำนาญ"
            return clause
    return None


_LACKING = re.compile(LACKING_PATTERN)


def lacking_document(record: ServiceRecord, text: str) -> str | None:
    """The listed document the citizen says they do not have yet, else None."""
    folded = "".join(normalize_text(text).split())
    found = _LACKING.search(folded)
    if found is None:
        return None
    said = folded[found.end() : found.end() + LACKING_SPAN_CHARS]
    return _document_named(record.documents, said, _title_words(record, text))


_GENERIC_DOC_WORDS = {"เอกสาร", "สำเนา", "ตัวจริง", "ต้อง", "ใช้", "ไหม", "มั้ย", "ด้วย", "หรือ", "เปล่า", "บัตร"}


# "อำเภอไหนก็ได้ไหม" must not read as "yes, at the district office": these words name no particular place.
_GENERIC_PLACE_WORDS = {"อำเภอ", "เขต", "สำนักงาน", "สำนักทะเบียน", "ที่ว่าการ", "จังหวัด", "ไหน", "ก็ได้", "ที่ไหน"}


def _title_words(record: ServiceRecord, text: str) -> set[str]:
    """The words of a question that are part of the service's own name."""
    from knowledge.search.text import bm25_tokens

    title = "".join(f"{record.title_th} {getattr(record, 'label_th', '') or ''}".split())
    return {t for t in bm25_tokens(text) if len(t) >= 2 and t in title}


_DOTTED_ABBREVIATION = re.compile(DOTTED_ABBREVIATION_PATTERN)


def _document_named(documents: Iterable[str], text: str, generic: Iterable[str] = ()) -> str | None:
    from knowledge.search.text import bm25_tokens

    skip = _GENERIC_DOC_WORDS | set(generic)
    asked = {t for t in bm25_tokens(text) if len(t) >= 3 and t not in skip}
    dotless = "".join(text.split()).replace(".", "")
    for document in documents:  # "พรบ" asked, "(พ.ร.บ.)" listed: an abbreviation without its dots
        if any(a.replace(".", "") in dotless for a in _DOTTED_ABBREVIATION.findall(document)):
            return document
    if not asked:
        return None
    for document in documents:
        words = set(bm25_tokens(document)) - skip
        folded = "".join(document.split())
        if asked & words or any(len(t) >= 4 and t in folded for t in asked):  # "ห้าง" in "ห้างสรรพสินค้า"
            return document
        # "บัตรคนพิการ" asked, "บัตรประจำตัวคนพิการ" listed: a long word of the document inside the asked one
        if any(len(w) >= LONG_WORD_CHARS and w in t for t in asked for w in words):
            return document
    return None


# -- a deadline the record states ---------------------------------------------------------------------
_DEADLINE_ASKED = re.compile(
    r"ภายใน(กี่|เท่า|เมื่อ|วันไหน|วันที่)|กี่วันต้อง|ต้อง\S*ภายใน|หมดเขต|วันสุดท้าย|ได้ถึงวัน|deadline|within how",
    re.I,
)
_MONTHS = "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
_DEADLINE = re.compile(
    rf"[^\s]*ภายใน\s*(?:วันที่\s*)?\d[\d,]*\s*(?:(?:วัน|ชั่วโมง|เดือน|ปี)[^\s]*|(?:{_MONTHS})[^\s]*)"
)


def deadline_line(record: ServiceRecord, question: str) -> str | None:
    """ "ต้องแจ้งตายภายในกี่วัน": the deadline the record states (FAQ answers first, then the overview)."""
    if not _DEADLINE_ASKED.search("".join(question.split()) if "ภายใน" in question else question):
        return None
    for text in (*(f.answer for f in record.faqs), record.description, record.eligibility):
        found = _DEADLINE.search(text or "")
        if found:
            return polite(found.group(0))
    return None


# -- an age the citizen gave against the service's age limit ------------------------------------------
# "ลูกอายุ7ขวบแล้ว ยังได้อยู่ไหม" on a grant paid "จนอายุครบ 6 ปี": no, whatever else the record says.
# Only upper limits: a lower one often has exceptions the record words loosely (registering the year
# before turning 60, a marriage below 18 with consent, a voluntary ID card before 7).
# "บัตรหมดอายุ 2 ปี", "ต่ออายุ", "รถอายุ 10 ปี" give no person's age.
_AGE_ASKED = re.compile(AGE_ASKED_PATTERN)
# "อายุต่ำกว่า 7 ปีขอมีบัตรได้แต่ไม่บังคับ" is no limit: only the wordings of an end.
_AGE_UPPER = re.compile(AGE_UPPER_PATTERN)


def age_asked(question: str) -> int | None:
    """The age a question gives ("อายุ 7", "๗ ขวบ"), else None."""
    found = _AGE_ASKED.search(normalize_text(question or ""))
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


def age_limit(record: ServiceRecord) -> int | None:
    """The oldest age the record allows (eligibility, overview, FAQ answers), else None. Several limits
    (a grant "จนอายุครบ 6 ปี" and "อายุไม่เกิน 6 ปี") give the highest."""
    texts = [record.eligibility, record.description, *(f.answer for f in record.faqs)]
    limits = [int(m.group(1)) for text in texts for m in _AGE_UPPER.finditer(normalize_text(text or ""))]
    return max(limits) if limits else None


_AGE_LOWER = re.compile(AGE_LOWER_PATTERN)


def age_bounds(record: ServiceRecord) -> tuple[int | None, int | None]:
    """The youngest age the eligibility (else the overview) names and the oldest the record allows."""
    rule = normalize_text(record.eligibility or record.description or "")
    lower = _AGE_LOWER.search(rule) or _AGE_LOWER.search(normalize_text(record.description or ""))
    return (int(lower.group(1)) if lower else None), age_limit(record)


AGE_NO_LIMIT = 120  # the oldest age, for the width of a range with no upper limit


def fits_age_best(records: Sequence[ServiceRecord], question: str) -> ServiceRecord | None:
    """Among near-twins, the one whose age condition is the narrowest that holds the age the question
    gives ("แม่อายุ 72 ได้เบี้ยยังชีพเท่าไหร่": 60 and over, not 18 and over; "ลูก 3 ขวบ": up to 6); None
    when no age is given or none speaks of ages, or two are as narrow."""
    age = age_asked(question)
    if age is None:
        return None
    widths: list[tuple[int, ServiceRecord]] = []
    for record in records:
        lower, upper = age_bounds(record)
        if (lower is None and upper is None) or not (lower or 0) <= age <= (upper or AGE_NO_LIMIT):
            continue
        widths.append(((upper or AGE_NO_LIMIT) - (lower or 0), record))
    widths.sort(key=lambda pair: pair[0])
    if not widths or (len(widths) > 1 and widths[0][0] == widths[1][0]):
        return None
    return widths[0][1]


_AGE_RANGE = re.compile(AGE_RANGE_PATTERN)
_AGE_IN_RULE = re.compile(AGE_IN_RULE_PATTERN)


def benefit_for_age(record: ServiceRecord, question: str, channel: str) -> str | None:
    """The amount of the benefit step whose age range holds the age the question gives (a table by age,
    "อายุ 70-79 ปี: 700 บาทต่อเดือน"), else None."""
    age = age_asked(question)
    if age is None:
        return None
    for benefit in record.benefits:
        found = _AGE_RANGE.search(normalize_text(benefit.label))
        if found is None:
            continue
        lower, upper = int(found.group(1)), int(found.group(2) or AGE_NO_LIMIT)
        if lower <= age <= upper:
            line = say(
                "answer_benefit_for_age", channel, age=str(age), label=benefit.label, amount=benefit.amount
            )
            return f"{line} {TO_CONFIRM_MARK_TH}" if benefit.to_confirm else line
    return None


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", normalize_text(text).replace(",", "")))


def benefit_confirmed(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ช่วงอายุ60-69ได้เดือนละ600ใช่ไหม": a figure to confirm against a table of benefits - ใช่ค่ะ with the
    step whose amount and age range the question gives, ไม่ใช่ค่ะ with the step of that age range when
    its amount is another; with no age said, the step with the amount said ("ได้เดือนละ 600 ใช่ไหม").
    None when the question names no step of the table."""
    folded = "".join(normalize_text(question).split())
    if not record.benefits or not CONFIRM_ASKED.search(folded):
        return None
    said = _numbers(folded)
    step = next((b for b in record.benefits if _numbers(b.label) and _numbers(b.label) <= said), None)
    step = step or next((b for b in record.benefits if _numbers(b.amount) & said), None)
    if step is None:
        return None
    key = "answer_yes" if _numbers(step.amount) & said else "answer_no"
    line = say(key, channel) + " " + polite(f"{step.label}: {step.amount}")
    return f"{line} {TO_CONFIRM_MARK_TH}" if step.to_confirm else line


_MONEY_SAID = re.compile(MONEY_SAID_PATTERN)


def _fees_adding_up(record: ServiceRecord, money: set[str]) -> tuple[Fee, ...]:
    """Two or three fees in plain baht whose amounts add up to an amount said; () when none do."""
    plain = [
        (int(next(iter(_numbers(f.amount)))), f)
        for f in record.fees
        if BAHT_WORD in f.amount and len(_numbers(f.amount)) == 1 and not _PERCENT_WORD.search(f.amount)
    ]
    wanted = {int(m) for m in money}
    for size in (2, 3):
        for group in itertools.combinations(plain, size):
            if sum(amount for amount, _ in group) in wanted:
                return tuple(f for _, f in group)
    return ()


def service_itself_asked(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "กู้กยศได้ไหม", "ทำพาสปอร์ตได้ไหม": a can-question naming the service and nothing else - yes, for
    whoever its rule admits (the rule follows); None when it names anything more (a person, an office)."""
    from knowledge.search.text import bm25_tokens

    if question_modal(question) != "can" or not record.eligibility:
        return None
    names = "".join(normalize_text(" ".join([record.title_th, record.short_th, *record.synonyms])).split())
    words = bm25_tokens(question)
    named = [w for w in words if w in names.lower()]
    # who it is for may be said ("ลงทะเบียนบัตรทองให้ลูกได้ไหม"), and a circumstance the rule itself speaks
    # of, told without a figure ("รายได้ไม่เยอะ"); nothing else (an age, an office, a proxy)
    rule = "".join(normalize_text(record.eligibility).split()).lower()
    told = [w for w in words if w not in named and w not in WHO_AND_AGE_WORDS]
    if not named or any(w not in rule and w not in VAGUE_AMOUNT_WORDS for w in told):
        return None
    if told and not any(w in rule for w in told):
        return None
    return say("answer_yes_if_eligible", channel, rule=polite(record.eligibility))


def asks_tax_paid(question: str) -> bool:
    """ "ต้องเสียภาษีไหม": paying the tax, which an income over the filing threshold does not settle - as
    asked, not told beside the question ("ต้องยื่นไหมคะ ไม่น่าต้องเสียภาษี" asks about filing)."""
    folded = "".join(normalize_text(asked_and_said(question or "")[0]).split())
    return any(w in folded for w in PAY_TAX_WORDS)


def amount_to_confirm(question: str) -> bool:
    """ "…1000บาทใช่มั้ยคะ": an amount in baht the citizen asks to confirm - not their income ("เงินเดือน
    15000 บาท ต้องยื่นใช่ไหม")."""
    folded = "".join(normalize_text(question).split()).replace(",", "")
    return (
        CONFIRM_ASKED.search(folded) is not None
        and _MONEY_SAID.search(folded) is not None
        and income_said(question) is None
    )


def priced(record: ServiceRecord) -> bool:
    """Some fee of the record is a figure (not only "ไม่มีค่าธรรมเนียม")."""
    return any(_numbers(f.amount) for f in record.fees)


def fee_confirmed(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "เล่ม5ปี 1000บาทใช่มั้ยคะ": an amount in baht to confirm against the fees - ใช่ค่ะ with the fee whose
    amount is the one said (and whose label has the citizen's other figures, "5 ปี"), ไม่ใช่ค่ะ with the fee
    those other figures name when its amount is another ("เล่ม 10 ปี 1000 บาทใช่ไหม"). None when the
    question says no amount in baht or names no fee."""
    if not priced(record) or not amount_to_confirm(question):
        return None
    folded = "".join(normalize_text(question).split()).replace(",", "")
    money = set(_MONEY_SAID.findall(folded))
    others = _numbers(folded) - money
    named = [f for f in record.fees if not others or others & _numbers(f.label)]
    fee = next((f for f in named if _numbers(f.amount) & money), None)
    if fee is None and not others:  # "ต่อใบขับขี่ 505 บาทใช่ไหม": the form and the licence together
        together = _fees_adding_up(record, money)
        if together:
            return (
                say("answer_yes", channel)
                + " "
                + polite(" + ".join(f"{f.label} {f.amount}" for f in together))
            )
    key = "answer_yes"
    if fee is None and others and named:  # the fee the other figures name, at another amount
        fee, key = named[0], "answer_no"
    if fee is None:
        return None
    line = say(key, channel) + " " + polite(f"{fee.label}: {fee.amount}")
    return f"{line} {TO_CONFIRM_MARK_TH}" if fee.to_confirm else line


OPTION_LONG_WORD_CHARS = 5  # "ไปรษณีย์": the object of an option said after its verb
OPTION_WORD_CHARS = 6  # "ทางไปรษณีย์", "จัดส่ง": a word of an option's label this long names it


def optional_fee_named(record: ServiceRecord, question: str) -> Fee | None:
    """The fee of an option the record charges for ("ค่าจัดส่งทางไปรษณีย์ (ถ้าเลือก)") that the question names
    by two words of it together or a long one ("ส่งเล่มทางไปรษณีย์": ทางไปรษณีย์; not "ยื่นที่ไปรษณีย์", an
    office)."""
    from knowledge.search.text import bm25_tokens

    folded = "".join(normalize_text(question).split())
    for fee in record.fees:
        if not any(mark in fee.label for mark in OPTIONAL_FEE_MARKS):
            continue
        words = bm25_tokens(fee.label)
        said = [a + b for a, b in itertools.pairwise(words)] + [
            w for w in words if len(w) >= OPTION_WORD_CHARS
        ]
        if any(w in folded for w in said) or _option_verb_said(words, folded):
            return fee
    return None


_SYLLABLE_START = re.compile(SYLLABLE_START_PATTERN)


def _option_verb_said(words: list[str], folded: str) -> bool:
    """ "ส่งไปรษณีย์" for "ค่าจัดส่งทางไปรษณีย์": the end of a label word (ส่ง of จัดส่ง) said right before
    the long end of the next one (ไปรษณีย์ of ทางไปรษณีย์)."""
    for i, word in enumerate(words):
        objects = [t for t in _tails(word) if len(t) >= OPTION_LONG_WORD_CHARS]
        for verb in words[max(0, i - 1) : i]:
            if any(t + o in folded for t in _tails(verb) for o in objects):
                return True
    return False


def _tails(word: str) -> list[str]:
    """A word and its ends from a syllable's start on, two letters at least ("จัดส่ง": ส่ง)."""
    return [word[k:] for k in range(len(word) - 1) if _SYLLABLE_START.match(word[k:])]


def optional_fee_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ส่งเล่มทางไปรษณีย์ได้ไหม": an option the record charges for, asked whether it can be had, is there -
    ได้ค่ะ with its charge; None for any other question."""
    fee = optional_fee_named(record, question) if question_modal(question) == "can" else None
    if fee is None:
        return None
    line = say("answer_yes_can", channel) + " " + polite(f"{fee.label}: {fee.amount}")
    return f"{line} {TO_CONFIRM_MARK_TH}" if fee.to_confirm else line


_AGE_BOUND = re.compile(AGE_BOUND_PATTERN)


def subject_age_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "อายุ 17 ทำใบขับขี่รถยนต์ได้ยัง" on "รถยนต์ส่วนบุคคล อายุ 18 ปีบริบูรณ์ขึ้นไป รถจักรยานยนต์…": the
    youngest age of the subject the question names; ไม่ได้ค่ะ under it, ได้ค่ะ at or over it. None when the
    question names no subject the rule tells apart. When that subject's ages disagree (a small motorcycle
    at 15, others at 18) and the age meets only some: ได้ค่ะ on the case it meets, with the usual rule."""
    age = age_asked(question)
    rule = normalize_text(record.eligibility or "")
    if age is None or not rule:
        return None
    asked = _with_record_words("".join(normalize_text(question).split()))
    named = [word for word in SUBJECT_WORDS if word in asked]
    if len(named) != 1:
        return None
    bounds = list(_AGE_BOUND.finditer(rule))
    mine: list[tuple[int, str]] = []
    for i, bound in enumerate(bounds):
        lead = rule[bounds[i - 1].end() if i else 0 : bound.start()]
        if named[0] in lead.replace(" ", "") and not any(
            other in lead.replace(" ", "") for other in SUBJECT_WORDS if other != named[0]
        ):
            mine.append((int(bound.group(1)), f"{lead.strip()} {bound.group(0)}".strip(" ()")))
    if not mine:
        return None
    if len({age >= least for least, _ in mine}) != 1:
        # "อายุ 16 ทำใบขับขี่มอไซค์ได้ไหม": old enough for a small one (110 ซีซี, 15) only: yes on that case
        met = next(clause for least, clause in mine if age >= least)
        usual = next(clause for least, clause in mine if age < least)
        return say("answer_age_exception", channel, condition=met, rule=usual)
    # too young for every case: the youngest age of all ("อายุ 14": 15 for a small motorcycle)
    least, clause = min(mine) if age < min(mine)[0] else mine[0]
    return say("answer_yes_can" if age >= least else "answer_no_cannot", channel) + " " + polite(clause)


_AGE_EXCEPTION = re.compile(AGE_EXCEPTION_PATTERN)


def age_exception(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "น้องอายุ17 จดทะเบียนสมรสได้ไหม" on "อายุ 18 ปีบริบูรณ์ขึ้นไป หรืออายุต่ำกว่านั้นแต่ได้รับความยินยอม
    จากผู้แทนโดยชอบธรรม": ได้ค่ะ on the rule's own condition, for an age under the youngest."""
    age = age_asked(question)
    rule = normalize_text(record.eligibility or "")
    lower = _AGE_LOWER.search(rule)
    found = _AGE_EXCEPTION.search(rule)
    if age is None or lower is None or found is None or age >= int(lower.group(1)):
        return None
    return say("answer_age_exception", channel, condition=found.group(1), rule=lower.group(0))


def age_rule(record: ServiceRecord, question: str) -> str | None:
    """The eligibility, when the question gives an age and the eligibility speaks of ages but no verdict
    could be worked out (several ages for several cases, or exceptions below the youngest)."""
    if age_asked(question) is None or not _AGE_IN_RULE.search(normalize_text(record.eligibility or "")):
        return None
    return record.eligibility


_ANY_AGE = re.compile(ANY_AGE_PATTERN)


def age_meets(record: ServiceRecord, question: str, channel: str, any_age: bool = True) -> str | None:
    """ "ถ้าอายุ60แล้วได้เบี้ยผู้สูงอายุด้วยได้ไหม": ได้ค่ะ when the age given reaches the youngest age the
    eligibility names ("อายุ 60 ปีขึ้นไป") and no upper limit is passed, with the rule (the other
    conditions still apply); None otherwise."""
    if not is_yes_no(question) or question_modal(question) != "can":
        return None
    age = age_asked(question)
    lower, limit = age_bounds(record)
    open_to_all = any_age and _ANY_AGE.search(normalize_text(record.eligibility)) is not None
    if age is not None and lower is None and limit is None and open_to_all:
        # "ผู้มีสัญชาติไทยทุกช่วงอายุ": "เด็ก5ขวบทำได้ไหม" - any age is within it (`any_age` False: an FAQ
        # answers what else the question asks, "ลูก 5 ขวบ แม่ไม่ได้มาด้วยได้ไหม")
        return say("answer_any_age", channel, rule=polite(record.eligibility))
    if age is None or lower is None or age < lower or (limit is not None and age > limit):
        return None
    return say(
        "answer_age_meets", channel, age=str(age), rule=polite(record.eligibility or record.description)
    )


_UNDER_AGE_CASE = re.compile(UNDER_AGE_CASE_PATTERN)


def age_below(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ลูกอายุ 16 ลงทะเบียนได้ไหม" on "คนไทยอายุ 18 ปีขึ้นไป …": ไม่ได้ค่ะ when a can-question gives an
    age under the one youngest age the eligibility names, and the rule has no exception below it (then
    `age_exception` speaks) nor other ages for other cases; with the rule. None otherwise."""
    if not is_yes_no(question) or question_modal(question) != "can":
        return None
    age = age_asked(question)
    rule = normalize_text(record.eligibility or "")
    least = {int(bound.group(1)) for bound in _AGE_BOUND.finditer(rule)}
    if age is None or len(least) != 1 or len(_AGE_IN_RULE.findall(rule)) != 1 or _AGE_EXCEPTION.search(rule):
        return None
    if _UNDER_AGE_CASE.search(rule):  # "ผู้อายุต่ำกว่า 7 ปีขอมีบัตรได้แต่ไม่บังคับ": younger ones have a case
        return None
    if age >= min(least) or _AGE_LOWER.search(rule) is None:
        return None
    return say("answer_no_cannot", channel) + " " + polite(record.eligibility)


def aged_out(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ไม่ได้ค่ะ when a yes/no question gives an age above the service's age limit; None otherwise (an
    age within the limit settles nothing: income and the other conditions still apply)."""
    if not is_yes_no(question) or question_modal(question) == "must":
        return None
    age, limit = age_asked(question), age_limit(record)
    if age is None or limit is None or age <= limit:
        return None
    return say("answer_age_over", channel, age=str(age), limit=str(limit))


CONFIRM_ASKED = re.compile(r"(ใช่|จริง)(ไหม|มั้ย|มั๊ย|ป่ะ|ปะ|หรือเปล่า|รึเปล่า|หรือไม่|ไหมคะ|มั้ยคะ)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def confirmed(question: str, line: str, channel: str) -> str:
    """A first line answering "… ใช่ไหม" with figures: ใช่ค่ะ when every figure the citizen said is in it,
    ไม่ใช่ค่ะ when none is; unchanged without figures or when it already starts with a verdict."""
    folded = "".join(normalize_text(question).split())
    if not CONFIRM_ASKED.search(folded):
        return line
    said = _numbers(folded)  # "100000" and "100,000" are one figure
    found = _numbers(line)
    if not said or not found or any(line.startswith(say(k, channel)) for k, _ in _VERDICT_KEYS):
        return line
    if is_not_stated(line, channel):  # "ไม่ได้ระบุ… โทร 1161": the hotline's digits are no answer
        return line
    if said <= found:
        return say("answer_yes", channel) + " " + line
    return say("answer_no", channel) + " " + line if not said & found else line


_VERDICT_KEYS = (
    ("answer_yes", ""),
    ("answer_no", ""),
    ("answer_yes_must", ""),
    ("answer_no_need", ""),
    ("answer_yes_can", ""),
    ("answer_no_cannot", ""),
)
_NOT_STATED_KEYS = ("answer_not_stated", "answer_not_stated_call")


def is_not_stated(line: str, channel: str) -> bool:
    """Whether a line says the record is silent (it confirms nothing and denies nothing)."""
    return any(line.startswith(reply_for(key, channel).text.split("{", 1)[0]) for key in _NOT_STATED_KEYS)


def title_confirmed(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ใช้แบบ ภ.ง.ด.91 ใช่ไหม" on "ยื่นแบบ… (ภ.ง.ด.90/91)": ใช่ค่ะ and the title, when every figure the
    citizen asks to confirm is one the service's own name carries; None otherwise."""
    folded = "".join(normalize_text(question).split())
    if not CONFIRM_ASKED.search(folded):
        return None
    said = set(_NUMBER.findall(folded))
    named = set(_NUMBER.findall(normalize_text(record.title_th)))  # "ภ.ง.ด.90/91": 90 and 91
    if not said or not said <= named:
        return None
    return say("answer_yes", channel) + " " + polite(record.title_th)


def eligibility_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """A yes/no question about who may or must ("ถ้าเงินได้ไม่ถึงเกณฑ์ต้องยื่นมั้ย"): the record's sentence
    that answers it with a verdict ("ถ้าไม่ถึงเกณฑ์ไม่ต้องยื่น") and that verdict; None when no sentence
    gives one (then the eligibility itself follows, without a guess)."""
    key, sentence = sentence_with_verdict(record, question)
    if key is None or sentence is None:
        return None
    return say(key, channel) + " " + polite(without_opening_verdict(sentence))


def without_opening_verdict(sentence: str) -> str:
    """An FAQ answer less the verdict word it opens with ("ไม่ต้อง ผู้สำเร็จ…" -> "ผู้สำเร็จ…"), said once
    in front as ไม่ต้องค่ะ."""
    words = sentence.split(maxsplit=1)
    verdicts = {w for negative, positive, _, _ in _VERDICT_WORDS.values() for w in (*negative, *positive)}
    return words[1] if len(words) == 2 and words[0] in verdicts else sentence


_IN_PERSON_ASKED = re.compile(IN_PERSON_ASKED_PATTERN, re.I)


_TOPIC_INSTEAD = re.compile(TOPIC_INSTEAD_PATTERN)
_PROXY_AT_PLACE = re.compile(PROXY_AT_PLACE_PATTERN)


def _without_false_proxies(text: str) -> str:
    folded = _TOPIC_INSTEAD.sub(r"\1", "".join(text.split()))
    folded = _PROXY_AT_PLACE.sub(PROXY_WORD + " ", folded)
    for word in NOT_PROXY_WORDS:  # "เงินทดแทน" is compensation, not someone going instead
        folded = folded.replace(word, "")
    return folded


def _says_in_person(clause: str) -> bool:
    folded = "".join(clause.split())
    return (
        IN_PERSON_CLAUSE_WORD in folded
        and not any(w in folded for w in BY_ONESELF_ONLINE)
        and not any(w in folded for w in NOT_IN_PERSON_WORDS)
    )


def _names_proxy(text: str) -> bool:
    folded = _without_false_proxies(text)
    return any(w in folded for w in PROXY_RECORD_WORDS)


def _in_person_and_proxies(record: ServiceRecord) -> tuple[list[str], list[str]]:
    """What the record says of going in person ("ต้องไปด้วยตนเองเพื่อถ่ายรูป…", a clause with ต้อง
    first) and of a proxy (a power of attorney among the documents, "…หรือมอบอำนาจ")."""
    texts = [record.description, record.eligibility, record.where_to_apply.online]
    # an FAQ answered ไม่ได้ ("พ่อแม่ไปทำบัตรแทนลูกได้ไหม" - "ไม่ได้ เด็กต้องไปด้วยตนเอง") names no proxy
    granted = [f.answer for f in record.faqs if not f.answer.strip().startswith(NEGATION_WORD)]
    clauses = [c for t in [*texts, *(f.answer for f in record.faqs)] for c in _clauses(t or "")]
    in_person = sorted((c for c in clauses if _says_in_person(c)), key=lambda c: MUST_WORD not in c)
    proxies = [d for d in record.documents if _names_proxy(d)]
    proxies += [c for t in texts for c in _clauses(t or "") if _names_proxy(c)]
    proxies += [a for a in granted if _names_proxy(a)]
    return in_person, proxies


def in_person_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ต้องไปเองไหม": ต้องค่ะ when the record says one goes in person and names no proxy; ไม่ต้องค่ะ
    with the power of attorney when it names a proxy and not going in person. None when the question
    does not ask it, or the record says both or neither."""
    folded = "".join(normalize_text(question).split())
    unable = SELF_WORD in folded and any(w in folded for w in UNABLE_TO_GO_WORDS)
    if _IN_PERSON_ASKED.search(folded) is None and not unable:
        return None
    if question_modal(question) not in ("must", None):  # "ทำออนไลน์ทั้งหมดได้มั้ย ไม่อยากไปเอง": can, online
        return None
    in_person, proxies = _in_person_and_proxies(record)
    if in_person and not proxies:  # "ยื่นด้วยตัวเองใช่ไหม": ใช่ค่ะ
        key = "answer_yes" if CONFIRM_ASKED.search(folded) else "answer_yes_must"
        return say(key, channel) + " " + polite(in_person[0])
    if proxies and not in_person:
        if proxies[0] in record.documents:
            return say("answer_proxy_allowed", channel, document=proxies[0])
        return say("answer_no_need", channel) + " " + polite(proxies[0])
    return None


def alone_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ถ้าเขาอยู่ต่างจังหวัด ไปคนเดียวได้ไหม" on "คู่สมรส…ไปจดทะเบียนหย่าพร้อมกัน": ไม่ได้ค่ะ and that
    clause; ได้ค่ะ with a power of attorney when it offers one ("ไปพร้อมกันหรือมอบอำนาจ"). None when the
    question does not ask about going alone or the record says nothing of going together."""
    folded = "".join(normalize_text(question).split())
    if not any(w in folded for w in ALONE_WORDS) or question_modal(question) not in ("can", None):
        return None
    texts = [record.description, record.eligibility, record.where_to_apply.online]
    together = [c for t in texts for c in _clauses(t or "") if any(w in c for w in TOGETHER_WORDS)]
    if not together:
        return _one_of_those_named(record, folded, channel)
    clause = together[0]
    if _names_proxy(clause) or PROXY_WORD in clause:  # going alone, the other one signing a power of attorney
        return say("answer_alone_with_proxy", channel, rule=polite(clause))
    return say("answer_no_cannot", channel) + " " + polite(clause)


def _one_of_those_named(record: ServiceRecord, folded: str, channel: str) -> str | None:
    """ "พ่อพาไปคนเดียวได้ป่ะ" on "…โดยมีพ่อแม่หรือเจ้าบ้านไปรับรองตัว": the person asked is one of those
    the record names with หรือ, so one of them is enough: ได้ค่ะ and that sentence."""
    forms = next((f for word, f in ACCOMPANYING_PERSON_WORDS.items() if word in folded), None)
    if forms is None:
        return None
    named = "|".join(forms)
    pattern = re.compile(rf"(?:{named})\S{{0,8}}{ALTERNATIVE_WORD}|{ALTERNATIVE_WORD}\S{{0,8}}(?:{named})")
    texts = [record.description, record.eligibility, record.where_to_apply.online]
    for text in [*texts, *(f.answer for f in record.faqs)]:
        if any(pattern.search("".join(c.split())) for c in _clauses(text or "")):
            told = (text or "").strip()
            for word, _ in POLARITY:  # "ไม่ได้ เด็กต้องไปด้วยตนเอง…": that verdict was on someone else
                if told.startswith(word + " "):
                    told = told[len(word) :].strip()
                    break
            return say("answer_yes_can", channel) + " " + polite(told)
    return None


def together_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ตกลงหย่ากันแล้ว ต้องไปด้วยกันไหม" on "ทั้งสองฝ่ายต้องไปพร้อมกัน": ต้องค่ะ and that clause; the
    whole sentence when it offers another way ("ควรไปพร้อมกัน หากไปไม่ได้ ให้ทำหนังสือมอบอำนาจ",
    "บิดามารดาต้องไปด้วย… หรือมีหนังสือยินยอม"). None when the question does not ask whether more than
    one goes, or the record says nothing of it ("ต้องไปด้วยตนเอง" is the applicant alone)."""
    folded = "".join(normalize_text(question).split())
    if question_modal(question) != "must" or not any(w in folded for w in TOGETHER_ASKED_WORDS):
        return None
    texts = [record.description, record.eligibility, record.where_to_apply.online]
    found = [
        (clause, text)
        for text in (*texts, *(f.answer for f in record.faqs))
        for clause in _clauses(text or "")
        if any(w in clause.replace(IN_PERSON_CLAUSE_WORD, "") for w in TOGETHER_CLAUSE_WORDS)
    ]
    if not found:
        return None
    clause, text = next((f for f in found if _MUST_WORD in f[0].replace(NO_NEED_WORD, "")), found[0])
    if NO_NEED_WORD in clause:
        return None
    rest = (text or "")[(text or "").find(clause) + len(clause) :]
    if _names_proxy(text or "") or PROXY_WORD in text or _SHOULD in clause or ALTERNATIVE_WORD in rest:
        return say("answer_together_or_proxy", channel, rule=polite((text or "").strip()))
    return say("answer_yes_must", channel) + " " + polite(clause)


_PROXY_SENSE = frozenset(f"~{min(g)}" for g in _SAME_SENSE if PROXY_WORD in g)


def proxy_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ยายไปแจ้งแทนได้ไหม" on a record that names a proxy ("บิดา มารดา เจ้าบ้าน หรือผู้ได้รับมอบหมาย",
    "หนังสือมอบหมาย กรณีให้ผู้อื่นแจ้งแทน") and does not say one goes in person: ได้ค่ะ with the paper or
    the clause that allows it. None for any other question, or when the record also says one goes in
    person (which of the two applies is then not for a verdict to guess)."""
    from knowledge.search.text import bm25_tokens

    if question_modal(question) not in ("can", None):
        return None
    if not _senses(bm25_tokens(_without_false_proxies(question))) & _PROXY_SENSE:
        return None
    in_person, proxies = _in_person_and_proxies(record)
    if in_person or not proxies:
        return None
    if proxies[0] in record.documents:
        return say("answer_proxy_can", channel, document=proxies[0])
    told = proxies[0].strip()
    for word, _ in POLARITY:  # an FAQ's own "ได้ …": the verdict is said once
        if told.startswith(word + " "):
            told = told[len(word) :].strip()
            break
    return say("answer_yes_can", channel) + " " + polite(told)


def proxy_refused(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ให้แม่ไปแทนได้ไหม" on a record that names no proxy and says one goes in person: ไม่ได้ค่ะ and
    that clause. Only after the record's own clauses found nothing (a named proxy answers by itself)."""
    from knowledge.search.text import bm25_tokens

    if not _senses(bm25_tokens(_without_false_proxies(question))) & _ASKED_ALONE:
        return None
    in_person, proxies = _in_person_and_proxies(record)
    if proxies or not in_person:
        return None
    return say("answer_no_cannot", channel) + " " + polite(in_person[0])


# -- a duration the citizen gives against the record's graded rule -----------------------------------
_UNITS = "|".join(DURATION_UNIT_DAYS)
_NOT_SAID = "".join(f"(?<!{word})" for word in (*DURATION_NOT_SAID_BEFORE, *DURATION_KIND_BEFORE))
_DURATION_SAID = re.compile(rf"{_NOT_SAID}(\d+(?:\.\d+)?|{'|'.join(DURATION_NUMBER_WORDS)})({_UNITS})")
_BOUND = re.compile(rf"({'|'.join(word for word, _ in DURATION_BOUNDS)})\s*(\d+(?:\.\d+)?)\s*({_UNITS})")
_BOUND_OPS = dict(DURATION_BOUNDS)
# a bound the citizen says, in digits or words ("เกินสามปี")
_BOUND_WORDS = "|".join(word for word, _ in DURATION_BOUNDS)
_BOUND_SAID = re.compile(
    rf"({_BOUND_WORDS})\s*(\d+(?:\.\d+)?|{'|'.join(DURATION_NUMBER_WORDS)})\s*({_UNITS})"
)
_CONDITION_LEADS = CONDITION_LEADS
_GENERIC_SUBJECTS = frozenset(GENERIC_SUBJECT_WORDS)  # "รถยนต์อายุ": รถยนต์ is the subject
_VERB_WORDS = (MUST_WORD, CAN_WORD, NEGATION_WORD)


@dataclass(frozen=True)
class _Band:
    """One step of a graded rule: "เกิน 1 ปี" and what follows it ("ต้องสอบข้อเขียน")."""

    subject: str  # the words right before the first bound ("หมดอายุ")
    bound: str  # "เกิน 1 ปี"
    op: str
    days: float
    consequence: str


def _days(number: str, unit: str) -> float:
    value = DURATION_NUMBER_WORDS.get(number)
    return float(value if value is not None else number) * DURATION_UNIT_DAYS[unit]


def duration_said(question: str) -> float | None:
    """The duration a question gives, in days ("หมดอายุ3เดือน" → 90, "ครึ่งปี" → 182.5); not one it
    asks about ("ต้องแจ้งภายใน 15 วันใช่ไหม" asks the rule itself)."""
    folded = "".join(normalize_text(question or "").split())
    if _DEADLINE_ASKED.search(folded):
        return None
    found = _DURATION_SAID.search(folded)
    if found is None:
        return 1.0 if any(word in folded for word in JUST_GONE_BY_WORDS) else None
    return _days(found.group(1), found.group(2))


def _bands(text: str, question: str, check_subject: bool = True) -> list[_Band]:
    """The graded rule in a text, each bound with what follows it up to the next bound. A bound with
    no verb after it ("เกิน 7 ปีและ…เกิน 5 ปี ต้องตรวจสภาพ") shares the next one's consequence. Only
    about what the question speaks of: the words before the first bound, and before a bound joined
    with และ/หรือ ("…และรถจักรยานยนต์อายุเกิน 5 ปี", another subject), must be in the question."""
    from knowledge.search.text import bm25_tokens

    folded = normalize_text(text or "")
    asked = _with_record_words("".join(normalize_text(question).split()))
    found = list(_BOUND.finditer(folded))
    consequences = [
        folded[bound.end() : found[i + 1].start() if i + 1 < len(found) else len(folded)].strip()
        for i, bound in enumerate(found)
    ]
    for i in range(len(found) - 2, -1, -1):  # a bound with no verb of its own takes the next one's
        if not any(w in consequences[i] for w in _VERB_WORDS):
            consequences[i] = consequences[i + 1]
    bands: list[_Band] = []
    subject = ""
    for i, bound in enumerate(found):
        lead_text = folded[found[i - 1].end() if i else 0 : bound.start()]
        lead = lead_text.split()[-1] if lead_text.split() else ""
        if i == 0 or lead.startswith(JOINED_LEADS):
            skip = _GENERIC_SUBJECTS | set(_CONDITION_LEADS)
            words = [w for w in bm25_tokens(lead) if len(w) >= 3 and w not in skip]
            if check_subject and any(w not in asked for w in words):
                continue  # about something the question does not speak of
            if i == 0:
                subject = lead
                for word in _CONDITION_LEADS:
                    subject = subject.removeprefix(word)
        if any(w in consequences[i] for w in _VERB_WORDS):
            days = _days(bound.group(2), bound.group(3))
            bound_text = " ".join(bound.group(0).split())
            bands.append(_Band(subject, bound_text, _BOUND_OPS[bound.group(1)], days, consequences[i]))
    return bands


def _with_record_words(asked: str) -> str:
    """The question with the record's word for what it names in everyday words ("รถเก๋ง" is a
    รถยนต์, "มอไซค์" a รถจักรยานยนต์), so a rule on รถยนต์ applies to it."""
    extra = [word for word, everyday in SUBJECT_WORDS.items() if any(e in asked for e in everyday)]
    return asked + "".join(extra)


def _names_any(text: str, words: set[str]) -> bool:
    squashed = "".join(text.split())
    return any(word in squashed for word in words)


def _within(days: float, band: _Band) -> bool:
    return {
        "<=": days <= band.days,
        "<": days < band.days,
        ">": days > band.days,
        ">=": days >= band.days,
    }[band.op]


def duration_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "ใบขับขี่หมดอายุ3เดือน ต้องสอบไหม" on "หมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ เกิน 1 ปีต้องสอบข้อเขียน":
    ไม่ต้องค่ะ and the step the citizen's duration falls in. ต้องค่ะ when that step says ต้อง and the
    asked words; ไม่ต้องค่ะ when it does not name them but another step requires them; None when the
    record has no graded rule on what was asked, or the duration falls in none of its steps."""
    from knowledge.search.text import bm25_tokens

    if not is_yes_no(question) or question_modal(question) != "must":
        return None
    days = duration_said(question)
    split = must_split(question)
    if days is None or split is None:
        return None
    skip = _QUESTION_WORDS | set(DOING_WORDS) | set(_YES_NO_TH)
    asked = {w for w in bm25_tokens(split[1]) if len(w) >= 2 and w not in skip}
    if not asked:
        return None
    for text in (*(f.answer for f in record.faqs), record.description, record.eligibility):
        bands = _bands(text or "", question)
        requiring = [b for b in bands if MUST_WORD in b.consequence and _names_any(b.consequence, asked)]
        if not requiring:
            # "รถอายุ 6 ปี ต้องตรวจสภาพไหม" on a rule for cars over 7 and motorcycles over 5: which
            # applies is not said, so the rule itself, with no verdict before it
            loose = _bands(text or "", question, check_subject=False)
            rules = [b for b in loose if MUST_WORD in b.consequence and _names_any(b.consequence, asked)]
            if rules:
                within = {_within(days, b) for b in loose}
                if len(within) == 2:
                    return polite((text or "").strip())
                # "รถอายุ 10 ปี": over the bound of every kind the rule names, so it applies whichever
                key = "answer_yes_must" if within == {True} else "answer_no_need"
                return say(key, channel) + " " + polite((text or "").strip())
            continue
        matching = [b for b in bands if _within(days, b)]
        if not matching:  # none of its steps applies: only the steps that require it say so
            first = requiring[0]
            values = {"consequence": first.consequence, "subject": first.subject, "bound": first.bound}
            return say("answer_no_need", channel) + " " + polite(say("answer_graded_only", channel, **values))
        band = matching[-1]  # the last step that applies is the most specific ("เกิน 3 ปี" over "เกิน 1 ปี")
        values = {"consequence": band.consequence, "subject": band.subject, "bound": band.bound}
        step = polite(say("answer_graded_step", channel, **values))
        required = band in requiring and NO_NEED_WORD not in band.consequence
        return say("answer_yes_must" if required else "answer_no_need", channel) + " " + step
    return None


def duration_step(record: ServiceRecord, text: str, channel: str) -> tuple[str, str] | None:
    """ "หมดมา4ปีแล้ว" after the licence renewal, a circumstance and no yes/no question: (the step of the
    record's graded rule the duration falls in, the rule), when the step is about what the message
    names ("หมด" of "หมดอายุ"); None otherwise (a yes/no question is duration_verdict's)."""
    from knowledge.search.text import bm25_tokens

    if not text or is_yes_no(text):
        return None
    days = duration_said(text)
    if days is None:
        return None
    skip = _QUESTION_WORDS | set(DURATION_UNIT_DAYS) | set(FIGURE_FOLLOW_UP_WORDS)
    words = [
        w for w in bm25_tokens(normalize_text(text)) if len(w) >= 2 and not w.isdigit() and w not in skip
    ]
    if not words:
        return None
    for rule in (*(f.answer for f in record.faqs), record.description, record.eligibility):
        bands = [
            b
            for b in _bands(rule or "", text, check_subject=False)
            if _within(days, b) and any(w in "".join(b.subject.split()) for w in words)
        ]
        if bands:
            band = bands[-1]  # the last step that applies is the most specific ("เกิน 3 ปี" over "เกิน 1 ปี")
            values = {"consequence": band.consequence, "subject": band.subject, "bound": band.bound}
            return polite(say("answer_graded_step", channel, **values)), polite((rule or "").strip())
    return None


_INSTRUCTION_NEGATION_CHARS = 8  # "ไม่ต้องแจ้งความ": a negation this close before the asked word


def names_the_proxy(question: str, sentence: str) -> bool:
    """Whether the sentence names who the question would send instead (the words before แทน)."""
    from knowledge.search.text import bm25_tokens

    folded = "".join(normalize_text(question).split())
    before = folded[: folded.find(PROXY_WORD)] if PROXY_WORD in folded else ""
    skip = _QUESTION_WORDS | _DOING_WORDS | set(PREFIX_FILLER_WORDS)
    who = [t for t in bm25_tokens(before) if len(t) >= LONG_ASKED_CHARS - 1 and t not in skip]
    said = "".join(sentence.split())
    return any(t in said for t in who)


def faq_instruction(question: str, answer: str, channel: str) -> str | None:
    """ต้องค่ะ / ได้ค่ะ for a must- or can-question whose asked words an FAQ answer tells the citizen to do
    ("พาสปอร์ตหายต้องแจ้งความไหม" - "แจ้งความที่สถานีตำรวจ แล้ว…", "ทำหนังสือมอบอำนาจได้ไหม" - "…หากไปไม่ได้
    ให้ทำหนังสือมอบอำนาจ"), not negated just before them; None otherwise."""
    from knowledge.search.text import bm25_tokens

    modal = question_modal(question)
    if modal not in ("must", "can"):
        return None
    split = must_split(question) if modal == "must" else None
    part = split[1] if split is not None else question
    skip = _QUESTION_WORDS | _DOING_WORDS | _GENERIC_DOC_WORDS | set(_YES_NO_TH)
    asked = [t for t in bm25_tokens(part) if len(t) >= LONG_ASKED_CHARS and t not in skip]
    folded = "".join(normalize_text(answer).split())
    for word in asked:
        at = folded.find(word)
        if at < 0:
            continue
        if NEGATION_WORD in folded[max(0, at - _INSTRUCTION_NEGATION_CHARS) : at]:
            return None
        return say("answer_yes_must" if modal == "must" else "answer_yes_can", channel)
    return None


LONG_ASKED_CHARS = 4  # "แจ้งความ", "อบรม": a word of the question this long is a thing to do


def statement_confirmed(question: str, answer: str) -> str | None:
    """ "ย้ายปลายทางได้ใช่มั้ย ไม่ต้องกลับโคราช" - "…ไม่ต้องกลับไปบ้านเดิม": the answer agrees with what the
    citizen said after the question, so what they asked is so: the yes of the question's modal; None
    when nothing was said after it, or the answer does not say the same."""
    asked, said = asked_and_said(question)
    if not said:
        return None
    found = verdict(f"{said} {_YES_NO_TH[0]}", answer)
    expected = "answer_no_need" if NO_NEED_WORD in "".join(said.split()) else "answer_yes_must"
    if found is None or found != expected or question_modal(said) != "must":
        return None
    return {"can": "answer_yes_can", "must": "answer_yes_must", None: "answer_yes"}.get(question_modal(asked))


_MORE_THAN = re.compile(
    rf"(?:\d|{'|'.join(DURATION_NUMBER_WORDS)})\s*(?:{_UNITS}){MORE_THAN_WORD}"
)  # "สามปีกว่า" too


def other_route_verdict(question: str, answer: str, channel: str, faq_question: str = "") -> str | None:
    """ "ถ้าอีกฝ่ายไม่ยอมมาเซ็น จดได้มั้ย" - "ต้องฟ้องหย่าต่อศาล…": a can-question an FAQ answers with what
    must be done instead, never the thing asked (จด): not the usual way, then that route; None when the
    answer does what was asked, or requires nothing."""
    from knowledge.search.text import bm25_tokens

    pieces = normalize_text(question).split()
    asked_at = next((i for i in range(len(pieces) - 1, -1, -1) if CAN_ASKED.search(pieces[i])), None)
    if asked_at is None or question_modal(question) != "can":
        return None
    piece = pieces[asked_at]
    verb_part = piece[: CAN_ASKED.search(piece).start()]  # type: ignore[union-attr]
    skip = _QUESTION_WORDS | set(PREFIX_FILLER_WORDS) | set(_YES_NO_TH)
    asked = [t for t in bm25_tokens(verb_part) if len(t) >= 2 and t not in skip]
    folded = "".join(normalize_text(answer).split())
    must = [m.start() for m in re.finditer(MUST_WORD, folded)]
    required = any(not folded[max(0, at - len(NEGATION_WORD)) : at].endswith(NEGATION_WORD) for at in must)
    if not asked or not required or any(t in folded for t in asked):
        return None
    if outside_faq_band(question, faq_question):
        return None
    return say("answer_not_usual_way", channel)


def outside_faq_band(question: str, faq_question: str) -> bool:
    """ "ขาดแค่ 1 ปี" on the FAQ "ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", "3 ปีกว่า" on "ขาดมาไม่ถึง 3 ปี…": the
    citizen's duration is outside the bound the FAQ's question states, so it is not the case it answers."""
    days = duration_said(question)
    bounds = list(_BOUND.finditer(normalize_text(faq_question)))
    if days is None or not bounds:
        return False
    if _MORE_THAN.search("".join(normalize_text(question).split())):
        days += 1  # "3 ปีกว่า": over 3 years
    said = _BOUND_SAID.search(normalize_text(question))
    if said is not None:  # the citizen's own bound: "เกิน 3 ปี" is over 3 years, "ไม่ถึง 3 ปี" under
        days += {">": 1, ">=": 0, "<": -1, "<=": 0}[_BOUND_OPS[said.group(1)]]
    first = bounds[0]
    band = _Band("", "", _BOUND_OPS[first.group(1)], _days(first.group(2), first.group(3)), "")
    return not _within(days, band)


def field_verdict(record: ServiceRecord, aspect: str | None, question: str, channel: str) -> str | None:
    """A verdict from the record's fields: going in person or by proxy ("ต้องไปเองไหม") first, then the
    duty a time limit implies ("ต้องไปทำบัตรไหม" - "ภายใน 60 วัน…"), then a listed document, office,
    online channel, fee or clause."""
    for specific in (duration_verdict, in_person_verdict, alone_verdict, together_verdict, proxy_verdict):
        found = specific(record, question, channel)
        if found is not None:
            return found
    obliged = obligation_deadline(record, question)
    if obliged is not None:
        return say("answer_yes_must", channel) + " " + obliged
    return yes_no_from_fields(record, aspect, question, channel)

"""Which service (or life event, or referral) a message is about, given the conversation so far.

The conversation state is the current service (`service_id` slot), the last aspect asked and the
life event, if any. A follow-up that names no other service stays on the current service whatever
its wording ("ต้องใช้เอกสารอะไรบ้างคะ", "แล้วถ้าเกิน3ปีล่ะ", "how much is it?"); the citizen
switches only by naming another service. Aspect and FAQ questions are resolved against the current
service first. Without a current service: a life event gets its checklist, a near-twin tie gets one
short question, a topic the base does not cover gets a referral, and an unsure search says so.

Blocking (search, store reads): the action calls `decide` in a worker thread.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from actions.replies import (
    ABBREVIATION_PATTERN,
    AFTER_DONE_OPENING_PATTERN,
    ASKS_CONTACT_PATTERN,
    CASUAL_YES_NO_END_PATTERN,
    COMPARED_PATTERN,
    DONE_AFTER_PATTERN,
    DONE_MARK,
    DONE_STAGE_PATTERN,
    FINE_ASKED_WORDS,
    HAVE_ALREADY_MARK,
    HAVE_NOW_MARK,
    HAVE_NOW_VERBS,
    HOW_MUCH_WORDS,
    HOW_TO_WORDS,
    MONEY_WORDS,
    MONTH_ASKED_WORDS,
    PAPER_ASKED_PATTERN,
    PREREQUISITE_TEMPLATE,
    REASON_START_PATTERN,
    SHORT_PAPER_WORD,
    WHAT_ABOUT_COMPARED_PATTERN,
    WHAT_IF_WORDS,
    WHAT_TO_DO_PATTERN,
    WHICH_FIRST_PATTERN,
    WHO_AND_AGE_WORDS,
)
from actions.service_answer import Passage, faq_aspect, is_english, short_name
from actions.service_verdicts import asks_tax_paid, fits_age_best, is_yes_no, outside_faq_band, polite, say
from knowledge import twins as twins_module
from knowledge.agencies import FOLLOWING_MARKS, LEADING_VOWELS
from knowledge.aspects import detect_aspect, parse_aspect, strip_aspect_words
from knowledge.record import ServiceRecord
from knowledge.search.live import LiveIndex
from knowledge.search.normalise import normalise
from knowledge.search.text import bm25_tokens
from knowledge.spelling import fold_dialect
from nlu.normalize import normalize_text

logger = logging.getLogger(__name__)

NEAREST_COUNT = 3
# A follow-up this short that names no service is about the current one.
SHORT_FOLLOW_UP_TOKENS = 2
CUE_SCORE = 0.8  # knowledge.life_events: 1.0 / 0.8 for a situation cue, <= 0.6 for an encoder match
# A list question ("ใช้อะไรบ้าง", "ทำที่ไหน") is answered by the field unless an FAQ matches this well.
LIST_ASPECTS = ("documents", "place", "online")
STRONG_FAQ = 0.7
NAME_MIN_CHARS = 5  # a service name shorter than this ("ภาษี") names nothing on its own
MENTION_MIN_CHARS = 4  # a shorter word of a title ("พ่อ", "ลูก") names no service on its own
_DONE_MARK = DONE_MARK
_HAVE_ALREADY_MARK = HAVE_ALREADY_MARK

_ENGLISH_ASPECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("online", ("online", "internet", "app ", "apps", "website")),
    (
        "time",
        ("how long", "how many days", "when will", "how soon", "deadline", "when is", "by when", "due date"),
    ),
    ("documents", ("document", "paper", "bring", "need to bring", "what do i need")),
    ("fee", ("how much", "fee", "cost", "price", "pay", "free")),
    ("place", ("where", "which office")),
    ("eligibility", ("who can", "eligible", "qualif", "age ", "how old")),
)
# Openings and endings that mark a message as a follow-up on what was just answered.
_FOLLOW_UP_START = ("แล้ว", "ถ้า", "และ", "ส่วน", "งั้น", "กรณี", "what about", "and ", "if ")
_NEXT_STEP_WORDS = (
    "ทำอะไรก่อน",
    "ทำอะไรดี",
    "ต้องทำอะไร",
    "ทำอะไรต่อ",
    "ต่อไปทำ",
    "ขั้นต่อไป",
    "อะไรอีก",
    "ต้องทำอะไรบ้าง",
    "เรื่องไหนบ้าง",
)
_FILLER = re.compile(
    # a comparison asks about what was named, in no words of its own ("ต่างกันยังไง", "อันไหนถูกกว่า")
    r"(ต่างกัน|แตกต่าง|ต่างจาก|เหมือนกัน|ดีกว่า|ถูกกว่า|แพงกว่า|คุ้มกว่า|อันไหน|แบบไหน|ทำไงดี|ดีคะ|ดีครับ|มาแล้ว|มา|ครับ|คับ|ค่ะ|คะ|คร่ะ|จ้า|จ้ะ|นะ|ล่ะ|ละ|หน่อย|บ้าง|ไหม|มั้ย|มั๊ย|หรือเปล่า|ป่าว|ได้|ต้อง|แล้ว|ถ้า|อยาก|ทราบ|"
    r"ขอ|ถาม|สอบถาม|อะไร|ยังไง|อย่างไร|ไง|ที่|ไป|ทำ|ใช้|การ|ของ|คือ|เรื่อง|นี้|นั้น|ด้วย|เลย|ไม่|มี|หรือ|กับ|ให้|จะ|\?|\s)"
)


@dataclass(frozen=True)
class Decision:
    """What to answer. `kind`: answer | twins | life_event | not_covered | unsure | which."""

    kind: str
    record: ServiceRecord | None = None
    aspect: str | None = None
    passage: Passage | None = None
    choices: list[ServiceRecord] = field(default_factory=list)
    choice_labels: list[str] = field(default_factory=list)
    question: str = ""
    twin_group: str = ""  # knowledge.twins group id of a near-twin question
    event: Any = None  # knowledge.life_events.LifeEvent
    referral: Any = None  # knowledge.agencies.Referral
    english: bool = False
    why: str = ""
    # Answered although the search was not confident (a step of the life event, the service talked
    # about before, a follow-up among near matches): kept for review as a low-confidence answer.
    low_confidence: bool = False
    # A service to come back to when the next message only half names it: of several named at once,
    # the one with near-twins ("ทำบัตรประชาชนก่อนละกัน" after the lost ID card and passport: the lost card).
    remember: str = ""

    @property
    def service_id(self) -> str | None:
        return self.record.id if self.record is not None else None


# Casual wordings the shared detector (knowledge/aspects.py) does not list yet.
_EXTRA_THAI_ASPECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("online", ("ผ่านเน็ต", "ในเน็ต", "ทางไลน์", "ออนไลท์")),
    ("time", ("ช่วงไหน", "เปิดรับเมื่อ", "รอกี่", "กี่วันได้", "กี่วันเสร็จ", *MONTH_ASKED_WORDS)),
    ("fee", ("กี่เปอร์เซ็น", "กี่%", "เสียตัง", "กี่ตัง", "ตังค์", *FINE_ASKED_WORDS)),
)


def extra_thai_aspect(text: str) -> str | None:
    folded = _folded(text)
    for aspect, words in _EXTRA_THAI_ASPECTS:
        if any(w in folded for w in words):
            return aspect
    return None


def english_aspect(text: str) -> str | None:
    lowered = f" {re.sub(r'[^a-z ]+', ' ', text.lower())} "
    for aspect, words in _ENGLISH_ASPECTS:
        if any(f" {w}" in lowered for w in words):  # "app" is not in "apply", "age" not in "page"
            return aspect
    return None


def _folded(text: str) -> str:
    return "".join(normalize_text(text or "").lower().split())


# English words that name no service: asking, the citizen, the country.
# fmt: off
_ENGLISH_FILLER = frozenset((
    "how", "what", "when", "where", "which", "who", "why", "do", "does", "did", "can", "could", "i", "my",
    "me", "we", "our", "you", "your", "the", "a", "an", "to", "in", "on", "for", "of", "is", "are", "am",
    "be", "it", "this", "that", "there", "need", "want", "have", "has", "get", "got", "thailand", "thai",
    "please", "go", "going", "both", "us", "they", "them", "he", "she", "he's", "she's",
))
# fmt: on
_ENGLISH_ASPECT_WORDS = frozenset(
    word for _, phrases in _ENGLISH_ASPECTS for phrase in phrases for word in phrase.split()
)


def residual_words(text: str) -> list[str]:
    """The words left when aspect words, particles and question words are taken out: service words.
    English keeps its spaces ("annual car tax", not "howtopayannualcartax")."""
    if is_english(text):
        skip = _ENGLISH_FILLER | _ENGLISH_ASPECT_WORDS
        return [t for t in bm25_tokens(text.lower()) if len(t) > 1 and t not in skip and not t.isdigit()]
    text = _CASUAL_YES_NO_END.sub("", text)  # "ต้องแจ้งความก่อนมะ": "ก่อน", not "ก่อ" + "นมะ"
    return [t for t in bm25_tokens(_FILLER.sub(" ", strip_aspect_words(text))) if len(t) > 1]


_QUESTION = re.compile(
    r"กี่|ยังไง|อย่างไร|ไหน|เท่าไ|เมื่อไ|อะไร|ไหม|มั้ย|หรือเปล่า|ป่าว|ได้ป่ะ|ใคร|ทำไง|\?|อยาก(ลง|ขอ|สมัคร|ได้|ทำ)"
    r"|\sหรือ\s*\S"  # "…ก่อนถึงไปลงทะเบียนได้ หรือไปล่วงหน้าได้": one way or the other
    r"|\S\s*หรือ\s*ที่"  # "ต้องไปจดที่อบต.หรือที่เขต": one office or the other, told without a space
    # a request for something ("ขอเงินทดแทนตอนตกงานจากประกันสังคม") asks for it, though it asks nothing
    r"|^\s*(?:ผม|หนู|ดิฉัน|ฉัน|เรา)?\s*ขอ(?!บคุณ|บใจ|โทษ|อภัย|บคุน)"
)


# an English question without its question mark ("… how to report the death")
_ASKS_EN = re.compile(
    r"^\s*(?:how|what|where|when|which|who|can|could|do|does|is|are|should|must)\b"
    r"|\b(?:how|where) (?:to|do|can)\b",
    re.I,
)
_WHAT_ABOUT_END = re.compile(r"(ล่ะ|ละ)\s*(คะ|ค่ะ|ครับ|คับ)?\s*\??\s*$")
_WHAT_ABOUT_COMPARED = re.compile(WHAT_ABOUT_COMPARED_PATTERN)
# "and what about a new passport?" after a fee question: the fee again, as "แล้วพาสปอร์ตล่ะ"
_WHAT_ABOUT_EN = re.compile(r"^\s*(?:and\s+|so\s+|then\s+)?(?:what|how)\s+about\b", re.I)
_CASUAL_YES_NO_END = re.compile(CASUAL_YES_NO_END_PATTERN)
_WHAT_TO_DO = re.compile(WHAT_TO_DO_PATTERN)
_WHICH_FIRST = re.compile(WHICH_FIRST_PATTERN)
_COMPARED = re.compile(COMPARED_PATTERN)
_DONE_STAGE = re.compile(DONE_STAGE_PATTERN)
# "I have a work permit and a non-B visa": what the citizen already holds is the setting of the
# question, not what it asks for (squashed text: a clause runs to the next "?", "," or ";")
_HAVE_BEFORE = re.compile(r"(?:^|[?!,;])i(?:already)?(?:have|hold|havegot|vegot|'vegot|got)[^?!,;]*$")


def is_question(text: str) -> bool:
    """Asks something: a question word, a yes/no, or a what-about ending ("ถ้าขาดต่อมา2ปีล่ะ")."""
    return (
        bool(_QUESTION.search(text))
        or is_yes_no(text)
        or _CASUAL_YES_NO_END.search(text) is not None
        or _WHAT_ABOUT_END.search(text) is not None
    )


_REASON_START = re.compile(REASON_START_PATTERN)


def reason_apart(text: str) -> list[tuple[str, str]]:
    """The ways a message may be a question with a situation told as its reason: the question and the
    reason clause ("ขอผ่อนน้อยลงได้ไหม ตกงานอยู่", "ตกงานอยู่ ขอพักชำระหนี้ได้ไหม", "…ได้ไหมเพราะลูกป่วย").
    Only splits: whether the clause is a situation is the caller's to tell."""
    text = text.strip()
    pairs = []
    cut = _REASON_START.search(text)
    if cut is not None and cut.start() > 0:
        pairs.append((text[: cut.start()], text[cut.start() :]))
    words = text.split()
    asking = [i for i, w in enumerate(words) if is_question(w)]
    if asking and asking[-1] < len(words) - 1:  # the reason after the question
        pairs.append((" ".join(words[: asking[-1] + 1]), " ".join(words[asking[-1] + 1 :])))
    if len(words) >= 2:  # the situation told first, in one clause
        pairs.append((" ".join(words[1:]), words[0]))
    return [
        (question.strip(), reason.strip())
        for question, reason in pairs
        # a bare "ทำไงคะ" takes its subject from the clause before it ("หย่าแล้วกลับไปใช้นามสกุลเดิม")
        if is_question(question)
        and not is_question(reason)
        and not asks_what_to_do(question)
        and residual_words(question)
    ]


def asks_what_to_do(text: str) -> bool:
    """A story that asks what there is to do ("ต้องไปจดอะไร", "what registrations do I need")."""
    folded = _folded(text)
    return any(w in folded for w in _NEXT_STEP_WORDS) or _WHAT_TO_DO.search(folded) is not None


def had_already(typed: str, phrase: str) -> bool:
    """Every mention of `phrase` is of something the citizen says they already have ("I have a non-B
    visa and a work permit"): context, not the topic."""
    squashed, key = _squash(typed), _squash(phrase)
    if not key:
        return False
    spots = [m.start() for m in re.finditer(re.escape(key), squashed)]
    return bool(spots) and all(_HAVE_BEFORE.search(squashed[:at]) is not None for at in spots)


def looks_like_follow_up(text: str, aspect: str | None) -> bool:
    lowered = text.strip().lower()
    return bool(
        aspect
        or is_yes_no(text)
        or lowered.startswith(_FOLLOW_UP_START)
        or lowered.endswith(("ล่ะ", "ละ", "ล่ะคะ", "ล่ะครับ", "?"))
        or len(residual_words(text)) <= SHORT_FOLLOW_UP_TOKENS
    )


class ServiceResolver:
    """Blocking decision logic over the live index, the life events and the agency directory."""

    def __init__(self, live: LiveIndex, sessions: sessionmaker[Session] | None = None) -> None:
        """`sessions`: the database reviewers teach in; its "out of scope, refer to …" decisions
        (teaching.referrals) send alike questions to that agency, ahead of the directory's phrases."""
        self._live = live
        self._events: Any = None
        self._events_for: object = None
        self._agencies: Any = None
        self._taught: Any = None
        try:
            from knowledge.agencies import AgencyDirectory

            self._agencies = AgencyDirectory.load()
        except Exception:  # the directory is optional; without it out-of-scope falls back to 1111
            logger.warning("agency directory not available", exc_info=True)
        if sessions is not None and self._agencies is not None:
            from teaching.referrals import LiveReferrals

            self._taught = LiveReferrals(sessions, self._agencies)

    # -- knowledge helpers ------------------------------------------------------------------------
    def life_events(self, records: dict[str, ServiceRecord]) -> Any:
        if self._events_for is not records:
            try:
                from knowledge.life_events import LifeEvents

                self._events = LifeEvents.load(
                    records, embedder=getattr(self._live.index(), "embedder", None)
                )
            except Exception:
                logger.warning("life events not available", exc_info=True)
                self._events = None
            self._events_for = records
        return self._events

    def life_event(self, event_id: str) -> Any:
        events = self.life_events(self._live.index().records)
        if events is None:
            return None
        for event in getattr(events, "events", ()) or ():
            if getattr(event, "id", None) == event_id:
                return event
        getter = getattr(events, "get", None)
        return getter(event_id) if callable(getter) else None

    def refer(self, text: str) -> Any:
        """Where a question the knowledge base does not cover belongs: what reviewers taught first,
        then the directory's topic phrases. Blocking (the taught ones are read from the database)."""
        for source in (self._taught, self._agencies):
            if source is None:
                continue
            try:
                referral = source.refer(text)
            except Exception:
                logger.exception("agency referral failed")
                continue
            if referral is not None:
                # "I have a non-B visa and a work permit, can I get a driving licence": not a visa question
                return None if had_already(text, referral.matched) else referral
        return None

    def refer_or_named(self, text: str) -> Any:
        """A question out of scope: the agency its topic belongs to, else the agency it names."""
        referral = self.refer(text)
        if referral is not None or self._agencies is None:
            return referral
        try:
            return self._agencies.named(text)
        except Exception:
            logger.exception("agency look-up failed")
            return None

    def agency_contact(self, record: ServiceRecord) -> Any:
        """The directory entry for a record's agency (name and hotline for English notes), if any."""
        if self._agencies is None:
            return None
        try:
            return self._agencies.by_name(record.agency)
        except Exception:
            logger.exception("agency look-up failed")
            return None

    def _passage(self, index: Any, service_id: str, text: str) -> Passage | None:
        best = getattr(index, "best_passage", None)
        if not callable(best) or not text:
            return None
        try:
            # "3 ปีกว่า" is not the case of an FAQ on "ไม่ถึง 3 ปี", however close its words; an FAQ on
            # paying the tax answers no question that does not ask about paying ("ใช้แบบไหน 90 หรือ 91")
            paying = asks_tax_paid(text)
            match = best(
                service_id,
                text,
                skip=lambda faq: (
                    outside_faq_band(text, faq.question) or (asks_tax_paid(faq.question) and not paying)
                ),
            )
        except Exception:
            logger.exception("passage search failed")
            return None
        if match is None or (getattr(match, "kind", "") == "field" and is_english(text)):
            return None  # the field detector is Thai ("app" in "apply"); English aspects are read here
        faq = getattr(match, "faq", None)
        score = float(getattr(match, "score", 0.0) or 0.0)
        aspect = detect_aspect(text)
        if faq is not None and aspect in LIST_ASPECTS and not is_yes_no(text) and score < STRONG_FAQ:
            # "ต่อใบขับขี่ใช้อะไรบ้าง": the documents list answers it, not the FAQ on one document
            return Passage(kind="field", field=aspect or "")
        if (
            faq is not None
            and score < STRONG_FAQ
            and is_yes_no(str(getattr(faq, "question", "") or ""))
            and not is_question(text)
        ):
            # "ลูกพิการ มีบัตรคนพิการแล้ว จะรับเบี้ยพิการ" met "รับเบี้ยผู้สูงอายุอยู่แล้ว รับเบี้ยพิการได้ไหม" on
            # shared words: a message that asks nothing gets no other question's yes or no
            return None
        answer = str(getattr(faq, "answer", "") or "")
        if (
            faq is not None
            and aspect == "fee"
            and any(w in text for w in HOW_MUCH_WORDS)  # "ไม่ได้จ่ายภาษีมา 3 ปี": paying, no amount asked
            and score < STRONG_FAQ
            and not any(w in answer for w in MONEY_WORDS)
        ):
            # "ค่าทำบัตรเท่าไร": an FAQ that speaks of no money is no answer; the fees are
            return Passage(kind="field", field="fees")
        return Passage(
            kind=str(getattr(match, "kind", "")),
            answer=answer,
            field=str(getattr(match, "field", "") or ""),
            aspect=faq_aspect(str(getattr(faq, "question", "") or ""), answer) if faq is not None else "",
            question=str(getattr(faq, "question", "") or ""),
        )

    # -- the decision -----------------------------------------------------------------------------
    def decide(
        self,
        text: str,
        entity_id: str | None = None,
        entity_aspect: str | None = None,
        slot_id: str | None = None,
        slot_aspect: str | None = None,
        entity_event: str | None = None,
        slot_event: str | None = None,
        slot_twins: str | None = None,
        recent_id: str | None = None,
    ) -> Decision:
        index = self._live.index()
        records: dict[str, ServiceRecord] = index.records
        # regional particles read as central Thai ("ยายไปแจ้งแทนได้บ่" asks "ได้ไหม")
        typed = "" if text.startswith("/") else fold_dialect(text.strip())
        english = is_english(typed)
        if english:  # the Thai detector reads "app" in "apply"
            aspect = parse_aspect(entity_aspect) or english_aspect(typed)
        else:
            # "เปลี่ยนเสร็จแล้วต้องไปทำบัตรใหม่ไหม": what comes after it is done, not how long it takes
            staged = _DONE_STAGE.sub(" ", typed)
            aspect = parse_aspect(entity_aspect) or detect_aspect(staged) or extra_thai_aspect(staged)

        if entity_id:  # a button
            record = records.get(entity_id)
            if record is None:
                return Decision("which", aspect=aspect, why="unknown or unpublished service id")
            return Decision("answer", record, aspect, english=english, why="button")
        if entity_event:
            event = self.life_event(entity_event)
            if event is not None:
                return self._event_decision(event, records, "life event button")

        previous = records.get(slot_id or "")
        if not typed:
            if previous is not None:
                return Decision("answer", previous, aspect, why="no text")
            return Decision("which", aspect=aspect, why="no text")

        if slot_twins:  # the answer to our near-twin question ("หายค่ะ")
            group = next((g for g in twins_module.default().groups if g.id == slot_twins), None)
            chosen = twins_module.resolve(typed, group) if group is not None else None
            if chosen in records:
                aspect = aspect or parse_aspect(slot_aspect)
                return Decision("answer", records[chosen], aspect, english=english, why="twin chosen")

        inherited = False
        if (
            aspect is None
            and previous is not None
            and (
                typed.startswith("แล้ว")
                or _WHAT_ABOUT_END.search(typed) is not None
                or _WHAT_ABOUT_COMPARED.search(typed) is not None
                or _WHAT_ABOUT_EN.match(typed) is not None
            )
            and len(residual_words(typed)) > 0
            and not any(w in _folded(typed) for w in HOW_TO_WORDS)  # the whole of it, no aspect carried
            and not (
                is_yes_no(typed)
                and _WHAT_ABOUT_END.search(typed) is None
                and _WHAT_ABOUT_COMPARED.search(typed) is None
            )
        ):
            # "แล้วพาสปอร์ตล่ะ", "พ่อจะโอนให้ลูกล่ะ" after a fee question: the fee again; not "แล้วถ้าลูก
            # อายุ 5 ขวบทำได้ไหม", which asks a yes/no of its own
            aspect = parse_aspect(slot_aspect)
            inherited = aspect is not None

        if slot_event and any(w in _folded(typed) for w in _NEXT_STEP_WORDS):  # "แล้วต้องทำอะไรต่อ"
            event = self.life_event(slot_event)
            if event is not None:
                return self._event_decision(event, records, "next steps of the life event")

        # "ขอผ่อนน้อยลงได้ไหม ตกงานอยู่" on the student loan: a situation given as the reason of a question
        # about the current service does not start that situation's story (job loss) or its service
        if previous is not None:
            asked = self._asked_with_reason(records, typed)
            if asked is not None:
                kept = self.decide(
                    asked, None, entity_aspect, slot_id, slot_aspect, None, slot_event, None, recent_id
                )
                if kept.kind == "answer" and kept.service_id == previous.id:
                    return replace(kept, why=f"{kept.why} with a reason told")

        result = index.search(typed, top=NEAREST_COUNT)
        named = self._named_service(index, typed, result)
        named = self._unless_a_paper(typed, named, previous, result, records)
        # a confident search on generic words ("พ่อไม่ว่าง แม่พาไปคนเดียวได้ไหม") does not leave the
        # current service; the message has to name the other one
        if (
            previous is not None
            and named not in (None, previous.id)
            and (
                not self._mentions(typed, records[str(named)], previous)
                or _held_twin(typed, records[str(named)], previous)
                or _after_current_done(typed, previous)
            )
        ):
            named = None
        if previous is not None and (named is None or named == previous.id):
            other = self._named_other(typed, result, previous, records)
            # "พ่อได้เบี้ยผู้สูงอายุอยู่แล้ว ได้เบี้ยพิการด้วยไหม" on the disability allowance: the twin's cue is
            # what is had already; the service asked by its name is the current one
            if other is not None and (
                self._name_in_text(typed, [previous, records[other]]) is previous
                or _only_held(typed, records[other])
            ):
                other = None
            named = other or named
        # "แล้วถ้าจะหย่าล่ะ" after marriage registration: a switch to the current service's near-twin
        group = twins_module.group_of(previous.id) if previous is not None else None
        twin_switch = (
            group is not None
            and named not in (None, getattr(previous, "id", None))
            and (named in group.service_ids)
        )
        if previous is None and named is None:  # "จะต่อบัตรประชาชนค่ะ": a near-twin's own cue names it
            named = self._named_by_cue(typed, result, records)
        elif previous is None and named is not None:
            # "ใบขับขี่ชั่วคราว 2 ปีจะหมด เปลี่ยนเป็น 5 ปี": a twin named by a word of its own ("ชั่วคราว 2 ปี")
            # while the group's cues pick the other member alone ("จะหมด", "เปลี่ยนเป็น"): the other one
            own_group = twins_module.group_of(named)
            picked = twins_module.resolve(typed, own_group) if own_group is not None else None
            if picked is not None and picked != named and picked in records:
                named = picked
        if previous is None and not slot_event and named in (None, recent_id) and recent_id in records:
            returned = self._back_after_aside(text, entity_aspect, slot_aspect, str(recent_id))
            if returned is not None:
                return returned

        # 1. The current service stays unless another one is named.
        if previous is not None and (named is None or named == previous.id):
            referral = self.refer(typed)
            if referral is not None and _asks_prerequisite(typed, referral.matched):
                referral = None  # "ต้องแจ้งความก่อนไหม" after a lost SD.9: a step of this service
            # a name inside a gapped phrase ("บัญชีธนาคาร…แก้ชื่อ" after the change of name) names the bank's
            # matter, not the service's, unless the service says it or names itself apart
            gapped = referral is not None and "*" in str(getattr(referral, "phrase", "") or "")
            # so does a long phrase of the directory ("ส่งประกันสังคมต่อเอง" after the unemployment benefit,
            # found by the search on the agency's name)
            unnamed = named is None or (
                (gapped or _strong(referral)) and self._referral_beats_named(referral, named, typed, records)
            )
            if referral is not None and unnamed and not _covers_topic(previous, referral):
                return Decision("not_covered", referral=referral, english=english, why="referral")
            passage = self._passage(index, previous.id, typed)
            # "แล้วต่อวีซ่าให้แฟนล่ะ" after vehicle tax: words the current service never mentions
            what_about = inherited or (typed.startswith("แล้ว") and _WHAT_ABOUT_END.search(typed) is not None)
            # who it is for and how old ("แล้วของลูกอายุ 3 ขวบด้วยล่ะ") is the same service for someone else
            foreign = what_about and any(
                not _covers(previous, w)
                for w in residual_words(typed)
                if len(w) >= 3 and w not in WHO_AND_AGE_WORDS and not w.isdigit()
            )
            # "โรงเรียนนายร้อยเปิดรับสมัครเมื่อไหร่" after military service: an aspect word, but a topic in
            # words the service never uses - not a follow-up, whatever its FAQ passages share
            # (a yes/no tells a circumstance in words of its own: "ถ้าเขาอยู่ต่างจังหวัด ไปคนเดียวได้ไหม")
            topic = named is None and not is_yes_no(typed) and new_topic(previous, typed)
            asked_of_it = passage is not None or aspect or named == previous.id
            if asked_of_it and not (foreign and passage is None) and not topic:
                aspect = aspect or _aspect_of_field(passage)
                return Decision("answer", previous, aspect, passage, english=english, why="follow-up")
            # no part of the service asked: a new story or an uncovered topic wins over staying
            match = self._match_event(records, typed)
            if match is not None and (
                self._asks_current(match, previous, typed, result)
                or self._told_of_current(match, previous, typed, records)
            ):
                aspect = aspect or _aspect_of_field(passage)
                return Decision(
                    "answer", previous, aspect, passage, english=english, why="follow-up in a story"
                )
            if match is not None:
                return self._event_decision(match.event, records, "life event", typed)
            referral = self.refer(typed)
            if referral is not None and _asks_prerequisite(typed, referral.matched):
                referral = None
            if referral is not None and not _covers_topic(previous, referral):
                return Decision("not_covered", referral=referral, english=english, why="referral")
            own_words = [w for w in residual_words(typed) if len(w) >= 3]
            in_its_words = bool(own_words) and all(_covers(previous, w) for w in own_words)
            # "ขาดต่อมา 4 ปีแล้วทำไงดี" after vehicle tax: the service's own vocabulary, nothing else named
            # "เราไปทำแทนลูกได้มั้ย": a question that names no other service is about this one
            if (looks_like_follow_up(typed, aspect) or in_its_words or is_question(typed)) and not (
                foreign or topic
            ):
                return Decision("answer", previous, aspect, english=english, why="follow-up")

        # 2. A follow-up right after a life event's checklist ("ใช้เอกสารอะไรบ้าง"): about one of its
        #    steps — the one whose FAQ answers it, the best-ranked one, else the first.
        # a confident search on generic words ("ต้องพาพยานไปด้วยป่ะ" after the divorce checklist found the
        # marriage) does not leave the event: a service outside it has to be named
        outside = (
            named is not None
            and slot_event is not None
            and not self._in_event(slot_event, named)
            and (
                self._name_in_text(typed, [records[named]]) is not None
                or self._names_apart_from_event(typed, records[named], slot_event, records)
            )
        )
        if previous is None and slot_event and not outside:
            event = self.life_event(slot_event)
            if event is not None and looks_like_follow_up(typed, aspect) and self.refer(typed) is None:
                step = self._event_step(index, event, typed, result, records)
                if step is not None:
                    passage = self._passage(index, step.id, typed)
                    aspect = aspect or _aspect_of_field(passage)
                    return Decision("answer", step, aspect, passage, english=english, why="life event step")

        # 2a. A service said to be just done, and what to do next asked ("เพิ่งจดทะเบียนหย่าเรียบร้อย ต้อง
        #     ดำเนินการอะไรต่อ"): the checklist of the life event it is the first step of.
        if named is not None and asks_what_to_do(typed) and _just_done(typed, records[named]):
            after = self._event_starting_with(named)
            if after is not None:
                return self._event_decision(after, records, "after a service done", typed)

        # 2b. A life event told as a story ("ลูกเพิ่งคลอดเมื่อวานค่ะ"), unless a service part is asked.
        match = self._match_event(records, typed)
        if match is not None and self._referral_over_story(match, typed, named, records):
            match = None  # "วีซ่าแต่งงานจะหมด", "กู้ซื้อบ้าน ธนาคารไหน": the agency's topic, not the story
        # a cue match that also names a service, or an encoder-only match, yields to a named service
        # "แล้วถ้าจะหย่าล่ะ" after marriage registration: the twin asked about, not the divorce story
        weak = (
            getattr(match, "names_service", False)
            or getattr(match, "background", False)
            or float(getattr(match, "score", 1.0)) < CUE_SCORE
            or twin_switch
            or self._names_own_step(match, named, typed, records)
            or self._asks_named(match, named, typed, records)
            or self._asks_outside_story(match, named, typed, result, records)
        )
        # "แม่เสีย ต้องแจ้งตายกับโอนที่ดิน อันไหนก่อน": the story's checklist is the order asked for
        which_first = _WHICH_FIRST.search(_folded(typed)) is not None
        if match is not None and (which_first or not (weak and named is not None)):
            # "ลาออกมาเปิดคาเฟ่ ต้องไปจดอะไร": the whole checklist
            asks_next = asks_what_to_do(typed) or which_first
            asks = is_question(typed) or (english and _ASKS_EN.search(typed) is not None)
            if not asks_next and (asks or getattr(match, "names_service", False)):
                # "จดทะเบียนแต่งงานต้องมีพยานกี่คน": the step asked about, with the event kept
                step = self._asked_step(
                    index, match.event, typed, result, records, story=True, cue=str(getattr(match, "cue", ""))
                )
                if step is not None:
                    passage = self._passage(index, step.id, typed)
                    aspect = aspect or _aspect_of_field(passage)
                    return Decision(
                        "answer", step, aspect, passage, event=match.event, english=english, why="step asked"
                    )
            why = f"life event {getattr(match, 'score', '')}"
            return self._event_decision(match.event, records, why, typed)

        # 2c. Several services named by their own names, the citizen asking which to see to first
        #    ("บัตรปชชหาย พาสปอตก็หาย ต้องเริ่มจากอันไหน"): each of them, as a choice
        #     (a story's checklist above already gives the order).
        several = self._several_named(typed, result, records)
        if several:
            key = "en_service_which_first" if english else "service_which_first"
            twinned = [r.id for r in several if twins_module.group_of(r.id) is not None]
            return Decision(
                "twins",
                aspect=aspect,
                choices=several,
                question=say(key, "default"),
                english=english,
                why="several named",
                remember=(twinned or [several[0].id])[0],
            )
        # 2d. Two services named to compare ("จดทะเบียนพาณิชย์กับจดบริษัท ต่างกันยังไง อันไหนถูกกว่า"): what
        #     the record says of the difference, if an FAQ does, and both as choices; a near-twin group's
        #     own question, so the next message picks one ("เอาแบบร้านค้าคนเดียวค่ะ").
        compared = self._compared(index, typed, result, records, english)
        if compared is not None:
            return compared

        # 3. Near-twins the question does not tell apart: one short question with distinct choices.
        twins = [t for t in getattr(result, "twins", ()) or () if t in records]
        group = twins_module.ask(twins) if len(twins) >= 2 and named not in twins else None
        if group is None and named is None and previous is None:
            # "ขอสอบถามเรื่องเบี้ยยังชีพ": a word the old-age and the disability allowance share
            group = twins_module.default().vague(typed)
        vague = group is not None and not twins and previous is None
        if group is not None:
            members = [m for m in group.members if m.service_id in records]
            if vague and group.vague_members:  # "เบี้ยยังชีพ": the old-age or the disability allowance
                members = [m for m in members if m.service_id in group.vague_members]
            aged = fits_age_best([records[m.service_id] for m in members], typed)
            if aged is not None:  # "แม่อายุ 72 ได้เบี้ยยังชีพเท่าไหร่": the age tells them apart
                passage = self._passage(index, aged.id, typed)
                aspect = aspect or _aspect_of_field(passage)
                return Decision("answer", aged, aspect, passage, english=english, why="age fits one twin")
            # "กลับมาเรื่องบัตรลูก …" after a side question: the twin talked about before it
            if previous is None and recent_id in [m.service_id for m in members]:
                passage = self._passage(index, str(recent_id), typed)
                aspect = aspect or _aspect_of_field(passage)
                record = records[str(recent_id)]
                return Decision("answer", record, aspect, passage, english=english, why="back to it")
            return Decision(
                "twins",
                aspect=aspect,
                choices=[records[m.service_id] for m in members],
                choice_labels=[m.label for m in members],
                question=group.question_th,
                twin_group=group.id,
                english=english,
                why="near twins",
            )

        # 4. A topic the base does not cover, even if the search confidently found a neighbour
        #    ("ขอติดมิเตอร์น้ำประปา" is not the electricity meter): the referral's phrase is not in it.
        #    Never over a service the question names by its own name ("ต่อใบขับขี่ที่หมดอายุ").
        referral = self.refer(typed)
        if referral is not None and self._referral_beats_named(referral, named, typed, records):
            return Decision("not_covered", referral=referral, english=english, why="referral")

        # 5. A service named clearly; told inside a life event's story ("ลูกเพิ่งคลอดค่ะ จะแจ้งเกิดต้องใช้
        #    อะไรบ้าง"), the event is kept for "แล้วต้องทำอะไรต่อ".
        if named is not None:
            record = records[named]
            passage = self._passage(index, record.id, typed)
            aspect = aspect or _aspect_of_field(passage)
            steps = [
                getattr(s, "service_id", "") for s in getattr(getattr(match, "event", None), "steps", ())
            ]
            event = match.event if match is not None and named in steps else None
            return Decision(
                "answer", record, aspect, passage, event=event, english=english, why=result.reason
            )

        # 6. Unsure, but the citizen is going through a life event's checklist and the best match is
        #    one of its steps ("ต้องแจ้งตายภายในกี่วัน" after "แม่เพิ่งเสีย"): that step.
        event = self.life_event(slot_event) if slot_event else None
        if event is not None and result.hits:
            steps = [getattr(step, "service_id", "") for step in getattr(event, "steps", ())]
            if result.hits[0].id in steps and result.hits[0].id in records:
                record = records[result.hits[0].id]
                why = "step of the life event"
                return Decision("answer", record, aspect, english=english, why=why, low_confidence=True)
        # 7. Unsure, but the best match is the service talked about before a side question
        #    ("กลับมาเรื่องภาษีรถ ทำออนไลน์ได้ไหม").
        back = recent_id if previous is None and recent_id in records else None
        if back and result.hits and result.hits[0].id == back:
            passage = self._passage(index, back, typed)
            aspect = aspect or _aspect_of_field(passage)
            record = records[back]
            return Decision(
                "answer", record, aspect, passage, english=english, why="back to it", low_confidence=True
            )
        # 8. Honest limits: unsure -> the nearest services as buttons, never an answer from one.
        if previous is not None and aspect and previous.id in [h.id for h in result.hits]:
            return Decision(
                "answer",
                previous,
                aspect,
                english=english,
                why="follow-up among near matches",
                low_confidence=True,
            )
        nearest = [records[h.id] for h in result.hits if h.id in records]
        if nearest:
            return Decision("unsure", aspect=aspect, choices=nearest, english=english, why=result.reason)
        return Decision(
            "not_covered" if typed else "which", english=english, aspect=aspect, why=result.reason
        )

    def _back_after_aside(
        self, text: str, entity_aspect: str | None, slot_aspect: str | None, recent_id: str
    ) -> Decision | None:
        """ "ต้องตรวจสายตาด้วยมั้ย" right after another agency's matter was referred (or a list offered)
        in the middle of the licence renewal: the aside ended nothing, so a message naming no other
        service is read as a follow-up on the service talked about before it, as if still current;
        None when it would not be one (a new story, a referral, a topic of its own)."""
        back = self.decide(text, None, entity_aspect, recent_id, slot_aspect, recent_id=recent_id)
        if back.kind != "answer" or back.service_id != recent_id:
            return None
        return Decision(
            "answer",
            back.record,
            back.aspect,
            back.passage,
            english=back.english,
            why=f"back after an aside ({back.why})",
        )

    def _unless_a_paper(
        self,
        typed: str,
        named: str | None,
        previous: ServiceRecord | None,
        result: Any,
        records: dict[str, ServiceRecord],
    ) -> str | None:
        """ "ต้องใช้สูติบัตรกับทะเบียนบ้านใช่ไหม" after military service, "จะทำบัตรทอง ต้องใช้สูติบัตรไหม": a
        service's name said as a paper to bring ("ใช้ …", "มี …") that the service talked about, or the
        other one the message names, lists among its documents, is that document, not the service that
        issues it; the service named apart from it (else the current one) is asked."""
        if named is None or named not in records:
            return named
        key = _paper_named(typed, records[named])
        if not key:
            return named
        squashed = _squash(typed)
        told = (squashed if key in squashed else _squash(normalise(typed))).replace(key, "|")
        hits = [records[h.id] for h in getattr(result, "hits", ()) or () if h.id in records and h.id != named]
        apart = self._name_in_text(told, hits)
        holders = [r for r in (previous, apart) if r is not None and r.id != named]
        # a paper's short name ("ใบหย่า") is in a list that writes it out ("ใบสำคัญการสมรสหรือการหย่า")
        cut = len(SHORT_PAPER_WORD)
        bare = key[cut:] if key.startswith(SHORT_PAPER_WORD) and len(key) > cut + 2 else key
        if not any(bare in _squash(" ".join(r.documents)) for r in holders):
            return named
        return apart.id if apart is not None else None

    def _several_named(
        self, typed: str, result: Any, records: dict[str, ServiceRecord]
    ) -> list[ServiceRecord]:
        """The services among the nearest that the message names by their own names, when it names two
        or more and asks which to see to first; else none."""
        if not (_WHICH_FIRST.search(_folded(typed)) or _WHICH_FIRST.search(typed.lower())):
            return []
        nearest = [records[h.id] for h in getattr(result, "hits", ()) or () if h.id in records]
        named = [r for r in nearest if self._name_in_text(typed, [r]) is not None]
        return named[:3] if len(named) >= 2 else []

    def _compared(
        self, index: Any, typed: str, result: Any, records: dict[str, ServiceRecord], english: bool
    ) -> Decision | None:
        """Two or more services the message names by their own names, asked to be compared; else None."""
        if _COMPARED.search(_folded(typed)) is None and _COMPARED.search(typed.lower()) is None:
            return None
        nearest = [records[h.id] for h in getattr(result, "hits", ()) or () if h.id in records]
        named = [r for r in nearest if self._name_in_text(typed, [r]) is not None]
        if len(named) < 2:
            return None
        named = named[:3]
        group = twins_module.group_of(named[0].id)
        same = group if group is not None and all(r.id in group.service_ids for r in named) else None
        passage = None if english else self._passage(index, named[0].id, typed)
        # only an FAQ that itself compares ("…ต่างจากจดบริษัทอย่างไร") says the difference
        compares = (
            passage is not None and passage.kind == "faq" and _COMPARED.search(_folded(passage.question))
        )
        told = passage.answer if passage is not None and compares else ""
        ask = say("en_service_compare" if english else "service_compare", "default")
        if same is not None and not english:
            ask = same.question_th
        labels = {m.service_id: m.label for m in same.members} if same is not None else {}
        return Decision(
            "twins",
            choices=named,
            choice_labels=[labels[r.id] for r in named] if same is not None and not english else [],
            question=(polite(told) + " " + ask) if told else ask,
            twin_group=same.id if same is not None else "",
            english=english,
            why="services compared",
        )

    def _match_event(self, records: dict[str, ServiceRecord], typed: str) -> Any:
        events = self.life_events(records)
        if events is None:
            return None
        try:
            return events.match(typed)
        except Exception:
            logger.exception("life event match failed")
            return None

    @staticmethod
    def _event_decision(event: Any, records: dict[str, ServiceRecord], why: str, story: str = "") -> Decision:
        """The event's checklist; told as a story, a step only some stories need is listed when this one
        says so (`Step.when`: "ลาออกจากงานมาเปิดร้าน" lists the unemployment benefit)."""
        steps_for = getattr(event, "steps_for", None)
        listed = steps_for(story) if callable(steps_for) else getattr(event, "steps", ())
        steps = [records[s.service_id] for s in listed if s.service_id in records]
        return Decision("life_event", event=event, choices=steps, why=why)

    def _names_own_step(
        self, match: Any, named: str | None, typed: str, records: dict[str, ServiceRecord]
    ) -> bool:
        """ "แม่จะครบ 60 ลงทะเบียนเบี้ยยังชีพได้ยัง", "ลูกพิการ มีบัตรแล้ว จะรับเบี้ยพิการ": the story names one
        of its own checklist steps by that step's name, so that step is what is wanted (the event is
        kept for "แล้วต้องทำอะไรต่อ"); the checklist would make the citizen find it again."""
        if match is None or named is None or named not in records:
            return False
        if not self._in_event(match.event.id, named):
            return False
        # the story's own words ("คลอด" is also a word of birth registration) are not a step's name
        cue = _squash(str(getattr(match, "cue", "") or ""))
        told = _squash(typed).replace(cue or "\x00", "|", 1)
        return self._name_in_text(told, [records[named]]) is not None or _cue_only_in_name(
            typed, cue, records[named]
        )

    def _asks_named(
        self, match: Any, named: str | None, typed: str, records: dict[str, ServiceRecord]
    ) -> bool:
        """ "ย้ายไปอยู่ตำบลใหม่ เบี้ยคนพิการต้องลงทะเบียนใหม่มั้ย": a question that names a service by its
        own name is about that service, whatever story comes with it; not when the name is the story's
        own cue ("จะเปิดร้าน…" names the shop registration too) or the question asks what to do next."""
        if match is None or named is None or named not in records or not is_question(typed):
            return False
        if any(w in _folded(typed) for w in _NEXT_STEP_WORDS):
            return False
        told = _squash(typed).replace(_squash(str(getattr(match, "cue", "") or "")) or "\x00", "|", 1)
        return self._name_in_text(told, [records[named]]) is not None

    def _asks_outside_story(
        self, match: Any, named: str | None, typed: str, result: Any, records: dict[str, ServiceRecord]
    ) -> bool:
        """ "ได้หมายเรียก สด.35 แต่ย้ายบ้านแล้ว ต้องทำไง": the story (moving house) is the setting of a
        question the search confidently places in a service outside its checklist, in a word of that
        service's own (หมายเรียก, สด.35) that none of the story's steps ever uses; that service is asked."""
        if match is None or named is None or named not in records or self._in_event(match.event.id, named):
            return False
        hits = list(getattr(result, "hits", ()) or ())
        if not (getattr(result, "confident", False) and hits and hits[0].id == named):
            return False
        if not is_question(typed) or asks_what_to_do(typed):
            return False
        event = self.life_event(match.event.id)
        steps = [records[s.service_id] for s in getattr(event, "steps", ()) if s.service_id in records]
        cue = _squash(str(getattr(match, "cue", "") or ""))
        words = [
            w
            for w in residual_words(typed)
            if len(w) >= 3 and _squash(w) not in cue and w not in WHO_AND_AGE_WORDS and not w.isdigit()
        ]
        return any(_covers(records[named], w) and not any(_covers(s, w) for s in steps) for w in words)

    def _asked_with_reason(self, records: dict[str, ServiceRecord], typed: str) -> str | None:
        """The question of a message that gives a situation as its reason: a clause saying why
        ("เพราะ…") or one told by a life event's cue alone ("ตกงานอยู่", "แม่เพิ่งเสีย"), asking nothing."""
        for question, reason in reason_apart(typed):
            if self.refer(reason) is not None:
                continue  # "นายจ้างไม่ยอมจ่ายค่าชดเชย… ไปร้องที่ไหนได้": another agency's matter, not a reason
            if _REASON_START.match(reason) is not None:
                return question
            match = self._match_event(records, reason)
            if (
                match is not None
                and float(getattr(match, "score", 0.0)) >= CUE_SCORE
                and not getattr(match, "names_service", False)
            ):
                return question
        return None

    def _asks_current(self, match: Any, previous: ServiceRecord, typed: str, result: Any) -> bool:
        """ "ต้องรอให้อายุครบ60ก่อนไหม" after the old-age allowance: the story's cue is a fact of the
        service talked about (the event's first service, or a step the search still finds best), so a
        question with it is about that service, not the start of the story's checklist. A what-if told
        by the cue ("ถ้าลาออกแล้วล่ะ" after "มีประกันสังคมอยู่ ใช้บัตรทองได้ไหม") asks the same question in
        that case, when the service is one of the story's steps (losing a job: the gold card)."""
        hits = list(getattr(result, "hits", ()) or ())
        steps = [s.service_id for s in getattr(match.event, "steps", ())]
        # the event's own first service (turning 60: the old-age allowance), or a step still searched best
        its_own = bool(steps) and (steps[0] == previous.id or (bool(hits) and hits[0].id == previous.id))
        what_if = any(w in _folded(typed) for w in WHAT_IF_WORDS)
        return (
            float(getattr(match, "score", 0.0)) >= CUE_SCORE
            and previous.id in steps
            and ((its_own and is_question(typed)) or what_if)
            and not asks_what_to_do(typed)
        )

    def _told_of_current(
        self, match: Any, previous: ServiceRecord, typed: str, records: dict[str, ServiceRecord]
    ) -> bool:
        """ "พ่อเป็นเจ้าบ้านแต่นอนติดเตียง ไปด้วยไม่ได้" after moving a name out: the story's cue (bedridden)
        comes with a word of the current service's own (เจ้าบ้าน) that none of the story's steps ever uses,
        so it tells a circumstance of that errand, not the start of the story's checklist."""
        if previous.id in [s.service_id for s in getattr(match.event, "steps", ())]:
            return False  # a step of the story: _asks_current decides
        steps = [records[s.service_id] for s in getattr(match.event, "steps", ()) if s.service_id in records]
        cue = _squash(str(getattr(match, "cue", "") or ""))
        words = [
            w
            for w in bm25_tokens(typed)  # "เจ้าบ้าน" whole (residual_words keeps only its "บ้าน")
            if len(w) >= SPOKEN_WORD_MIN_CHARS
            and _squash(w) not in cue
            and w not in WHO_AND_AGE_WORDS
            and not w.isdigit()
        ]
        return any(_covers(previous, w) and not any(_covers(s, w) for s in steps) for w in words)

    def _referral_over_story(
        self, match: Any, typed: str, named: str | None, records: dict[str, ServiceRecord]
    ) -> bool:
        """A topic the directory places whose phrase holds the story's cue ("วีซ่าแต่งงาน", "retirement
        visa", "กู้ซื้อบ้าน"), or a story told only by its setting ("…ตอนเกษียณ"), goes to the agency;
        not a referral a named service speaks of ("ลูกพิการ มีบัตรคนพิการแล้ว จะรับเบี้ยพิการ": the
        allowance asks for that card), which never wins, so the story and its step are kept."""
        referral = self.refer(typed)
        if referral is None or not self._referral_beats_named(referral, named, typed, records):
            return False
        cue = _squash(str(getattr(match, "cue", "") or ""))
        if bool(getattr(match, "background", False)) or (bool(cue) and cue in _squash(referral.matched)):
            return True
        # "เป็นแม่ค้าขายของ อยากสมัครประกันสังคมมาตรา 40": a long phrase of the directory is what is asked,
        # the story (ค้าขาย) only who asks; not a story asking what to do, nor one whose checklist names
        # that agency ("ถอยรถป้ายแดงมา ต้องทำอะไรต่อ": the transport office is among the new car's contacts)
        contacts = {getattr(c, "agency_id", "") for c in getattr(match.event, "contacts", ())}
        return (
            _strong(referral)
            and not asks_what_to_do(typed)
            and getattr(referral.agency, "id", "") not in contacts
        )

    def _referral_beats_named(
        self, referral: Any, named: str | None, typed: str, records: dict[str, ServiceRecord]
    ) -> bool:
        """A referral wins unless the service named speaks of its topic or the message names that
        service by its own name ("ต่อใบขับขี่ที่หมดอายุ") or by its object apart from the referral's topic
        ("บัตรประชาชนอยู่ในเคสโทรศัพท์ หายไปด้วย": the ID card, though a lost phone is the police's)."""
        if named is None or named not in records:
            return True
        record = records[named]
        # a service that speaks of one phrase ("ไม่ต้องแจ้งความ") does not cover the others the message
        # has ("โดนขโมยรถมอไซค์ แจ้งความที่ไหน": ขโมยรถ)
        phrases = tuple(getattr(referral, "found", ()) or ()) or (referral.matched,)
        covered = [p for p in phrases if _covers(record, p)]
        # a name inside a phrase of another agency's that the service never speaks of names nothing
        # ("เปลี่ยนชื่อเจ้าของรถ" is the vehicle's owner, not a change of name); inside its own agency's
        # ("หนี้กยศ": the student loan) or a phrase it speaks of ("ทำบัตรคนพิการแล้ว" for the allowance) it does
        own = self.agency_contact(record) is referral.agency
        told = _squash(typed)
        if not own and not covered:
            told = told.replace(_squash(referral.matched) or "\x00", "|")
        said = self._name_in_text(told, [record]) is not None
        # a long phrase of the directory ("จดทะเบียนรับรองบุตร…ให้ลูกใช้นามสกุลพ่อ") beats a name only the
        # search's rewrites found ("ใช้นามสกุล" read as "เปลี่ยนนามสกุล"); the name as typed still wins
        if said and _strong(referral):
            said = self._name_in_text(told, [record], rewritten=False) is not None
        return (
            len(covered) < len(phrases)
            and not said
            and not _names_object_apart(typed, record, referral.matched)
        )

    def _event_starting_with(self, service_id: str) -> Any:
        """The life event whose first step is this service (the divorce for its registration), if any."""
        events = self.life_events(self._live.index().records)
        for event in getattr(events, "events", ()) or ():
            steps = getattr(event, "steps", ()) or ()
            if steps and getattr(steps[0], "service_id", None) == service_id:
                return event
        return None

    def _names_apart_from_event(
        self, typed: str, record: ServiceRecord, event_id: str, records: dict[str, ServiceRecord]
    ) -> bool:
        """ "จ้างลูกจ้างต่างด้าวต้องขออะไร" inside the opening-a-shop checklist: a word of the service's
        own names ("ต่างด้าว" of the foreign work permit) that none of the event's steps ever uses names
        that service, though not by its full name; generic words shared with a step do not."""
        event = self.life_event(event_id)
        steps = [records[s.service_id] for s in getattr(event, "steps", ()) if s.service_id in records]
        told = _squash(normalise(typed))
        words = [w for w in _name_words(record) if len(w) >= MENTION_MIN_CHARS and w not in WHO_AND_AGE_WORDS]
        return bool(steps) and any(
            _squash(w) in told and not any(_covers(step, w) for step in steps) for w in words
        )

    def _in_event(self, event_id: str, service_id: str) -> bool:
        event = self.life_event(event_id)
        return event is not None and service_id in [s.service_id for s in event.steps]

    def _event_step(
        self, index: Any, event: Any, typed: str, result: Any, records: dict[str, ServiceRecord]
    ) -> ServiceRecord | None:
        """A follow-up on a checklist: the step asked about, else the first step (the most pressing)."""
        steps = [s.service_id for s in getattr(event, "steps", ()) if s.service_id in records]
        if not steps:
            return None
        if not residual_words(typed):
            # "where do we go?", "ใช้อะไรบ้าง" after a checklist: nothing but the aspect is asked, so the
            # first step; the search would pick whichever step its words happen to lean to (the divorce's
            # "where do we go?" had got the land transfer, its last step)
            return records[steps[0]]
        return self._asked_step(index, event, typed, result, records) or records[steps[0]]

    def _asked_step(
        self,
        index: Any,
        event: Any,
        typed: str,
        result: Any,
        records: dict[str, ServiceRecord],
        story: bool = False,
        cue: str = "",
    ) -> ServiceRecord | None:
        """The step a question is clearly about: named, confidently found, or a strong FAQ match."""
        steps = [s.service_id for s in getattr(event, "steps", ()) if s.service_id in records]
        named = self._name_in_text(typed, [records[sid] for sid in steps])
        if named is not None:
            return named
        if story and is_english(typed):
            # "How do I register my newborn baby?": the step the English story asks by its title's words
            # ("register": birth registration), the story's own cue ("newborn") aside
            told = re.sub(re.escape(cue), " ", typed, flags=re.I) if cue else typed
            by_title = _english_title_named(told, [records[sid] for sid in steps], by_share=True)
            # the story's first step or one the search found near: a word as common as "register" names
            # no later step on its own ("lost my job, how do I register?" is not the welfare card)
            if by_title is not None and by_title.id in [steps[0], *(h.id for h in result.hits)]:
                return by_title
        # in a story with a question the best hit among the event's steps is enough
        if result.hits and result.hits[0].id in steps and (result.confident or story or len(steps) == 1):
            return records[result.hits[0].id]
        best: tuple[float, str] | None = None
        for sid in steps:
            match = getattr(index, "best_passage", lambda *_: None)(sid, typed)
            if match is not None and getattr(match, "kind", "") == "faq":
                score = float(getattr(match, "score", 0.0) or 0.0)
                if score >= STRONG_FAQ and (best is None or score > best[0]):
                    best = (score, sid)
        if best is not None:
            return records[best[1]]
        # a story asking one part of a step ("คุณตาเสียแล้ว ต้องไปแจ้งภายในกี่วัน"): the best-ranked step
        # among the nearest, though a service outside the story ranked above it
        asked = detect_aspect(typed) if story else None
        nearest = result.hits if asked is not None else result.hits[:1]
        ranked = [h.id for h in nearest if h.id in steps]
        if ranked:
            return records[ranked[0]]
        if asked in ("fee", "time") and steps and not asks_what_to_do(typed):
            # "ตาเสียได้3วันแล้วยังไม่ได้ไปแจ้งอำเภอ จะโดนปรับไหม": a fine, a fee or a deadline of a story
            # that names no step is its first one, the registration the story is about (the search had
            # read "ตาเสีย" as a broken card)
            return records[steps[0]]
        if story and is_yes_no(typed) and not asks_what_to_do(typed):
            # "ภรรยาเสียที่บ้าน ต้องไปอำเภอใช่ไหม": a yes/no on the story's most pressing step, in a word of
            # its own (the office), though the search went elsewhere on the story's words
            told = _squash(cue)
            words = [w for w in residual_words(typed) if len(w) >= 3 and _squash(w) not in told]
            first = records[steps[0]]
            if any(_covers(first, w) for w in words if w not in WHO_AND_AGE_WORDS):
                return first
        return None

    @staticmethod
    def _name_in_text(
        typed: str, candidates: list[ServiceRecord], rewritten: bool = True
    ) -> ServiceRecord | None:
        """The candidate whose own name (short label, title, a synonym) the question contains, read
        after the search's rewrites of misspellings ("พาสปอต" names the passport) unless `rewritten` is
        False (as typed only). Of two names that overlap, the one read first is the word said ("มรณบัตร|
        หาย": the death certificate lost, not "บัตรหาย")."""
        kept: list[tuple[bool, int, int, ServiceRecord]] = []
        cut: list[ServiceRecord] = []
        words = set(bm25_tokens(typed))
        # as typed, and both sides rewritten ("ใบมรณะบัตร" is a synonym as typed and rewritten alike)
        for fold in (str, normalise) if rewritten else (str,):
            squashed = _squash(fold(typed))
            found: list[tuple[bool, int, int, ServiceRecord]] = []
            for record in candidates:
                names = [record.label_th, record.title_th.split(" (")[0], *record.synonyms]
                for name in names:
                    key = _squash(fold(name))
                    # as typed, a name begins and ends on a syllable's edge (the rewrites may not keep them)
                    at = _whole_rfind(squashed, key) if fold is str else squashed.rfind(key)
                    if at < 0 or (len(key) < NAME_MIN_CHARS and not _abbreviation_said(key, words)):
                        continue
                    # "เพิ่งจดทะเบียนแต่งงาน อยากเปลี่ยนนามสกุล": what was just done is not what is asked
                    asked = not squashed[max(0, at - len(_DONE_MARK)) : at].endswith(_DONE_MARK)
                    asked = asked and not _held_at(squashed, at, key)
                    found.append((asked, len(key), at, record))
            whole = _not_overlapped(found)
            kept += whole
            cut += [m[3] for m in found if all(w[3] is not m[3] for w in whole)]
        best: tuple[bool, int, int, ServiceRecord] | None = None
        for match in kept:
            # names as long: the later one is asked ("ได้เบี้ยคนแก่อยู่แล้ว ขอเบี้ยพิการด้วยได้ไหม")
            if all(match[3] is not c for c in cut) and (best is None or match[:3] > best[:3]):
                best = match
        return best[3] if best else None

    @staticmethod
    def _named_other(
        typed: str, result: Any, previous: ServiceRecord, records: dict[str, ServiceRecord]
    ) -> str | None:
        """ "แล้วย้ายออกล่ะ" after move-in: the question picks the current service's near-twin by its cue;
        a detail that is the twin's cue switches even if the current one's cue is there too ("ใบชั่วคราว
        ใกล้หมดแล้ว" after a first licence). Near-twins the search found (money for a 4-month-old after
        a birth registration) are picked the same way."""
        groups = [twins_module.group_of(previous.id)]
        found = [t for t in getattr(result, "twins", ()) or () if t in records]
        # a yes/no question on the current service ("ลูกอายุ7ขวบแล้ว ยังได้อยู่ไหม" about the child grant)
        # is about its rules, not a cue for another group's member (the first ID card at 7)
        if not is_yes_no(typed):
            groups.append(twins_module.ask(found) if len(found) >= 2 else None)
        for group in groups:
            if group is None:
                continue
            others = [m for m in twins_module.default().matching(typed, group) if m != previous.id]
            if len(others) == 1 and others[0] in records:
                return others[0]
        return None

    @staticmethod
    def _mentions(typed: str, record: ServiceRecord, current: ServiceRecord) -> bool:
        """Whether a message names `record` rather than only sharing the search's generic words: its own
        name or a synonym, its near-twin cue when the current service is its twin, or a word of its title
        or label the current service's do not have ("แล้วบัตรประชาชนหายล่ะ" after the passport). A name
        found inside a word of the current service's own names is none ("บัตรหาย" in "ใบมรณบัตรหาย" after
        the death registration, whose paper is the มรณบัตร)."""
        told = _without_own_words(typed, current, record)
        if ServiceResolver._name_in_text(told, [record]) is not None or _synonym_reordered(typed, record):
            return True
        if is_english(typed) and _english_named(typed, record, current):
            return True
        group = twins_module.group_of(record.id)
        # "ลูกอายุ7ขวบ ต้องทำบัตรประชาชนไหม" after the unemployment benefit (whose documents mention the
        # ID card): the message has the very cue that picks this service among its near-twins
        if (
            group is not None
            and twins_module.default().matching(typed, group) == (record.id,)
            # or the group's subject said ("lost my Thai ID card" after the police clearance)
            and (current.id in group.service_ids or _names_its_object(typed, record) or group.named_in(typed))
        ):
            return True
        own, theirs = (_squash(" ".join([r.title_th, r.label_th, short_name(r)])) for r in (record, current))
        # who it is for ("เด็กแรกเกิดได้สิทธิ์อัตโนมัติไหม" after the gold card) names no service for them
        words = [
            _squash(w)
            for w in residual_words(typed)
            if len(w) >= MENTION_MIN_CHARS and w not in WHO_AND_AGE_WORDS
        ]
        # a word the current service also uses ("ขึ้นทะเบียน" for the unemployment benefit) names nothing else
        return any(w in own and w not in theirs and not _covers(current, w) for w in words)

    @staticmethod
    def _named_by_cue(typed: str, result: Any, records: dict[str, ServiceRecord]) -> str | None:
        """With no current service: the near-twin among the search's hits whose cue alone the message has
        ("จะต่อบัตรประชาชน" -> the renewal, "ผู้เช่าย้ายออกไปแล้ว" -> moving out)."""
        hits = list(getattr(result, "hits", ())[:NEAREST_COUNT])
        top = float(getattr(hits[0], "score", 0.0) or 0.0) if hits else 0.0
        # "how do I renew my car tax": the ID card's "renew" only counts where the ID card is a near
        # match, not a distant third
        ids = [str(h.id) for h in hits if float(getattr(h, "score", 0.0) or 0.0) >= CUE_HIT_SHARE * top]
        ids += [str(t) for t in getattr(result, "twins", ()) or ()]
        # a group whose subject the message names, though the search ranked it lower ("ยังไม่เคยมีบัตรประชาชน")
        ids += [g.service_ids[0] for g in twins_module.default().groups if g.named_in(typed)]
        seen: set[str] = set()
        picks: list[str] = []
        for sid in ids:
            group = twins_module.group_of(sid)
            if group is None or group.id in seen:
                continue
            seen.add(group.id)
            picked = twins_module.resolve(typed, group)
            if picked in records:
                picks.append(str(picked))
        # two groups share a cue ("ยังไม่เคยมี" is a first ID card and a first driving licence): the one
        # whose service the message names ("…ยังไม่เคยมีบัตรประชาชนเลย")
        for picked in picks:
            group = twins_module.group_of(picked)
            if len(picks) > 1 and group is not None and group.named_in(typed):
                return picked
        return picks[0] if picks else None

    def _named_service(self, index: Any, typed: str, result: Any) -> str | None:
        """The service the message names, if any: the search must be confident on the service words
        alone, so "ต้องใช้เอกสารอะไรบ้างคะ" names none while "แล้วบัตรประชาชนหายล่ะ" names one."""
        twins = [index.records[t] for t in getattr(result, "twins", ()) or () if t in index.records]
        if result.hits and not twins:
            hits = [index.records[h.id] for h in result.hits if h.id in index.records]
            by_name = self._name_in_text(typed, hits)
            # "แจ้งตายต้องไปที่ไหน": the citizen said the service's name; not "I have a work permit"
            if by_name is not None and not _only_had(typed, by_name):
                return by_name.id
        # near-twins tied: only a name that is one twin's alone ("เงินอุดหนุนบุตร") tells them apart
        named_twins = [t for t in twins if self._name_in_text(typed, [t]) is not None]
        if len(named_twins) == 1:
            return named_twins[0].id
        if is_english(typed) and not result.confident:
            # "how do I renew my car tax": the one near match whose English name the question has most of
            by_title = _english_title_named(
                typed, [index.records[h.id] for h in result.hits if h.id in index.records]
            )
            if by_title is not None:
                return by_title.id
        if not result.confident or not result.hits:
            return None
        top = str(result.hits[0].id)
        if top in index.records and _only_had(typed, index.records[top]):
            return None  # "…? I have a non-B visa and a work permit": what the citizen holds is not asked
        words = residual_words(typed)
        if not words:
            return None
        residual = index.search(" ".join(words), top=NEAREST_COUNT)
        if residual.hits and residual.hits[0].id == top:
            return top
        return None


def _not_overlapped(
    found: list[tuple[bool, int, int, ServiceRecord]],
) -> list[tuple[bool, int, int, ServiceRecord]]:
    """Names found (asked, length, where, record) less those another record's name, begun earlier,
    runs into: "บัตรหาย" in "มรณบัตรหาย" is cut by "มรณบัตร" (a name inside one is still found)."""
    return [
        (asked, size, at, record)
        for asked, size, at, record in found
        if not any(
            o_at < at < o_at + o_size < at + size and other is not record for _, o_size, o_at, other in found
        )
    ]


_ABBREVIATION = re.compile(ABBREVIATION_PATTERN)


_PAPER_ASKED = re.compile(PAPER_ASKED_PATTERN)


def _paper_named(typed: str, record: ServiceRecord) -> str:
    """The name of `record` (squashed) the message says right after a verb of bringing or having ("ต้อง
    ใช้สูติบัตร", "มีทะเบียนบ้าน"), so as a paper; "" when it says none so. The paper may be named as people
    call it and the search rewrites it ("ต้องเอาใบเกิดไปด้วยไหม": สูติบัตร)."""
    for squashed in dict.fromkeys((_squash(typed), _squash(normalise(typed)))):
        for name in [record.label_th, record.title_th.split(" (")[0], *record.synonyms]:
            key = _squash(name)
            at = squashed.find(key) if len(key) >= NAME_MIN_CHARS else -1
            if at > 0 and _PAPER_ASKED.search(squashed[:at]) is not None:
                return key
    return ""


_DONE_AFTER = re.compile(DONE_AFTER_PATTERN)


def _just_done(typed: str, record: ServiceRecord) -> bool:
    """The message says the service was just done: its name right after "เพิ่ง" or right before
    "เรียบร้อย" / "เสร็จแล้ว" ("เพิ่งจดทะเบียนหย่าเรียบร้อยค่ะ")."""
    squashed = _squash(typed)
    for name in [record.label_th, record.title_th.split(" (")[0], *record.synonyms]:
        key = _squash(name)
        at = squashed.find(key) if len(key) >= NAME_MIN_CHARS else -1
        if at < 0:
            continue
        if squashed[:at].endswith(_DONE_MARK) or _DONE_AFTER.match(squashed, at + len(key)) is not None:
            return True
    return False


def _abbreviation_said(name: str, words: set[str]) -> bool:
    """A short name counts when it is an abbreviation the message has as a word of its own ("กยศ
    สมัครทางไหน"), not letters inside a longer word ("กรอ" in "กรอกแบบฟอร์ม")."""
    return _ABBREVIATION.fullmatch(name.rstrip(".")) is not None and name.rstrip(".") in words


def _cue_only_in_name(typed: str, cue: str, record: ServiceRecord) -> bool:
    """ "ลงทะเบียนเบี้ยพิการ ต้องใช้เอกสารไรบ้าง": a part of a service is asked and the story's cue is only
    ever said inside the service's own name, so no story is told; the service is asked. Not a message
    that asks nothing of a service ("ลูกเพิ่งคลอดเมื่อวานค่ะ", a synonym as well) or asks what to do."""
    squashed = _squash(typed)
    if not cue or cue not in squashed or detect_aspect(typed) is None or asks_what_to_do(typed):
        return False
    for name in (record.label_th, record.title_th.split(" (")[0], *record.synonyms):
        key = _squash(name)
        said_inside = len(key) >= NAME_MIN_CHARS and cue in key and key in squashed
        if said_inside and cue not in squashed.replace(key, "|"):
            return True
    return False


def _squash(text: str) -> str:
    return re.sub(r"[\s.]+", "", normalize_text(text or "").lower())


def _twin_cue_words() -> frozenset[str]:
    """English words of near-twin cues ("renew", "first", "lost"): they tell twins apart, never name a
    service on their own."""
    words = set()
    for group in twins_module.default().groups:
        for member in group.members:
            for cue in member.cues:
                if re.fullmatch(r"[a-z]+", cue.pattern):
                    words.add(cue.pattern)
    return frozenset(words)


def _english_words(text: str) -> set[str]:
    """The English words that can name a service: asking, filler and near-twin cue words ("renew") name
    nothing; compared after the search's rewrites ("car tax" meets "vehicle tax")."""
    skip = _ENGLISH_FILLER | _ENGLISH_ASPECT_WORDS | _twin_cue_words()
    return {w for w in bm25_tokens(normalise(text.lower())) if len(w) > 2 and w not in skip}


def _english_title_words(record: ServiceRecord) -> set[str]:
    english = getattr(record, "english", None)
    return _english_words(" ".join([record.title_en, str(getattr(english, "title", "") or "")]))


def _english_title_named(
    typed: str, records: list[ServiceRecord], by_share: bool = False
) -> ServiceRecord | None:
    """Among near matches, the one whose English title shares the most words with the question, when
    it is alone in that. `by_share`: as many shared words are told apart by the share of the title
    they are ("register" is half of "Birth registration", a sixth of "Universal health coverage (gold
    card) registration")."""
    said = _english_words(typed)
    scored: list[tuple[int, float, ServiceRecord]] = []
    for record in records:
        if _only_had(typed, record):
            continue  # "I have a work permit": not what is asked
        own = _english_title_words(record)
        shared = len(said & own)
        scored.append((shared, shared / len(own) if by_share and own else 0.0, record))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][:2] == scored[0][:2]):
        return None
    return scored[0][2]


ENGLISH_TITLE_NAMES = 2  # "child support grant": two words of a title name it in English


def _english_named(typed: str, record: ServiceRecord, current: ServiceRecord) -> bool:
    """An English message names `record` rather than the current service: two words or more of its
    English title and more of them than of the current one's ("Can I get the monthly child support grant
    too?" after the birth registration)."""
    said = _english_words(typed)
    shared = len(said & _english_title_words(record))
    return shared >= ENGLISH_TITLE_NAMES and shared > len(said & _english_title_words(current))


def _asks_prerequisite(typed: str, phrase: str) -> bool:
    """ "ต้องแจ้งความก่อนไหม", "do I need a police report first": the referral's topic asked as a step
    before the service talked about, so a question about that service."""
    key = _squash(phrase)
    if not key:
        return False
    return re.search(PREREQUISITE_TEMPLATE.format(phrase=re.escape(key)), _squash(typed)) is not None


def _held_at(squashed: str, at: int, key: str) -> bool:
    """Whether the name `key` found at `at` is of something held: "รับเบี้ยคนชราอยู่แล้ว รับเบี้ยพิการซ้อน
    ได้ไหม" (already), "แม่รับเบี้ยคนแก่อยู่ จะได้เบี้ยพิการด้วยไหม" (receiving it now) - context, not asked."""
    after = squashed[at + len(key) :]
    return after.startswith(_HAVE_ALREADY_MARK) or (
        after.startswith(HAVE_NOW_MARK) and squashed[:at].endswith(HAVE_NOW_VERBS)
    )


def _only_had(typed: str, record: ServiceRecord) -> bool:
    """Every name of the record the message has is of something the citizen already holds."""
    names = [record.label_th, record.title_th.split(" (")[0], *record.synonyms]
    said = [n for n in names if _squash(n) and _squash(n) in _squash(typed)]
    return bool(said) and all(had_already(typed, n) for n in said)


def _held_twin(typed: str, record: ServiceRecord, current: ServiceRecord) -> bool:
    """ "พ่อได้เบี้ยผู้สูงอายุอยู่แล้ว รับซ้อนได้มั้ย" on the disability allowance: the current service's
    near-twin named only as held is why the current one is asked about, not a switch to it (another
    kind of service held, "พ่อรับเบี้ยผู้สูงอายุอยู่ ต้องแจ้งหยุดจ่ายไหม" after a death, is still asked)."""
    group = twins_module.group_of(current.id)
    twin = group is not None and record.id in group.service_ids and record.id != current.id
    return twin and _only_held(typed, record)


def _only_held(typed: str, record: ServiceRecord) -> bool:
    """Every name of the record the message has is said as received now or already ("พ่อได้เบี้ย
    ผู้สูงอายุอยู่แล้ว รับซ้อนได้มั้ย"): on its near-twin, the circumstance of asking about the twin."""
    names = [record.label_th, record.title_th.split(" (")[0], *record.synonyms]
    squashed = _squash(typed)
    said = [_squash(n) for n in names if _squash(n) and _squash(n) in squashed]
    return bool(said) and all(
        _held_at(squashed, m.start(), key) for key in said for m in re.finditer(re.escape(key), squashed)
    )


def _name_words(record: ServiceRecord) -> set[str]:
    """The long words of a service's own names (its title with what is in brackets, label, synonyms),
    as the search rewrites them: "มรณบัตร" of "แจ้งตาย (ขอมรณบัตร)"."""
    names = [record.title_th, record.label_th, short_name(record), *record.synonyms]
    return {w for name in names for w in bm25_tokens(normalise(name)) if len(w) >= NAME_MIN_CHARS}


def _without_own_words(typed: str, current: ServiceRecord, other: ServiceRecord) -> str:
    """The message, squashed and rewritten, with the words of the current service's names that are no
    words of the other's cut out, so a name of the other found only inside them is not found."""
    told = _squash(normalise(typed))
    for word in sorted(_name_words(current) - _name_words(other), key=len, reverse=True):
        told = told.replace(_squash(word), "|")
    return told


def _synonym_reordered(typed: str, record: ServiceRecord) -> bool:
    """ "สร้างบ้านต้องขออนุญาตไหม" names "ขออนุญาตสร้างบ้าน" in another order: every word of a
    several-word synonym is in the message."""
    from knowledge.search.text import bm25_tokens

    said = set(bm25_tokens(typed))
    for synonym in record.synonyms:
        words = set(bm25_tokens(synonym))
        if len(words) >= 2 and words <= said:
            return True
    return False


CUE_HIT_SHARE = 0.9  # a near-twin's cue names it among hits scoring at least this share of the top one
OBJECT_MIN_CHARS = 5  # "อายุ" of "ลูกอายุเจ็ดขวบทำบัตร" is no object


def _names_its_object(typed: str, record: ServiceRecord) -> bool:
    """A long word of the service's own names ("บัตรประชาชน" of "บัตรประชาชนใบแรก") is in the message:
    a twin's cue alone ("7 ขวบ" after the child grant) does not name the ID card."""
    said = set(bm25_tokens(normalise(typed)))
    names = [record.title_th, record.label_th, *record.synonyms]
    # who it is for ("เด็กแรกเกิด" of the grant for newborns) is no object
    return any(
        w in said and w not in WHO_AND_AGE_WORDS
        for name in names
        for w in bm25_tokens(normalise(name))
        if len(w) >= OBJECT_MIN_CHARS
    )


def _names_object_apart(typed: str, record: ServiceRecord, phrase: str) -> bool:
    """The message names what the service's near-twins are about ("บัตรประชาชน", "ใบขับขี่") apart from
    the referral's phrase ("บัตรประชาชนอยู่ในเคสโทรศัพท์ หายไปด้วย": the ID card beside a lost phone;
    not a word of the phrase itself)."""
    group = twins_module.group_of(record.id)
    if group is None or not group.named_in(typed):
        return False
    held = _squash(phrase)
    return any(
        _squash(word) and _squash(word) not in held
        for word in group.subject
        if _squash(word) in _squash(typed)
    )


def _whole_rfind(squashed: str, key: str) -> int:
    """Where the last occurrence of `key` as whole syllables begins, -1 if none: not right after a vowel
    written before its consonant nor right before a mark written after one ("ยกที่ดินให้ลูก" is inside
    "แบ่งแยกที่ดินให้ลูก")."""
    at = squashed.rfind(key)
    while at >= 0 and key:
        end = at + len(key)
        inside = (at > 0 and squashed[at - 1] in LEADING_VOWELS) or (
            end < len(squashed) and squashed[end] in FOLLOWING_MARKS
        )
        if not inside:
            return at
        at = squashed.rfind(key, 0, end - 1)
    return at


STRONG_PHRASE_CHARS = 10  # "ประกันสังคมมาตรา40", "หนังสือรับรองความเป็นโสด"; not "รถชน", "เครียดมาก"


def _strong(referral: Any) -> bool:
    """A referral on a long, specific phrase of the directory: the phrase's own characters ("โฉนด*หาย" is
    as long as โฉนดหาย, whatever came between), else the text it matched (a taught referral)."""
    phrase = str(getattr(referral, "phrase", "") or "").replace("*", "")
    return len(phrase or _squash(str(getattr(referral, "matched", "") or ""))) >= STRONG_PHRASE_CHARS


_AFTER_DONE_OPENING = re.compile(AFTER_DONE_OPENING_PATTERN)


def _after_current_done(typed: str, current: ServiceRecord) -> bool:
    """ "เปลี่ยนแล้วต้องทำพาสปอร์ตใหม่ด้วยมั้ย" during the change of name: opened by the current service's own
    verb said done, the question is what that service leads to, and when the current record speaks of
    every word of it (its FAQ on the passport), it is asked of the current service, not the other one."""
    opening = _AFTER_DONE_OPENING.match(_squash(typed))
    if opening is None or opening.group(1) not in _squash(" ".join([current.title_th, current.label_th])):
        return False
    rest = (
        typed[typed.find(opening.group(1)) + len(opening.group(1)) :] if opening.group(1) in typed else typed
    )
    words = [w for w in residual_words(rest) if len(w) >= MENTION_MIN_CHARS and w not in WHO_AND_AGE_WORDS]
    return bool(words) and all(_covers(current, w) for w in words)


def _covers(record: ServiceRecord, phrase: str, amounts: bool = True) -> bool:
    """Whether a service's own text mentions a phrase (then a referral on that phrase is not needed);
    without `amounts`, not counting what a fee or benefit is measured in ("ร้อยละ 50 ของค่าจ้าง"), in its
    amounts or in an FAQ's answer."""
    texts = [
        record.title_th,
        record.description,
        record.eligibility,
        record.processing_time,
        *record.documents,
        *(f"{f.label} {f.amount}" if amounts else f.label for f in (*record.fees, *record.benefits)),
        *record.synonyms,
        *(f"{f.question} {f.answer}" if amounts else f.question for f in record.faqs),
    ]
    return _squash(phrase) in _squash(" ".join(texts)) if phrase else False


_ASKS_CONTACT = re.compile(ASKS_CONTACT_PATTERN, re.I)
SPOKEN_WORD_MIN_CHARS = 4  # "วัน", "ทอง": a shorter word is in every record or says little


NEW_TOPIC_MIN_WORDS = 2  # one word of its own ("อบต.", a place name) is still a follow-up


def new_topic(record: ServiceRecord, text: str) -> bool:
    """Whether a message is about something else in words of its own: at least two content words, none
    of them the service's own (its text, its offices) nor who it is for ("โรงเรียนนายร้อยเปิดรับสมัคร" after
    military service). One shared word keeps it (a word cut in two, "ดอกเบี้ยกี่เปอร์เซ็น", has a piece that
    is no word). Thai only: the records' own words are Thai, their English is partial."""
    if is_english(text) or _ASKS_CONTACT.search(text):  # "มีปัญหาโทรเบอร์ไหน": its agency's number
        return False
    words = [
        w
        for w in residual_words(text)
        if len(w) >= SPOKEN_WORD_MIN_CHARS and not w.isdigit() and w not in WHO_AND_AGE_WORDS
    ]
    where = _squash(" ".join([*record.where_to_apply.offices, record.office_hours]))
    return len(words) >= NEW_TOPIC_MIN_WORDS and not any(
        _covers(record, w) or _squash(w) in where for w in words
    )


def speaks_of(record: ServiceRecord, text: str) -> bool:
    """Whether a message is in the service's own words: it has no content word of its own, or one the
    record uses ("ถ้าไม่มีพยานล่ะ" of a marriage; not "ราคาทองวันนี้ จะซื้อแหวน")."""
    if _ASKS_CONTACT.search(text):  # "มีเบอร์โทรถามไหม": the service's agency, reached by phone
        return True
    words = [w for w in residual_words(text) if len(w) >= SPOKEN_WORD_MIN_CHARS and not w.isdigit()]
    return not words or any(_covers(record, w) for w in words)


COVERED_WORD_MIN_CHARS = 5  # "บำนาญ", "แจ้งความ": a shorter word ("ภาษี", "บัตร") says little


def _covers_topic(record: ServiceRecord, referral: Any) -> bool:
    """Whether the service talked about covers a referral's topic. A gapped phrase of the directory is a
    thing and what befalls it ("วีซ่า*หมด", "บัญชีธนาคาร*แก้ชื่อ"): a service that names the thing in
    passing (the work permit needs a visa, a change of name is told to the bank) covers it only when it
    says the whole ("วีซ่าของเขาหมด ต้องไปต่อที่ไหน" after the work permit is immigration's)."""
    matched = str(getattr(referral, "matched", "") or "")
    phrase = str(getattr(referral, "phrase", "") or "")
    if "*" in phrase:
        return _covers(record, matched) or _covers(record, phrase.replace("*", ""))
    return _covers_a_word(record, matched)


def _covers_a_word(record: ServiceRecord, phrase: str) -> bool:
    """Whether the service talked about speaks of the referral's topic in part ("พ่อเป็นข้าราชการบำนาญ
    ได้เบี้ยด้วยไหม" after the old-age allowance, whose rule excludes "ผู้รับบำนาญ"): then the question is
    about it, not about the pension fund's business."""
    if _covers(record, phrase):
        return True
    # a word of the service's own names says nothing ("ภาษี" of the land tax in the income tax's title)
    names = set(bm25_tokens(" ".join([record.title_th, record.short_th, *record.synonyms])))
    # nor does what a benefit is measured in ("ร้อยละ 50 ของค่าจ้าง" is no word on wages owed)
    return any(
        _covers(record, word, amounts=False)
        for word in bm25_tokens(phrase)
        if len(word) >= COVERED_WORD_MIN_CHARS and word not in names
    )


_FIELD_ASPECT = {
    "documents": "documents",
    "fees": "fee",
    "benefits": "fee",
    "where_to_apply": "place",
    "offices": "place",
    "office_hours": "place",
    "processing_time": "time",
    "eligibility": "eligibility",
    "online": "online",
    "e_service_url": "online",
}


def _aspect_of_field(passage: Passage | None) -> str | None:
    """The aspect a passage answers: its field's, or the FAQ's own (a late fine -> fee)."""
    if passage is None:
        return None
    if passage.kind == "faq":
        return passage.aspect or None
    return _FIELD_ASPECT.get(passage.field)

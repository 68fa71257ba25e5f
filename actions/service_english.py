"""English answers: from the record's English fields where it has them, else a short English note
with the agency's contact. Texts from actions/replies.py (keys starting with `en_`)."""

from __future__ import annotations

import re
from typing import Any

from actions.replies import (
    AGE_LABEL_PATTERN,
    AMOUNT_WORDS_EN,
    FEE_LABELS_EN,
    PERCENT_PATTERN,
    TOGETHER_WORDS,
    Button,
)
from actions.service_answer import LIST_LIMIT, aspect_buttons, contact_line
from actions.service_verdicts import (
    _FREE_WORDS,
    _LATE_WORDS,
    _in_person_and_proxies,
    is_yes_no,
    online_available,
    online_partly,
    say,
)
from knowledge.record import Fee, ServiceRecord


def _bullets(items: list[str], limit: int) -> str:
    shown = [f"• {item}" for item in items[:limit]]
    if len(items) > limit:
        shown.append("• …")
    return "\n".join(shown)


_AMOUNT_WORDS = AMOUNT_WORDS_EN
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_PERCENT = re.compile(PERCENT_PATTERN)
_AGE_LABEL = re.compile(AGE_LABEL_PATTERN)
_TO_CONFIRM_EN = "(to be confirmed)"


def _baht(text: str) -> str:
    text = _PERCENT.sub(r"\1%", text)  # "ร้อยละ 0.5" -> "0.5%"
    for thai, english in _AMOUNT_WORDS:
        text = text.replace(thai, english)
    return " ".join(text.split())


def _english_amount(item: Fee) -> str:
    return _baht(item.amount) + (f" {_TO_CONFIRM_EN}" if item.to_confirm else "")


def _amount_line(item: Fee) -> str:
    """ "age 60-69: 600 baht a month (to be confirmed)", "application form: 5 baht": each amount with what
    it is for - the label in English where the catalogue has it, else the record's Thai label."""
    amount = _english_amount(item)
    label = " ".join(item.label.split())
    age = _AGE_LABEL.match(label)
    if age is None:
        named = FEE_LABELS_EN.get(label, label)
        return f"{named}: {amount}" if named else amount
    span = (
        f"{age.group(1)}-{age.group(2)}"
        if age.group(2)
        else f"{age.group(1)}+"
        if age.group(3)
        else age.group(1)
    )
    return f"age {span}: {amount}"


def english_body(record: ServiceRecord, aspect: str | None, channel: str) -> str | None:
    """The English text for one aspect, or None when the record has no English for it."""
    en = getattr(record, "english", None)
    limit = LIST_LIMIT.get(channel, LIST_LIMIT["default"])
    if aspect == "fee":
        # amounts are figures; only the unit needs translating. An amount told in Thai words ("ร้อยละ 2
        # ของราคาประเมิน…") would read half-translated: one line says such amounts vary instead.
        benefits = list(getattr(record, "benefits", ()) or ())
        items = benefits or list(record.fees)
        if not items:
            return None
        # an amount told in Thai words is left out; a Thai label beside an English amount is kept
        english = [_amount_line(item) for item in items if not _THAI.search(_english_amount(item))]
        if len(english) < len(items):
            english.append(say("en_amount_varies" if english else "en_amount_depends", channel))
        return say("en_benefits" if benefits else "en_fees", channel, items=_bullets(english, limit))
    if en is None:
        return None
    if aspect == "documents":
        return (
            say("en_documents", channel, items=_bullets(list(en.documents), limit)) if en.documents else None
        )
    if aspect == "place":
        return say("en_place", channel, items=_bullets(list(en.where), limit)) if en.where else None
    if aspect == "time":
        return say("en_time", channel, time=en.processing_time) if en.processing_time else None
    if aspect == "eligibility":
        return say("en_eligibility", channel, text=en.eligibility) if en.eligibility else None
    if aspect == "online":
        where = record.where_to_apply
        if not where.online and not where.e_service_url:
            return say("en_no_online", channel)
        text = en.online or where.e_service_url
        return say("en_online", channel, text=text) if text else None
    return en.description or None


_FREE_ASKED = re.compile(r"\bfree\b|\bno (fee|charge|cost)|without pay", re.I)
_PAY_ASKED = re.compile(r"\b(pay|fee|fees|cost|costs|charge|charged|money)\b", re.I)


_PROXY_ASKED_EN = re.compile(
    r"\b(someone|somebody|anyone|anybody) else\b|on (my|our|his|her) behalf|instead of (me|us|him|her)"
    r"|power of attorney|\bproxy\b|\bmy (sister|brother|mother|father|mom|mum|dad|wife|husband|son|daughter"
    r"|friend|relative|parents?)\b.{0,30}\b(go|apply|pick|collect|submit|do)\b",
    re.I,
)
_IN_PERSON_ASKED_EN = re.compile(r"\bin person\b|\bgo (there )?(myself|ourselves)\b|\bbe there\b", re.I)
_BOTH_ASKED_EN = re.compile(r"\bboth\b|\btogether\b", re.I)
# "How long do I have to report the death?", "what's the deadline", "within how many days?": the time
# limit the record states ("must be reported within 24 hours"), not how long the office takes
_DEADLINE_ASKED_EN = re.compile(
    r"how long do (i|we|you) have|\bwithin how (many|long|much)\b|\bdeadline\b|how many days (do|to)"
    r"|\bby when\b|how soon (must|do|should)",
    re.I,
)
# "within 15 days", "by 31 March": the time limit the overview states
_WITHIN_EN = re.compile(r"\bwithin \d+|\bby \d{1,2} [A-Z][a-z]+", re.I)


# "can we do it at any district office?", "Can I do it in another province?": any office will do?
_ANY_OFFICE_ASKED_EN = re.compile(
    r"\bany (district )?(office|branch|registration office)\b|\banywhere\b"
    r"|\b(another|other|a different) (province|district|city|office)\b",
    re.I,
)
_ANY_OFFICE_EN = re.compile(r"\bany\b[^.]{0,40}\b(office|branch)", re.I)


def english_any_office(record: ServiceRecord, question: str) -> str | None:
    """ "can we do it at any district office?": the English sentence saying any office, when there is one."""
    en = getattr(record, "english", None)
    if not _ANY_OFFICE_ASKED_EN.search(question or "") or en is None:
        return None
    texts = [
        *(getattr(en, "where", ()) or ()),
        *re.split(r"(?<=\.)\s+", str(getattr(en, "description", "") or "")),
    ]
    return next((t.strip() for t in texts if _ANY_OFFICE_EN.search(t)), None)


# "my car is 9 years old, do I need an inspection?" on "cars over 7 years old or motorcycles over 5 years
# old must pass an inspection first": the step the citizen's vehicle is in
_VEHICLES_EN = {"car": "car", "motorcycle": "motorcycle", "motorbike": "motorcycle"}
_AGE_SAID_EN = re.compile(r"(\d+)[- ]?(?:years?|yrs?)[- ]?old", re.I)
_BAND_EN = re.compile(r"\b(cars?|motorcycles?|motorbikes?) over (\d+) years? old", re.I)
_MUST_ASKED_EN = re.compile(r"\b(need|needs|needed|have to|has to|must|required)\b", re.I)


def _vehicle(word: str) -> str:
    return _VEHICLES_EN.get(word.lower().removesuffix("s"), "")


def english_graded(record: ServiceRecord, question: str) -> str | None:
    """Yes/No for a vehicle's age against the English overview's rule by age, when the question says
    which vehicle and how old; None otherwise."""
    en = getattr(record, "english", None)
    said = _AGE_SAID_EN.search(question or "")
    if en is None or said is None or not _MUST_ASKED_EN.search(question):
        return None
    asked = {_vehicle(w) for w in re.findall(r"[a-z]+", question, re.I)} - {""}
    description = str(getattr(en, "description", "") or "")
    for found in _BAND_EN.finditer(description):
        kind = _vehicle(found.group(1))
        if kind not in asked:
            continue
        bound = int(found.group(2))
        sentence = next((t.strip() for t in re.split(r"(?<=\.)\s+", description) if found.group(0) in t), "")
        if int(said.group(1)) > bound:
            return f"Yes. {sentence}"
        return f"No. Only {kind}s over {bound} years old need it: {sentence}"
    return None


# "Do I need the compulsory insurance (Por Ror Bor) first?", "Can I pay at a post office?": answered by
# the clause of the English overview (or the document) that shares two of the question's own words
_CLAUSE_SPLIT_EN = re.compile(r"(?<=[.;])\s+|,\s+(?=and\b|but\b)")
_CAN_ASKED_EN = re.compile(r"^\s*(can|could|may)\b", re.I)
_MUST_SAID_EN = re.compile(r"\b(must|required|has to|have to|needs?)\b", re.I)
_NO_NEED_SAID_EN = re.compile(
    r"\b(need not|do(es)? not (need|have to)|don't (need|have to)|no need|not required|not needed)\b", re.I
)
_CAN_SAID_EN = re.compile(r"\b(can|may|possible|allowed)\b", re.I)
_CANNOT_SAID_EN = re.compile(r"\b(cannot|can't|can not|may not|not possible|not allowed|no online)\b", re.I)
_QUESTION_FILLER_EN = frozenset(
    (
        "i", "me", "my", "we", "our", "you", "your", "do", "does", "did", "can", "could", "may", "is", "are",
        "am", "be", "the", "a", "an", "to", "of", "for", "in", "on", "at", "it", "this", "that", "need",
        "needs", "have", "has", "must", "should", "will", "first", "also", "too", "any", "get", "go",
        "required", "still", "and", "or", "if", "with", "there", "what", "which", "when", "how", "yes", "no",
    )
)  # fmt: skip
CLAUSE_MIN_SHARED_EN = 2  # two of the question's own words in one clause
LONG_WORD_EN = 7  # "insurance": a word this long says what is asked on its own ...
SHORT_QUESTION_WORDS_EN = 2  # ... in a question of so few content words ("need insurance first?")


def _content_words_en(text: str) -> set[str]:
    words = {w.removesuffix("s") for w in re.findall(r"[a-z]+", (text or "").lower())}
    return {w for w in words if len(w) > 2 and w not in _QUESTION_FILLER_EN}


def english_clause_verdict(record: ServiceRecord, question: str, channel: str) -> str | None:
    """Yes / No and the English clause that answers a must- or can-question in the question's own words
    ("Compulsory motor insurance must be valid"); a listed document answers a must-question yes. None
    when no clause shares two of its words or the clause gives no verdict."""
    en = getattr(record, "english", None)
    if en is None or not question or not is_yes_no(question):
        return None
    must = _MUST_ASKED_EN.search(question) is not None
    can = _CAN_ASKED_EN.search(question) is not None
    if not (must or can):
        return None
    asked = _content_words_en(question)
    clauses = [c.strip(" ,.") for c in _CLAUSE_SPLIT_EN.split(str(getattr(en, "description", "") or ""))]
    scored = [(len(asked & _content_words_en(c)), c) for c in clauses if c]
    documents = [(len(asked & _content_words_en(d)), d) for d in getattr(en, "documents", ()) or ()]
    best = max(scored, default=(0, ""), key=lambda pair: pair[0])
    # "need insurance first?": one long word of a short question is enough ("insurance")
    long_shared = any(len(w) >= LONG_WORD_EN for w in asked & _content_words_en(best[1]))
    if best[0] >= CLAUSE_MIN_SHARED_EN or (long_shared and len(asked) <= SHORT_QUESTION_WORDS_EN):
        clause = best[1] + "."
        if must and _NO_NEED_SAID_EN.search(clause):
            return say("en_answer_no_clause", channel, clause=clause)
        if must and _MUST_SAID_EN.search(clause):
            return say("en_answer_yes_clause", channel, clause=clause)
        if can and not must and _CANNOT_SAID_EN.search(clause):
            return say("en_answer_no_clause", channel, clause=clause)
        if can and not must and _CAN_SAID_EN.search(clause):
            return say("en_answer_yes_clause", channel, clause=clause)
    document = max(documents, default=(0, ""), key=lambda pair: pair[0])
    # "Do we need witnesses?": one long word of a short question names the document, as for a clause
    long_document = any(len(w) >= LONG_WORD_EN for w in asked & _content_words_en(document[1]))
    if must and (
        document[0] >= CLAUSE_MIN_SHARED_EN or (long_document and len(asked) <= SHORT_QUESTION_WORDS_EN)
    ):
        return say("en_answer_document_listed", channel, document=document[1])
    return None


def english_deadline(record: ServiceRecord, question: str) -> str | None:
    """The sentence of the English overview that states the time limit, when the question asks for it."""
    en = getattr(record, "english", None)
    if not _DEADLINE_ASKED_EN.search(question or "") or en is None:
        return None
    sentences = re.split(r"(?<=\.)\s+", str(getattr(en, "description", "") or ""))
    return next((s.strip() for s in sentences if _WITHIN_EN.search(s)), None)


def _asks_going(question: str) -> bool:
    return bool(question) and bool(_PROXY_ASKED_EN.search(question) or _IN_PERSON_ASKED_EN.search(question))


def english_in_person(record: ServiceRecord, question: str, channel: str) -> str | None:
    """ "Can my sister go and apply for me?", "Do we both have to be there in person?": from what the
    Thai record says of going in person, of a proxy (a power of attorney) and of going together."""
    proxy_asked = _PROXY_ASKED_EN.search(question) is not None
    if not (proxy_asked or _IN_PERSON_ASKED_EN.search(question)):
        return None
    in_person, proxies = _in_person_and_proxies(record)
    if _BOTH_ASKED_EN.search(question) and not proxy_asked:
        texts = [record.description, *(f.answer for f in record.faqs)]
        if any(w in "".join((t or "").split()) for t in texts for w in TOGETHER_WORDS):
            return say("en_answer_both_go", channel)
    if proxies and not in_person:
        return say("en_answer_proxy_yes" if proxy_asked else "en_answer_no_need_proxy", channel)
    if in_person and not proxies:
        return say("en_answer_proxy_no" if proxy_asked else "en_answer_in_person", channel)
    return None


def english_yes_no(record: ServiceRecord, aspect: str | None, question: str, channel: str) -> str | None:
    """Yes / No first for an English yes/no question that a field answers ("is it free?", "can I do it
    online?", "can someone else go for me?"), turned to what was asked (free or paid); None otherwise."""
    if not question or not is_yes_no(question):
        return None
    going = english_in_person(record, question, channel)
    if going is not None:
        return going
    if aspect == "online":
        if online_available(record):
            return say("en_answer_online_partly" if online_partly(record) else "en_answer_online", channel)
        return say("en_answer_no_online", channel)
    if aspect != "fee" or not record.fees or record.benefits:
        return None
    main = [f for f in record.fees if not any(w in f.label + f.amount for w in _LATE_WORDS)] or record.fees
    free = [any(w in f.amount or w in f.label for w in _FREE_WORDS) for f in main]
    free_asked = _FREE_ASKED.search(question) is not None or _PAY_ASKED.search(question) is None
    if all(free):
        key = "en_answer_free" if free_asked else "en_answer_no_fee"
    elif free[0]:  # free in the usual case, as the Thai answer leads ("ไม่เสียค่าธรรมเนียมค่ะ กรณี…")
        key = "en_answer_free_usually" if free_asked else "en_answer_no_fee_usually"
    elif any(free):
        key = "en_answer_free_some" if free_asked else "en_answer_fee_some"
    else:
        key = "en_answer_not_free" if free_asked else "en_answer_has_fee"
    return say(key, channel)


def compose_english(
    record: ServiceRecord, aspect: str | None, channel: str, contact: Any = None, question: str = ""
) -> tuple[str, list[Button]]:
    en = getattr(record, "english", None)
    title = (getattr(en, "title", "") if en else "") or record.title_en or record.title_th
    if _asks_going(question):  # "can my son go and pay for me?" asks who goes, not what it costs
        aspect = None
    # the time limit (not the processing time), or the sentence saying any office will do, first
    deadline = english_deadline(record, question)
    anywhere = english_any_office(record, question) if deadline is None else None
    graded = english_graded(record, question)
    call = contact_line(question, contact, channel, english=True)
    if deadline is not None or anywhere is not None or graded is not None or call is not None:
        aspect = None
    body = english_body(record, aspect, channel)
    verdict = (
        call
        or deadline
        or (f"Yes. {anywhere}" if anywhere else None)
        or graded
        or english_yes_no(record, aspect, question, channel)
        or (english_clause_verdict(record, question, channel) if aspect is None else None)
    )
    if (deadline or anywhere or graded) and body:  # the sentence said first is not said again
        kept = [t for t in re.split(r"(?<=\.)\s+", body) if t.strip() and t.strip() not in str(verdict)]
        body = " ".join(kept) or None
    if verdict is None and aspect is None and is_yes_no(question):  # the record is silent: say so
        hotline = str(getattr(contact, "hotline", "") or "")
        agency = str(getattr(contact, "name_en", "") or record.agency)
        verdict = say(
            "en_answer_not_stated", channel, agency=agency, hotline=f" (hotline {hotline})" if hotline else ""
        )
    if verdict is not None:  # answer first: Yes / No, then the details
        body = f"{verdict}\n{body}" if body else verdict
    if body is None:
        hotline = str(getattr(contact, "hotline", "") or "")
        agency = str(getattr(contact, "name_en", "") or getattr(contact, "agency_en", "") or record.agency)
        body = say(
            "en_only_thai",
            channel,
            title=title,
            agency=agency,
            hotline=f" (hotline {hotline})" if hotline else "",
        )
    verified = bool(getattr(record, "verified", False))
    footer = say(
        "en_footer_verified" if verified else "en_footer_draft",
        channel,
        agency=str(getattr(contact, "name_en", "") or record.agency),
        date=record.last_reviewed.strftime("%-d %b %Y") if record.last_reviewed else "not stated",
    )
    if aspect is None and verdict is None:  # an overview: the service's name is the heading
        return f"{title}\n{body}\n\n{footer}", aspect_buttons(record, aspect)
    about = say("en_answer_about", channel, title=title)  # answer first: the name goes last
    return f"{body}\n{about}\n\n{footer}", aspect_buttons(record, aspect)

"""Composing a service answer: the answer to what was asked in the first line, then the details.

Pure functions over a `ServiceRecord` (no search, no Rasa): the resolver decides which service and
which part; this module decides what the first line says, trying the answerers of `ANSWERERS` in
order (the first that answers wins). A yes/no question gets ได้ค่ะ / ไม่ได้ค่ะ / ต้องค่ะ / ไม่ต้องค่ะ
first when an FAQ answer or a field supports it (the verdicts are actions/service_verdicts.py's), and
says plainly that the record does not say when neither does. Every text comes from actions/replies.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from actions.replies import (
    ASPECT_BUTTON_LABELS,
    DOING_WORDS,
    NEGATION_WORD,
    NOT_A_FINE_PATTERN,
    Button,
    reply_for,
)
from actions.service_income import income_verdict
from actions.service_verdicts import (
    CAN_ASKED,
    CONFIRM_ASKED,
    POLARITY,
    age_below,
    age_exception,
    age_meets,
    age_rule,
    aged_out,
    amount_to_confirm,
    amounts_asked,
    any_office_verdict,
    asks_amount,
    asks_open,
    asks_percent,
    asks_tax_paid,
    benefit_confirmed,
    benefit_for_age,
    benefits_of,
    confirmed,
    deadline_line,
    document_not_listed,
    duration_step,
    duration_verdict,
    eligibility_verdict,
    excluding_clause,
    faq_answered,
    faq_instruction,
    fee_confirmed,
    field_verdict,
    is_fine_question,
    is_yes_no,
    late_fees,
    must_split,
    names_the_proxy,
    office_not_listed_line,
    online_available,
    optional_fee_verdict,
    other_route_verdict,
    polite,
    priced,
    proxy_refused,
    question_modal,
    say,
    sentence_with_verdict,
    service_itself_asked,
    stated_duty,
    statement_confirmed,
    subject_age_verdict,
    title_confirmed,
    verdict,
)
from knowledge.aspects import ASPECT_LABELS_TH, ASPECTS
from knowledge.record import TO_CONFIRM_MARK_TH, ServiceRecord
from knowledge.spelling import fold_dialect
from nlu.normalize import normalize_text
from nlu.thai_date import thai_date as format_thai_date

BUTTON_TITLE_MAX = 20  # LINE quick-reply labels; other channels are fine with it too
LIST_LIMIT: dict[str, int] = {"sms": 3, "default": 6}


def is_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c.isascii())
    return latin / len(letters) > 0.7


def thai_date(value: Any) -> str:
    return reply_for("date_not_stated", None).text if value is None else format_thai_date(value)


def button_title(text: str) -> str:
    """Short enough for a LINE button: drop a bracketed aside, then cut with an ellipsis."""
    text = text.split(" (")[0].strip() or text
    return text if len(text) <= BUTTON_TITLE_MAX else text[: BUTTON_TITLE_MAX - 1] + "…"


def short_name(record: ServiceRecord) -> str:
    """The service's short label (≤ 20 characters, from the knowledge base when it has one)."""
    for name in ("short_th", "label_th"):
        value = getattr(record, name, "")
        if isinstance(value, str) and value.strip() and len(value.strip()) <= BUTTON_TITLE_MAX:
            return value.strip()
    return button_title(record.title_th)


def service_payload(service_id: str, aspect: str | None = None, life_event: str | None = None) -> str:
    entities: dict[str, str] = {"service_id": service_id}
    if aspect:
        entities["service_aspect"] = aspect
    if life_event:
        entities["life_event"] = life_event
    return "/ask_service" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def is_verified(record: ServiceRecord) -> bool:
    return bool(getattr(record, "verified", False))


def _bullets(items: Sequence[str], limit: int, numbered: bool = False) -> str:
    shown = [f"{n}. {item}" if numbered else f"• {item}" for n, item in enumerate(items[:limit], start=1)]
    if len(items) > limit:
        shown.append(reply_for("list_more", None).text)
    return "\n".join(shown)


def aspect_text(record: ServiceRecord, aspect: str | None, channel: str, heading: bool = True) -> str:
    """The body for one aspect; an empty field says so instead of guessing."""
    limit = LIST_LIMIT.get(channel, LIST_LIMIT["default"])
    missing = say("answer_missing", channel, aspect=ASPECT_LABELS_TH.get(aspect or "", ""))
    if aspect == "documents":
        if not record.documents:
            return missing
        return say("answer_documents", channel, items=_bullets(list(record.documents), limit, numbered=True))
    if aspect == "fee":
        parts = []
        benefits = benefits_of(record)
        if benefits:
            parts.append(say("answer_benefits", channel, items=_bullets(benefits, limit)))
        if record.fees:
            fees = _bullets([f.display_th() for f in record.fees], limit)
            parts.append(say("answer_fees", channel, items=fees) if heading or benefits else fees)
        elif not benefits:
            return missing
        return "\n".join(parts)
    if aspect == "place":
        offices = list(record.where_to_apply.offices)
        if not offices:
            return missing
        text = say("answer_place", channel, items=_bullets(offices, limit))
        if record.office_hours and channel != "sms":
            text += "\n" + say("answer_office_hours", channel, hours=record.office_hours)
        return text
    if aspect == "time":
        if not record.processing_time:
            return missing
        mark = f" {TO_CONFIRM_MARK_TH} " if record.processing_time_to_confirm else ""
        return say("answer_time", channel, time=record.processing_time + mark)
    if aspect == "eligibility":
        return say("answer_eligibility", channel, text=record.eligibility) if record.eligibility else missing
    if aspect == "online":
        where = record.where_to_apply
        if not online_available(record):
            if where.online:  # the record explains why not ("ต้องไปด้วยตนเอง")
                return polite(where.online)
            return say("answer_no_online", channel)
        items = [where.online] if where.online else []
        if where.e_service_url:
            items.append(say("answer_online_url", channel, url=where.e_service_url))
        return say("answer_online", channel, items="\n".join(items))
    # No aspect named: a short overview, then the buttons offer each part.
    summary = record.description.split("\n")[0]
    if channel == "sms" and len(summary) > 160:
        summary = summary[:159] + "…"
    return summary or record.title_th


# -- what the search found inside the service; an FAQ's answer as the first line ----------------------
@dataclass(frozen=True)
class Passage:
    """What the knowledge base found inside the current service: an FAQ entry or a field."""

    kind: str  # "faq" | "field"
    answer: str = ""  # the FAQ's answer
    field: str = ""  # the field's name
    aspect: str = ""  # the aspect an FAQ belongs to (fee, eligibility …), "" when none
    question: str = ""  # the FAQ's own question


# What an FAQ is about when the shared detector does not say: words of its question and answer.
_FAQ_ASPECT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fee", ("ค่าปรับ", "ปรับ", "ค่าธรรมเนียม", "บาท", "เสียเงิน", "เงินเพิ่ม", "ฟรี")),
    (
        "eligibility",
        ("กี่คน", "อย่างน้อย", "คุณสมบัติ", "มีสิทธิ", "ผู้มีสิทธิ", "อายุครบ", "ผู้อายุ", "ใครบ้าง", "ใคร", "ผู้ถือหุ้น", "สัญชาติ"),
    ),
    ("documents", ("เอกสาร", "สำเนา", "ใบรับรอง", "หลักฐาน")),
    ("online", ("ออนไลน์", "แอป", "เว็บไซต์", "อินเทอร์เน็ต")),
    ("place", ("ที่ไหน", "สาขา", "สำนักงาน", "อำเภอไหน", "เขตไหน", "ต่างจังหวัด")),
    ("time", ("กี่วัน", "นานไหม", "ใช้เวลา", "ภายใน", "ล่วงหน้า", "เมื่อไหร่")),
)


_NOT_A_FINE = re.compile(NOT_A_FINE_PATTERN)


def faq_aspect(question: str, answer: str) -> str:
    """The aspect an FAQ entry answers (a late fine -> fee, how many people -> eligibility), else ""."""
    from knowledge.aspects import detect_aspect

    found = detect_aspect(question)
    if found:
        return found
    for text in (question, answer):
        # "ปรับ" is a fine, not "ปรับปรุงข้อมูล" nor the "ไปรับ" of "ไปรับรองตัว"
        folded = _NOT_A_FINE.sub("|", "".join(text.split()))
        for aspect, words in _FAQ_ASPECT_WORDS:
            if any(w in folded for w in words):
                return aspect
    return ""


# "เจ้าบ้านต้องไปด้วยไหม" answered by the FAQ "เจ้าบ้านไม่ว่างไปด้วยได้ไหม": ได้ (one can do without it)
# means ไม่ต้อง (it is not required), and ไม่ได้ means ต้อง.
_MUST_FROM_NEGATED_CAN = {"answer_yes_can": "answer_no_need", "answer_no_cannot": "answer_yes_must"}


def faq_first_line(answer: str, channel: str, question: str = "", faq_question: str = "") -> str:
    """An FAQ answer as the first line; a leading yes/no word becomes ได้ค่ะ / ไม่ต้องค่ะ … (turned round
    when a must-question meets an FAQ asking whether one may do without); a yes/no question whose answer
    says it further on ("… ไม่ต้องต่ออีก") gets that verdict first."""
    answer = answer.strip()
    for word, key in POLARITY:
        if answer.startswith(word):
            rest = answer[len(word) :].lstrip(" ,")
            # "ได้รับ…" or "ต้องการ…" are not yes/no words; only a word followed by a space or the end.
            if rest and not answer[len(word) :].startswith((" ", ",")):
                break
            if asks_open(question):
                # "ได้เดือนละเท่าไหร่", "ต้องทำยังไง" on "ลูกแฝดได้เงินทั้งสองคนไหม - ได้ …": the FAQ's ได้
                # answered its own yes/no question, none was asked here
                return polite(rest) if rest else polite(answer)
            asked = "".join(normalize_text(question).split())
            if (
                key in _MUST_FROM_NEGATED_CAN
                and question_modal(question) == "must"
                and not CAN_ASKED.search(asked)  # "…ได้มั้ย ไม่ต้องพาลูกไป" asks can
                and NEGATION_WORD in "".join(faq_question.split())
            ):
                if _asked_only_in_answer(question, faq_question, rest):
                    # "ต้องให้เจ้าบ้านยินยอมไหม" on "เจ้าบ้านไม่ว่างไปด้วยได้ไหม - ได้ ให้เจ้าบ้านทำหนังสือ
                    # ยินยอม…": the FAQ's verdict is on going along; what was asked is in its answer,
                    # where it is what to do (ต้องค่ะ), unless negated there
                    told = faq_instruction(question, rest, channel)
                    return (f"{told} " if told else "") + polite(rest)
                key = _MUST_FROM_NEGATED_CAN[key]
            elif key == "answer_no_need" and question_modal(question) == "can":
                # "ไปจดที่อำเภออื่นได้มั้ย" on "ต้องจดที่อำเภอตามทะเบียนบ้านไหม - ไม่ต้อง …": not having to
                # is being allowed to do otherwise
                key = "answer_yes_can"
            return say(key, channel) + (f" {polite(rest)}" if rest else "")
    found = verdict(question, answer) if question and is_yes_no(question) else None
    found = found or (statement_confirmed(question, answer) if question else None)
    return say(found, channel) + " " + polite(answer) if found else polite(answer)


def _asked_only_in_answer(question: str, faq_question: str, answer: str) -> bool:
    """Whether a word the citizen asks about after ต้อง is in the FAQ's answer but not its question."""
    from knowledge.search.text import bm25_tokens

    split = must_split(question)
    if split is None:
        return False
    asked = {t for t in bm25_tokens(split[1]) if len(t) >= 3 and t not in DOING_WORDS}
    faq_words, answer_text = "".join(faq_question.split()), "".join(answer.split())
    return any(w not in faq_words and w in answer_text for w in asked)


# -- the whole answer ---------------------------------------------------------------------------------
def footer(record: ServiceRecord, channel: str) -> str:
    key = "footer_verified" if is_verified(record) else "footer_draft"
    return say(key, channel, agency=record.agency, date=thai_date(record.last_reviewed))


def aspect_buttons(record: ServiceRecord, skip: str | None, life_event: str | None = None) -> list[Button]:
    """The other parts of this service, each labelled with the service's short name when it fits."""
    short = short_name(record)
    buttons = []
    for aspect in ASPECTS:
        if aspect == skip:
            continue
        key = "benefits" if aspect == "fee" and benefits_of(record) and not record.fees else aspect
        label = ASPECT_BUTTON_LABELS[key]
        title = f"{label} {short}"
        buttons.append(
            Button(title if len(title) <= BUTTON_TITLE_MAX else label, service_payload(record.id, aspect))
        )
    return buttons


# "ถ้ามีปัญหาโทรเบอร์ไหน", "ขอเบอร์ติดต่อหน่อย": the agency's number is the answer, before the offices.
_CONTACT_ASKED = re.compile(r"เบอร์|โทร(ไป|ถาม|หา|ติดต่อ)|สายด่วน|คอลเซ็นเตอร์|callcent|hotline|phonenumber")


def contact_line(question: str, contact: Any, channel: str, english: bool = False) -> str | None:
    """The agency and its hotline when the citizen asks whom to call; None without a hotline."""
    hotline = str(getattr(contact, "hotline", "") or "")
    if not hotline or not _CONTACT_ASKED.search("".join(normalize_text(question or "").lower().split())):
        return None
    if english:
        return say("en_answer_contact", channel, agency=str(getattr(contact, "name_en", "")), hotline=hotline)
    return say("answer_contact", channel, agency=str(getattr(contact, "name_th", "")), hotline=hotline)


# -- the first line: answerers, tried in the order of ANSWERERS ---------------------------------------
@dataclass(frozen=True)
class AnswerContext:
    """One question about one service as every answerer sees it: what was asked, and what is worked out
    for it before any answerer is tried."""

    record: ServiceRecord
    aspect: str | None
    channel: str
    question: str
    passage: Passage | None
    contact: Any
    yes_no: bool
    deadline: str | None  # the deadline the record states, when the question asks by when
    age_verdict: str | None  # the age the question gives, beyond the record's ages or reaching them
    call: str | None  # the agency and its hotline, when the question asks whom to call
    for_age: str | None  # the benefit of the age given, on a question of money
    income: str | None  # the citizen's income against the record's limit
    step: tuple[str, str] | None  # the graded rule's step a duration given without a question falls in


def _faq_on_paying(passage: Passage | None) -> bool:
    return passage is not None and passage.kind == "faq" and asks_tax_paid(passage.question)


def answer_context(
    record: ServiceRecord,
    aspect: str | None,
    channel: str,
    question: str = "",
    passage: Passage | None = None,
    contact: Any = None,
) -> AnswerContext:
    yes_no = is_yes_no(question)
    return AnswerContext(
        record=record,
        aspect=aspect,
        channel=channel,
        question=question,
        passage=passage,
        contact=contact,
        yes_no=yes_no,
        deadline=deadline_line(record, question) if question else None,
        age_verdict=(
            (
                aged_out(record, question, channel)
                or age_meets(record, question, channel, any_age=passage is None or passage.kind != "faq")
            )
            if question
            else None
        ),
        call=contact_line(question, contact, channel) if question else None,
        for_age=benefit_for_age(record, question, channel) if question and aspect == "fee" else None,
        # "เงินเดือน 20000 ต้องเสียภาษีไหม": paying is not filing - the record's tax-free salary answers it
        # (income_verdict), never the filing threshold, then the FAQ on paying (_income)
        income=income_verdict(record, question, channel, question_modal(question)) if yes_no else None,
        step=duration_step(record, question, channel) if question and aspect is None else None,
    )


# Each answerer gives the lines it adds after the title, or None when its rule does not apply.
Answerer = Callable[[AnswerContext], list[str] | None]


def _whom_to_call(ctx: AnswerContext) -> list[str] | None:
    """ "ถ้ามีปัญหาโทรเบอร์ไหน": the agency's number, then the offices when the place was asked."""
    if ctx.call is None:
        return None
    if ctx.aspect == "place":
        return [ctx.call, aspect_text(ctx.record, ctx.aspect, ctx.channel)]
    return [ctx.call]


def _income(ctx: AnswerContext) -> list[str] | None:
    """ "รายได้ปีละ 8 หมื่น สมัครได้ไหม": the citizen's income against the record's limit, then the rule;
    not when the age given settles it (see _age)."""
    if ctx.income is None or ctx.age_verdict is not None:
        return None
    if asks_tax_paid(ctx.question) and _faq_on_paying(ctx.passage) and ctx.passage is not None:
        return [ctx.income, polite(ctx.passage.answer)]  # the FAQ on paying, after the salary's verdict
    return [ctx.income, polite(ctx.record.eligibility or ctx.record.description)]


def _benefit_confirmed(ctx: AnswerContext) -> list[str] | None:
    """ "ช่วงอายุ60-69ได้เดือนละ600ใช่ไหม": the step of the table, confirmed or not."""
    if not ctx.yes_no:
        return None
    found = benefit_confirmed(ctx.record, ctx.question, ctx.channel)
    return None if found is None else [found]


def _fee_confirmed(ctx: AnswerContext) -> list[str] | None:
    """ "เล่ม5ปี 1000บาทใช่มั้ยคะ": the fee with that amount, confirmed or not; an amount no fee has
    ("505 บาทใช่ไหม" of 500 + 5) gets the fees to read, never a guess."""
    if not ctx.yes_no or not priced(ctx.record) or not amount_to_confirm(ctx.question):
        return None
    found = fee_confirmed(ctx.record, ctx.question, ctx.channel)
    return [found] if found is not None else [aspect_text(ctx.record, "fee", ctx.channel)]


def _optional_fee(ctx: AnswerContext) -> list[str] | None:
    """ "ส่งเล่มทางไปรษณีย์ได้ไหม": an option the record charges for - yes, with its charge."""
    if not ctx.yes_no:
        return None
    found = optional_fee_verdict(ctx.record, ctx.question, ctx.channel)
    return [found] if found is not None else None


def _duration_step(ctx: AnswerContext) -> list[str] | None:
    """ "หมดมา4ปีแล้ว": a circumstance given without a question, against a graded rule: its step, then
    the rule."""
    return None if ctx.step is None else list(ctx.step)


def _benefit_for_age(ctx: AnswerContext) -> list[str] | None:
    """ "แม่อายุ 72 ได้เดือนละเท่าไหร่": the step of her age, then the table."""
    if ctx.for_age is None:
        return None
    return [ctx.for_age, aspect_text(ctx.record, ctx.aspect, ctx.channel)]


def _age(ctx: AnswerContext) -> list[str] | None:
    """An age the question gives beyond the service's limit (ไม่ได้ค่ะ), or reaching its youngest."""
    return None if ctx.age_verdict is None else [ctx.age_verdict]


def _amount_asked(ctx: AnswerContext) -> list[str] | None:
    """ "ได้เดือนละเท่าไหร่", "ได้กี่เปอเซ็น": how much, answered with the record's amounts first - the
    money received when that is asked (not the registration's fee beside it), the percentages when one is
    asked (the overview otherwise: percent typed as "เปอเซ็น" names no part). An FAQ found for its own
    yes/no question ("ลูกแฝดได้เงินทั้งสองคนไหม") is left out; an FAQ asked as how much, or a fine asked,
    answers as before (_faq)."""
    if ctx.yes_no or not asks_amount(ctx.question) or is_fine_question(ctx.question):
        return None
    percent = asks_percent(ctx.question)
    if not (ctx.aspect == "fee" or (ctx.aspect is None and percent)):
        return None
    record, passage = ctx.record, ctx.passage
    faq = passage if passage is not None and passage.kind == "faq" else None
    faq_elsewhere = faq is not None and is_yes_no(faq.question)
    if faq is not None and not faq_elsewhere:
        return None
    if not (percent or faq_elsewhere or (benefits_of(record) and record.fees)):
        return None
    items = amounts_asked(record, ctx.question)
    if not items:
        return None
    if len(items) == 1:  # "เงินอุดหนุน 600 บาทต่อเดือนต่อเด็กหนึ่งคนค่ะ"
        only = items[0]
        mark = f" {TO_CONFIRM_MARK_TH}" if only.to_confirm else ""
        return [say("answer_amount_item", ctx.channel, label=only.label, amount=only.amount, mark=mark)]
    key = "answer_benefits" if items[0] in tuple(getattr(record, "benefits", ()) or ()) else "answer_fees"
    limit = LIST_LIMIT.get(ctx.channel, LIST_LIMIT["default"])
    return [say(key, ctx.channel, items=_bullets([item.display_th() for item in items], limit))]


def _deadline(ctx: AnswerContext) -> list[str] | None:
    """ "ต้องทำบัตรไหม" with a deadline in the record: it must be done, by then. An FAQ found that states
    the time limit itself answers instead (_faq)."""
    passage = ctx.passage
    faq_says_when = passage is not None and passage.kind == "faq" and "ภายใน" in passage.answer
    if not ctx.deadline or faq_says_when:
        return None
    must = (
        ctx.yes_no
        and question_modal(ctx.question) == "must"
        and not CONFIRM_ASKED.search("".join(ctx.question.split()))
    )
    lines = [say("answer_yes_must", ctx.channel) + " " + ctx.deadline if must else ctx.deadline]
    if ctx.aspect in ("fee", "documents"):
        lines.append(aspect_text(ctx.record, ctx.aspect, ctx.channel))
    return lines


def _stated_duty(ctx: AnswerContext) -> list[str] | None:
    """ "จ้างแรงงานลาวมาทำสวน ต้องขอใบอนุญาตทำงานไหม" meets the FAQ on how to hire ("นำเข้าตามระบบ MOU…"),
    which gives no verdict: the duty the overview states first, then the way."""
    passage = ctx.passage
    if not ctx.yes_no or passage is None or passage.kind != "faq":
        return None
    if faq_first_line(passage.answer, ctx.channel, ctx.question, passage.question) != polite(passage.answer):
        return None
    duty = stated_duty(ctx.record, ctx.question)
    if duty is None:
        return None
    lines = [say("answer_yes_must", ctx.channel) + " " + polite(duty)]
    rest = " ".join(ctx.record.description.split()).replace(duty, "", 1).strip()
    if rest and rest != " ".join(ctx.record.description.split()):
        lines.append(polite(rest))
    lines.append(polite(passage.answer))
    if ctx.aspect in ("fee", "documents"):
        lines.append(aspect_text(ctx.record, ctx.aspect, ctx.channel))
    return lines


def _document_not_listed(ctx: AnswerContext) -> list[str] | None:
    """ "อายุ20แล้ว ต้องเอาทะเบียนบ้านไปด้วยมั้ย": a paper the record never names, then the list."""
    if not ctx.yes_no or ctx.aspect not in ("documents", None):
        return None
    paper = document_not_listed(ctx.record, ctx.question)
    if not paper:
        return None
    return [
        say("answer_document_not_listed", ctx.channel, document=paper),
        aspect_text(ctx.record, "documents", ctx.channel),
    ]


def _excluded(ctx: AnswerContext) -> list[str] | None:
    """ "มีประกันสังคมอยู่ ใช้บัตรทองได้ด้วยไหม": the rule that leaves the citizen out, before an FAQ on
    what to do once it no longer does ("หลังสิทธิประกันสังคมสิ้นสุด…ได้ทันที")."""
    if not ctx.yes_no or ctx.aspect not in ("eligibility", None) or question_modal(ctx.question) == "have":
        return None
    excluded = excluding_clause(ctx.record, ctx.question)
    return [say("answer_excluded", ctx.channel, clause=polite(excluded))] if excluded else None


def _any_office(ctx: AnswerContext) -> list[str] | None:
    """ "เขตไหนก็ได้ใช่มั้ย": the office line says yes; an FAQ's "ไม่ต้อง" answered another question."""
    if not ctx.yes_no or ctx.aspect not in ("place", None):
        return None
    anywhere = any_office_verdict(ctx.record, ctx.question, ctx.channel)
    return [anywhere] if anywhere else None


def _office_not_listed(ctx: AnswerContext) -> list[str] | None:
    """ "ทำพาสปอร์ตที่อำเภอได้ไหม": not there; an FAQ on a parent's consent given at the อำเภอ answered
    another question."""
    if not ctx.yes_no or ctx.aspect not in ("place", None) or question_modal(ctx.question) != "can":
        return None
    faq_question = ctx.passage.question if ctx.passage is not None else ""
    not_listed = office_not_listed_line(ctx.record, ctx.question, ctx.channel, faq_question)
    return [not_listed] if not_listed else None


def _faq(ctx: AnswerContext) -> list[str] | None:
    """The FAQ the search found: its answer, with the verdict it gives first (a graded rule's step, or a
    field's verdict, when it gives none), then the full list for fees and documents."""
    passage = ctx.passage
    if passage is None or passage.kind != "faq" or not passage.answer:
        return None
    record, aspect, channel, question = ctx.record, ctx.aspect, ctx.channel, ctx.question
    lines: list[str] = []
    # "เงินเดือน 20000 ต้องเสียภาษีไหม": the tax itself, so no verdict read off the FAQ or a fee, no fee list
    paying = aspect == "fee" and asks_tax_paid(question)
    said = (
        polite(passage.answer)
        if paying
        else faq_first_line(passage.answer, channel, question, passage.question)
    )
    graded = duration_verdict(record, question, channel) if ctx.yes_no else None
    if graded is not None:  # "หมดอายุ3เดือน ต้องสอบไหม": the step the citizen is in, then the rule
        lines.append(graded)
        said = "" if polite(passage.answer) in graded else polite(passage.answer)  # said once
    elif ctx.yes_no and said == polite(passage.answer):  # the FAQ gives no verdict: a field may
        # (not the free filing fee for paying the tax: "ต้องเสียภาษีไหม" is no question of a fee)
        lead = "" if paying else field_verdict(record, aspect, question, channel) or ""
        if lead.removeprefix(say("answer_yes_must", channel) + " ") == said:
            lead, said = "", lead  # "ต้องค่ะ" and that same FAQ answer
        elif not lead and not paying:
            # "ต้องแจ้งความไหม" - "แจ้งความที่สถานีตำรวจ แล้ว…": its instruction is the verdict;
            # "จดได้มั้ย" - "ต้องฟ้องหย่าต่อศาล…": another way is, not the one asked
            told = other_route_verdict(
                question, passage.answer, channel, passage.question
            ) or faq_instruction(question, passage.answer, channel)
            said = f"{told} {said}" if told else said
        lines.append(lead)
    lines.append(said)
    if aspect in ("fee", "documents") and not paying:  # the full list after the specific answer
        lines.append(aspect_text(record, aspect, channel))
    return lines


def _service_itself(ctx: AnswerContext) -> list[str] | None:
    """ "กู้กยศได้ไหม": the service asked for and nothing more - yes for whoever its rule admits; told with
    a circumstance of the rule ("รายได้ไม่เยอะ", read as an eligibility question), the same."""
    if not ctx.yes_no or ctx.aspect not in (None, "eligibility"):
        return None
    found = service_itself_asked(ctx.record, ctx.question, ctx.channel)
    return None if found is None else [found]


def _title_confirmed(ctx: AnswerContext) -> list[str] | None:
    """ "ใช้แบบ ภ.ง.ด.91 ใช่ไหม": the figure is in the service's own name (ภ.ง.ด.90/91): ใช่ค่ะ and the name."""
    if not ctx.yes_no or ctx.aspect is not None:
        return None
    found = title_confirmed(ctx.record, ctx.question, ctx.channel)
    return None if found is None else [found]


def _record_verdict(ctx: AnswerContext) -> list[str] | None:
    """A yes/no question no FAQ answered: a field's verdict, an age against the rule, or the record's own
    sentence with the verdict it gives; else that the record does not say, with whom to ask. Then the
    field itself, unless the first line said it."""
    if not (ctx.yes_no and ctx.question):
        return None
    record, aspect, channel, question = ctx.record, ctx.aspect, ctx.channel, ctx.question
    lines: list[str] = []
    first = field_verdict(record, aspect, question, channel)
    key, sentence = (
        sentence_with_verdict(record, question, procedure=True)
        if first is None and aspect is None
        else (None, None)
    )
    refused = proxy_refused(record, question, channel) if first is None else None
    # someone going instead where the record says in person and names no proxy: no, before a
    # sentence that does not speak of that person ("ให้แฟนไปยื่นแทนได้ไหม" - a FAQ on a parent going
    # alone; "เจ้าบ้านไปแจ้งแทนได้ไหม" - "เจ้าบ้านต้องแจ้งย้ายออก…" does)
    if refused is not None and (sentence is None or not names_the_proxy(question, sentence)):
        first, sentence = refused, None
    if first is None and aspect == "eligibility":  # "ถ้าเงินได้ไม่ถึงเกณฑ์ต้องยื่นมั้ย": a sentence
        first = eligibility_verdict(record, question, channel)  # that gives a verdict, first
    # an age given against a rule with ages: the subject's youngest age, else the rule to read
    # ("อายุ 17 ทำใบขับขี่มอไซค์ได้ยัง": 18, or 15 for a small one) - never a sentence's own verdict
    by_age = None
    # (a must-question's duty is the record's own sentence: "ครบ 7 ขวบแล้ว ต้องทำบัตรยัง" - ต้องค่ะ…)
    if first is None and aspect is None and question_modal(question) != "must":
        by_age = (
            subject_age_verdict(record, question, channel)
            or age_exception(record, question, channel)
            or age_below(record, question, channel)
        )
        rule = age_rule(record, question) if by_age is None else None
        by_age = by_age or (say("answer_age_rule", channel, rule=polite(rule)) if rule else None)
    if first is not None:
        lines.append(first)
    elif by_age is not None:
        first = by_age
        lines.append(first)
    elif sentence is not None:  # the record's own sentence, with the verdict it gives first
        told = say(key, channel) if key else faq_instruction(question, sentence, channel)
        first = (told + " " if told else "") + polite(sentence)
        # "เจ้าของบ้านต้องไปด้วยไหม" on the FAQ "เจ้าบ้านไม่ว่างไปด้วยได้ไหม - ได้ …": the FAQ's own
        # verdict, turned to what was asked (ไม่ต้องค่ะ), as when the search finds it
        faq = None if key else faq_answered(record, sentence)
        turned = faq_first_line(faq.answer, channel, question, faq.question) if faq is not None else ""
        if faq is not None and turned != polite(faq.answer):
            first = turned
        lines.append(first)
    elif aspect is None and (duty := stated_duty(record, question)) is not None:
        # "ขายของออนไลน์ ต้องจดทะเบียนพาณิชย์ไหม": the duty the overview states for that situation
        first = say("answer_yes_must", channel) + " " + polite(duty)
        lines.append(first)
    elif aspect in (None, "documents"):  # the record is silent: say so, with whom to ask
        hotline = str(getattr(ctx.contact, "hotline", "") or "")
        key = "answer_not_stated_call" if hotline else "answer_not_stated"
        lines.append(say(key, channel, agency=record.agency, hotline=hotline))
    if first is not None and aspect == "fee" and is_fine_question(question):
        lines.append(_bullets(late_fees(record), LIST_LIMIT.get(channel, LIST_LIMIT["default"])))
    elif first is not None and aspect is None:
        pass  # the first line said it (a listed document, a clause of the record)
    else:
        # "นานไหม", "ไปที่อำเภอไหนก็ได้ไหม": the field itself is the answer
        lines.append(aspect_text(record, aspect, channel, heading=first is None or aspect != "fee"))
    return lines


# The first line's rules in priority order: the first answerer that answers wins. When none does, the
# part asked, as the record has it (first_answer).
ANSWERERS: tuple[Answerer, ...] = (
    _whom_to_call,
    _income,
    _benefit_confirmed,
    _fee_confirmed,
    _optional_fee,
    _duration_step,
    _benefit_for_age,
    _age,
    _amount_asked,
    _deadline,
    _stated_duty,
    _document_not_listed,
    _excluded,
    _any_office,
    _office_not_listed,
    _faq,
    _title_confirmed,
    _service_itself,
    _record_verdict,
)


def first_answer(ctx: AnswerContext) -> list[str]:
    """The lines of the first answerer that answers, else the part asked (the overview when none)."""
    for answerer in ANSWERERS:
        lines = answerer(ctx)
        if lines is not None:
            return lines
    return [aspect_text(ctx.record, ctx.aspect, ctx.channel)]


def compose_answer(
    record: ServiceRecord,
    aspect: str | None,
    channel: str,
    question: str = "",
    passage: Passage | None = None,
    contact: Any = None,
) -> tuple[str, list[Button]]:
    """Title, the direct answer (the first answerer's lines), details, and the verification footer.
    The question is read in central Thai ("ลงได้บ่" asks "ลงได้ไหม")."""
    question = fold_dialect(question)
    lines: list[str] = [
        record.title_th,
        *first_answer(answer_context(record, aspect, channel, question, passage, contact)),
    ]
    body = [line for line in lines[1:] if line]
    if body and question:  # "ต้องแจ้งภายใน 15 วันใช่มั้ย": ใช่ค่ะ when the answer has the citizen's figures
        body[0] = confirmed(question, body[0], channel)
    if aspect is None and len(body) == 1 and lines[1] == aspect_text(record, None, channel):
        text = "\n".join([record.title_th, *body])  # an overview: the service's name is the heading
    else:  # answer first: the service's name goes last, above the footer
        text = "\n".join([*body, say("answer_about", channel, title=short_name(record))])
    return text + "\n\n" + footer(record, channel), aspect_buttons(record, aspect)

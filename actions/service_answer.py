"""Composing a service answer: the answer to what was asked in the first line, then the details.

Pure functions over a `ServiceRecord` (no search, no Rasa): the resolver decides which service and
which part; this module decides what the first line says. A yes/no question gets ได้ค่ะ / ไม่ได้ค่ะ /
ต้องค่ะ / ไม่ต้องค่ะ first when an FAQ answer or a field supports it, and says plainly that the record
does not say when neither does. Every text comes from actions/replies.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from actions.replies import ASPECT_BUTTON_LABELS, Button, reply_for
from knowledge.aspects import ASPECT_LABELS_TH, ASPECTS
from knowledge.record import TO_CONFIRM_MARK_TH, ServiceRecord
from nlu.normalize import normalize_text
from nlu.thai_date import thai_date as format_thai_date

BUTTON_TITLE_MAX = 20  # LINE quick-reply labels; other channels are fine with it too
LIST_LIMIT: dict[str, int] = {"sms": 3, "default": 6}

# Yes/no questions: Thai question particles and English auxiliaries at the start.
_YES_NO_TH = ("ไหม", "มั้ย", "มั๊ย", "หรือเปล่า", "รึเปล่า", "หรือป่าว", "ป่าว", "หรือไม่", "ใช่ไหม", "ปะ", "เปล่า")
_YES_NO_EN = re.compile(r"^\s*(can|could|do|does|is|are|must|should|may|will|shall|have to)\b", re.I)
# Leading words of an FAQ answer that already answer yes or no, longest first.
_POLARITY = (
    ("ไม่จำเป็น", "answer_no_need"),
    ("ไม่ต้อง", "answer_no_need"),
    ("ไม่ได้", "answer_no_cannot"),
    ("ไม่ใช่", "answer_no"),
    ("ต้อง", "answer_yes_must"),
    ("ได้", "answer_yes_can"),
    ("ใช่", "answer_yes"),
)
_LATE_WORDS = ("ปรับ", "ล่าช้า", "เงินเพิ่ม", "เกินกำหนด")
_FREE_WORDS = ("ไม่เสีย", "ฟรี", "ไม่มีค่า", "ยกเว้นค่าธรรมเนียม")
_ENDINGS = ("ค่ะ", "คะ", "ครับ", ".", "!", "?", ")")


def is_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c.isascii())
    return latin / len(letters) > 0.7


def is_yes_no(text: str) -> bool:
    folded = "".join(normalize_text(text or "").lower().split())
    folded = folded.rstrip("?ๆ").removesuffix("คะ").removesuffix("ครับ").removesuffix("ค่ะ").removesuffix("คับ")
    folded = folded.removesuffix("จ้า").removesuffix("จ๊ะ").removesuffix("นะ").rstrip("?")
    if any(folded.endswith(p) for p in _YES_NO_TH):
        return True
    return bool(_YES_NO_EN.match(text or ""))


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


def say(key: str, channel: str, **values: str) -> str:
    text = reply_for(key, channel).text
    return text.format(**values) if values else text


# -- record fields ------------------------------------------------------------------------------------
def benefits_of(record: ServiceRecord) -> list[str]:
    """Money the citizen receives, as display lines (the knowledge base's `benefits`, when present)."""
    return [_display(item) for item in getattr(record, "benefits", ()) or ()]


def _display(item: Any) -> str:
    if hasattr(item, "display_th"):
        return str(item.display_th())
    if isinstance(item, dict):
        label, amount = str(item.get("label", "")), str(item.get("amount", ""))
        return f"{label}: {amount}" if label and amount else label or amount
    return str(item)


def is_verified(record: ServiceRecord) -> bool:
    return bool(getattr(record, "verified", False))


def _bullets(items: Sequence[str], limit: int, numbered: bool = False) -> str:
    shown = [f"{n}. {item}" if numbered else f"• {item}" for n, item in enumerate(items[:limit], start=1)]
    if len(items) > limit:
        shown.append(reply_for("list_more", None).text)
    return "\n".join(shown)


_NO_ONLINE = ("ไม่มี", "ไม่สามารถ", "ไม่ได้", "ยังไม่มี", "ต้องไปด้วยตนเอง", "ต้องไปยื่น")


def online_available(record: ServiceRecord) -> bool:
    where = record.where_to_apply
    if where.online:
        return not where.online.strip().startswith(_NO_ONLINE)
    return bool(where.e_service_url)


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


# -- the first line -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    """What the knowledge base found inside the current service: an FAQ entry or a field."""

    kind: str  # "faq" | "field"
    answer: str = ""  # the FAQ's answer
    field: str = ""  # the field's name


def polite(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(_ENDINGS) else text + "ค่ะ"


def faq_first_line(answer: str, channel: str) -> str:
    """An FAQ answer as the first line; a leading yes/no word becomes ได้ค่ะ / ไม่ต้องค่ะ … ."""
    answer = answer.strip()
    for word, key in _POLARITY:
        if answer.startswith(word):
            rest = answer[len(word) :].lstrip(" ,")
            # "ได้รับ…" or "ต้องการ…" are not yes/no words; only a word followed by a space or the end.
            if rest and not answer[len(word) :].startswith((" ", ",")):
                break
            return say(key, channel) + (f" {polite(rest)}" if rest else "")
    return polite(answer)


def is_fine_question(text: str) -> bool:
    return "ปรับ" in text or "ล่าช้า" in text or "เกินกำหนด" in text


def late_fees(record: ServiceRecord) -> list[str]:
    return [f.display_th() for f in record.fees if any(w in f.label + f.amount for w in _LATE_WORDS)]


_CLAUSE_SPLIT = re.compile(r"\s+(?=\S{2,})")
_LEADING_JOINERS = ("และ", "แล้ว", "โดย", "ซึ่ง")


def clause_answer(record: ServiceRecord, text: str, channel: str) -> str | None:
    """ "ต้องไปรายงานตัวไหม": a clause of the overview or eligibility that has the asked words and says
    ต้อง (must); then ต้องค่ะ and the clause. None when no such clause (then the record does not say)."""
    from knowledge.search.text import bm25_tokens

    asked = {t for t in bm25_tokens(text) if len(t) >= 3 and t not in _GENERIC_DOC_WORDS}
    if not asked or not "".join(text.split()).startswith("ต้อง"):
        return None
    for source in (record.description, record.eligibility):
        for clause in _CLAUSE_SPLIT.split(source or ""):
            if "ไม่ต้อง" in clause or not asked & set(bm25_tokens(clause)):
                continue
            for joiner in _LEADING_JOINERS:
                clause = clause.removeprefix(joiner)
            return say("answer_yes_must", channel) + " " + polite(clause)
    return None


def yes_no_from_fields(record: ServiceRecord, aspect: str | None, text: str, channel: str) -> str | None:
    """ได้ค่ะ / ไม่ได้ค่ะ … when a field answers a yes/no question; None when the record does not say."""
    if aspect == "online":
        return say("answer_yes_can" if online_available(record) else "answer_no_cannot", channel)
    if aspect == "fee":
        if benefits_of(record) and not record.fees:
            return None
        if not record.fees:
            return None
        if is_fine_question(text):  # "เสียค่าปรับไหม": a late fee among the fees, or not said
            return say("answer_has_late_fee", channel) if late_fees(record) else None
        free = all(any(w in f.amount or w in f.label for w in _FREE_WORDS) for f in record.fees)
        return say("answer_free" if free else "answer_has_fee", channel)
    if aspect in ("documents", None):
        document = _document_named(record.documents, text)
        if document:
            return say("answer_document_listed", channel, document=document)
    if aspect in ("place", None):  # "ที่ห้างได้ไหม": an office listed for it
        office = _document_named(record.where_to_apply.offices, text, _GENERIC_PLACE_WORDS)
        if office:
            return say("answer_place_listed", channel, office=office)
    if aspect is None:
        return clause_answer(record, text, channel)
    return None


_GENERIC_DOC_WORDS = {"เอกสาร", "สำเนา", "ตัวจริง", "ต้อง", "ใช้", "ไหม", "มั้ย", "ด้วย", "หรือ", "เปล่า", "บัตร"}


# "อำเภอไหนก็ได้ไหม" must not read as "yes, at the district office": these words name no particular place.
_GENERIC_PLACE_WORDS = {"อำเภอ", "เขต", "สำนักงาน", "สำนักทะเบียน", "ที่ว่าการ", "จังหวัด", "ไหน", "ก็ได้", "ที่ไหน"}


def _document_named(documents: Iterable[str], text: str, generic: Iterable[str] = ()) -> str | None:
    from knowledge.search.text import bm25_tokens

    skip = _GENERIC_DOC_WORDS | set(generic)
    asked = {t for t in bm25_tokens(text) if len(t) >= 3 and t not in skip}
    if not asked:
        return None
    for document in documents:
        words = set(bm25_tokens(document))
        folded = "".join(document.split())
        if asked & words or any(len(t) >= 4 and t in folded for t in asked):  # "ห้าง" in "ห้างสรรพสินค้า"
            return document
    return None


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


def compose_answer(
    record: ServiceRecord,
    aspect: str | None,
    channel: str,
    question: str = "",
    passage: Passage | None = None,
) -> tuple[str, list[Button]]:
    """Title, the direct answer (FAQ, yes/no or the asked field), details, and the verification footer."""
    yes_no = is_yes_no(question)
    lines: list[str] = [record.title_th]
    deadline = deadline_line(record, question) if question else None
    if deadline and (passage is None or passage.kind != "faq" or "ภายใน" not in passage.answer):
        lines.append(deadline)
        if aspect in ("fee", "documents"):
            lines.append(aspect_text(record, aspect, channel))
    elif passage is not None and passage.kind == "faq" and passage.answer:
        lines.append(faq_first_line(passage.answer, channel))
        if aspect in ("fee", "documents"):  # the full list after the specific answer
            lines.append(aspect_text(record, aspect, channel))
    elif yes_no and question:
        first = yes_no_from_fields(record, aspect, question, channel)
        if first is not None:
            lines.append(first)
        elif aspect in (None, "documents"):
            lines.append(say("answer_not_stated", channel, agency=record.agency))
        if first is not None and aspect == "fee" and is_fine_question(question):
            lines.append(_bullets(late_fees(record), LIST_LIMIT.get(channel, LIST_LIMIT["default"])))
        elif first is not None and aspect is None:
            pass  # the first line said it (a listed document, a clause of the record)
        else:
            # "นานไหม", "ไปที่อำเภอไหนก็ได้ไหม": the field itself is the answer
            lines.append(aspect_text(record, aspect, channel, heading=first is None or aspect != "fee"))
    else:
        lines.append(aspect_text(record, aspect, channel))
    body = [line for line in lines[1:] if line]
    if aspect is None and len(body) == 1 and lines[1] == aspect_text(record, None, channel):
        text = "\n".join([record.title_th, *body])  # an overview: the service's name is the heading
    else:  # answer first: the service's name goes last, above the footer
        text = "\n".join([*body, say("answer_about", channel, title=short_name(record))])
    return text + "\n\n" + footer(record, channel), aspect_buttons(record, aspect)

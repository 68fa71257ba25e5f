"""The service edit form: a record as flat text fields (lists one item per line) and back again.

Fees are written `รายการ | จำนวนเงิน` per line, with a third part `รอยืนยัน` marking a figure the agency
has not confirmed; FAQs are `คำถาม | คำตอบ` per line. `to_form(from_form(x)) == x` for anything the form
produced, so saving an unchanged form creates no new version.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from knowledge.record import AGENCY_LEVELS, EnglishText, Fee, RecordError, ServiceRecord

MAX_TITLE = 300
MAX_AGENCY = 300
TO_CONFIRM_WORDS = frozenset({"รอยืนยัน", "รอหน่วยงานยืนยัน", "to_confirm", "unconfirmed", "?"})
TO_CONFIRM_WORD = "รอยืนยัน"
RESERVED_IDS = frozenset({"new"})  # /services/new is the create page

TEXT_FIELDS = [
    "id",
    "title_th",
    "title_en",
    "agency",
    "agency_level",
    "description",
    "eligibility",
    "processing_time",
    "office_hours",
    "legal_basis",
    "source",
    "last_reviewed",
    "e_service_url",
    "online",
    "short_th",
    "en_title",
    "en_description",
    "en_eligibility",
    "en_processing_time",
    "en_online",
]
LIST_FIELDS = (
    "documents",
    "fees",
    "benefits",
    "offices",
    "faqs",
    "synonyms",
    "approved_questions",
    "en_documents",
    "en_where",
)
FLAG_FIELDS = ("processing_time_to_confirm", "verified")
FORM_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, *FLAG_FIELDS)

AGENCY_LEVEL_LABELS_TH = {"central": "ส่วนกลาง", "provincial": "ส่วนภูมิภาค", "local": "ส่วนท้องถิ่น"}
assert set(AGENCY_LEVEL_LABELS_TH) == set(AGENCY_LEVELS)


def empty_form() -> dict[str, str]:
    form = {name: "" for name in FORM_FIELDS}
    form["agency_level"] = "central"
    return form


def _fee_lines(fees: tuple[Fee, ...]) -> str:
    lines = []
    for fee in fees:
        parts = [fee.label, fee.amount] + ([TO_CONFIRM_WORD] if fee.to_confirm else [])
        lines.append(" | ".join(_one_line(p) for p in parts))
    return "\n".join(lines)


def to_form(record: ServiceRecord) -> dict[str, str]:
    en = record.english or EnglishText()
    return {
        "id": record.id,
        "title_th": record.title_th,
        "title_en": record.title_en,
        "agency": record.agency,
        "agency_level": record.agency_level,
        "description": record.description,
        "eligibility": record.eligibility,
        "documents": "\n".join(map(_one_line, record.documents)),
        "fees": _fee_lines(record.fees),
        "benefits": _fee_lines(record.benefits),
        "processing_time": record.processing_time,
        "processing_time_to_confirm": "1" if record.processing_time_to_confirm else "",
        "offices": "\n".join(map(_one_line, record.where_to_apply.offices)),
        "e_service_url": record.where_to_apply.e_service_url,
        "online": record.where_to_apply.online,
        "office_hours": record.office_hours,
        "legal_basis": record.legal_basis,
        "faqs": "\n".join(f"{_one_line(faq.question)} | {_one_line(faq.answer)}" for faq in record.faqs),
        "synonyms": "\n".join(map(_one_line, record.synonyms)),
        "approved_questions": "\n".join(map(_one_line, record.approved_questions)),
        "last_reviewed": record.last_reviewed.isoformat() if record.last_reviewed else "",
        "source": record.source,
        "short_th": record.short_th,
        "verified": "1" if record.verified else "",
        "en_title": en.title,
        "en_description": en.description,
        "en_eligibility": en.eligibility,
        "en_documents": "\n".join(map(_one_line, en.documents)),
        "en_processing_time": en.processing_time,
        "en_where": "\n".join(map(_one_line, en.where)),
        "en_online": en.online,
    }


def submitted(fields: Mapping[str, str]) -> dict[str, str]:
    """The form's own fields from a POST, normalised to \\n line ends, nothing else carried along."""
    return {name: str(fields.get(name, "")).replace("\r\n", "\n").replace("\r", "\n") for name in FORM_FIELDS}


def from_form(form: Mapping[str, str]) -> ServiceRecord:
    """Build and validate a record; RecordError names the field in Thai-friendly terms."""
    for name, limit in (("title_th", MAX_TITLE), ("title_en", MAX_TITLE), ("agency", MAX_AGENCY)):
        if len(form.get(name, "")) > limit:
            raise RecordError(f"{name}: ยาวเกิน {limit} ตัวอักษร")
    if not _visible(form.get("title_th", "")):
        raise RecordError("title_th: ต้องมีชื่อบริการภาษาไทย")
    url = form.get("e_service_url", "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise RecordError("e_service_url: ต้องขึ้นต้นด้วย https:// หรือ http://")
    data: dict[str, Any] = {
        "id": form.get("id", "").strip(),
        "title_th": form.get("title_th", ""),
        "title_en": form.get("title_en", ""),
        "agency": form.get("agency", ""),
        "agency_level": form.get("agency_level", "") or "central",
        "description": form.get("description", ""),
        "eligibility": form.get("eligibility", ""),
        "documents": _lines(form.get("documents", "")),
        "fees": [_fee(line) for line in _lines(form.get("fees", ""))],
        "benefits": [_fee(line, "benefits") for line in _lines(form.get("benefits", ""))],
        "processing_time": form.get("processing_time", ""),
        "processing_time_to_confirm": bool(form.get("processing_time_to_confirm")),
        "where_to_apply": {
            "offices": _lines(form.get("offices", "")),
            "e_service_url": url,
            "online": form.get("online", ""),
        },
        "office_hours": form.get("office_hours", ""),
        "legal_basis": form.get("legal_basis", ""),
        "faqs": [_faq(line) for line in _lines(form.get("faqs", ""))],
        "synonyms": _lines(form.get("synonyms", "")),
        "approved_questions": _lines(form.get("approved_questions", "")),
        "last_reviewed": form.get("last_reviewed", "").strip() or None,
        "source": form.get("source", ""),
        "short_th": form.get("short_th", ""),
        "verified": bool(form.get("verified")),
        "english": {
            "title": form.get("en_title", ""),
            "description": form.get("en_description", ""),
            "eligibility": form.get("en_eligibility", ""),
            "documents": _lines(form.get("en_documents", "")),
            "processing_time": form.get("en_processing_time", ""),
            "where": _lines(form.get("en_where", "")),
            "online": form.get("en_online", ""),
        },
    }
    if data["id"] in RESERVED_IDS:
        raise RecordError(f"id {data['id']!r} ใช้ไม่ได้ (สงวนไว้สำหรับหน้าของระบบ)")
    return ServiceRecord.from_dict(data)


def _visible(text: str) -> str:
    """Text without whitespace and invisible format characters (zero-width spaces and joiners, BOM)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _one_line(text: str) -> str:
    """List items live one per line in the form, so a line break inside an item becomes a space."""
    return " ".join(text.split("\n"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fee(line: str, name: str = "fees") -> dict[str, Any]:
    parts = [p.strip() for p in line.split("|")]
    to_confirm = len(parts) >= 3 and parts[-1] in TO_CONFIRM_WORDS
    if to_confirm:
        parts = parts[:-1]
    if len(parts) == 1:
        label, amount = "", parts[0]
    elif len(parts) == 2:
        label, amount = parts
    else:
        raise RecordError(
            f"{name}: บรรทัด {line!r} ใช้รูปแบบ 'รายการ | จำนวนเงิน' หรือ 'รายการ | จำนวนเงิน | รอยืนยัน'"
        )
    return {"label": label, "amount": amount, "to_confirm": to_confirm}


def _faq(line: str) -> dict[str, str]:
    question, sep, answer = line.partition("|")
    if not sep or not question.strip() or not answer.strip():
        raise RecordError(f"faqs: บรรทัด {line!r} ใช้รูปแบบ 'คำถาม | คำตอบ'")
    return {"question": question.strip(), "answer": answer.strip()}

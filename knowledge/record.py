"""The service record as plain data, shared by the store, seed files, search, actions and open data.

Kept free of SQL so that seed files, the search index and tests can build and compare records without a
database. `content_hash()` decides whether a save is a new version and whether an embedding is stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AGENCY_LEVELS: tuple[str, ...] = ("central", "provincial", "local")
STATUSES: tuple[str, ...] = ("draft", "published")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")

# Shown next to any figure an agency still has to confirm.
TO_CONFIRM_MARK_TH = "(รอหน่วยงานยืนยัน)"
# LINE quick-reply buttons take 20 characters; every service has a label that fits.
SHORT_LABEL_MAX = 20


class RecordError(ValueError):
    """A record (from a seed file, an import or the console) is not valid; the message says which field."""


@dataclass(frozen=True)
class Fee:
    """One fee line. `to_confirm` marks a figure that the agency has not confirmed yet."""

    label: str
    amount: str
    to_confirm: bool = False

    def display_th(self) -> str:
        mark = f" {TO_CONFIRM_MARK_TH}" if self.to_confirm else ""
        return f"{self.label}: {self.amount}{mark}" if self.label else f"{self.amount}{mark}"


@dataclass(frozen=True)
class FAQ:
    question: str
    answer: str


@dataclass(frozen=True)
class WhereToApply:
    """Office types that accept the request, and the online channel if there is one."""

    offices: tuple[str, ...] = ()
    e_service_url: str = ""
    online: str = ""  # how to do it online, in Thai; empty when there is no online channel


@dataclass(frozen=True)
class EnglishText:
    """English versions of the citizen-facing fields; any may be empty (answers then fall back to Thai)."""

    title: str = ""
    description: str = ""
    eligibility: str = ""
    documents: tuple[str, ...] = ()
    processing_time: str = ""
    where: tuple[str, ...] = ()  # the offices, as in `where_to_apply.offices`
    online: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Only the filled fields, so a seed file shows what has been translated."""
        data: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "eligibility": self.eligibility,
            "documents": list(self.documents),
            "processing_time": self.processing_time,
            "where": list(self.where),
            "online": self.online,
        }
        return {key: value for key, value in data.items() if value}


ENGLISH_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(EnglishText))


@dataclass(frozen=True)
class ServiceRecord:
    """One public service. `status` and `version` are set by the store; everything else is content."""

    id: str
    title_th: str
    title_en: str = ""
    short_th: str = ""  # <= SHORT_LABEL_MAX characters, unique across the base; see `label_th`
    agency: str = ""
    agency_level: str = "central"
    description: str = ""
    eligibility: str = ""
    documents: tuple[str, ...] = ()
    fees: tuple[Fee, ...] = ()  # money the citizen pays
    benefits: tuple[Fee, ...] = ()  # money the citizen receives (allowances, grants, benefits)
    processing_time: str = ""
    processing_time_to_confirm: bool = False
    where_to_apply: WhereToApply = field(default_factory=WhereToApply)
    office_hours: str = ""
    legal_basis: str = ""
    faqs: tuple[FAQ, ...] = ()
    synonyms: tuple[str, ...] = ()
    # Citizens' own questions a reviewer confirmed mean this service (the teaching loop, `teaching/`):
    # searched like synonyms and exported as NLU examples. Masked text only (nlu.pii.mask).
    approved_questions: tuple[str, ...] = ()
    english: EnglishText | None = None
    last_reviewed: dt.date | None = None
    source: str = ""
    verified: bool = False  # True only once the agency has confirmed the record; drafts say so in answers
    status: str = "draft"
    version: int = 0

    @property
    def label_th(self) -> str:
        """The short label for buttons: `short_th`, else the title without its bracket, cut to fit."""
        if self.short_th:
            return self.short_th
        title = self.title_th.split(" (")[0].strip() or self.title_th
        return title if len(title) <= SHORT_LABEL_MAX else title[: SHORT_LABEL_MAX - 1].rstrip() + "…"

    # -- identity of the content -------------------------------------------------------------------
    def content_dict(self) -> dict[str, Any]:
        """Everything a citizen could see; excludes the store's bookkeeping (status, version)."""
        data = self.to_dict()
        data.pop("status")
        data.pop("version")
        return data

    def content_hash(self) -> str:
        blob = json.dumps(self.content_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def with_meta(self, *, status: str | None = None, version: int | None = None) -> ServiceRecord:
        return dataclasses.replace(
            self,
            status=self.status if status is None else status,
            version=self.version if version is None else version,
        )

    # -- (de)serialisation ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the seed-file field order (dates as ISO strings). `approved_questions` only
        when there are some, so records without taught questions keep their content hash (no new versions)."""
        return {
            "id": self.id,
            "title_th": self.title_th,
            "title_en": self.title_en,
            "short_th": self.short_th,
            "agency": self.agency,
            "agency_level": self.agency_level,
            "description": self.description,
            "eligibility": self.eligibility,
            "documents": list(self.documents),
            "fees": [{"label": f.label, "amount": f.amount, "to_confirm": f.to_confirm} for f in self.fees],
            "benefits": [
                {"label": f.label, "amount": f.amount, "to_confirm": f.to_confirm} for f in self.benefits
            ],
            "processing_time": self.processing_time,
            "processing_time_to_confirm": self.processing_time_to_confirm,
            "where_to_apply": {
                "offices": list(self.where_to_apply.offices),
                "e_service_url": self.where_to_apply.e_service_url,
                "online": self.where_to_apply.online,
            },
            "office_hours": self.office_hours,
            "legal_basis": self.legal_basis,
            "faqs": [{"question": q.question, "answer": q.answer} for q in self.faqs],
            "synonyms": list(self.synonyms),
            "english": self.english.to_dict() if self.english else None,
            "last_reviewed": self.last_reviewed.isoformat() if self.last_reviewed else None,
            "source": self.source,
            "verified": self.verified,
            **({"approved_questions": list(self.approved_questions)} if self.approved_questions else {}),
            "status": self.status,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceRecord:
        """Validate and build; raises RecordError naming the bad field (input may come from staff files)."""
        if not isinstance(data, Mapping):
            raise RecordError("a service record must be a mapping of fields")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RecordError(f"unknown field(s): {', '.join(map(str, unknown))}")
        rid = _text(data, "id")
        if not ID_PATTERN.match(rid):
            raise RecordError(f"id {rid!r}: use 2-64 lower-case letters, digits and _ starting with a letter")
        title_th = _text(data, "title_th")
        if not title_th:
            raise RecordError(f"{rid}: title_th is required")
        level = _text(data, "agency_level") or "central"
        if level not in AGENCY_LEVELS:
            raise RecordError(f"{rid}: agency_level must be one of {', '.join(AGENCY_LEVELS)}")
        status = _text(data, "status") or "draft"
        if status not in STATUSES:
            raise RecordError(f"{rid}: status must be one of {', '.join(STATUSES)}")
        version = data.get("version") or 0
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise RecordError(f"{rid}: version must be a non-negative integer")
        where = data.get("where_to_apply") or {}
        if not isinstance(where, Mapping):
            raise RecordError(f"{rid}: where_to_apply must be a mapping")
        short_th = _text(data, "short_th")
        if len(short_th) > SHORT_LABEL_MAX:
            raise RecordError(f"{rid}: short_th must be at most {SHORT_LABEL_MAX} characters")
        verified = data.get("verified", False)
        if not isinstance(verified, bool):
            raise RecordError(f"{rid}: verified must be true or false")
        return cls(
            id=rid,
            title_th=title_th,
            title_en=_text(data, "title_en"),
            short_th=short_th,
            agency=_text(data, "agency"),
            agency_level=level,
            description=_text(data, "description"),
            eligibility=_text(data, "eligibility"),
            documents=_text_list(data, "documents", rid),
            fees=tuple(_fee(item, rid) for item in _list(data, "fees", rid)),
            benefits=tuple(_fee(item, rid, key="benefits") for item in _list(data, "benefits", rid)),
            processing_time=_text(data, "processing_time"),
            processing_time_to_confirm=bool(data.get("processing_time_to_confirm", False)),
            where_to_apply=WhereToApply(
                offices=_text_list(where, "offices", rid),
                e_service_url=_text(where, "e_service_url"),
                online=_text(where, "online"),
            ),
            office_hours=_text(data, "office_hours"),
            legal_basis=_text(data, "legal_basis"),
            faqs=tuple(_faq(item, rid) for item in _list(data, "faqs", rid)),
            synonyms=_text_list(data, "synonyms", rid),
            approved_questions=_unique(_text_list(data, "approved_questions", rid)),
            english=_english(data.get("english"), rid),
            last_reviewed=_date(data.get("last_reviewed"), rid),
            source=_text(data, "source"),
            verified=verified,
            status=status,
            version=version,
        )


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple)):
        raise RecordError(f"{key} must be text")
    return str(value).strip()


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """First occurrence of each, order kept: approving a question twice adds it once."""
    return tuple(dict.fromkeys(items))


def _list(data: Mapping[str, Any], key: str, rid: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise RecordError(f"{rid}: {key} must be a list")
    return list(value)


def _text_list(data: Mapping[str, Any], key: str, rid: str) -> tuple[str, ...]:
    out = []
    for item in _list(data, key, rid):
        if isinstance(item, (dict, list, tuple)) or item is None:
            raise RecordError(f"{rid}: every item of {key} must be text")
        text = str(item).strip()
        if text:
            out.append(text)
    return tuple(out)


def _fee(item: Any, rid: str, *, key: str = "fees") -> Fee:
    if isinstance(item, str):
        return Fee(label="", amount=item.strip())
    if not isinstance(item, Mapping):
        raise RecordError(f"{rid}: each item of {key} is text or a mapping with label/amount/to_confirm")
    amount = _text(item, "amount")
    if not amount:
        raise RecordError(f"{rid}: each item of {key} needs an amount (a free service: 'ไม่มีค่าธรรมเนียม')")
    return Fee(label=_text(item, "label"), amount=amount, to_confirm=bool(item.get("to_confirm", False)))


def _english(value: Any, rid: str) -> EnglishText | None:
    if value in (None, ""):
        return None
    if not isinstance(value, Mapping):
        raise RecordError(f"{rid}: english must be a mapping of {', '.join(ENGLISH_FIELDS)}")
    unknown = sorted(set(map(str, value)) - set(ENGLISH_FIELDS))
    if unknown:
        raise RecordError(f"{rid}: unknown english field(s): {', '.join(unknown)}")
    text = EnglishText(
        title=_text(value, "title"),
        description=_text(value, "description"),
        eligibility=_text(value, "eligibility"),
        documents=_text_list(value, "documents", rid),
        processing_time=_text(value, "processing_time"),
        where=_text_list(value, "where", rid),
        online=_text(value, "online"),
    )
    return text if text.to_dict() else None


def _faq(item: Any, rid: str) -> FAQ:
    if not isinstance(item, Mapping):
        raise RecordError(f"{rid}: each faq is a mapping with question and answer")
    question, answer = _text(item, "question"), _text(item, "answer")
    if not question or not answer:
        raise RecordError(f"{rid}: each faq needs both question and answer")
    return FAQ(question=question, answer=answer)


def _date(value: Any, rid: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise RecordError(f"{rid}: last_reviewed must be a date like 2025-01-31") from exc

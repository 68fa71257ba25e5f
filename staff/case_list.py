"""The console's case list as one SQL query: one agency's cases, newest update first, filtered and paged
in the database, summary columns only (never contacts: a list is no place for personal data).

Filters come from a GET form, so a value this module does not know is reported back (and ignored)
rather than silently matching nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cases.models import Case, as_utc
from cases.registry import KIND_CODES, STATUSES
from nlu.characters import CLEAN_TABLE

PAGE_SIZE = 50
MAX_QUERY = 40
MAX_CATEGORY = 60
# What a reference search may contain once separators are dropped: letters and digits only.
_SEARCH_CHARS = re.compile(r"[A-Z0-9]{1,20}")
_SEPARATORS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True, slots=True)
class Filters:
    status: str = ""
    kind: str = ""
    category: str = ""
    text: str = ""  # as typed (shown back in the form)
    reference_part: str = ""  # normalised for the query: upper case, no separators


@dataclass(frozen=True, slots=True)
class Row:
    reference: str
    kind: str
    service_id: str
    category: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    total: int  # matching the filters
    all_cases: int  # of the agency
    categories: list[str]
    page: int
    pages: int


def parse_filters(query: dict[str, str]) -> tuple[Filters, list[str]]:
    """Filters from the query string, and a Thai message for each value that was not accepted."""
    errors: list[str] = []
    status = query.get("status", "").strip()
    if status and status not in STATUSES:
        errors.append("สถานะที่เลือกไม่มีในระบบ จึงแสดงทุกสถานะ")
        status = ""
    kind = query.get("kind", "").strip()
    if kind and kind not in KIND_CODES:
        errors.append("ประเภทเรื่องต้องเป็นคำขอหรือเรื่องร้องเรียน จึงแสดงทุกประเภท")
        kind = ""
    category = query.get("category", "").strip()
    if len(category) > MAX_CATEGORY:
        errors.append("หมวดหมู่ยาวเกินไป จึงแสดงทุกหมวดหมู่")
        category = ""
    text = query.get("q", "").strip()[:MAX_QUERY]
    reference_part = _SEPARATORS.sub("", text.translate(CLEAN_TABLE)).upper()
    if reference_part and not _SEARCH_CHARS.fullmatch(reference_part):
        errors.append("ค้นหาได้ด้วยเลขที่เรื่องหรือบางส่วนของเลขที่ เช่น CM69-0000-0018 หรือ 0018")
        reference_part = ""
    return Filters(status, kind, category, text, reference_part), errors


def _filtered(query: Select, agency_id: str, filters: Filters) -> Select:
    query = query.where(Case.agency_id == agency_id)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.kind:
        query = query.where(Case.kind == filters.kind)
    if filters.category:
        query = query.where(Case.category == filters.category)
    if filters.reference_part:
        # Compare without the dashes, so "69-0000" and "690000" both find CM69-0000-0018.
        compact = func.replace(Case.reference, "-", "")
        query = query.where(compact.contains(filters.reference_part, autoescape=True))
    return query


def list_page(db: Session, agency_id: str, filters: Filters, page: int = 1) -> Page:
    columns = (
        Case.reference,
        Case.kind,
        Case.service_id,
        Case.category,
        Case.status,
        Case.created_at,
        Case.updated_at,
    )
    base = _filtered(select(*columns), agency_id, filters)
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    result = db.execute(
        base.order_by(Case.updated_at.desc(), Case.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        Row(
            reference=r.reference,
            kind=r.kind,
            service_id=r.service_id,
            category=r.category or "",
            status=r.status,
            created_at=as_utc(r.created_at) or r.created_at,
            updated_at=as_utc(r.updated_at) or r.updated_at,
        )
        for r in result
    ]
    categories = [
        c
        for c in db.scalars(
            select(Case.category).where(Case.agency_id == agency_id).distinct().order_by(Case.category)
        )
        if c
    ]
    all_cases = db.scalar(select(func.count()).where(Case.agency_id == agency_id)) or 0
    return Page(rows, total, all_cases, categories, page, pages)

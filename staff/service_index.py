"""The console's service list as one SQL query: filters and paging in the database, summary columns
only. (`KnowledgeStore.list_services` loads every full record, which costs ~0.8 s per page view at
2,000 services; this reads the store's table directly, for reading only.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from knowledge.models import ServiceRow

PAGE_SIZE = 100
MAX_QUERY = 100


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    title_th: str
    title_en: str
    agency: str
    status: str
    version: int
    published_version: int | None
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    total: int  # matching the filters
    all_services: int
    agencies: list[str]
    page: int
    pages: int


def _filtered(query: Select, *, status: str, agency: str, text: str) -> Select:
    if status in ("draft", "published"):
        query = query.where(ServiceRow.status == status)
    elif status == "live":
        query = query.where(ServiceRow.published_version.is_not(None))
    if agency:
        query = query.where(ServiceRow.agency == agency)
    if text:
        query = query.where(
            ServiceRow.id.icontains(text, autoescape=True)
            | ServiceRow.title_th.icontains(text, autoescape=True)
            | ServiceRow.title_en.icontains(text, autoescape=True)
        )
    return query


def list_page(db: Session, *, status: str = "", agency: str = "", text: str = "", page: int = 1) -> Page:
    text = text.strip()[:MAX_QUERY]
    columns = (
        ServiceRow.id,
        ServiceRow.title_th,
        ServiceRow.title_en,
        ServiceRow.agency,
        ServiceRow.status,
        ServiceRow.version,
        ServiceRow.published_version,
        ServiceRow.updated_at,
        ServiceRow.updated_by,
    )
    base = _filtered(select(*columns), status=status, agency=agency, text=text)
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    result = db.execute(base.order_by(ServiceRow.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = [
        Row(
            id=r.id,
            title_th=r.title_th,
            title_en=r.title_en,
            agency=r.agency,
            status=r.status,
            version=r.version,
            published_version=r.published_version,
            updated_at=r.updated_at if r.updated_at.tzinfo else r.updated_at.replace(tzinfo=dt.UTC),
            updated_by=r.updated_by,
        )
        for r in result
    ]
    agencies = [a for a in db.scalars(select(ServiceRow.agency).distinct().order_by(ServiceRow.agency)) if a]
    all_services = db.scalar(select(func.count()).select_from(ServiceRow)) or 0
    return Page(rows, total, all_services, agencies, page, pages)

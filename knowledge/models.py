"""Knowledge-base tables: the working copy of each service, every saved version, and a revision counter.

The working copy (`kb_services`) is what staff edit; citizens and open data see the snapshot of
`published_version` in `kb_service_versions`, so an editor's draft never reaches the bot before a
reviewer publishes it. `kb_revision` is one row bumped on every publish/unpublish so long-lived
processes can notice changes with one cheap query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ServiceRow(Base):
    __tablename__ = "kb_services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    agency: Mapped[str] = mapped_column(String(300), default="")
    agency_level: Mapped[str] = mapped_column(String(20), default="central")
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fees: Mapped[list[Any]] = mapped_column(JSON, default=list)
    processing_time: Mapped[str] = mapped_column(Text, default="")
    processing_time_to_confirm: Mapped[bool] = mapped_column(Boolean, default=False)
    where_to_apply: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    office_hours: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    faqs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    synonyms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    last_reviewed: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class ServiceVersionRow(Base):
    """A full JSON snapshot of one saved version: history, diffs and the published copy come from here."""

    __tablename__ = "kb_service_versions"
    __table_args__ = (
        UniqueConstraint("service_id", "version", name="uq_kb_service_versions_service_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("kb_services.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class RevisionRow(Base):
    """Single row (id=1); `revision` grows by one on every change that citizens can see."""

    __tablename__ = "kb_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

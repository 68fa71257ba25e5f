"""The review queue: questions the bot could not answer well, kept (PII masked) for reviewers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

REASONS = ("unanswered", "low_confidence", "handover", "thumbs_down")
REVIEW_DECISIONS = ("service", "new_service", "out_of_scope", "wrong_answer", "dismissed")


class UnansweredMessage(Base):
    __tablename__ = "unanswered_messages"
    __table_args__ = (Index("ix_unanswered_messages_reason", "reason", "reviewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    # Keyed hash of the conversation id: groups one citizen's misses without identifying them.
    sender_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    masked_text: Mapped[str] = mapped_column(Text, nullable=False)
    top_intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    # Why it was kept for review (REASONS), what the bot gave (a response/action name or a service id)
    # and the service being talked about.
    reason: Mapped[str] = mapped_column(String(16), nullable=False, default="unanswered")
    bot_answer: Mapped[str | None] = mapped_column(String(80))
    service_id: Mapped[str | None] = mapped_column(String(80))
    # A reviewer's decision (staff teaching loop): when, which (REVIEW_DECISIONS) and its target (a
    # service id for "means service X" / "new service", an agency id for "out of scope, refer to").
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_decision: Mapped[str | None] = mapped_column(String(16))
    review_target: Mapped[str | None] = mapped_column(String(80))

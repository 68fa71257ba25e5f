"""Table of messages the bot could not answer, kept (PII masked) for content reviewers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class UnansweredMessage(Base):
    __tablename__ = "unanswered_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    # Keyed hash of the conversation id: groups one citizen's misses without identifying them.
    sender_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    masked_text: Mapped[str] = mapped_column(Text, nullable=False)
    top_intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)

"""Tables the analytics consumer fills from Rasa's broker events.

No column holds a sender id, a national id, a phone number or anything a citizen or the bot wrote:
a conversation is the keyed hash of its sender id (privacy.PersonalData.sender_hash), a message is
described by its channel, direction, intent (or the response the bot chose), confidence and flags.
`event_key` (sha256 of the event as published) makes ingestion idempotent: a redelivered event finds
its key and is skipped. `analytics_cursors` remembers how far a polled source was read, committed in
the same transaction as the rows, so a consumer killed at any point neither loses nor repeats events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from staff.models import UTCDateTime

IN = "in"  # a citizen's message
OUT = "out"  # the bot's message


class AnalyticsMessage(Base):
    """One user or bot message."""

    __tablename__ = "analytics_messages"
    __table_args__ = (
        Index("ix_analytics_messages_at", "at"),
        Index("ix_analytics_messages_conversation", "conversation", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(3))
    # in: the intent recognised; out: the response the bot chose (utter_… name), when known.
    intent: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    service_id: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnalyticsAction(Base):
    """One action the bot ran (handover, fallback, form, answer…): what the dialogue decided."""

    __tablename__ = "analytics_actions"
    __table_args__ = (Index("ix_analytics_actions_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    service_id: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnalyticsConversation(Base):
    """What the consumer knows of a conversation between events (and batches): the service talked
    about last (Rasa's `service_id` slot), when it was first and last seen."""

    __tablename__ = "analytics_conversations"

    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    service_id: Mapped[str | None] = mapped_column(String(80))
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # When the current turn began (the citizen's last message) and the last action run: a turn's rows
    # get the service its answer sets, and a bot message the custom action that sent it.
    turn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_action: Mapped[str | None] = mapped_column(String(80))


class AnalyticsCursor(Base):
    """How far a polled source (the SQL broker's `events` table) has been ingested: its last id."""

    __tablename__ = "analytics_cursors"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

"""Tables of the live handover: who owns a conversation, what was said in it, and what happened when.

Why the owner lives in the database and not in Rasa's tracker: every gateway replica checks it before
every Rasa call, so "a person owns this conversation" must be one row all of them read, on every
channel. A conversation is named by (channel, recipient_hash): the keyed hash of the channel's sender id
(privacy.PersonalData.keyed_hash), never the id itself. The address a staff reply goes to is sealed
(`recipient_enc`) and opened only by the delivery worker at send time.

Staff replies wait in `handover_messages` with their own delivery lease (the same pattern as the case
outbox: cases/outbox.py) and idempotency key, so a gateway killed mid-send loses no reply and sends
none twice. Citizen texts are stored with national ids masked (handover/transcript.py) because the
agent sees them; nothing here is logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from staff.models import UTCDateTime, utcnow

# Conversation owner states. "waiting": queued for a person (the bot stays quiet, messages go to the
# transcript); "active": an agent owns it; "closed" / "cancelled": the bot answers again.
WAITING = "waiting"
ACTIVE = "active"
CLOSED = "closed"
CANCELLED = "cancelled"
OPEN_STATES = (WAITING, ACTIVE)

# A system line that asks the 1-5 rating after close (HandoverMessage.kind): sent with buttons 1-5.
RATING = "rating"

# Who wrote a transcript line. Notes are internal: never delivered, shown only to staff.
CITIZEN = "citizen"
BOT = "bot"
STAFF = "staff"
NOTE = "note"
SYSTEM = "system"


class Handover(Base):
    """One request for a person, from queueing to close; at most one open (waiting/active) per
    conversation, enforced by the service layer under the database's write lock."""

    __tablename__ = "handovers"
    __table_args__ = (
        Index("ix_handovers_conversation", "channel", "recipient_hash", "status"),
        Index("ix_handovers_queue", "agency_id", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(40))  # knowledge/agencies.yml id
    channel: Mapped[str] = mapped_column(String(8))
    recipient_hash: Mapped[str] = mapped_column(String(64))
    recipient_enc: Mapped[str] = mapped_column(Text)  # sealed channel address (privacy.PersonalData)
    status: Mapped[str] = mapped_column(String(12), default=WAITING)
    reason: Mapped[str] = mapped_column(String(32))  # request_human | fallback | sensitive_topic
    intent: Mapped[str | None] = mapped_column(String(80), nullable=True)
    service_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(40), nullable=True)
    csat: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-5, asked when staff close
    csat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Bumped on every change, so the inbox's live view and the citizen's position notices can tell
    # "something moved" without comparing whole rows.
    version: Mapped[int] = mapped_column(Integer, default=1)


class HandoverMessage(Base):
    """One line of the transcript. Staff lines carry their own delivery state (pending → sent)."""

    __tablename__ = "handover_messages"
    __table_args__ = (Index("ix_handover_messages_due", "delivery_state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(8))  # citizen | bot | staff | note | system
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(12), default="text")  # text|image|sticker|location|rating
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # national ids masked
    media_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Delivery, for lines that go to the citizen (staff replies, system notices); None otherwise.
    delivery_state: Mapped[str | None] = mapped_column(String(12), nullable=True)  # pending|sent|failed
    idempotency_key: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claim_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class HandoverEvent(Base):
    """requested, queued, claimed, first_staff_reply, transferred, cancelled, closed, csat, … with
    times, for the analytics (issue 13). `detail` holds ids and codes only, never text."""

    __tablename__ = "handover_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(120), nullable=True)  # staff username or "citizen"
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class AgentPresence(Base):
    """Available or away, per agent; the wait estimate divides the queue by available agents."""

    __tablename__ = "agent_presence"

    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(12), default="away")  # available | away
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgencyClosure(Base):
    """A day range an agency declared closed (on top of weekends and Thai public holidays)."""

    __tablename__ = "agency_closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(40), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)  # inclusive
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallbackTicket(Base):
    """Out of hours, or nobody claimed in time: a person calls the citizen back on the given phone.

    The phone is sealed, with its last 4 digits for the staff list; the consent wording is stored
    exactly as the citizen saw it (PDPA)."""

    __tablename__ = "callback_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handover_id: Mapped[int | None] = mapped_column(
        ForeignKey("handovers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    agency_id: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient_hash: Mapped[str] = mapped_column(String(64))
    phone_enc: Mapped[str] = mapped_column(Text)
    phone_last4: Mapped[str] = mapped_column(String(4))
    service_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    consent_wording: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(120), nullable=True)

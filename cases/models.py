"""Tables of the case registry, its agency keys, the outbox and the delivery log.

Personal data (PDPA): a contact's channel identifier and phone number are never stored in clear.
Each is kept as a keyed hash (HMAC-SHA256, for lookup: "which cases did this LINE user file?") and,
only where a notice must be delivered to it, as AES-GCM ciphertext under a key held outside the
database. A phone given only so the citizen can prove who they are is kept as hash + last 4 digits.
Outbox payloads hold the case reference and status only; the recipient is resolved at delivery time,
so an opt-out or a purge takes effect even for notices already queued.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base

UTC = dt.UTC


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgencyApiKey(Base):
    """Only SHA-256 of the key is kept; `prefix` is the public part used to find the row."""

    __tablename__ = "agency_api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseCounter(Base):
    """One row per (kind, Buddhist-era year): the sequential serials of references issued before
    migration 0008. No longer written (new references are random: registry.new_reference); kept so
    the old rows and the schema stay as they were."""

    __tablename__ = "case_counters"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    be_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_agency_status", "agency_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    personal_data_purged_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    # complaints only
    category: Mapped[str | None] = mapped_column(String(60), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    location_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    location_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)

    history: Mapped[list[CaseHistory]] = relationship(
        back_populates="case", order_by="CaseHistory.id", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[CaseContact]] = relationship(
        back_populates="case", order_by="CaseContact.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[CasePhoto]] = relationship(
        back_populates="case", order_by="CasePhoto.id", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="case", order_by="Consent.id", cascade="all, delete-orphan"
    )


class CasePhoto(Base):
    """A stored file reference; the bytes live in the photo store, named by their SHA-256."""

    __tablename__ = "case_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    storage_ref: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="photos")


class CaseContact(Base):
    """How to reach the citizen about one case; see the module docstring for what is stored how."""

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    sender_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    sender_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    phone_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="contacts")


class Consent(Base):
    """What the citizen agreed to, in the exact words shown, and when (PDPA section 19)."""

    __tablename__ = "case_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    wording: Mapped[str] = mapped_column(Text)
    given_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    case: Mapped[Case] = relationship(back_populates="consents")


class CaseHistory(Base):
    __tablename__ = "case_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(32))
    public_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    actor: Mapped[str] = mapped_column(String(120))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="history")


class LookupBudget(Base):
    """How many attempts one subject has spent in one fixed time window of one budget.

    The guard against guessing a case's last 4 phone digits (cases/verification.py) and against
    minting endless web-chat sessions (channels/web/socket.py) counts here, in the database every
    process shares, so the limits hold across many sessions, processes and restarts. A spend is one
    INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite and PostgreSQL), so parallel attempts each get
    their own count and never more than the limit gets through. `subject` is a reference or a keyed
    hash (of an asker, of a client address): nothing typed and no identifier is kept in clear.
    """

    __tablename__ = "lookup_budgets"
    __table_args__ = (Index("ix_lookup_budgets_ends_at", "ends_at"),)

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_no: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    spent: Mapped[int] = mapped_column(Integer, default=0)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseAccessGrant(Base):
    """What a conversation proved: this asker gave the right last 4 phone digits of this case, so may
    see it (and ask for its updates) until `expires_at` (cases/grants.py).

    Held here, not in the conversation's slots, so nothing a conversation carries — a slot written
    by a tracker event, a replayed or copied tracker — can stand in for the proof (issue 14, finding
    3). `asker_hash` is the keyed hash of the asker the gateway vouched for (the same as the look-up
    budgets'); no digits and no identifier are kept in clear.
    """

    __tablename__ = "case_access_grants"
    __table_args__ = (Index("ix_case_access_grants_expires_at", "expires_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    asker_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Base):
    """The first answer to (agency, Idempotency-Key); a retry gets it back, a different body is refused."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("agency_id", "key", name="uq_idempotency_records_agency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """One notice to one contact, written in the same transaction as the status change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_contacts.id", ondelete="SET NULL"), nullable=True
    )
    history_id: Mapped[int] = mapped_column(ForeignKey("case_history.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claim_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class NotificationOptOut(Base):
    """A recipient who said stop (SMS STOP, LINE unfollow, "ยกเลิกแจ้งเตือน"): applies to every case."""

    __tablename__ = "notification_optouts"
    __table_args__ = (
        UniqueConstraint("channel", "recipient_hash", name="uq_notification_optouts_channel_recipient"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delivery(Base):
    """One attempt to hand an outbox row to a channel, with what came of it (no personal data)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8))
    idempotency_key: Mapped[str] = mapped_column(String(36))
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    result: Mapped[str] = mapped_column(String(24))
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)

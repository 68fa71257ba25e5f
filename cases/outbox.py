"""The outbox's database side: claim due notices for one worker, then record what became of them.

Claims are leases: a worker that dies mid-batch leaves rows with an expired `claim_until`, and the
next worker takes them again with the same idempotency key, so the provider recognises the retry.
PostgreSQL claims with SELECT … FOR UPDATE SKIP LOCKED (workers never wait on each other); SQLite
does the same UPDATE under BEGIN IMMEDIATE (cases.database), which makes the claim atomic there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from cases.models import CaseContact, Delivery, NotificationOptOut, OutboxMessage, as_utc
from cases.settings import CasesSettings
from privacy import PersonalData, SealError

Result = Literal["sent", "duplicate", "retry", "rejected", "skipped", "deferred"]


@dataclass(frozen=True)
class ClaimedNotice:
    outbox_id: int
    channel: str
    idempotency_key: str
    payload: dict[str, Any]
    urgent: bool
    attempts: int  # including this one
    created_at: dt.datetime
    recipient: str | None
    skip_reason: str | None


@dataclass(frozen=True)
class Attempt:
    notice: ClaimedNotice
    result: Result
    started_at: dt.datetime
    http_status: int | None = None
    detail: str | None = None
    retry_after: float | None = None
    defer_until: dt.datetime | None = None


def _recipient(
    contact: CaseContact | None, opted_out: set[tuple[str, str]], vault: PersonalData
) -> tuple[str | None, str | None]:
    """(address, None) to deliver, or (None, reason) to skip; checked at delivery time, not at enqueue."""
    if contact is None:
        return None, "contact_erased"
    if contact.opted_out_at is not None or not contact.notify:
        return None, "opted_out"
    hashes = {contact.sender_hash, contact.phone_hash} - {None}
    if any((contact.channel, h) in opted_out for h in hashes):
        return None, "opted_out"
    token = contact.phone_enc if contact.channel == "sms" else contact.sender_enc
    if token is None:
        return None, "no_address"
    try:
        return vault.open(token), None
    except SealError:
        return None, "undecryptable"


def claim_due(
    session: Session,
    *,
    worker_id: str,
    now: dt.datetime,
    limit: int,
    lease_seconds: float,
    channels: Collection[str],
    vault: PersonalData,
) -> list[ClaimedNotice]:
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claim_until.is_(None), OutboxMessage.claim_until < now),
            OutboxMessage.channel.in_(list(channels)),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed_ids = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(
            claimed_by=worker_id,
            claim_until=now + dt.timedelta(seconds=lease_seconds),
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed_ids:
        return []
    rows = session.execute(
        select(OutboxMessage, CaseContact)
        .outerjoin(CaseContact, CaseContact.id == OutboxMessage.contact_id)
        .where(OutboxMessage.id.in_(claimed_ids))
        .order_by(OutboxMessage.id)
    ).all()
    hashes = {h for _, c in rows if c is not None for h in (c.sender_hash, c.phone_hash) if h}
    opted_out = {
        (o.channel, o.recipient_hash)
        for o in session.scalars(
            select(NotificationOptOut).where(NotificationOptOut.recipient_hash.in_(hashes))
        )
    }
    notices = []
    for message, contact in rows:
        recipient, reason = _recipient(contact, opted_out, vault)
        notices.append(
            ClaimedNotice(
                outbox_id=message.id,
                channel=message.channel,
                idempotency_key=message.idempotency_key,
                payload=message.payload,
                urgent=message.urgent,
                attempts=message.attempts,
                created_at=as_utc(message.created_at) or now,
                recipient=recipient,
                skip_reason=reason,
            )
        )
    return notices


def quiet_hours_end(now: dt.datetime, settings: CasesSettings) -> dt.datetime | None:
    """When SMS may be sent again if `now` falls in quiet hours (21:00-08:00 local), else None."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    if settings.quiet_end_hour <= local.hour < settings.quiet_start_hour:
        return None
    resume = local.replace(hour=settings.quiet_end_hour, minute=0, second=0, microsecond=0)
    if local.hour >= settings.quiet_start_hour:
        resume += dt.timedelta(days=1)
    return resume.astimezone(dt.UTC)


def backoff_seconds(attempts: int, settings: CasesSettings, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (half to full of base·2^(n-1), capped), never below Retry-After."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** max(attempts - 1, 0))
    delay = ceiling * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security
    return max(delay, retry_after or 0.0)


_DELIVERY_RESULT = {
    "sent": "sent",
    "duplicate": "already_accepted",
    "rejected": "rejected",
    "skipped": "skipped",
    "deferred": "deferred_quiet_hours",
}


def record_attempts(
    session: Session,
    attempts: Sequence[Attempt],
    *,
    worker_id: str,
    now: dt.datetime,
    settings: CasesSettings,
) -> None:
    """Write each outcome to its outbox row (only if still pending) and to the delivery log.

    Delivered rows, the common case, are closed with one UPDATE per batch; the rest one by one.
    """
    sent_ids: list[int] = []
    log: list[Delivery] = []
    for a in attempts:
        n = a.notice
        log_result = _DELIVERY_RESULT.get(a.result, a.result)
        values: dict[str, Any] = {"claimed_by": None, "claim_until": None}
        if a.result in ("sent", "duplicate"):
            sent_ids.append(n.outbox_id)
        else:
            if a.result == "skipped":
                values.update(state="skipped", finished_at=now, last_error=n.skip_reason)
            elif a.result == "deferred":
                values.update(next_attempt_at=a.defer_until, attempts=OutboxMessage.attempts - 1)
            elif a.result == "rejected" or n.attempts >= settings.max_attempts:
                values.update(state="dead", finished_at=now, last_error=(a.detail or a.result)[:200])
                log_result = "rejected" if a.result == "rejected" else "gave_up"
            else:
                delay = backoff_seconds(n.attempts, settings, a.retry_after)
                values.update(
                    next_attempt_at=now + dt.timedelta(seconds=delay), last_error=(a.detail or "")[:200]
                )
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == n.outbox_id, OutboxMessage.state == "pending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        log.append(
            Delivery(
                outbox_id=n.outbox_id,
                attempt=n.attempts,
                channel=n.channel,
                idempotency_key=n.idempotency_key,
                worker=worker_id,
                started_at=a.started_at,
                finished_at=now,
                result=log_result,
                http_status=a.http_status,
                detail=(n.skip_reason or a.detail or None),
            )
        )
    if sent_ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(sent_ids), OutboxMessage.state == "pending")
            .values(state="sent", finished_at=now, last_error=None, claimed_by=None, claim_until=None)
            .execution_options(synchronize_session=False)
        )
    session.add_all(log)
    session.flush()

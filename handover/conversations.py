"""The citizen's side of a handover, as database operations: open, who owns the conversation now,
what the citizen wrote meanwhile, cancel, the rating after close, and the queue notices.

Plain functions over a Session so the gateway (handover/gate.py, in a thread) and tests call the same
code; the caller commits. Every change bumps `Handover.version` (the staff inbox watches it) and
records its event in the same transaction (handover/events.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handover import estimate, texts
from handover.events import record_event
from handover.models import (
    BOT,
    CANCELLED,
    CITIZEN,
    CLOSED,
    OPEN_STATES,
    SYSTEM,
    WAITING,
    Handover,
    HandoverEvent,
    HandoverMessage,
)
from nlu.pii import mask

DEFAULT_AGENCY = "gcc1111"  # the government contact centre takes what no agency was named for
RATING_WINDOW = dt.timedelta(minutes=30)  # a lone digit counts as the rating only this soon after close
MAX_LINE = 4000


@dataclass(frozen=True)
class Conversation:
    """A conversation as the handover tables name it: the channel and the keyed hash of its sender."""

    channel: str
    recipient_hash: str


@dataclass(frozen=True)
class Request:
    """What the dialogue asked for (the custom message {"handover": {...}} of action_handover)."""

    reason: str
    agency_id: str
    service_id: str | None = None
    intent: str | None = None
    transcript: tuple[tuple[str, str], ...] = ()  # (author "citizen"|"bot", text) from Rasa's tracker


@dataclass(frozen=True)
class Place:
    handover_id: int
    position: int
    minutes: int


def current(session: Session, conversation: Conversation) -> Handover | None:
    """The open (waiting or active) handover of this conversation, if any."""
    return session.scalars(
        select(Handover)
        .where(
            Handover.channel == conversation.channel,
            Handover.recipient_hash == conversation.recipient_hash,
            Handover.status.in_(OPEN_STATES),
        )
        .order_by(Handover.id.desc())
        .limit(1)
    ).first()


def place(session: Session, handover: Handover) -> Place:
    where = estimate.position(session, handover)
    return Place(handover.id, where, estimate.wait_minutes(session, handover, where))


def _line(
    handover: Handover, author: str, text: str | None, now: dt.datetime, **fields: object
) -> HandoverMessage:
    return HandoverMessage(
        handover_id=handover.id,
        author=author,
        text=mask(text)[:MAX_LINE] if text else None,
        created_at=now,
        **fields,
    )


def hold_queue(session: Session, agency_id: str) -> None:
    """Make this transaction the only one joining `agency_id`'s queue until it commits, so the place it
    tells is the place it gets: many citizens asking at once are told 1, 2, 3…, never the same number.
    PostgreSQL: a transaction-scoped advisory lock per agency (row locks cannot cover rows not yet
    written). SQLite: the first statement takes the database's write lock (BEGIN IMMEDIATE). Take it
    before reading the clock, so the time of asking follows the order of joining."""
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"handover-queue:{agency_id}".encode()).digest()
        session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True))))
    else:
        session.execute(select(1))


def open_handover(
    session: Session,
    conversation: Conversation,
    *,
    recipient_enc: str,
    request: Request,
    now: dt.datetime,
) -> Handover:
    """Queue the conversation for a person; asking again while queued keeps the first place."""
    existing = current(session, conversation)
    if existing is not None:
        return existing
    handover = Handover(
        agency_id=request.agency_id or DEFAULT_AGENCY,
        channel=conversation.channel,
        recipient_hash=conversation.recipient_hash,
        recipient_enc=recipient_enc,
        status=WAITING,
        reason=request.reason,
        intent=request.intent,
        service_id=request.service_id,
        requested_at=now,
        version=1,
    )
    session.add(handover)
    session.flush()
    for author, text in request.transcript:
        session.add(_line(handover, CITIZEN if author == CITIZEN else BOT, text, now))
    record_event(
        session, handover.id, "requested", actor="citizen", detail={"reason": request.reason}, at=now
    )
    record_event(session, handover.id, "queued", detail={"agency": handover.agency_id}, at=now)
    return handover


def record_citizen_line(
    session: Session,
    handover: Handover,
    *,
    kind: str,
    text: str | None,
    media_ref: str | None,
    now: dt.datetime,
    key: str | None = None,
) -> None:
    """What the citizen wrote while a person owns (or will own) the conversation: for the agent only.
    `key` names the gateway event: the same event handed back by the gateway's queue (a gateway killed
    after this commit, before its worker stored the answer) finds its line and adds no second one."""
    if key is not None:
        known = session.scalar(select(HandoverMessage.id).where(HandoverMessage.idempotency_key == key))
        if known is not None:
            return
    session.add(_line(handover, CITIZEN, text, now, kind=kind, media_ref=media_ref, idempotency_key=key))
    handover.version += 1


def cancel(session: Session, handover: Handover, *, now: dt.datetime, kind: str = "cancelled") -> None:
    """The citizen went back to the bot (or nobody claimed in time): the queue place is given up."""
    handover.status = CANCELLED
    handover.closed_at = now
    handover.version += 1
    record_event(session, handover.id, "cancelled" if kind == "cancelled" else "unclaimed_timeout", at=now)


def awaiting_rating(session: Session, conversation: Conversation, now: dt.datetime) -> Handover | None:
    """The handover staff closed moments ago whose rating question is still unanswered."""
    latest = session.scalars(
        select(Handover)
        .where(
            Handover.channel == conversation.channel, Handover.recipient_hash == conversation.recipient_hash
        )
        .order_by(Handover.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.status != CLOSED or latest.csat is not None or latest.closed_at is None:
        return None
    return latest if now - latest.closed_at <= RATING_WINDOW else None


def record_rating(session: Session, handover: Handover, score: int, *, now: dt.datetime) -> None:
    handover.csat = score
    handover.csat_at = now
    handover.version += 1
    record_event(session, handover.id, "csat", actor="citizen", detail={"score": score}, at=now)


def _last_position(session: Session, handover_id: int) -> int | None:
    event = session.scalars(
        select(HandoverEvent)
        .where(HandoverEvent.handover_id == handover_id, HandoverEvent.kind == "position")
        .order_by(HandoverEvent.id.desc())
        .limit(1)
    ).first()
    return None if event is None or not event.detail else int(event.detail.get("position", -1))


# Notice keys are UUIDs (what LINE's X-Line-Retry-Key takes), derived from what the notice says about
# which handover, so two replicas writing the same notice collide on the unique key instead of both
# sending it.
NOTICE_KEYS = uuid.UUID("8f3d2c1e-6b0a-4f57-9c2e-1d4b7a9e0c35")


def _notice(session: Session, handover: Handover, text: str, now: dt.datetime, name: str) -> None:
    session.add(
        _line(
            handover,
            SYSTEM,
            text,
            now,
            delivery_state="pending",
            idempotency_key=str(uuid.uuid5(NOTICE_KEYS, name)),
            next_attempt_at=now,
        )
    )


def announce_claim(session: Session, handover: Handover, *, now: dt.datetime) -> None:
    """Tell the citizen a person took the conversation, in the claim's own transaction (whose version
    bump covers it): delivered in order per handover, it always comes before that person's first reply."""
    _notice(session, handover, texts.CLAIMED, now, f"h{handover.id}-claimed-{uuid.uuid4().hex[:12]}")
    record_event(session, handover.id, "position", detail={"position": 0}, at=now)


def notices_due(session: Session, *, now: dt.datetime, claim_timeout: dt.timedelta) -> bool:
    """Whether `queue_notices` has anything to do, read without the write lock in two queries: most
    rounds find nothing moved, and then no replica holds SQLite's lock or PostgreSQL's row locks
    (which a claim would wait on)."""
    waiting = session.execute(
        select(Handover.id, Handover.agency_id, Handover.requested_at)
        .where(Handover.status == WAITING)
        .order_by(Handover.agency_id, Handover.requested_at, Handover.id)
    ).all()
    if any(now - requested_at >= claim_timeout for _id, _agency, requested_at in waiting):
        return True
    told: dict[int, int] = {}
    for handover_id, detail in session.execute(
        select(HandoverEvent.handover_id, HandoverEvent.detail)
        .where(HandoverEvent.kind == "position", HandoverEvent.handover_id.in_([w[0] for w in waiting]))
        .order_by(HandoverEvent.id)
    ):
        told[handover_id] = int((detail or {}).get("position", -1))
    places: dict[str, int] = {}
    for handover_id, agency_id, _requested_at in waiting:
        places[agency_id] = places.get(agency_id, 0) + 1
        last = told.get(handover_id)
        if last is None or last == 0 or places[agency_id] < last:
            return True
    return False


def queue_notices(session: Session, *, now: dt.datetime, claim_timeout: dt.timedelta) -> int:
    """Tell waiting citizens when their place moves, and give up places nobody claimed in
    `claim_timeout` (with the call-back offer). Returns how many
    notices were queued for delivery. Rows are locked (FOR UPDATE; SQLite's write lock), and the last
    told position is an event, so two gateway replicas running this never tell anything twice."""
    queued = 0
    rows: Sequence[Handover] = session.scalars(
        select(Handover).where(Handover.status == WAITING).order_by(Handover.id).with_for_update()
    ).all()
    for handover in rows:
        told = _last_position(session, handover.id)
        if now - handover.requested_at >= claim_timeout:
            cancel(session, handover, now=now, kind="unclaimed_timeout")
            _notice(session, handover, texts.UNCLAIMED, now, f"h{handover.id}-unclaimed")
            queued += 1
            continue
        where = place(session, handover)
        if told is None:  # the queue answer itself told the first position
            record_event(session, handover.id, "position", detail={"position": where.position}, at=now)
        elif told == 0 or where.position < told:  # moved up, or transferred back into a queue
            text = texts.position_moved(where.position, where.minutes)
            _notice(session, handover, text, now, f"h{handover.id}-pos-{where.position}-{handover.version}")
            handover.version += 1
            record_event(session, handover.id, "position", detail={"position": where.position}, at=now)
            queued += 1
    return queued

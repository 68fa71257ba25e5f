"""The staff side of a live handover: what an agent may see and do, as plain functions over a Session.

Every function takes the acting staff member (`Agent`) and checks their agency first: an agent sees
only the handovers queued for their own agency, an admin every agency's; a handover of another agency
is reported exactly like one that does not exist (NotFound), so ids tell nothing across agencies.

Each change bumps `Handover.version` (the inbox's live view and the citizen's notices watch it) and
records its HandoverEvent in the same transaction (handover.events). Functions are synchronous and
leave committing to the caller (staff.database.Database runs them in a worker thread, in one
transaction, on the console's BEGIN IMMEDIATE sessions on SQLite).

"Exactly one claim wins": the claim is one conditional UPDATE ... WHERE status='waiting'; the row
count decides. On PostgreSQL the second UPDATE waits for the first one's row lock and then finds the
status changed; on SQLite the write lock serialises them. Other changes lock the row first
(SELECT ... FOR UPDATE; a no-op on SQLite, whose IMMEDIATE transaction already holds the lock), so a
reply and a close cannot interleave.

Nothing here logs text: transcripts hold what citizens wrote (national ids masked when stored).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, false, func, select, true, update
from sqlalchemy.orm import Session

from cases.models import Case, CaseContact
from cases.registry import TERMINAL_STATUSES
from channels.text_input import sanitize_text
from handover.conversations import announce_claim
from handover.events import record_event
from handover.models import (
    ACTIVE,
    CANCELLED,
    CLOSED,
    NOTE,
    RATING,
    STAFF,
    SYSTEM,
    WAITING,
    AgentPresence,
    Handover,
    HandoverMessage,
)
from knowledge.record import ServiceRecord
from staff.agencies import directory
from staff.models import StaffUser, utcnow
from staff.roles import Role

MAX_TEXT_CHARS = 2000  # a reply; the delivery worker splits it per channel (LINE, SMS segments)
CANNED_MAX = 6
CANNED_CHARS = 500
LIST_LIMIT = 200

STATUSES = (WAITING, ACTIVE, CLOSED, CANCELLED)
Owner = Literal["mine", "others"]
PRESENCE = ("available", "away")

# Closing codes, for the analytics (issue 13); the Thai label is what the console shows.
RESOLUTIONS: dict[str, str] = {
    "answered": "ตอบคำถามแล้ว",
    "case_opened": "รับเรื่องไว้ดำเนินการต่อ",
    "referred": "แนะนำให้ติดต่อหน่วยงานอื่น",
    "no_reply": "ประชาชนไม่ตอบกลับ",
    "duplicate": "เรื่องซ้ำ",
    "other": "อื่น ๆ",
}

# Sent to the citizen when staff close; the gateway takes the next 1-5 as the rating (handover.csat).
CSAT_QUESTION_TH = "เจ้าหน้าที่ปิดการสนทนาแล้วค่ะ ช่วยให้คะแนนการบริการ 1-5 ได้ไหมคะ (5 = ดีมาก)"


class InboxError(Exception):
    """An operation refused; `code` is stable for API clients, `message` is Thai for the console."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code, self.message, self.field = code, message, field


class NotFound(InboxError):
    status = 404


class Forbidden(InboxError):
    status = 403


class Conflict(InboxError):
    status = 409


class Invalid(InboxError):
    status = 422


@dataclass(frozen=True, slots=True)
class Agent:
    """Who is acting: a signed-in staff member or the user behind an API token."""

    user_id: int
    username: str
    role: str
    agency_id: str | None

    @property
    def every_agency(self) -> bool:
        return self.role == Role.ADMIN.value


@dataclass(frozen=True, slots=True)
class HandoverView:
    id: int
    agency_id: str
    agency_name: str
    channel: str
    status: str
    reason: str
    intent: str | None
    service_id: str | None
    agent_id: int | None
    agent_username: str | None
    mine: bool
    requested_at: dt.datetime
    claimed_at: dt.datetime | None
    first_reply_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str | None
    csat: int | None
    version: int
    last_message_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agency": self.agency_id,
            "agency_name": self.agency_name,
            "channel": self.channel,
            "status": self.status,
            "reason": self.reason,
            "intent": self.intent,
            "service_id": self.service_id,
            "agent": self.agent_username,
            "mine": self.mine,
            "requested_at": _iso(self.requested_at),
            "claimed_at": _iso(self.claimed_at),
            "first_reply_at": _iso(self.first_reply_at),
            "closed_at": _iso(self.closed_at),
            "resolution": self.resolution,
            "csat": self.csat,
            "version": self.version,
            "last_message_id": self.last_message_id,
        }


@dataclass(frozen=True, slots=True)
class LineView:
    id: int
    author: str
    kind: str
    text: str | None
    media_ref: str | None
    staff_username: str | None
    created_at: dt.datetime
    delivery_state: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "kind": self.kind,
            "text": self.text,
            "media_ref": self.media_ref,
            "staff": self.staff_username,
            "created_at": _iso(self.created_at),
            "delivery_state": self.delivery_state,
        }


@dataclass(frozen=True, slots=True)
class Transcript:
    handover: HandoverView
    lines: tuple[LineView, ...]

    def to_json(self) -> dict[str, Any]:
        return {"handover": self.handover.to_json(), "lines": [line.to_json() for line in self.lines]}


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def agency_exists(agency_id: str) -> bool:
    return directory().get(agency_id) is not None


def agency_label(agency_id: str) -> str:
    listed = directory().get(agency_id)
    return listed.name_th if listed else agency_id


def agency_choices() -> list[tuple[str, str]]:
    """(id, Thai name) of every queue a handover can be transferred to."""
    return [(a.id, a.name_th) for a in directory().agencies]


# -- scope --------------------------------------------------------------------------------------------


def _visible(agent: Agent) -> ColumnElement[bool]:
    """The handovers this agent may see: their agency's; every agency's for an admin; none without."""
    if agent.every_agency:
        return true()
    if not agent.agency_id:
        return false()
    return Handover.agency_id == agent.agency_id


def _locked(session: Session, agent: Agent, handover_id: int) -> Handover:
    row = session.scalars(
        select(Handover)
        .where(Handover.id == handover_id, _visible(agent))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound("not_found", "ไม่พบการสนทนานี้")
    return row


def _bump(row: Handover) -> None:
    row.version = (row.version or 0) + 1


# -- reading ------------------------------------------------------------------------------------------


def list_handovers(
    session: Session,
    agent: Agent,
    status: str,
    *,
    owner: Owner | None = None,
    limit: int = LIST_LIMIT,
) -> list[HandoverView]:
    """Handovers in one status (waiting: oldest first, the queue's order; others: newest first)."""
    if status not in STATUSES:
        raise Invalid("bad_status", "สถานะต้องเป็น waiting, active, closed หรือ cancelled", "status")
    query = select(Handover).where(_visible(agent), Handover.status == status)
    if owner == "mine":
        query = query.where(Handover.agent_id == agent.user_id)
    elif owner == "others":
        query = query.where((Handover.agent_id != agent.user_id) | Handover.agent_id.is_(None))
    if status == WAITING:
        query = query.order_by(Handover.requested_at, Handover.id)
    elif status == ACTIVE:
        query = query.order_by(Handover.claimed_at.desc(), Handover.id.desc())
    else:
        query = query.order_by(Handover.closed_at.desc(), Handover.id.desc())
    rows = list(session.scalars(query.limit(max(1, min(limit, LIST_LIMIT)))))
    return _views(session, agent, rows)


def get_handover(session: Session, agent: Agent, handover_id: int) -> HandoverView:
    row = session.scalars(select(Handover).where(Handover.id == handover_id, _visible(agent))).first()
    if row is None:
        raise NotFound("not_found", "ไม่พบการสนทนานี้")
    return _views(session, agent, [row])[0]


def transcript(session: Session, agent: Agent, handover_id: int) -> Transcript:
    """The handover and every line of it in order (citizen text was masked when stored)."""
    view = get_handover(session, agent, handover_id)
    rows = session.execute(
        select(HandoverMessage, StaffUser.username)
        .outerjoin(StaffUser, StaffUser.id == HandoverMessage.staff_user_id)
        .where(HandoverMessage.handover_id == handover_id)
        .order_by(HandoverMessage.id)
    ).all()
    lines = tuple(
        LineView(
            id=m.id,
            author=m.author,
            kind=m.kind,
            text=m.text,
            media_ref=m.media_ref,
            staff_username=username,
            created_at=m.created_at,
            delivery_state=m.delivery_state,
        )
        for m, username in rows
    )
    return Transcript(view, lines)


PHOTO_PREFIX = "photo:"  # a citizen's photo kept in the case photo store (handover.gate)


def photo_ref(session: Session, agent: Agent, handover_id: int, line_id: int) -> str | None:
    """The photo store reference of a citizen's photo line in a visible handover, else None."""
    media = session.scalar(
        select(HandoverMessage.media_ref)
        .join(Handover, Handover.id == HandoverMessage.handover_id)
        .where(HandoverMessage.id == line_id, Handover.id == handover_id, _visible(agent))
    )
    if not media or not media.startswith(PHOTO_PREFIX):
        return None
    return media[len(PHOTO_PREFIX) :]


def live_state(session: Session, agent: Agent, *, closed_limit: int = 50) -> list[tuple[int, int, int]]:
    """(id, version, last line id) of every visible open handover, and (id, version, 0) of the latest
    ended ones: what the inbox's live stream compares between polls to tell that something moved.
    Twice a second per open console, so it reads only indexed columns of open handovers."""
    last_line = (
        select(func.max(HandoverMessage.id))
        .where(HandoverMessage.handover_id == Handover.id)
        .correlate(Handover)
        .scalar_subquery()
    )
    open_rows = session.execute(
        select(Handover.id, Handover.version, func.coalesce(last_line, 0))
        .where(_visible(agent), Handover.status.in_((WAITING, ACTIVE)))
        .order_by(Handover.id)
    ).all()
    ended = session.execute(
        select(Handover.id, Handover.version)
        .where(_visible(agent), Handover.status.in_((CLOSED, CANCELLED)))
        .order_by(Handover.id.desc())
        .limit(closed_limit)
    ).all()
    return [(int(i), int(v), int(m)) for i, v, m in open_rows] + [(int(i), int(v), 0) for i, v in ended]


def _views(session: Session, agent: Agent, rows: Sequence[Handover]) -> list[HandoverView]:
    ids = [r.id for r in rows]
    agents = {r.agent_id for r in rows if r.agent_id is not None}
    names: dict[int, str] = {}
    if agents:
        query = select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(agents))
        names = {int(i): str(n) for i, n in session.execute(query)}
    last: dict[int, int] = {}
    if ids:
        latest = (
            select(HandoverMessage.handover_id, func.max(HandoverMessage.id))
            .where(HandoverMessage.handover_id.in_(ids))
            .group_by(HandoverMessage.handover_id)
        )
        last = {int(h): int(m) for h, m in session.execute(latest)}
    return [
        HandoverView(
            id=r.id,
            agency_id=r.agency_id,
            agency_name=agency_label(r.agency_id),
            channel=r.channel,
            status=r.status,
            reason=r.reason,
            intent=r.intent,
            service_id=r.service_id,
            agent_id=r.agent_id,
            agent_username=names.get(r.agent_id) if r.agent_id is not None else None,
            mine=r.agent_id is not None and r.agent_id == agent.user_id,
            requested_at=r.requested_at,
            claimed_at=r.claimed_at,
            first_reply_at=r.first_reply_at,
            closed_at=r.closed_at,
            resolution=r.resolution,
            csat=r.csat,
            version=r.version,
            last_message_id=last.get(r.id),
        )
        for r in rows
    ]


# -- changes ------------------------------------------------------------------------------------------


def claim(
    session: Session, agent: Agent, handover_id: int, *, now: dt.datetime | None = None
) -> HandoverView:
    """Take a waiting handover. Of two agents claiming at once exactly one wins; the other gets Conflict."""
    now = now or utcnow()
    result = session.execute(
        update(Handover)
        .where(Handover.id == handover_id, Handover.status == WAITING, _visible(agent))
        .values(status=ACTIVE, agent_id=agent.user_id, claimed_at=now, version=Handover.version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        row = session.scalars(select(Handover).where(Handover.id == handover_id, _visible(agent))).first()
        if row is None:
            raise NotFound("not_found", "ไม่พบการสนทนานี้")
        if row.status == ACTIVE:
            raise Conflict("taken", "มีเจ้าหน้าที่คนอื่นรับเรื่องนี้ไปแล้ว")
        raise Conflict("not_waiting", "การสนทนานี้จบไปแล้ว รับเรื่องไม่ได้")
    record_event(
        session, handover_id, "claimed", actor=agent.username, detail={"agent_id": agent.user_id}, at=now
    )
    announce_claim(session, session.get_one(Handover, handover_id), now=now)
    session.flush()
    return get_handover(session, agent, handover_id)


def _owned_active(row: Handover, agent: Agent) -> None:
    """Only the agent who claimed an active handover may write to the citizen in it."""
    if row.status in (CLOSED, CANCELLED):
        raise Conflict("closed", "การสนทนานี้ปิดแล้ว ส่งข้อความถึงประชาชนไม่ได้")
    if row.status == WAITING:
        raise Conflict("not_claimed", "ต้องรับเรื่องก่อนจึงจะตอบได้")
    if row.agent_id != agent.user_id:
        raise Forbidden("not_owner", "การสนทนานี้มีเจ้าหน้าที่คนอื่นรับไว้ ตอบแทนไม่ได้")


def clean_text(raw: object, field: str = "text") -> str:
    """A reply or note as it will be stored: sanitised, stripped, 1-2,000 characters."""
    if not isinstance(raw, str):
        raise InboxError("bad_text", "ข้อความต้องเป็นตัวอักษร", field)
    text = sanitize_text(raw).strip()
    if not text:
        raise Invalid("empty_text", "ข้อความว่าง", field)
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid("text_too_long", f"ข้อความยาวเกิน {MAX_TEXT_CHARS:,} ตัวอักษร", field)
    return text


def reply(
    session: Session, agent: Agent, handover_id: int, text: str, *, now: dt.datetime | None = None
) -> LineView:
    """A staff line to the citizen, pending for the delivery worker (the caller wakes it after commit)."""
    body = clean_text(text)
    now = now or utcnow()
    row = _locked(session, agent, handover_id)
    _owned_active(row, agent)
    line = HandoverMessage(
        handover_id=row.id,
        author=STAFF,
        staff_user_id=agent.user_id,
        kind="text",
        text=body,
        created_at=now,
        delivery_state="pending",
        idempotency_key=str(uuid.uuid4()),
        attempts=0,
        next_attempt_at=now,
    )
    session.add(line)
    if row.first_reply_at is None:
        row.first_reply_at = now
        record_event(session, row.id, "first_staff_reply", actor=agent.username, at=now)
    _bump(row)
    session.flush()
    return _line(line, agent.username)


def add_note(
    session: Session, agent: Agent, handover_id: int, text: str, *, now: dt.datetime | None = None
) -> LineView:
    """An internal note: staff see it in the transcript, the citizen never does (no delivery state)."""
    body = clean_text(text)
    now = now or utcnow()
    row = _locked(session, agent, handover_id)
    line = _note(session, row, agent, body, now)
    record_event(session, row.id, "note", actor=agent.username, at=now)
    _bump(row)
    session.flush()
    return _line(line, agent.username)


def transfer(
    session: Session, agent: Agent, handover_id: int, agency: object, *, now: dt.datetime | None = None
) -> HandoverView:
    """Move an open handover to another agency's queue: waiting again, nobody owning it."""
    if not isinstance(agency, str) or not agency_exists(agency.strip()):
        raise Invalid("unknown_agency", "ไม่พบหน่วยงานปลายทางใน knowledge/agencies.yml", "agency")
    target = agency.strip()
    now = now or utcnow()
    row = _locked(session, agent, handover_id)
    if row.status in (CLOSED, CANCELLED):
        raise Conflict("closed", "การสนทนานี้จบไปแล้ว โอนไม่ได้")
    if row.status == ACTIVE and row.agent_id != agent.user_id and not agent.every_agency:
        raise Forbidden("not_owner", "การสนทนานี้มีเจ้าหน้าที่คนอื่นรับไว้ โอนแทนไม่ได้")
    if target == row.agency_id:
        raise Invalid("same_agency", "การสนทนานี้อยู่ในคิวของหน่วยงานนี้อยู่แล้ว", "agency")
    source = row.agency_id
    _note(session, row, agent, f"โอนเรื่องจาก{agency_label(source)} ไปยัง{agency_label(target)}", now)
    row.agency_id, row.status, row.agent_id, row.claimed_at = target, WAITING, None, None
    record_event(
        session, row.id, "transferred", actor=agent.username, detail={"from": source, "to": target}, at=now
    )
    _bump(row)
    session.flush()
    view = _views(session, agent, [row])[0]
    return view


def close(
    session: Session, agent: Agent, handover_id: int, resolution: object, *, now: dt.datetime | None = None
) -> HandoverView:
    """End an active handover with a resolution code; the citizen is asked for a 1-5 rating (pending)."""
    if not isinstance(resolution, str) or resolution not in RESOLUTIONS:
        raise Invalid("unknown_resolution", "รหัสผลการดำเนินการไม่ถูกต้อง", "resolution")
    now = now or utcnow()
    row = _locked(session, agent, handover_id)
    if row.status in (CLOSED, CANCELLED):
        raise Conflict("closed", "การสนทนานี้ปิดแล้ว")
    if row.status == WAITING:
        raise Conflict("not_claimed", "ต้องรับเรื่องก่อนจึงจะปิดได้")
    if row.agent_id != agent.user_id and not agent.every_agency:
        raise Forbidden("not_owner", "การสนทนานี้มีเจ้าหน้าที่คนอื่นรับไว้ ปิดแทนไม่ได้")
    row.status, row.closed_at, row.resolution = CLOSED, now, resolution
    session.add(
        HandoverMessage(
            handover_id=row.id,
            author=SYSTEM,
            kind=RATING,  # delivered with one-tap 1-5 where the channel has buttons
            text=CSAT_QUESTION_TH,
            created_at=now,
            delivery_state="pending",
            idempotency_key=str(uuid.uuid4()),
            attempts=0,
            next_attempt_at=now,
        )
    )
    record_event(session, row.id, "closed", actor=agent.username, detail={"resolution": resolution}, at=now)
    _bump(row)
    session.flush()
    return _views(session, agent, [row])[0]


def set_presence(session: Session, agent: Agent, status: object, *, now: dt.datetime | None = None) -> str:
    """available / away, which the citizen's wait estimate counts (handover.estimate)."""
    if status not in PRESENCE:
        raise Invalid("bad_presence", "สถานะต้องเป็น available หรือ away", "status")
    assert isinstance(status, str)
    now = now or utcnow()
    row = session.get(AgentPresence, agent.user_id, with_for_update=True)
    if row is None:
        session.add(AgentPresence(staff_user_id=agent.user_id, status=status, updated_at=now))
    else:
        row.status, row.updated_at = status, now
    session.flush()
    return status


def away_on_sign_out(session: Session, user_id: int, *, now: dt.datetime | None = None) -> None:
    """Signing out of the console means away: a queue must not count someone who left."""
    session.execute(
        update(AgentPresence)
        .where(AgentPresence.staff_user_id == user_id, AgentPresence.status != "away")
        .values(status="away", updated_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def presence_of(session: Session, agent: Agent) -> str:
    row = session.get(AgentPresence, agent.user_id)
    return row.status if row else "away"


def _note(session: Session, row: Handover, agent: Agent, text: str, now: dt.datetime) -> HandoverMessage:
    line = HandoverMessage(
        handover_id=row.id, author=NOTE, staff_user_id=agent.user_id, kind="text", text=text, created_at=now
    )
    session.add(line)
    return line


def _line(m: HandoverMessage, username: str | None) -> LineView:
    return LineView(
        id=m.id,
        author=m.author,
        kind=m.kind,
        text=m.text,
        media_ref=m.media_ref,
        staff_username=username,
        created_at=m.created_at,
        delivery_state=m.delivery_state,
    )


# -- the citizen's open cases -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseSummary:
    reference: str
    kind: str
    service_id: str
    agency_id: str
    status: str
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        updated = self.updated_at if self.updated_at.tzinfo else self.updated_at.replace(tzinfo=dt.UTC)
        return {
            "reference": self.reference,
            "kind": self.kind,
            "service_id": self.service_id,
            "agency": self.agency_id,
            "status": self.status,
            "updated_at": _iso(updated),
        }


def open_cases(session: Session, agent: Agent, handover_id: int, *, limit: int = 20) -> list[CaseSummary]:
    """The citizen's cases that are not finished, recognised exactly as the bot recognises its asker:
    a case contact with the same channel and keyed sender hash (the channel account that filed or
    followed it). Reference, service, agency and status only: no contact data, no description."""
    row = session.scalars(select(Handover).where(Handover.id == handover_id, _visible(agent))).first()
    if row is None:
        raise NotFound("not_found", "ไม่พบการสนทนานี้")
    theirs = select(CaseContact.case_id).where(
        CaseContact.channel == row.channel, CaseContact.sender_hash == row.recipient_hash
    )
    cases = session.scalars(
        select(Case)
        .where(Case.id.in_(theirs), Case.status.not_in(TERMINAL_STATUSES))
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [
        CaseSummary(c.reference, c.kind, c.service_id, c.agency_id, c.status, c.updated_at) for c in cases
    ]


# -- canned answers -----------------------------------------------------------------------------------


def canned_answers(record: ServiceRecord | None) -> list[str]:
    """A few short replies an agent can send as they are, from the service's published record:
    documents, fees, where to apply, how long, then its FAQs. Empty without a published record."""
    if record is None:
        return []
    name = record.title_th
    out: list[str] = []
    if record.documents:
        out.append(f"{name} ใช้เอกสารดังนี้ค่ะ\n" + _bullets(record.documents))
    if record.fees:
        fees = [f"{f.label}: {f.amount}" for f in record.fees]
        out.append(f"ค่าธรรมเนียม{name}ค่ะ\n" + _bullets(fees))
    where = record.where_to_apply
    if where.offices or where.online or where.e_service_url:
        parts = []
        if where.offices:
            parts.append("ยื่นได้ที่ " + ", ".join(where.offices))
        if where.online:
            parts.append("ออนไลน์: " + where.online)
        if where.e_service_url:
            parts.append(where.e_service_url)
        out.append(f"{name}ค่ะ " + " · ".join(parts))
    if record.processing_time:
        out.append(f"{name} ใช้เวลาประมาณ {record.processing_time} ค่ะ")
    out.extend(f.answer for f in record.faqs if f.answer)
    return [_cut(text) for text in dict.fromkeys(out)][:CANNED_MAX]


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _cut(text: str) -> str:
    text = text.strip()
    return text if len(text) <= CANNED_CHARS else text[: CANNED_CHARS - 1].rstrip() + "…"

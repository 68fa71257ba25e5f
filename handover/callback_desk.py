"""The staff side of call-back tickets and agency closures: what an agent may see and do, over a Session.

The bot promises "เจ้าหน้าที่จะโทรกลับ" out of hours (handover/callbacks.py stores the ticket); these
functions are how that promise is kept: the agency's open tickets oldest first (phone masked to its
last 4 digits), the full number opened for one ticket only on request and audited every time, and a
ticket marked done by exactly one agent (one conditional UPDATE ... WHERE status='open'; the row count
decides, on SQLite and PostgreSQL alike, as the inbox's claim does).

Closures are the days an agency declared its desk shut (AgencyClosure); the action server reads them
through handover/office_hours.py DatabaseClosures, so a closure added here is seen by the next
office-hours question. Only future closures can be declared or deleted: a past day's answer to a
citizen cannot be changed any more.

Scope as in handover/inbox.py: an agent sees their own agency's rows, an admin every agency's; another
agency's row is NotFound exactly like an id that does not exist. Every change and every reveal is in
the audit log (staff/audit.py) in the same transaction; the caller commits. The outcome code of a
done ticket lives in that audit entry (and the handover's event), not in a column of its own.
Nothing here logs a phone number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, false, select, true, update
from sqlalchemy.orm import Session

from channels.text_input import sanitize_text
from handover.erasure import ERASED_OUTCOME, ERASURE_ACTOR
from handover.events import record_event
from handover.inbox import (
    Agent,
    Conflict,
    Forbidden,
    InboxError,
    Invalid,
    NotFound,
    agency_exists,
    agency_label,
)
from handover.models import AgencyClosure, CallbackTicket
from handover.office_hours import BANGKOK
from privacy import PersonalData
from privacy.sealing import SealError
from staff import audit
from staff.audit import Actor
from staff.models import AuditEntry

OPEN = "open"
DONE = "done"
TICKET_STATUSES = (OPEN, DONE)
LIST_LIMIT = 200
MAX_REASON_CHARS = 200
MAX_CLOSURE_DAYS = 366  # a longer closure is a mistake in a date, not a closure

# Audit actions (staff/audit.py), one per kind of act.
AUDIT_REVEAL = "callback.reveal"
AUDIT_DONE = "callback.done"
AUDIT_CLOSURE_ADD = "closure.add"
AUDIT_CLOSURE_DELETE = "closure.delete"

# What came of the call, for the analytics (issue 13); the Thai label is what the console shows.
OUTCOMES: dict[str, str] = {
    "reached": "โทรติดต่อได้และให้ข้อมูลแล้ว",
    "no_answer": "โทรแล้วไม่มีผู้รับสาย",
    "wrong_number": "เบอร์โทรไม่ถูกต้อง",
    "case_opened": "รับเรื่องไว้ดำเนินการต่อ",
    "other": "อื่น ๆ",
}


class Erased(InboxError):
    """The number was erased at the citizen's request: there is nothing to show."""

    status = 410


class KeysMissing(InboxError):
    """The console has no PERSONAL_DATA_KEYS (or not the key that sealed this number)."""

    status = 503


@dataclass(frozen=True, slots=True)
class TicketView:
    id: int
    agency_id: str
    agency_name: str
    channel: str
    service_id: str | None
    status: str
    created_at: dt.datetime
    phone_last4: str | None  # None once erased
    done_at: dt.datetime | None
    done_by: str | None
    outcome: str | None
    handover_id: int | None

    @property
    def erased(self) -> bool:
        return self.phone_last4 is None

    @property
    def masked_phone(self) -> str:
        return "ลบแล้วตามคำขอ" if self.phone_last4 is None else f"xxx-xxx-{self.phone_last4}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agency": self.agency_id,
            "agency_name": self.agency_name,
            "channel": self.channel,
            "service_id": self.service_id,
            "status": self.status,
            "created_at": _iso(self.created_at),
            "phone_last4": self.phone_last4,
            "phone_masked": None if self.phone_last4 is None else self.masked_phone,
            "done_at": _iso(self.done_at),
            "done_by": self.done_by,
            "outcome": self.outcome,
            "handover_id": self.handover_id,
        }


@dataclass(frozen=True, slots=True)
class ClosureView:
    id: int
    agency_id: str
    agency_name: str
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    created_by: str | None
    deletable: bool  # it has not started yet

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agency": self.agency_id,
            "agency_name": self.agency_name,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "reason": self.reason,
            "created_by": self.created_by,
            "deletable": self.deletable,
        }


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def bangkok_today(now: dt.datetime) -> dt.date:
    """The date at the agencies' desks (a closure is a Bangkok day)."""
    return now.astimezone(BANGKOK).date()


# -- scope --------------------------------------------------------------------------------------------


def _tickets_of(agent: Agent) -> ColumnElement[bool]:
    if agent.every_agency:
        return true()
    if not agent.agency_id:
        return false()
    return CallbackTicket.agency_id == agent.agency_id


def _closures_of(agent: Agent) -> ColumnElement[bool]:
    if agent.every_agency:
        return true()
    if not agent.agency_id:
        return false()
    return AgencyClosure.agency_id == agent.agency_id


# -- tickets ------------------------------------------------------------------------------------------


def _outcomes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The outcome code each done ticket was closed with, from its audit entry."""
    if not ids:
        return {}
    rows = session.execute(
        select(AuditEntry.target_id, AuditEntry.detail)
        .where(
            AuditEntry.action == AUDIT_DONE,
            AuditEntry.target_type == "callback_ticket",
            AuditEntry.target_id.in_([str(i) for i in ids]),
        )
        .order_by(AuditEntry.id)
    ).all()
    found: dict[int, str] = {}
    for target_id, detail in rows:
        fields = dict(part.split("=", 1) for part in (detail or "").split() if "=" in part)
        if fields.get("outcome"):
            found[int(target_id)] = fields["outcome"]
    return found


def _view(row: CallbackTicket, outcome: str | None) -> TicketView:
    erased = not row.phone_enc
    if erased and row.done_by == ERASURE_ACTOR:
        outcome = outcome or ERASED_OUTCOME
    return TicketView(
        id=row.id,
        agency_id=row.agency_id,
        agency_name=agency_label(row.agency_id),
        channel=row.channel,
        service_id=row.service_id,
        status=row.status,
        created_at=row.created_at,
        phone_last4=None if erased else row.phone_last4,
        done_at=row.done_at,
        done_by=row.done_by,
        outcome=outcome,
        handover_id=row.handover_id,
    )


def list_tickets(
    session: Session, agent: Agent, status: str = OPEN, limit: int = LIST_LIMIT
) -> list[TicketView]:
    """Open tickets oldest first (the citizen who waited longest is called first); done ones newest
    first (what was just handled)."""
    if status not in TICKET_STATUSES:
        raise Invalid("unknown_status", "สถานะต้องเป็น open หรือ done", "status")
    query = select(CallbackTicket).where(_tickets_of(agent), CallbackTicket.status == status)
    if status == OPEN:
        query = query.order_by(CallbackTicket.created_at, CallbackTicket.id)
    else:
        query = query.order_by(CallbackTicket.done_at.desc(), CallbackTicket.id.desc())
    rows = list(session.scalars(query.limit(limit)))
    outcomes = _outcomes(session, [r.id for r in rows if r.status == DONE])
    return [_view(r, outcomes.get(r.id)) for r in rows]


def _ticket(session: Session, agent: Agent, ticket_id: int) -> CallbackTicket:
    row = session.scalars(
        select(CallbackTicket).where(CallbackTicket.id == ticket_id, _tickets_of(agent))
    ).first()
    if row is None:
        raise NotFound("not_found", "ไม่พบคำขอให้โทรกลับนี้")
    return row


def get_ticket(session: Session, agent: Agent, ticket_id: int) -> TicketView:
    row = _ticket(session, agent, ticket_id)
    return _view(row, _outcomes(session, [row.id]).get(row.id))


def reveal_phone(
    session: Session,
    agent: Agent,
    actor: Actor,
    ticket_id: int,
    vault: PersonalData | None,
    *,
    now: dt.datetime,
) -> str:
    """The full number to call, written to the audit log first (same transaction: no entry, no number)."""
    row = _ticket(session, agent, ticket_id)
    if not row.phone_enc:
        raise Erased("erased", "ประชาชนขอลบข้อมูลแล้ว ไม่มีเบอร์โทรให้แสดง")
    if vault is None:
        raise KeysMissing(
            "no_keys",
            "คอนโซลนี้ไม่มีกุญแจข้อมูลส่วนบุคคล (PERSONAL_DATA_KEYS) จึงเปิดเบอร์โทรไม่ได้ โปรดแจ้งผู้ดูแลระบบ",
        )
    try:
        phone = vault.open(row.phone_enc)
    except SealError:
        raise KeysMissing(
            "key_mismatch",
            "กุญแจข้อมูลส่วนบุคคลของคอนโซลนี้เปิดเบอร์นี้ไม่ได้ (ไม่ตรงกับที่บอทใช้) โปรดแจ้งผู้ดูแลระบบ",
        ) from None
    audit.record(
        session,
        actor,
        AUDIT_REVEAL,
        target_type="callback_ticket",
        target_id=str(row.id),
        detail=f"agency={row.agency_id} status={row.status}",
        at=now,
    )
    return phone


def mark_done(
    session: Session,
    agent: Agent,
    actor: Actor,
    ticket_id: int,
    outcome: str | None,
    *,
    now: dt.datetime,
) -> TicketView:
    """open → done, once: of two agents marking the same ticket, the second gets Conflict."""
    if outcome is not None and outcome not in OUTCOMES:
        raise Invalid("unknown_outcome", "รหัสผลการโทรไม่ถูกต้อง", "outcome")
    result = session.execute(
        update(CallbackTicket)
        .where(CallbackTicket.id == ticket_id, CallbackTicket.status == OPEN, _tickets_of(agent))
        .values(status=DONE, done_at=now, done_by=agent.username[:120])
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        row = _ticket(session, agent, ticket_id)  # NotFound when not theirs
        raise Conflict("already_done", f"คำขอนี้บันทึกว่าดำเนินการแล้วโดย {row.done_by or '-'}")
    row = _ticket(session, agent, ticket_id)
    session.refresh(row)
    detail = f"agency={row.agency_id}" + (f" outcome={outcome}" if outcome else "")
    audit.record(
        session,
        actor,
        AUDIT_DONE,
        target_type="callback_ticket",
        target_id=str(row.id),
        detail=detail,
        at=now,
    )
    if row.handover_id is not None:
        record_event(
            session,
            row.handover_id,
            "callback_done",
            actor=agent.username,
            detail={"ticket": row.id, "outcome": outcome},
            at=now,
        )
    return _view(row, outcome)


# -- closures -----------------------------------------------------------------------------------------


def _closure_view(row: AgencyClosure, today: dt.date) -> ClosureView:
    return ClosureView(
        id=row.id,
        agency_id=row.agency_id,
        agency_name=agency_label(row.agency_id),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=row.reason,
        created_by=row.created_by,
        deletable=row.starts_on > today,
    )


def list_closures(session: Session, agent: Agent, today: dt.date) -> list[ClosureView]:
    """Closures not yet over, soonest first."""
    rows = session.scalars(
        select(AgencyClosure)
        .where(_closures_of(agent), AgencyClosure.ends_on >= today)
        .order_by(AgencyClosure.starts_on, AgencyClosure.id)
        .limit(LIST_LIMIT)
    )
    return [_closure_view(r, today) for r in rows]


@dataclass(frozen=True, slots=True)
class NewClosure:
    agency_id: str
    starts_on: str  # YYYY-MM-DD as typed
    ends_on: str
    reason: str


def _date(raw: str, field: Literal["starts_on", "ends_on"]) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("bad_date", "วันที่ต้องอยู่ในรูปแบบ YYYY-MM-DD (ค.ศ.)", field) from None


def add_closure(
    session: Session, agent: Agent, actor: Actor, new: NewClosure, *, now: dt.datetime
) -> ClosureView:
    """Validate and add one closure: a known agency the agent acts for, start ≤ end, not in the past."""
    today = bangkok_today(now)
    agency_id = new.agency_id.strip() or (agent.agency_id or "")
    if not agency_id or not agency_exists(agency_id):
        raise Invalid("unknown_agency", "ไม่รู้จักหน่วยงานนี้", "agency")
    if not agent.every_agency and agency_id != agent.agency_id:
        raise Forbidden("not_your_agency", "ประกาศวันปิดได้เฉพาะหน่วยงานของตนเอง")
    starts_on, ends_on = _date(new.starts_on, "starts_on"), _date(new.ends_on, "ends_on")
    if starts_on < today:
        raise Invalid("in_the_past", "วันเริ่มปิดต้องไม่เป็นวันที่ผ่านมาแล้ว", "starts_on")
    if ends_on < starts_on:
        raise Invalid("ends_before_start", "วันสุดท้ายต้องไม่ก่อนวันเริ่มปิด", "ends_on")
    if (ends_on - starts_on).days + 1 > MAX_CLOSURE_DAYS:
        raise Invalid("too_long", f"ปิดได้ครั้งละไม่เกิน {MAX_CLOSURE_DAYS} วัน", "ends_on")
    reason = " ".join(sanitize_text(new.reason).split())
    if not reason:
        raise Invalid("missing_reason", "โปรดระบุเหตุผลที่ปิด", "reason")
    if len(reason) > MAX_REASON_CHARS:
        raise Invalid("reason_too_long", f"เหตุผลยาวได้ไม่เกิน {MAX_REASON_CHARS} ตัวอักษร", "reason")
    row = AgencyClosure(
        agency_id=agency_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=agent.username[:120],
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        AUDIT_CLOSURE_ADD,
        target_type="agency_closure",
        target_id=str(row.id),
        detail=f"agency={agency_id} {starts_on.isoformat()}..{ends_on.isoformat()}",
        at=now,
    )
    return _closure_view(row, today)


def delete_closure(
    session: Session, agent: Agent, actor: Actor, closure_id: int, *, now: dt.datetime
) -> None:
    """Delete a closure that has not started yet (a started one already answered citizens)."""
    today = bangkok_today(now)
    row = session.scalars(
        select(AgencyClosure).where(AgencyClosure.id == closure_id, _closures_of(agent)).with_for_update()
    ).first()
    if row is None:
        raise NotFound("not_found", "ไม่พบวันปิดนี้")
    if row.starts_on <= today:
        raise Conflict("started", "วันปิดนี้เริ่มแล้ว ลบไม่ได้ (ลบได้เฉพาะวันปิดที่ยังไม่ถึง)")
    audit.record(
        session,
        actor,
        AUDIT_CLOSURE_DELETE,
        target_type="agency_closure",
        target_id=str(row.id),
        detail=f"agency={row.agency_id} {row.starts_on.isoformat()}..{row.ends_on.isoformat()}",
        at=now,
    )
    session.delete(row)

"""Shared by the staff-side handover tests: handovers inserted as rows (the citizen side is separate
code), staff accounts with an agency, and emptying the tables between tests on a shared database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db.engine import make_sessionmaker
from handover.inbox import Agent
from handover.models import CITIZEN, WAITING, Handover, HandoverEvent, HandoverMessage
from staff import accounts
from staff.models import StaffUser
from staff.roles import Role

PASSWORD = "ถูกต้อง-correct-horse-42"

# Children first, so deleting never trips a foreign key.
TABLES = (
    "handover_events",
    "handover_messages",
    "callback_tickets",
    "handovers",
    "agent_presence",
    "staff_api_tokens",
    "staff_signin_throttle",
    "staff_sessions",
    "audit_log",
    "staff_users",
)


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


def add_staff(engine: Engine, username: str, agency: str | None, role: Role = Role.AGENT) -> Agent:
    with make_sessionmaker(engine).begin() as session:
        user = accounts.create_user(
            session, username=username, password=PASSWORD, role=role, display_name=username, agency_id=agency
        )
        return Agent(user_id=user.id, username=user.username, role=user.role, agency_id=agency)


def new_handover(
    engine: Engine,
    agency: str = "dopa",
    *,
    status: str = WAITING,
    channel: str = "line",
    service_id: str | None = "id_card_new",
    intent: str | None = "request_human",
    agent_id: int | None = None,
    citizen_lines: tuple[str, ...] = ("ขอคุยกับเจ้าหน้าที่ค่ะ",),
    at: dt.datetime | None = None,
) -> int:
    """A handover as the gateway would queue it, with the citizen's lines (already masked)."""
    when = at or dt.datetime.now(dt.UTC)
    with make_sessionmaker(engine).begin() as session:
        row = Handover(
            agency_id=agency,
            channel=channel,
            recipient_hash="h" * 64,
            recipient_enc="sealed-address",
            status=status,
            reason="request_human",
            intent=intent,
            service_id=service_id,
            agent_id=agent_id,
            requested_at=when,
            claimed_at=when if agent_id else None,
            version=1,
        )
        session.add(row)
        session.flush()
        for line in citizen_lines:
            session.add(HandoverMessage(handover_id=row.id, author=CITIZEN, text=line, created_at=when))
        return row.id


def messages(engine: Engine, handover_id: int) -> list[HandoverMessage]:
    with Session(engine) as session:
        query = select(HandoverMessage).where(HandoverMessage.handover_id == handover_id)
        return list(session.scalars(query.order_by(HandoverMessage.id)))


# Kinds the citizen side records alongside staff actions (the queue place told, 0 once claimed), and
# the delivery worker's record of each line sent to the citizen settling (for the analytics).
QUEUE_BOOKKEEPING = frozenset({"position", "reply_delivered", "reply_failed"})


def events(engine: Engine, handover_id: int) -> list[str]:
    """The staff-side event kinds of a handover, in order (queue bookkeeping left out)."""
    with Session(engine) as session:
        query = select(HandoverEvent.kind).where(HandoverEvent.handover_id == handover_id)
        return [k for k in session.scalars(query.order_by(HandoverEvent.id)) if k not in QUEUE_BOOKKEEPING]


def is_staff_side(author: str, text: str | None) -> bool:
    """A transcript line written by staff or asked by their close (not the citizen side's notices,
    such as "a person took your conversation")."""
    return author != "system" or "1-5" in (text or "")


def handover(engine: Engine, handover_id: int) -> Handover:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Handover, handover_id)
        assert row is not None
        return row


def user_id(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(StaffUser.id).where(StaffUser.username == username))
        assert found is not None
        return found

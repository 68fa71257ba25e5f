"""A citizen's place in the queue and a wait they can plan around.

The estimate is deliberately simple and explainable to staff: the people ahead of you, times how long
this agency's recent conversations took, shared among the agents marked available. With nobody
available it still counts one agent (someone may come back); with no history it assumes
DEFAULT_HANDLE_MINUTES. Figures are whole minutes, never below one.
"""

from __future__ import annotations

import math
import statistics

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from handover.models import CLOSED, WAITING, AgentPresence, Handover
from staff.models import StaffUser

DEFAULT_HANDLE_MINUTES = 5.0
HISTORY = 20  # recent closed conversations the handle time is taken from
AGENT_ROLES = ("agent", "admin")


def position(session: Session, handover: Handover) -> int:
    """1 for the first in the agency's queue; queue order is the time of asking (then the row id)."""
    ahead = session.scalar(
        select(func.count())
        .select_from(Handover)
        .where(
            Handover.agency_id == handover.agency_id,
            Handover.status == WAITING,
            or_(
                Handover.requested_at < handover.requested_at,
                and_(Handover.requested_at == handover.requested_at, Handover.id < handover.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def available_agents(session: Session, agency_id: str) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(AgentPresence)
        .join(StaffUser, StaffUser.id == AgentPresence.staff_user_id)
        .where(
            AgentPresence.status == "available",
            StaffUser.active.is_(True),
            StaffUser.role.in_(AGENT_ROLES),
            StaffUser.agency_id == agency_id,
        )
    )
    return int(count or 0)


def handle_minutes(session: Session, agency_id: str) -> float:
    rows = session.execute(
        select(Handover.claimed_at, Handover.closed_at)
        .where(
            Handover.agency_id == agency_id,
            Handover.status == CLOSED,
            Handover.claimed_at.is_not(None),
            Handover.closed_at.is_not(None),
        )
        .order_by(Handover.closed_at.desc())
        .limit(HISTORY)
    ).all()
    durations = [(closed - claimed).total_seconds() / 60 for claimed, closed in rows if claimed and closed]
    return statistics.median(durations) if durations else DEFAULT_HANDLE_MINUTES


def wait_minutes(session: Session, handover: Handover, place: int | None = None) -> int:
    place = position(session, handover) if place is None else place
    agents = max(1, available_agents(session, handover.agency_id))
    return max(1, math.ceil(place * handle_minutes(session, handover.agency_id) / agents))

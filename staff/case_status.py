"""A status change made in the console: the same cases.registry.change_status the agency API calls,
with the console's audit entry, all in the caller's one transaction.

So the history row, the case's new status, one outbox row per subscribed contact and the audit entry
are committed together or not at all: a citizen is never told about a change that did not happen, and
no change happens without its notices queued.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cases.registry import StatusChange, change_status, find_case
from staff import audit
from staff.audit import Actor


def apply(db: Session, agency_id: str, reference: str, change: StatusChange, actor: Actor) -> int | None:
    """Change the agency's own case; returns how many notices were queued, None if no such case."""
    case = find_case(db, agency_id, reference, for_update=True)
    if case is None:
        return None
    _entry, queued = change_status(db, case, change)
    urgent = " urgent" if change.urgent else ""
    audit.record(
        db,
        actor,
        "case.status",
        target_type="case",
        target_id=case.reference,
        detail=f"{change.status}{urgent}; notices queued: {len(queued)}",
    )
    return len(queued)

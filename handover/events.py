"""Every step of a handover is recorded with its time, for the analytics (issue 13) and the audit.

One function so that every writer (gateway, staff API, dialogue) records the same kinds the same way,
in the caller's transaction: an event exists exactly when the change it reports was committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy.orm import Session

from handover.models import HandoverEvent
from staff.models import utcnow

EventKind = Literal[
    "requested",
    "queued",
    "position",
    "claimed",
    "first_staff_reply",
    "note",
    "transferred",
    "cancelled",
    "unclaimed_timeout",
    "callback_offered",
    "callback_ticket",
    "callback_done",  # staff marked the linked call-back ticket done (or the erasure closed it)
    "closed",
    "csat",
    # A line sent to the citizen (a staff reply or a system notice) settled: detail {"message_id",
    # "author"}; written by handover/delivery.py with the line's new state, for the analytics (and a
    # reply_failed by handover/erasure.py, actor "erasure", for each line an erasure made undeliverable).
    "reply_delivered",
    "reply_failed",
]


def record_event(
    session: Session,
    handover_id: int,
    kind: EventKind,
    *,
    actor: str | None = None,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> HandoverEvent:
    """Add one event row to `session` (flushed with the caller's change). `detail`: ids and codes only."""
    event = HandoverEvent(handover_id=handover_id, kind=kind, actor=actor, detail=detail, at=at or utcnow())
    session.add(event)
    return event

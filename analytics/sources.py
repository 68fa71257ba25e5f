"""The non-Rasa sources of the figures: handover steps, cases, case notices — read from their own
tables in the project database, incrementally by id.

Each source keeps its last id in analytics_cursors, written in the same transaction as the rows it
produced, so a consumer killed at any point re-reads exactly the uncommitted part; re-reading is
harmless anyway (rows are keyed by the source's id and updated, not added). What is copied is a closed
set of ids, codes, times and numbers: the handover's keyed sender hash (the same hash the Rasa events'
conversations get: privacy.PersonalData.sender_hash), agency / reason / category ids checked against
an identifier pattern, a 1-5 rating. Never a transcript line, a description, an address, an actor name
or a sealed address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.ingest import contained
from analytics.models import (
    AnalyticsCase,
    AnalyticsCursor,
    AnalyticsHandover,
    AnalyticsNotice,
    AnalyticsReply,
    AnalyticsSession,
)
from analytics.rollup import hours_between, mark_dirty
from cases.models import Case, CaseContact, CaseHistory, Delivery, OutboxMessage
from cases.registry import TERMINAL_STATUSES
from handover.models import Handover, HandoverEvent

BATCH = 500
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")
_HASH = re.compile(r"^[0-9a-f]{16,64}$")
CLOSING_KINDS = frozenset({"closed", "cancelled", "unclaimed_timeout"})
# A line sent to the citizen settled (handover/delivery.py): its outcome in analytics_replies.
REPLY_OUTCOMES = {"reply_delivered": "delivered", "reply_failed": "failed"}
REPLY_AUTHORS = frozenset({"staff", "system"})
# Delivery log results (cases/outbox.py) that settle a notice; retries and deferrals settle nothing.
DELIVERED = frozenset({"sent", "already_accepted"})
FAILED = frozenset({"rejected", "gave_up"})


def _code(value: Any, limit: int = 60) -> str | None:
    return value if isinstance(value, str) and _CODE.match(value) and len(value) <= limit else None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _cursor(session: Session, name: str) -> AnalyticsCursor:
    row = session.get(AnalyticsCursor, name)
    if row is None:
        row = AnalyticsCursor(source=name, position=0)
        session.add(row)
    return row


class HandoverSource:
    """handover_events (joined to handovers) -> analytics_handovers, and the session handed over."""

    name = "db:handover_events"

    def poll(self, session: Session, limit: int = BATCH) -> int:
        cursor = _cursor(session, self.name)
        rows: Sequence[Any] = session.execute(
            select(
                HandoverEvent.id,
                HandoverEvent.kind,
                HandoverEvent.at,
                HandoverEvent.detail,
                Handover.id.label("handover_id"),
                Handover.channel,
                Handover.recipient_hash,
                Handover.agency_id,
                Handover.reason,
                Handover.requested_at,
            )
            .join(Handover, Handover.id == HandoverEvent.handover_id)
            .where(HandoverEvent.id > cursor.position)
            .order_by(HandoverEvent.id)
            .limit(limit)
        ).all()
        if not rows:
            return 0
        ids = list({r.handover_id for r in rows})
        known = {
            h.handover_id: h
            for h in session.scalars(select(AnalyticsHandover).where(AnalyticsHandover.handover_id.in_(ids)))
        }
        replies = self._known_replies(session, rows)
        touched: set[int] = set()
        for r in rows:
            row = known.get(r.handover_id)
            if row is None:
                conversation = r.recipient_hash if _HASH.match(r.recipient_hash or "") else "erased"
                row = AnalyticsHandover(
                    handover_id=r.handover_id,
                    conversation=conversation,
                    session_key=None,
                    channel=_code(r.channel, 8) or "other",
                    agency=_code(r.agency_id, 40) or "unknown",
                    reason=_code(r.reason, 32) or "unknown",
                    requested_at=_utc(r.requested_at),
                )
                session.add(row)
                known[r.handover_id] = row
            detail = r.detail if isinstance(r.detail, dict) else {}
            at = _utc(r.at)
            if r.kind == "queued":
                row.agency = _code(detail.get("agency"), 40) or row.agency
            elif r.kind == "transferred":
                row.agency = _code(detail.get("to"), 40) or row.agency
            elif r.kind == "claimed" and row.claimed_at is None:
                row.claimed_at = at
            elif r.kind == "first_staff_reply" and row.first_reply_at is None:
                row.first_reply_at = at
            elif r.kind in CLOSING_KINDS:
                row.closed_at, row.outcome = at, r.kind
            elif r.kind == "csat":
                score = detail.get("score")
                if isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5:
                    row.rating = score
            elif r.kind in REPLY_OUTCOMES:
                self._reply(session, row, r.kind, detail, at, replies)
            row.set_durations()
            touched.add(r.handover_id)
        session.flush()
        self._link(session, [known[i] for i in touched])
        cursor.position = int(rows[-1].id)
        return len(rows)

    @staticmethod
    def _known_replies(session: Session, rows: Sequence[Any]) -> set[int]:
        ids = [
            r.detail.get("message_id")
            for r in rows
            if r.kind in REPLY_OUTCOMES
            and isinstance(r.detail, dict)
            and isinstance(r.detail.get("message_id"), int)
        ]
        if not ids:
            return set()
        return set(
            session.scalars(select(AnalyticsReply.message_id).where(AnalyticsReply.message_id.in_(ids)))
        )

    @staticmethod
    def _reply(
        session: Session,
        handover: AnalyticsHandover,
        kind: str,
        detail: dict[str, Any],
        at: dt.datetime | None,
        known: set[int],
    ) -> None:
        """One settled line, once (keyed by the line's id: a redelivered event changes nothing)."""
        message_id, author = detail.get("message_id"), detail.get("author")
        if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id in known:
            return
        if author not in REPLY_AUTHORS or at is None:
            return
        known.add(message_id)
        session.add(
            AnalyticsReply(
                message_id=message_id,
                handover_id=handover.handover_id,
                channel=handover.channel,
                agency=handover.agency,
                author=author,
                outcome=REPLY_OUTCOMES[kind],
                at=at,
            )
        )

    @staticmethod
    def _link(session: Session, handovers: list[AnalyticsHandover]) -> None:
        """The session each handover happened in: handed over, not contained, the handover's agency."""
        hours: set[dt.datetime] = set()
        for handover in handovers:
            target = None
            if handover.session_key is not None:
                target = session.get(AnalyticsSession, handover.session_key)
            else:
                target = session.scalars(
                    select(AnalyticsSession)
                    .where(
                        AnalyticsSession.conversation == handover.conversation,
                        AnalyticsSession.started_at <= handover.requested_at,
                    )
                    .order_by(AnalyticsSession.started_at.desc())
                    .limit(1)
                ).first()
            if target is None:
                continue  # its messages are not ingested yet: analytics.ingest links it then
            handover.session_key = target.key
            if (target.handover, target.agency) != (True, handover.agency):
                target.handover, target.agency = True, handover.agency
                target.contained = contained(target)
                hours.update(hours_between(_utc(target.started_at), _utc(target.last_at)))  # type: ignore[arg-type]
        mark_dirty(session, hours)


class CaseSource:
    """case_history (joined to cases) -> analytics_cases: filed, category, agency, channel, closed."""

    name = "db:case_history"

    def poll(self, session: Session, limit: int = BATCH) -> int:
        cursor = _cursor(session, self.name)
        rows: Sequence[Any] = session.execute(
            select(
                CaseHistory.id,
                CaseHistory.status,
                CaseHistory.at,
                Case.id.label("case_id"),
                Case.kind,
                Case.category,
                Case.agency_id,
                Case.created_at,
            )
            .join(Case, Case.id == CaseHistory.case_id)
            .where(CaseHistory.id > cursor.position)
            .order_by(CaseHistory.id)
            .limit(limit)
        ).all()
        if not rows:
            return 0
        ids = list({r.case_id for r in rows})
        known = {
            c.case_id: c for c in session.scalars(select(AnalyticsCase).where(AnalyticsCase.case_id.in_(ids)))
        }
        channels: dict[int, str] = {}
        for case_id, channel in session.execute(
            select(CaseContact.case_id, CaseContact.channel)
            .where(CaseContact.case_id.in_(ids))
            .order_by(CaseContact.id.desc())
        ):
            channels[case_id] = channel  # the first contact wins (read last)
        for r in rows:
            row = known.get(r.case_id)
            if row is None:
                row = AnalyticsCase(
                    case_id=r.case_id,
                    kind=_code(r.kind, 16) or "unknown",
                    category=_code(r.category),
                    agency=_code(r.agency_id, 40) or "unknown",
                    channel=_code(channels.get(r.case_id), 8),
                    filed_at=_utc(r.created_at),
                    closed_at=None,
                )
                session.add(row)
                known[r.case_id] = row
            row.closed_at = _utc(r.at) if r.status in TERMINAL_STATUSES else None
            row.set_durations()
        cursor.position = int(rows[-1].id)
        return len(rows)


class NoticeSource:
    """deliveries (joined to outbox and cases) -> analytics_notices: delivered or failed per channel."""

    name = "db:deliveries"

    def poll(self, session: Session, limit: int = BATCH) -> int:
        cursor = _cursor(session, self.name)
        rows: Sequence[Any] = session.execute(
            select(Delivery.id, Delivery.channel, Delivery.result, Delivery.finished_at, Case.agency_id)
            .join(OutboxMessage, OutboxMessage.id == Delivery.outbox_id)
            .join(Case, Case.id == OutboxMessage.case_id)
            .where(Delivery.id > cursor.position)
            .order_by(Delivery.id)
            .limit(limit)
        ).all()
        if not rows:
            return 0
        ids = [r.id for r in rows]
        known = set(
            session.scalars(select(AnalyticsNotice.delivery_id).where(AnalyticsNotice.delivery_id.in_(ids)))
        )
        for r in rows:
            outcome = "delivered" if r.result in DELIVERED else "failed" if r.result in FAILED else None
            if outcome is None or r.id in known:
                continue
            session.add(
                AnalyticsNotice(
                    delivery_id=r.id,
                    channel=_code(r.channel, 8) or "other",
                    agency=_code(r.agency_id, 40),
                    outcome=outcome,
                    at=_utc(r.finished_at),
                )
            )
        cursor.position = int(rows[-1].id)
        return len(rows)


Source = HandoverSource | CaseSource | NoticeSource


def all_sources() -> list[Source]:
    return [HandoverSource(), CaseSource(), NoticeSource()]

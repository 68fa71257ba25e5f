"""Call-back tickets: out of hours (or when nobody claimed in time) a person calls the citizen back.

One unit of work, in the caller's session and transaction: the phone is stored sealed with its last 4
digits (privacy.PersonalData), the consent wording exactly as the citizen saw it with its time (PDPA),
and the ticket is linked to the conversation's recent handover, if any, with a `callback_ticket` event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handover.events import record_event
from handover.models import CallbackTicket, Handover
from privacy import PersonalData

# A handover requested this recently (and not answered by staff) is the one a call-back continues.
LINK_WINDOW = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class NewTicket:
    agency_id: str
    channel: str
    recipient_hash: str
    phone_e164: str
    consent_wording: str
    consent_at: dt.datetime
    service_id: str | None = None


def recent_handover(session: Session, channel: str, recipient_hash: str, now: dt.datetime) -> Handover | None:
    return session.scalars(
        select(Handover)
        .where(
            Handover.channel == channel,
            Handover.recipient_hash == recipient_hash,
            Handover.requested_at >= now - LINK_WINDOW,
            Handover.agent_id.is_(None),
        )
        .order_by(Handover.id.desc())
        .limit(1)
    ).first()


def create_ticket(
    session: Session, ticket: NewTicket, vault: PersonalData, now: dt.datetime
) -> CallbackTicket:
    """Add the ticket (and its event when a handover is linked); the caller commits."""
    linked = recent_handover(session, ticket.channel, ticket.recipient_hash, now)
    row = CallbackTicket(
        handover_id=linked.id if linked is not None else None,
        agency_id=ticket.agency_id,
        channel=ticket.channel,
        recipient_hash=ticket.recipient_hash,
        phone_enc=vault.seal(ticket.phone_e164),
        phone_last4=ticket.phone_e164[-4:],
        service_id=ticket.service_id,
        consent_wording=ticket.consent_wording,
        consent_at=ticket.consent_at,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if linked is not None:
        record_event(
            session, linked.id, "callback_ticket", actor="citizen", detail={"ticket": row.id}, at=now
        )
    return row

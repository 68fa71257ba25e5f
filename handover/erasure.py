"""A citizen's erasure request (delete_my_data, actions/erasure.py) reaches their live-handover data too.

Which rows are theirs: the ones keyed by the same hash the gateway and the call-back form use,
PersonalData.sender_hash(<sender id>) of the namespaced chat id ("line:U…", "web:…", "sms:<hash>";
handover/gate.py for Handover.recipient_hash, actions/callback.py for CallbackTicket.recipient_hash).

What goes: the sealed address a staff reply would go to (Handover.recipient_enc), the sealed phone and
its last 4 digits of every call-back ticket, the text and photo reference of every line the citizen
wrote in a handover transcript, and the keyed hashes themselves (a keyed hash is personal data; the
opt-out list of cases/erasure.py is the one place one is kept). What stays, for the figures
(issue 13): the rows, their times, statuses, codes and events, and the consent wording a ticket was
given under (evidence of what had been agreed, as for cases). Staff and bot lines stay: they are the
agency's words.

An open handover is cancelled (nobody can be answered without an address) and its undelivered lines
fail, each with the reply_failed event the delivery worker writes for a failed line (so the figures
count them); an open call-back ticket is closed as done by "erasure" (nobody can be called). Runs in the
caller's transaction, with the case erasure, so the request is erased whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cases.models import CasePhoto
from handover.events import record_event
from handover.models import CANCELLED, CITIZEN, OPEN_STATES, CallbackTicket, Handover, HandoverMessage
from privacy import PersonalData

ERASURE_ACTOR = "erasure"  # done_by of a ticket, actor of an event, when the erasure closed it
ERASED_OUTCOME = "erased"  # the outcome such a ticket shows in the console
OPEN, DONE = "open", "done"  # CallbackTicket.status
ERASED = ""  # what a sealed value, a last-4 or a hash becomes (the columns are NOT NULL)
ERASED_DELIVERY = "recipient_erased"  # last_error of a line that can no longer be delivered
PHOTO_PREFIX = "photo:"  # media_ref of a kept photo (handover/gate.py)
_PHOTO_REF = re.compile(r"[0-9a-f]{64}\.(?:jpg|png)")  # cases/photos.py names files by their SHA-256


@dataclass(frozen=True, slots=True)
class HandoverErasure:
    handovers: int = 0
    lines: int = 0
    tickets: int = 0
    # Photos the citizen sent to staff, to delete from the photo store once the transaction commits.
    photo_refs: tuple[str, ...] = field(default=())

    @property
    def anything(self) -> bool:
        return bool(self.handovers or self.tickets)


def erase_handover_data(
    session: Session, vault: PersonalData, sender_id: str, *, now: dt.datetime
) -> HandoverErasure:
    """Erase the asker's handover addresses, transcript texts and call-back phones (see module doc)."""
    digest = vault.sender_hash(sender_id)
    handovers = list(
        session.scalars(
            select(Handover).where(Handover.recipient_hash == digest).order_by(Handover.id).with_for_update()
        )
    )
    ids = [h.id for h in handovers]
    lines = 0
    photos: list[str] = []
    if ids:
        photos = [
            ref[len(PHOTO_PREFIX) :]
            for ref in session.scalars(
                select(HandoverMessage.media_ref).where(
                    HandoverMessage.handover_id.in_(ids),
                    HandoverMessage.author == CITIZEN,
                    HandoverMessage.media_ref.like(PHOTO_PREFIX + "%"),
                )
            )
            if ref
        ]
        result = session.execute(
            update(HandoverMessage)
            .where(HandoverMessage.handover_id.in_(ids), HandoverMessage.author == CITIZEN)
            .values(text=None, media_ref=None)
            .execution_options(synchronize_session=False)
        )
        lines = int(result.rowcount)  # type: ignore[attr-defined]
        failed = session.execute(
            update(HandoverMessage)
            .where(HandoverMessage.handover_id.in_(ids), HandoverMessage.delivery_state == "pending")
            .values(delivery_state="failed", last_error=ERASED_DELIVERY, claimed_by=None, claim_until=None)
            .returning(HandoverMessage.id, HandoverMessage.handover_id, HandoverMessage.author)
            .execution_options(synchronize_session=False)
        ).all()
        # A line that can no longer be delivered failed, as one refused by the platform does: the same
        # reply_failed event (handover/delivery.py), or the figures (analytics.sources, staff_replies /
        # handover_notices) never count it. Only lines this update settled: a delivery worker's late
        # outcome finds them no longer pending and records nothing, so each is counted once.
        for message_id, handover_id, author in sorted(failed):
            record_event(
                session,
                handover_id,
                "reply_failed",
                actor=ERASURE_ACTOR,
                detail={"message_id": message_id, "author": author},
                at=now,
            )
        photos = _unshared(session, photos)
        for row in handovers:
            if row.status in OPEN_STATES:
                row.status, row.closed_at = CANCELLED, now
                record_event(session, row.id, "cancelled", actor=ERASURE_ACTOR, at=now)
            row.recipient_enc = ERASED
            row.recipient_hash = ERASED
            row.version = (row.version or 0) + 1
    tickets = list(
        session.scalars(
            select(CallbackTicket)
            .where(CallbackTicket.recipient_hash == digest)
            .order_by(CallbackTicket.id)
            .with_for_update()
        )
    )
    for ticket in tickets:
        if ticket.status == OPEN:
            ticket.status, ticket.done_at, ticket.done_by = DONE, now, ERASURE_ACTOR
            if ticket.handover_id is not None:
                record_event(
                    session,
                    ticket.handover_id,
                    "callback_done",
                    actor=ERASURE_ACTOR,
                    detail={"ticket": ticket.id, "outcome": ERASED_OUTCOME},
                    at=now,
                )
        ticket.phone_enc = ERASED
        ticket.phone_last4 = ERASED
        ticket.recipient_hash = ERASED
    session.flush()
    return HandoverErasure(handovers=len(ids), lines=lines, tickets=len(tickets), photo_refs=tuple(photos))


def _unshared(session: Session, refs: list[str]) -> list[str]:
    """The photo files no one else still points at: the store is content-addressed, so the same
    picture filed with a case, or sent by someone else, is one file that must stay."""
    wanted = sorted({r for r in refs if _PHOTO_REF.fullmatch(r)})
    if not wanted:
        return []
    in_cases = set(session.scalars(select(CasePhoto.storage_ref).where(CasePhoto.storage_ref.in_(wanted))))
    in_lines = {
        (ref or "")[len(PHOTO_PREFIX) :]
        for ref in session.scalars(
            select(HandoverMessage.media_ref).where(
                HandoverMessage.media_ref.in_([PHOTO_PREFIX + r for r in wanted])
            )
        )
    }
    return [r for r in wanted if r not in in_cases and r not in in_lines]

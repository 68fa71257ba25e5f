"""A citizen's request, from the chat, to erase their contact data (PDPA section 33).

What goes: on every case contact that belongs to the asker (its sender hash is the asker's chat
account, or on SMS its phone hash is the asker's number), the encrypted LINE/web/SMS address, the
encrypted phone, the last 4 digits and both hashes; the contact stops receiving notices, queued
notices to it are cancelled, and the consents given on those cases are marked withdrawn (time only,
the wording stays as evidence of what had been agreed); and any access the asker proved to a case
by its phone digits (cases/grants.py). What stays: the case itself with the agency,
and a contact row that says only "a citizen on this channel, erased" so the agency sees why nobody
will be told.

A keyed hash is still personal data, so it is kept in one place only, the opt-out list
(NotificationOptOut, per channel): that is what stops an agency that enters the same number or LINE
account again from messaging someone who asked to be forgotten. Nothing identifying is logged.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.grants import revoke_access
from cases.models import CaseContact, Consent, NotificationOptOut, OutboxMessage, utcnow
from privacy import PersonalData, normalize_thai_phone

log = logging.getLogger(__name__)

ERASED_REASON = "contact_erased"


def erase_contact_data(
    session: Session,
    vault: PersonalData,
    channel: str,
    sender_id: str,
    phone: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Erase the asker's contact data from every case; return how many cases were affected (0: none).

    `sender_id` is the namespaced chat id ("line:U…", "web:…", "sms:<hash>"). `phone` is accepted only
    on SMS, where the gateway vouches for the number the message came from; a number typed in a chat
    proves nothing about who typed it, so it could be used to erase someone else's contact.
    Runs in the caller's transaction (commit or roll back as one). Raises ContactError for a phone
    that is not a Thai number and ValueError for a phone outside SMS.
    """
    now = now or utcnow()
    if phone is not None and channel != "sms":
        raise ValueError("a phone number identifies the asker only on SMS")
    asker_hashes = {vault.keyed_hash("sender", sender_id)}
    matches = [CaseContact.sender_hash == vault.keyed_hash("sender", sender_id)]
    if phone is not None:
        phone_hash = vault.keyed_hash("phone", normalize_thai_phone(phone))
        asker_hashes.add(phone_hash)
        matches.append(CaseContact.phone_hash == phone_hash)
    # Access the asker proved to others' cases goes too (a keyed hash is personal data).
    revoke_access(session, asker_hashes)
    contacts = session.scalars(
        select(CaseContact).where(or_(*matches)).order_by(CaseContact.id).with_for_update()
    ).all()
    if not contacts:
        log.info("erasure: nothing to erase (channel=%s)", channel)
        return 0
    contact_ids = [c.id for c in contacts]
    case_ids = sorted({c.case_id for c in contacts})
    opt_outs = {
        (c.channel, digest)
        for c in contacts
        for digest in (c.sender_hash, c.phone_hash)
        if digest in asker_hashes
    }
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.contact_id.in_(contact_ids), OutboxMessage.state == "pending")
        .values(state="skipped", last_error=ERASED_REASON, finished_at=now, claimed_by=None, claim_until=None)
        .execution_options(synchronize_session=False)
    )
    for contact in contacts:
        contact.sender_hash = None
        contact.sender_enc = None
        contact.phone_hash = None
        contact.phone_enc = None
        contact.phone_last4 = None
        contact.notify = False
        contact.opted_out_at = contact.opted_out_at or now
    session.execute(
        update(Consent)
        .where(Consent.case_id.in_(case_ids), Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False)
    )
    _record_opt_outs(session, opt_outs, now)
    session.flush()
    log.info(
        "erasure: contact data erased (channel=%s contacts=%d cases=%d)",
        channel,
        len(contacts),
        len(case_ids),
    )
    return len(case_ids)


def _record_opt_outs(session: Session, wanted: set[tuple[str, str]], now: dt.datetime) -> None:
    """Add the missing opt-outs; a concurrent STOP that got there first is as good as ours."""
    existing = {
        (o.channel, o.recipient_hash)
        for o in session.scalars(
            select(NotificationOptOut).where(NotificationOptOut.recipient_hash.in_({h for _, h in wanted}))
        )
    }
    for channel, digest in sorted(wanted - existing):
        try:
            with session.begin_nested():
                session.add(NotificationOptOut(channel=channel, recipient_hash=digest, created_at=now))
        except IntegrityError:
            continue

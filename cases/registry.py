"""What can happen to a case, in one place: the API, the console and the action server all call this.

Functions take an open Session and leave committing to the caller, so a status change, its history
row and its outbox rows always land in one transaction (or not at all).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from cases.geo import inside_thailand
from cases.models import (
    Case,
    CaseContact,
    CaseHistory,
    CasePhoto,
    Consent,
    NotificationOptOut,
    OutboxMessage,
    as_utc,
    utcnow,
)
from cases.photos import PhotoError, PhotoStore, check_photo
from nlu.case_ref import make_case_ref, parse_case_ref
from nlu.characters import INVISIBLE_TABLE
from nlu.pii import mask
from privacy import ContactError, PersonalData, check_sender_id, normalize_thai_phone

KIND_CODES: dict[str, str] = {"application": "AP", "complaint": "CM"}
STATUSES: tuple[str, ...] = (
    "received",
    "in_review",
    "in_progress",
    "waiting_for_citizen",
    "resolved",
    "rejected",
    "closed",
)
TERMINAL_STATUSES = frozenset({"resolved", "rejected", "closed"})
BANGKOK = ZoneInfo("Asia/Bangkok")
CONSENT_PURPOSE_UPDATES = "case_updates"
# Serials 1..9,999,999 (the format's seven digits); drawn afresh while taken.
_SERIAL_COUNT = 9_999_999
_REFERENCE_DRAWS = 20


class CaseInputError(ValueError):
    """The request is well-formed but its content cannot be accepted; `field` names the culprit."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class NewContact:
    channel: str
    sender_id: str | None = None
    phone: str | None = None
    notify: bool = False


@dataclass(frozen=True)
class NewPhoto:
    content_type: str
    data: bytes


@dataclass(frozen=True)
class NewComplaint:
    category: str
    description: str
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    photos: tuple[NewPhoto, ...] = ()


@dataclass(frozen=True)
class NewConsent:
    wording: str
    given_at: dt.datetime


@dataclass(frozen=True)
class NewCase:
    kind: str
    service_id: str
    contacts: tuple[NewContact, ...] = ()
    consent: NewConsent | None = None
    complaint: NewComplaint | None = None
    actor: str = "agency"


@dataclass(frozen=True)
class StatusChange:
    status: str
    actor: str
    public_note: str | None = None
    next_step: str | None = None
    next_step_due: dt.date | None = None
    urgent: bool = False


@dataclass
class CaseTools:
    """The collaborators every write needs, built once per process."""

    vault: PersonalData  # keyed hashes and sealing of contact data (privacy/)
    photos: PhotoStore
    max_photo_bytes: int = 2_000_000
    max_photos: int = 3
    extra: dict[str, Any] = field(default_factory=dict)


def _clean(text: str | None) -> str | None:
    """Free text is masked before storage: a 13-digit id or a phone typed into a note never lands."""
    if text is None:
        return None
    text = text.translate(INVISIBLE_TABLE).strip()
    return mask(text) if text else None


def new_reference(session: Session, kind_code: str, be_year: int) -> str:
    """A reference no case has yet, with a random serial: knowing one reference tells nothing about
    any other (sequential ones let a guesser walk every case: issue 14, finding 1).

    Same format as before (CM69-XXXX-XXXX: year, 7-digit serial, Damm check digit), so references
    already given out stay valid and citizens keep typing digits only. A serial already taken (1 in
    10 million per existing case) is drawn again; two creators drawing the same one at the same
    moment would meet the unique index, and the second transaction would fail rather than share it.
    """
    for _ in range(_REFERENCE_DRAWS):
        reference = make_case_ref(kind_code, be_year, 1 + secrets.randbelow(_SERIAL_COUNT))
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference
    raise RuntimeError(f"no free {kind_code} reference for {be_year} after {_REFERENCE_DRAWS} draws")


def _add_contacts(case: Case, contacts: tuple[NewContact, ...], tools: CaseTools) -> None:
    vault = tools.vault
    for i, contact in enumerate(contacts):
        where = f"contacts[{i}]"
        row = CaseContact(channel=contact.channel, notify=contact.notify)
        try:
            if contact.sender_id is not None:
                sender = check_sender_id(contact.channel, contact.sender_id)
                row.sender_hash = vault.keyed_hash("sender", sender)
                row.sender_enc = vault.seal(sender)
            if contact.phone is not None:
                phone = normalize_thai_phone(contact.phone)
                row.phone_hash = vault.keyed_hash("phone", phone)
                row.phone_last4 = phone[-4:]
                # Only an SMS contact that wants updates needs the full number back.
                if contact.channel == "sms" and contact.notify:
                    row.phone_enc = vault.seal(phone)
        except ContactError as exc:
            raise CaseInputError(where, str(exc)) from exc
        if contact.channel in ("line", "web") and contact.sender_id is None:
            raise CaseInputError(where, f"a {contact.channel} contact needs its sender_id")
        if contact.channel == "sms" and contact.phone is None:
            raise CaseInputError(where, "an sms contact needs its phone")
        case.contacts.append(row)


def _add_complaint(case: Case, complaint: NewComplaint, tools: CaseTools) -> list[str]:
    if (complaint.lat is None) != (complaint.lon is None):
        raise CaseInputError("complaint.location", "give both lat and lon, or neither")
    if (
        complaint.lat is not None
        and complaint.lon is not None
        and not inside_thailand(complaint.lat, complaint.lon)
    ):
        raise CaseInputError("complaint.location", "the location is outside Thailand")
    address = _clean(complaint.address)
    if complaint.lat is None and not address:
        raise CaseInputError("complaint.location", "a complaint needs coordinates or an address")
    description = _clean(complaint.description)
    if not description:
        raise CaseInputError("complaint.description", "the description is empty")
    if len(complaint.photos) > tools.max_photos:
        raise CaseInputError("complaint.photos", f"at most {tools.max_photos} photos")
    checked: list[tuple[NewPhoto, str]] = []
    for i, photo in enumerate(complaint.photos):
        try:
            checked.append((photo, check_photo(photo.data, photo.content_type, tools.max_photo_bytes)))
        except PhotoError as exc:
            raise CaseInputError(f"complaint.photos[{i}]", str(exc)) from exc
    case.category = complaint.category.strip()
    case.description = description
    case.location_lat = complaint.lat
    case.location_lon = complaint.lon
    case.address = address
    stored: list[str] = []
    for photo, content_type in checked:
        digest, ref = tools.photos.save(photo.data, content_type)
        stored.append(ref)
        case.photos.append(
            CasePhoto(sha256=digest, content_type=content_type, size_bytes=len(photo.data), storage_ref=ref)
        )
    return stored


def create_case(
    session: Session, agency_id: str, new: NewCase, tools: CaseTools, now: dt.datetime | None = None
) -> Case:
    now = now or utcnow()
    if new.kind not in KIND_CODES:
        raise CaseInputError("kind", "kind must be application or complaint")
    if (new.kind == "complaint") != (new.complaint is not None):
        raise CaseInputError("complaint", "complaint details are required for, and only for, complaints")
    if any(c.notify for c in new.contacts) and new.consent is None:
        raise CaseInputError("consent", "consent is required before the citizen can be sent updates")
    if new.consent is not None:
        given = as_utc(new.consent.given_at)
        assert given is not None
        if given > now + dt.timedelta(minutes=5):
            raise CaseInputError("consent.given_at", "consent cannot be given in the future")
        if not new.consent.wording.strip():
            raise CaseInputError("consent.wording", "the consent wording shown to the citizen is required")
    case = Case(
        reference="",
        kind=new.kind,
        service_id=new.service_id,
        agency_id=agency_id,
        status="received",
        created_at=now,
        updated_at=now,
    )
    _add_contacts(case, new.contacts, tools)
    if new.complaint is not None:
        _add_complaint(case, new.complaint, tools)
    if new.consent is not None:
        case.consents.append(
            Consent(
                purpose=CONSENT_PURPOSE_UPDATES,
                wording=new.consent.wording.strip(),
                given_at=as_utc(new.consent.given_at),
                recorded_at=now,
            )
        )
    case.history.append(CaseHistory(at=now, status="received", actor=_clean(new.actor) or "agency"))
    kind_code = KIND_CODES[new.kind]
    be_year = now.astimezone(BANGKOK).year + 543
    case.reference = new_reference(session, kind_code, be_year)
    session.add(case)
    session.flush()
    return case


def find_case(session: Session, agency_id: str, reference: str, *, for_update: bool = False) -> Case | None:
    """The agency's own case by reference; another agency's case is as unknown as a missing one.

    `for_update` locks the row (PostgreSQL) so two changes to one case apply one after the other.
    """
    parsed = parse_case_ref(reference)
    if parsed is None:
        return None
    query = select(Case).where(Case.reference == parsed.canonical, Case.agency_id == agency_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_case_by_reference(session: Session, reference: str) -> Case | None:
    """Any agency's case by reference, for the citizen's own look-up (citizens don't know which
    agency holds their case). Callers show the citizen public fields only, after verification."""
    parsed = parse_case_ref(reference)
    if parsed is None:
        return None
    return session.scalars(select(Case).where(Case.reference == parsed.canonical)).first()


@dataclass(frozen=True)
class AskerKeys:
    """The keyed hashes that recognise one citizen's contacts: the namespaced sender id always, and
    on SMS the phone number the message came from."""

    channel: str
    sender_id: str
    sender_hash: str
    phone: str | None = None
    phone_hash: str | None = None

    @classmethod
    def of(cls, vault: PersonalData, channel: str, sender_id: str, sms_number: str | None) -> AskerKeys:
        phone = None
        if channel == "sms" and sms_number:
            try:
                phone = normalize_thai_phone(sms_number)
            except ContactError:
                phone = None
        return cls(
            channel=channel,
            sender_id=sender_id,
            sender_hash=vault.keyed_hash("sender", sender_id),
            phone=phone,
            phone_hash=vault.keyed_hash("phone", phone) if phone else None,
        )

    def owns(self, contact: CaseContact) -> bool:
        if contact.sender_hash is not None and contact.sender_hash == self.sender_hash:
            return True
        return self.phone_hash is not None and contact.phone_hash == self.phone_hash


def asker_owns_case(case: Case, asker: AskerKeys) -> bool:
    return any(asker.owns(contact) for contact in case.contacts)


def cases_of_asker(session: Session, asker: AskerKeys) -> list[Case]:
    """Every case with a contact that belongs to the asker, newest first."""
    condition = CaseContact.sender_hash == asker.sender_hash
    if asker.phone_hash is not None:
        condition = or_(condition, CaseContact.phone_hash == asker.phone_hash)
    ids = select(CaseContact.case_id).where(condition)
    return list(
        session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.created_at.desc(), Case.id.desc()))
    )


def subscribe_asker(
    session: Session,
    case: Case,
    asker: AskerKeys,
    consent: NewConsent,
    tools: CaseTools,
    now: dt.datetime | None = None,
) -> CaseContact:
    """Send this case's updates to the asker's own channel, with the consent they just gave.

    Reuses the asker's contact on that channel when there is one (re-enabling it), else adds one.
    A global opt-out of this recipient on this channel (an earlier STOP) is lifted: asking for
    updates again, with consent recorded, is the citizen's newer choice.
    """
    now = now or utcnow()
    if not consent.wording.strip():
        raise CaseInputError("consent.wording", "the consent wording shown to the citizen is required")
    if asker.channel == "sms" and asker.phone is None:
        raise CaseInputError("contacts", "an sms contact needs its phone")
    contact = next((c for c in case.contacts if c.channel == asker.channel and asker.owns(c)), None)
    if contact is None:
        _add_contacts(
            case,
            (NewContact(channel=asker.channel, sender_id=asker.sender_id, phone=asker.phone, notify=True),),
            tools,
        )
        contact = case.contacts[-1]
    else:
        contact.notify = True
        contact.opted_out_at = None
        if contact.sender_hash is None:
            contact.sender_hash = asker.sender_hash
            contact.sender_enc = tools.vault.seal(check_sender_id(asker.channel, asker.sender_id))
        if asker.channel == "sms" and asker.phone is not None and contact.phone_enc is None:
            contact.phone_hash = asker.phone_hash
            contact.phone_last4 = asker.phone[-4:]
            contact.phone_enc = tools.vault.seal(asker.phone)
    case.consents.append(
        Consent(
            purpose=CONSENT_PURPOSE_UPDATES,
            wording=consent.wording.strip(),
            given_at=as_utc(consent.given_at),
            recorded_at=now,
        )
    )
    lift_opt_outs(session, asker)
    session.flush()
    return contact


def lift_opt_outs(session: Session, asker: AskerKeys) -> None:
    """The citizen asked, with consent recorded, for updates on this channel again (subscribing, or
    filing a case with consent after an earlier STOP or erasure): their newer choice wins.

    Only for the citizen's own request in the chat; an agency entering the same number or account
    again never lifts an opt-out.
    """
    hashes = [h for h in (asker.sender_hash, asker.phone_hash) if h]
    session.execute(
        delete(NotificationOptOut).where(
            NotificationOptOut.channel == asker.channel, NotificationOptOut.recipient_hash.in_(hashes)
        )
    )


def unsubscribe_asker(session: Session, case: Case, asker: AskerKeys) -> int:
    """Stop this case's updates to the asker's own contacts (any channel); returns how many were on.

    Not a global opt-out: other cases keep their notices (that is what STOP / unfollow are for).
    """
    changed = 0
    for contact in case.contacts:
        if asker.owns(contact) and contact.notify:
            contact.notify = False
            changed += 1
    session.flush()
    return changed


def change_status(
    session: Session, case: Case, change: StatusChange, now: dt.datetime | None = None
) -> tuple[CaseHistory, list[OutboxMessage]]:
    """Record the change and queue one notice per subscribed contact, in the caller's transaction."""
    now = now or utcnow()
    if change.status not in STATUSES:
        raise CaseInputError("status", f"status must be one of {', '.join(STATUSES)}")
    entry = CaseHistory(
        at=now,
        status=change.status,
        public_note=_clean(change.public_note),
        next_step=_clean(change.next_step),
        next_step_due=change.next_step_due,
        actor=_clean(change.actor) or "agency",
        urgent=change.urgent,
    )
    case.history.append(entry)
    case.status = change.status
    case.updated_at = now
    case.closed_at = now if change.status in TERMINAL_STATUSES else None
    session.flush()
    payload = {
        "reference": case.reference,
        "kind": case.kind,
        "service_id": case.service_id,
        "status": change.status,
        "public_note": entry.public_note,
        "next_step": entry.next_step,
        "next_step_due": change.next_step_due.isoformat() if change.next_step_due else None,
    }
    queued = [
        OutboxMessage(
            case_id=case.id,
            contact_id=contact.id,
            history_id=entry.id,
            channel=contact.channel,
            idempotency_key=str(uuid.uuid4()),
            payload=payload,
            urgent=change.urgent,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for contact in case.contacts
        if contact.notify and contact.opted_out_at is None
    ]
    session.add_all(queued)
    session.flush()
    return entry, queued


def opt_out(session: Session, vault: PersonalData, channel: str, recipient: str) -> None:
    """Stop every notice to this recipient on this channel (SMS STOP, LINE unfollow, a bot request).

    `recipient` is the namespaced sender id ("line:U…") or, for SMS, the phone number.
    """
    kind = "phone" if channel == "sms" and not recipient.startswith("sms:") else "sender"
    value = normalize_thai_phone(recipient) if kind == "phone" else recipient
    digest = vault.keyed_hash(kind, value)
    if session.scalars(
        select(NotificationOptOut).where(
            NotificationOptOut.channel == channel, NotificationOptOut.recipient_hash == digest
        )
    ).first():
        return
    session.add(NotificationOptOut(channel=channel, recipient_hash=digest))
    column = CaseContact.phone_hash if kind == "phone" else CaseContact.sender_hash
    session.execute(
        update(CaseContact)
        .where(column == digest, CaseContact.channel == channel, CaseContact.opted_out_at.is_(None))
        .values(opted_out_at=utcnow(), notify=False)
    )
    session.flush()


def case_view(case: Case) -> dict[str, Any]:
    """The case as the agency API shows it: last 4 digits of a phone at most, never an identifier."""

    def iso(value: dt.datetime | None) -> str | None:
        value = as_utc(value)
        return value.isoformat().replace("+00:00", "Z") if value else None

    complaint: dict[str, Any] | None = None
    if case.kind == "complaint":
        location: dict[str, Any] = {"address": case.address}
        if case.location_lat is not None:
            location["lat"] = case.location_lat
            location["lon"] = case.location_lon
        complaint = {
            "category": case.category or "",
            "description": case.description,
            "location": location,
            "photos": [
                {"sha256": p.sha256, "content_type": p.content_type, "size_bytes": p.size_bytes}
                for p in case.photos
            ],
        }
    return {
        "reference": case.reference,
        "kind": case.kind,
        "service_id": case.service_id,
        "agency_id": case.agency_id,
        "status": case.status,
        "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at),
        "personal_data_purged": case.personal_data_purged_at is not None,
        "complaint": complaint,
        "contacts": [
            {
                "channel": c.channel,
                "notify": c.notify,
                "opted_out": c.opted_out_at is not None,
                "phone_last4": c.phone_last4,
            }
            for c in case.contacts
        ],
        "history": [
            {
                "at": iso(h.at),
                "status": h.status,
                "public_note": h.public_note,
                "next_step": h.next_step,
                "next_step_due": h.next_step_due.isoformat() if h.next_step_due else None,
                "actor": h.actor,
                "urgent": h.urgent,
            }
            for h in case.history
        ],
    }

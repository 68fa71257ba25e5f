"""One case as the console shows it to its own agency's staff: public fields, history, photo metadata
and contact data masked the way the agency API masks it (channel, notify, phone's last 4 digits).

Built as plain values inside the read transaction, so the template never touches the ORM and cannot
reach a column this module did not choose: sender ids, encrypted phones and hashes never leave here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases.models import Case, as_utc
from cases.registry import find_case
from staff.agencies import agency_name


@dataclass(frozen=True, slots=True)
class ContactView:
    channel: str
    notify: bool
    opted_out: bool
    phone_last4: str | None


@dataclass(frozen=True, slots=True)
class PhotoView:
    id: int
    content_type: str
    size_bytes: int
    sha256: str
    created_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ConsentView:
    purpose: str
    wording: str
    given_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class HistoryView:
    at: dt.datetime | None
    status: str
    public_note: str | None
    next_step: str | None
    next_step_due: dt.date | None
    actor: str
    urgent: bool


@dataclass(frozen=True, slots=True)
class CaseDetail:
    reference: str
    kind: str
    service_id: str
    agency_id: str
    agency_name: str
    status: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    closed_at: dt.datetime | None
    personal_data_purged: bool
    category: str
    description: str | None
    address: str | None
    lat: float | None
    lon: float | None
    contacts: list[ContactView]
    photos: list[PhotoView]
    consents: list[ConsentView]
    history: list[HistoryView]  # newest first


def load(db: Session, agency_id: str, reference: str) -> CaseDetail | None:
    """The agency's own case, or None (missing and another agency's case look the same)."""
    case = find_case(db, agency_id, reference)
    return None if case is None else _view(db, case)


def _view(db: Session, case: Case) -> CaseDetail:
    return CaseDetail(
        reference=case.reference,
        kind=case.kind,
        service_id=case.service_id,
        agency_id=case.agency_id,
        agency_name=agency_name(db, case.agency_id) or case.agency_id,
        status=case.status,
        created_at=as_utc(case.created_at),
        updated_at=as_utc(case.updated_at),
        closed_at=as_utc(case.closed_at),
        personal_data_purged=case.personal_data_purged_at is not None,
        category=case.category or "",
        description=case.description,
        address=case.address,
        lat=case.location_lat,
        lon=case.location_lon,
        contacts=[
            ContactView(c.channel, c.notify, c.opted_out_at is not None, c.phone_last4) for c in case.contacts
        ],
        photos=[
            PhotoView(p.id, p.content_type, p.size_bytes, p.sha256, as_utc(p.created_at)) for p in case.photos
        ],
        consents=[
            ConsentView(c.purpose, c.wording, as_utc(c.given_at), as_utc(c.withdrawn_at))
            for c in case.consents
        ],
        history=[
            HistoryView(
                as_utc(h.at), h.status, h.public_note, h.next_step, h.next_step_due, h.actor, h.urgent
            )
            for h in reversed(case.history)
        ],
    )


def photo_file(db: Session, agency_id: str, reference: str, photo_id: int) -> tuple[str, str] | None:
    """(storage_ref, content_type) of a photo of the agency's own case, or None."""
    case = find_case(db, agency_id, reference)
    if case is None:
        return None
    photo = next((p for p in case.photos if p.id == photo_id), None)
    return None if photo is None else (photo.storage_ref, photo.content_type)

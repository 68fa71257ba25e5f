"""PDPA retention: personal data of closed cases is cleared after a configured period (a citizen's
own request to erase their contact data at any time is cases/erasure.py). What remains is what
statistics need: the kind, service, category, status history (notes were masked at entry) and a
location coarsened to ~1 km.
Consent records stay (wording and time only) as evidence of what was agreed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from cases.models import Case, CaseContact, CasePhoto, OutboxMessage, utcnow
from cases.photos import PhotoStore
from cases.registry import TERMINAL_STATUSES


def _drop_contacts(session: Session, case_ids: list[int]) -> None:
    ids = session.scalars(select(CaseContact.id).where(CaseContact.case_id.in_(case_ids))).all()
    if not ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.contact_id.in_(ids), OutboxMessage.state == "pending")
        .values(state="skipped", last_error="contact_erased", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(CaseContact).where(CaseContact.id.in_(ids)).execution_options(synchronize_session=False)
    )


def purge_personal_data(
    session: Session, photos: PhotoStore, older_than_days: int, now: dt.datetime | None = None
) -> list[str]:
    """Clear personal data of cases closed more than `older_than_days` ago; return their references.

    Photo files are deleted after the rows, inside the caller's transaction; a crash in between leaves
    at worst an orphaned file that a re-run cannot find again, never a row pointing at nothing.
    """
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=older_than_days)
    cases = session.scalars(
        select(Case).where(
            Case.status.in_(TERMINAL_STATUSES),
            Case.closed_at.is_not(None),
            Case.closed_at < cutoff,
            Case.personal_data_purged_at.is_(None),
        )
    ).all()
    if not cases:
        return []
    ids = [c.id for c in cases]
    _drop_contacts(session, ids)
    refs = session.scalars(select(CasePhoto.storage_ref).where(CasePhoto.case_id.in_(ids))).all()
    session.execute(
        delete(CasePhoto).where(CasePhoto.case_id.in_(ids)).execution_options(synchronize_session=False)
    )
    for case in cases:
        case.description = None
        case.address = None
        if case.location_lat is not None and case.location_lon is not None:
            case.location_lat = round(case.location_lat, 2)
            case.location_lon = round(case.location_lon, 2)
        case.personal_data_purged_at = now
    session.flush()
    session.expire_all()
    # Files are stored by content hash, so another case may hold the same bytes: delete only orphans.
    still_used = set(session.scalars(select(CasePhoto.storage_ref).where(CasePhoto.storage_ref.in_(refs))))
    for ref in set(refs) - still_used:
        photos.delete(ref)
    return [c.reference for c in cases]

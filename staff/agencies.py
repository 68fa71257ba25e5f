"""Which agency a staff member works for: the list to choose from and the check before one is set.

The console's case pages show only the cases of the signed-in user's agency, and the handover inbox
only the conversations handed to it, so the agency on an account is what separates one agency's
citizens from another's; it is only ever set to an id that exists in the case registry's `agencies`
table or in the agency directory (`knowledge/agencies.yml`, whose ids name the handover queues).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Agency
from knowledge.agencies import AgencyDirectory
from staff import audit
from staff.accounts import AccountError
from staff.audit import Actor
from staff.models import StaffUser

MAX_AGENCY_ID = 40


@cache
def directory() -> AgencyDirectory:
    """knowledge/agencies.yml, read once per process (it changes with a deployment, not at run time)."""
    return AgencyDirectory.load()


def list_agencies(db: Session) -> list[tuple[str, str]]:
    """(id, name) of every agency (case registry and directory), by id, for the admin page's select."""
    names = {a.id: a.name_th for a in directory().agencies}
    names.update((a.id, a.name) for a in db.scalars(select(Agency)))
    return sorted(names.items())


def agency_name(db: Session, agency_id: str) -> str | None:
    agency = db.get(Agency, agency_id)
    if agency is not None:
        return agency.name
    listed = directory().get(agency_id)
    return listed.name_th if listed else None


def checked_agency(db: Session, raw: str | None) -> str | None:
    """The agency id to store: None for "no agency" (empty input), else an id that exists."""
    value = (raw or "").strip()
    if not value:
        return None
    if len(value) > MAX_AGENCY_ID or (db.get(Agency, value) is None and directory().get(value) is None):
        raise AccountError(
            f"ไม่พบหน่วยงานรหัส “{value[:MAX_AGENCY_ID]}” ในทะเบียนเรื่องหรือใน knowledge/agencies.yml "
            "(เพิ่มหน่วยงานด้วย python -m cases issue-key --agency ID --name ชื่อ)"
        )
    return value


def set_agency(db: Session, user: StaffUser, raw: str | None, actor: Actor) -> str | None:
    """Set (or clear) the user's agency and audit it in the caller's transaction."""
    agency_id = checked_agency(db, raw)
    user.agency_id = agency_id
    audit.record(
        db, actor, "user.agency", target_type="user", target_id=user.username, detail=agency_id or "(none)"
    )
    return agency_id

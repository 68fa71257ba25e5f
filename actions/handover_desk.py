"""What the handover actions need to decide, built once per action server: office hours, the agency
directory, the sensitive topics, the knowledge store (a service's agency), the database and the keys.

Why one object: action_handover, the call-back form and the service action (which hands over after the
second unclear message and on a sensitive topic) must agree on which agency a conversation belongs to
and whether its staff are in. `desk_for(context)` builds it on first use and hands the same object to
every module's build_actions. The clock is injectable so tests and benchmarks fix the time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from actions.context import ActionContext
from handover.office_hours import DatabaseClosures, HoursConfig, OfficeHours
from handover.sensitive import SensitiveTopics
from knowledge.agencies import Agency, AgencyDirectory
from knowledge.store import KnowledgeStore
from privacy import PersonalData

log = logging.getLogger(__name__)

# The government contact centre takes what no agency was named for (handover/conversations.py agrees).
DEFAULT_AGENCY = "gcc1111"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class DeskStatus:
    """Whether an agency's staff are in now, and if not, when they are back."""

    agency: Agency
    open: bool
    now: dt.datetime
    opening: dt.datetime


@dataclass(slots=True)
class HandoverDesk:
    hours: OfficeHours
    agencies: AgencyDirectory
    sensitive: SensitiveTopics
    sessions: sessionmaker[Session]
    store: KnowledgeStore | None = None
    personal_data: PersonalData | None = None
    clock: Callable[[], dt.datetime] = utc_now
    _sender_hash: Callable[[str], str] | None = field(default=None, repr=False)

    @classmethod
    def from_context(cls, context: ActionContext) -> HandoverDesk:
        agencies = AgencyDirectory.load()
        return cls(
            hours=OfficeHours(
                HoursConfig.load(),
                always=context.settings.office_hours.always,
                closures=DatabaseClosures(context.sessionmaker),
            ),
            agencies=agencies,
            sensitive=SensitiveTopics.load(agencies),
            sessions=context.sessionmaker,
            store=KnowledgeStore(context.sessionmaker),
            personal_data=context.personal_data,
            _sender_hash=context.sender_hash,
        )

    def sender_hash(self, sender_id: str) -> str:
        if self._sender_hash is not None:
            return self._sender_hash(sender_id)
        if self.personal_data is None:
            raise RuntimeError("no personal data key")
        return self.personal_data.sender_hash(sender_id)

    def agency_for(self, service_id: str | None) -> Agency:
        """The agency of the service being discussed, else the government contact centre (blocking)."""
        if service_id and self.store is not None:
            try:
                record = self.store.get_published(service_id)
            except Exception:  # a broken knowledge base must not stop the citizen reaching a person
                log.exception("service look-up for a handover failed")
                record = None
            if record is not None and record.agency:
                agency = self.agencies.by_name(record.agency)
                if agency is not None:
                    return agency
        fallback = self.agencies.get(DEFAULT_AGENCY)
        if fallback is None:
            raise LookupError(f"{DEFAULT_AGENCY} missing from knowledge/agencies.yml")
        return fallback

    def status(self, agency: Agency) -> DeskStatus:
        """Open now, or when staff are back (blocking: reads agency closures)."""
        now = self.clock()
        opening = self.hours.next_opening(agency.id, now)
        return DeskStatus(agency=agency, open=opening == now, now=now, opening=opening)


_DESKS: dict[int, HandoverDesk] = {}


def desk_for(context: ActionContext) -> HandoverDesk:
    """The one desk of this action server (built on the first module's build_actions)."""
    desk = _DESKS.get(id(context))
    if desk is None:
        desk = _DESKS[id(context)] = HandoverDesk.from_context(context)
    return desk

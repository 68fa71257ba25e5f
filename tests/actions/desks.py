"""A HandoverDesk for action tests: the real office hours, agency directory and sensitive topics, a
migrated database, real keys (PrivacySettings.generate) and a fixed clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from actions.handover_desk import HandoverDesk
from handover.office_hours import BANGKOK, DatabaseClosures, HoursConfig, OfficeHours
from handover.sensitive import SensitiveTopics
from knowledge.agencies import AgencyDirectory
from knowledge.store import KnowledgeStore
from privacy import PersonalData, PrivacySettings

# Tuesday 8 December 2026, 10:00 in Bangkok (in hours) and Sunday 6 December, 20:00 (out of hours).
IN_HOURS = dt.datetime(2026, 12, 8, 10, 0, tzinfo=BANGKOK)
OUT_OF_HOURS = dt.datetime(2026, 12, 6, 20, 0, tzinfo=BANGKOK)


def make_desk(
    sessions: sessionmaker[Session],
    *,
    now: dt.datetime = IN_HOURS,
    keys: bool = True,
    always: bool = False,
) -> HandoverDesk:
    agencies = AgencyDirectory.load()
    return HandoverDesk(
        hours=OfficeHours(HoursConfig.load(), always=always, closures=DatabaseClosures(sessions)),
        agencies=agencies,
        sensitive=SensitiveTopics.load(agencies),
        sessions=sessions,
        store=KnowledgeStore(sessions),
        personal_data=PersonalData(PrivacySettings.generate()) if keys else None,
        clock=lambda: now,
    )

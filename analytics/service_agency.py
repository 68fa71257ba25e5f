"""Which agency a service belongs to, for attributing a conversation: the service's `agency` text in
the knowledge base (kb_services) matched against knowledge/agencies.yml, as the handover desk does
(actions/handover_desk.py). Cached per service for a few minutes: the consumer asks on every turn."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.agencies import AgencyDirectory
from knowledge.models import ServiceRow

TTL_SECONDS = 300.0


class ServiceAgencies:
    """`agency_for(session, service_id)` -> agency id or None (unknown service, no matching agency)."""

    def __init__(self, directory: AgencyDirectory, clock: Callable[[], float] = time.monotonic) -> None:
        self._directory = directory
        self._clock = clock
        self._cache: dict[str, tuple[float, str | None]] = {}

    @classmethod
    def load(cls) -> ServiceAgencies:
        return cls(AgencyDirectory.load())

    def agency_for(self, session: Session, service_id: str) -> str | None:
        now = self._clock()
        cached = self._cache.get(service_id)
        if cached is not None and now - cached[0] < TTL_SECONDS:
            return cached[1]
        text = session.scalar(select(ServiceRow.agency).where(ServiceRow.id == service_id))
        listed = self._directory.by_name(text) if text else None
        agency = listed.id if listed is not None else None
        self._cache[service_id] = (now, agency)
        return agency

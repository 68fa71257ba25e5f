"""The gateway's small loop that keeps waiting citizens informed (handover.conversations.queue_notices):
their place moved, a person took the conversation, or nobody could (call-back offer). Runs in every
gateway replica; the row locks and recorded positions make a second replica a no-op, not a repeat."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from sqlalchemy import Engine

from channels import keys
from db.engine import make_sessionmaker
from handover.conversations import notices_due, queue_notices
from staff.models import utcnow

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 2.0


class QueueWatch:
    def __init__(
        self,
        engine: Engine,
        *,
        claim_timeout: dt.timedelta,
        wake: asyncio.Event | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._reads = make_sessionmaker(engine)
        self._sessions = make_sessionmaker(engine, immediate=True)
        self._claim_timeout = claim_timeout
        self._wake = wake
        self._clock = clock

    def run_once(self) -> int:
        now = self._clock()
        with self._reads() as peek:
            if not notices_due(peek, now=now, claim_timeout=self._claim_timeout):
                return 0
        with self._sessions.begin() as session:
            return queue_notices(session, now=now, claim_timeout=self._claim_timeout)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if await asyncio.to_thread(self.run_once) and self._wake is not None:
                    self._wake.set()  # the notices go out now, not at the delivery worker's next poll
            except Exception:  # the database may be restarting: try again next round, never exit
                log.exception("handover queue watch failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=INTERVAL_SECONDS)


async def watch_context(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: the watch lives as long as the gateway."""
    settings = app[keys.SETTINGS]
    watch = QueueWatch(
        app[keys.DATABASE],
        claim_timeout=dt.timedelta(seconds=settings.handover_claim_timeout_seconds),
        wake=app[keys.HANDOVER_WAKE],
    )
    stop = asyncio.Event()
    task = asyncio.create_task(watch.run(stop), name="handover-queue-watch")
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

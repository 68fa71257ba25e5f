"""The notice worker: claim a batch from the outbox, deliver it concurrently, record the outcomes.

Run as `python -m cases worker`. Any number of workers may run against one database (leases keep
them apart). A worker killed mid-batch loses nothing: its rows are claimed again when the lease ends
and re-sent with the same idempotency key, which the provider recognises as a repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from cases.models import utcnow
from cases.notifier import Notice, Notifier
from cases.outbox import Attempt, ClaimedNotice, claim_due, quiet_hours_end, record_attempts
from cases.render import render_line, render_sms
from cases.settings import CasesSettings
from cases.vault import PersonalDataVault

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class OutboxWorker:
    def __init__(
        self,
        settings: CasesSettings,
        sessions: sessionmaker[Session],
        notifiers: dict[str, Notifier],
        *,
        worker_id: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.notifiers = notifiers
        self.worker_id = worker_id or default_worker_id()
        self.clock = clock
        self.vault = PersonalDataVault(settings.secret_key)
        self._limit = asyncio.Semaphore(settings.worker_concurrency)

    def _claim(self, now: dt.datetime) -> list[ClaimedNotice]:
        with self.sessions() as session, session.begin():
            return claim_due(
                session,
                worker_id=self.worker_id,
                now=now,
                limit=self.settings.worker_batch,
                lease_seconds=self.settings.lease_seconds,
                channels=self.notifiers.keys(),
                vault=self.vault,
            )

    def _record(self, attempts: list[Attempt]) -> None:
        with self.sessions() as session, session.begin():
            record_attempts(
                session, attempts, worker_id=self.worker_id, now=self.clock(), settings=self.settings
            )

    def _render(self, notice: ClaimedNotice) -> str:
        if notice.channel == "sms":
            return render_sms(notice.payload, self.settings.sms_max_segments)
        return render_line(notice.payload)

    async def _deliver(self, notice: ClaimedNotice, now: dt.datetime) -> Attempt:
        if notice.skip_reason is not None or notice.recipient is None:
            return Attempt(notice, "skipped", now)
        if notice.channel == "sms" and not notice.urgent:
            resume = quiet_hours_end(now, self.settings)
            if resume is not None:
                return Attempt(notice, "deferred", now, defer_until=resume)
        message = Notice(notice.idempotency_key, notice.recipient, self._render(notice))
        async with self._limit:
            started = self.clock()
            try:
                result = await self.notifiers[notice.channel].send(message)
            except Exception as exc:  # a notifier bug must not lose the batch: retry later
                log.exception("notifier %s failed on outbox row %s", notice.channel, notice.outbox_id)
                return Attempt(notice, "retry", started, detail=type(exc).__name__)
        return Attempt(notice, result.outcome, started, result.http_status, result.detail, result.retry_after)

    async def run_once(self) -> int:
        """Deliver one batch; return how many rows it handled (0: nothing was due)."""
        now = self.clock()
        claimed = await asyncio.to_thread(self._claim, now)
        if not claimed:
            return 0
        attempts = await asyncio.gather(*(self._deliver(n, now) for n in claimed))
        await asyncio.to_thread(self._record, list(attempts))
        failed = sum(1 for a in attempts if a.result in ("retry", "rejected"))
        if failed:
            log.warning("outbox batch: %d of %d not delivered yet", failed, len(attempts))
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        log.info("outbox worker %s delivering on %s", self.worker_id, ", ".join(sorted(self.notifiers)))
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the database may be restarting: wait and try again, never exit
                log.exception("outbox worker cycle failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.idle_poll_seconds)

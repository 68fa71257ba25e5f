"""The notice worker: claim a batch from the outbox, deliver it concurrently, record the outcomes.

It delivers through the channel adapters' direct senders (`Channel.direct_sender()`, channels.delivery),
whatever process it runs in: the gateway (channels.notices) or `python -m cases worker` (the gateway's
adapters without its listener). What differs per channel (SMS's segment budget and quiet hours) is
asked of the sender, never decided here by channel name. A channel without a sender in this process
has its rows left in the outbox for a process that has one.

Any number of workers may run against one database (leases keep them apart). A worker killed
mid-batch loses nothing: its rows are claimed again when the lease ends and re-sent with the same
idempotency key, which the platform recognises as a repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session, sessionmaker

from cases.models import utcnow
from cases.outbox import Attempt, ClaimedNotice, claim_due, quiet_hours_end, record_attempts
from cases.render import render_line, render_sms
from cases.settings import CasesSettings
from channels.delivery import DirectSender
from channels.messages import Outbound
from privacy import PersonalData

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class OutboxWorker:
    def __init__(
        self,
        settings: CasesSettings,
        sessions: sessionmaker[Session],
        senders: Mapping[str, DirectSender],
        *,
        worker_id: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.senders = dict(senders)
        self.worker_id = worker_id or default_worker_id()
        self.clock = clock
        self.vault = PersonalData(settings.privacy)
        self._limit = asyncio.Semaphore(settings.worker_concurrency)

    def _claim(self, now: dt.datetime) -> list[ClaimedNotice]:
        with self.sessions() as session, session.begin():
            return claim_due(
                session,
                worker_id=self.worker_id,
                now=now,
                limit=self.settings.worker_batch,
                lease_seconds=self.settings.lease_seconds,
                channels=self.senders.keys(),
                vault=self.vault,
            )

    def _record(self, attempts: list[Attempt]) -> None:
        with self.sessions() as session, session.begin():
            record_attempts(
                session, attempts, worker_id=self.worker_id, now=self.clock(), settings=self.settings
            )

    def _render(self, notice: ClaimedNotice, sender: DirectSender) -> str:
        budget = sender.segment_budget
        if budget is not None:  # SMS: the case text shortened to the smaller of both budgets
            return render_sms(notice.payload, min(self.settings.sms_max_segments, budget))
        return render_line(notice.payload)

    async def _deliver(self, notice: ClaimedNotice, now: dt.datetime) -> Attempt:
        if notice.skip_reason is not None or notice.recipient is None:
            return Attempt(notice, "skipped", now)
        sender = self.senders[notice.channel]
        if sender.quiet_hours and not notice.urgent:
            resume = quiet_hours_end(now, self.settings)
            if resume is not None:
                return Attempt(notice, "deferred", now, defer_until=resume)
        message = [Outbound(text=self._render(notice, sender))]
        async with self._limit:
            started = self.clock()
            try:
                result = await sender.send_to(notice.recipient, message, notice.idempotency_key)
            except Exception as exc:  # a sender bug must not lose the batch: retry later
                log.exception("sender %s failed on outbox row %s", notice.channel, notice.outbox_id)
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
        log.info(
            "outbox worker %s delivering on %s", self.worker_id, ", ".join(sorted(self.senders)) or "nothing"
        )
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the database may be restarting: wait and try again, never exit
                log.exception("outbox worker cycle failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.idle_poll_seconds)

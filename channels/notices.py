"""Case notices from inside the gateway: the outbox worker, fed by this process's channel adapters.

The notice worker asks each adapter for its direct sender (`Channel.direct_sender()`, channels.delivery)
— no list of channels here, no per-channel code. Why it lives in the gateway:
- web chat can only be reached through the gateway: a notice is written to the session's transcript
  (in process memory without Redis) and pushed to the sockets this process holds;
- the adapters are the one door to each platform: LINE pushes go through the same line-bot-sdk
  client and unfollow record, SMS through the one sender that checks STOP (generic provider or
  Twilio), so a notice obeys exactly the rules a reply does;
- one process fewer to deploy and watch.
`python -m cases worker` runs this same code over the same adapters without the gateway's listener
(there the web adapter offers no sender and web notices wait for a gateway). Leases on outbox rows
(cases.outbox) keep several workers from sending a notice twice, and an idempotency key per row makes
a crash mid-send a repeat the platform recognises, not a duplicate.

Also here: the case registry's opt-out, which SMS STOP and LINE unfollow call (in a thread, off the
event loop) so that case notices stop on every case. START and re-follow do not resubscribe them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping

from aiohttp import web
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from cases.models import utcnow
from cases.registry import opt_out
from cases.settings import CasesSettings
from cases.worker import Clock, OutboxWorker
from channels import keys
from channels.base import Channel
from channels.delivery import DirectSender
from db.engine import make_sessionmaker
from privacy import ContactError, PersonalData

log = logging.getLogger(__name__)


def direct_senders(channels: Mapping[str, Channel]) -> dict[str, DirectSender]:
    """Every sender the adapters offer in this process; a channel without one (off here, or web chat
    in a detached worker) leaves its notices waiting in the outbox."""
    senders: dict[str, DirectSender] = {}
    for channel in channels.values():
        sender = channel.direct_sender()
        if sender is not None:
            senders[sender.channel] = sender
    return senders


class CaseNotices:
    """The case registry as the gateway sees it: its database, the opt-out, the notice worker."""

    def __init__(self, settings: CasesSettings, engine: Engine) -> None:
        self.settings = settings
        self.sessions = make_sessionmaker(engine, immediate=True)  # the process's one engine
        self.vault = PersonalData(settings.privacy)

    async def opt_out(self, channel: str, recipient: str) -> None:
        """Stop case notices to this recipient on every case (recipient: "line:U…" or a phone)."""
        await asyncio.to_thread(self._opt_out, channel, recipient)

    def _opt_out(self, channel: str, recipient: str) -> None:
        try:
            with self.sessions() as session, session.begin():
                opt_out(session, self.vault, channel, recipient)
        except ContactError:
            return  # not a Thai number: no case contact can hold it
        except IntegrityError:
            return  # a concurrent opt-out of the same recipient got in first; it did the same

    def worker(
        self, channels: Mapping[str, Channel], *, clock: Clock = utcnow, worker_id: str | None = None
    ) -> OutboxWorker:
        """An outbox worker delivering through these adapters' direct senders."""
        return OutboxWorker(
            self.settings, self.sessions, direct_senders(channels), worker_id=worker_id, clock=clock
        )


def notices_context(
    settings: CasesSettings, *, run_worker: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context: the registry's opt-out in every process, the worker where `run_worker`.

    Appended after the gateway's resources, so on shutdown the worker stops (finishing its batch)
    before the adapters and the HTTP session it sends through are closed.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        notices = CaseNotices(settings, app[keys.DATABASE])
        app[keys.CASE_NOTICES] = notices
        stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        channels = app[keys.CHANNELS]
        if run_worker and channels:
            worker = notices.worker(channels)
            app[keys.NOTICE_WORKER] = worker
            task = asyncio.create_task(worker.run(stop), name="case-notices")
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                try:
                    await asyncio.wait_for(task, timeout=15)
                except TimeoutError:
                    log.warning(
                        "case notices: worker did not stop in time; its leased rows are retried later"
                    )
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return context

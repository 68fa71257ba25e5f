"""Case notices from inside the gateway: the outbox worker, fed by this process's channel adapters.

Why the notice worker lives in the gateway rather than only in `python -m cases worker`:
- web chat can only be reached through the gateway: a notice is written to the session's transcript
  (in process memory without Redis) and pushed to the sockets this process holds;
- the adapters already are the one door to each platform: LINE pushes go through the same
  line-bot-sdk client and unfollow record, SMS through the one sender that checks STOP and the
  segment budget, so a notice obeys exactly the rules a reply does;
- one process fewer to deploy and watch.
Leases on outbox rows (cases.outbox) keep several gateway replicas from sending a notice twice, and
an idempotency key per row makes a crash mid-send a repeat the platform recognises, not a duplicate.
`python -m cases worker` keeps working for deployments that notify over LINE/SMS only (the benchmark
uses it); running both is safe for the same reasons.

Also here: the case registry's opt-out, which SMS STOP and LINE unfollow call (in a thread, off the
event loop) so that case notices stop on every case. START and re-follow do not resubscribe them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from cases.contacts import ContactError
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import utcnow
from cases.notifier import Notifier
from cases.service import opt_out
from cases.settings import CasesSettings
from cases.vault import PersonalDataVault
from cases.worker import Clock, OutboxWorker
from channels import keys
from channels.base import Channel

if TYPE_CHECKING:
    from channels.line.adapter import LineChannel
    from channels.sms.adapter import SmsChannel
    from channels.web.adapter import WebChannel

log = logging.getLogger(__name__)


def build_notifiers(channels: Mapping[str, Channel]) -> dict[str, Notifier]:
    """One notifier per enabled channel; a channel that is off leaves its notices waiting in the outbox."""
    from channels.line.notices import LineNoticeNotifier
    from channels.sms.notices import SmsNoticeNotifier
    from channels.web.notices import WebNoticeNotifier

    notifiers: dict[str, Notifier] = {}
    if "line" in channels:
        line: LineChannel = channels["line"]  # type: ignore[assignment]
        notifiers["line"] = LineNoticeNotifier(line)
    if "sms" in channels:
        sms: SmsChannel = channels["sms"]  # type: ignore[assignment]
        notifiers["sms"] = SmsNoticeNotifier(sms)
    if "web" in channels:
        chat: WebChannel = channels["web"]  # type: ignore[assignment]
        notifiers["web"] = WebNoticeNotifier(chat)
    return notifiers


class CaseNotices:
    """The case registry as the gateway sees it: its database, the opt-out, the notice worker."""

    def __init__(self, settings: CasesSettings) -> None:
        self.settings = settings
        self.engine = make_cases_engine(settings.database_url)
        self.sessions = make_cases_sessionmaker(self.engine)
        self.vault = PersonalDataVault(settings.secret_key)

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
        """An outbox worker delivering through these adapters; SMS notices kept within the SMS budget."""
        settings = self.settings
        sms = channels.get("sms")
        budget = getattr(sms, "segment_budget", None)
        if isinstance(budget, int):
            settings = dataclasses.replace(settings, sms_max_segments=min(settings.sms_max_segments, budget))
        return OutboxWorker(
            settings, self.sessions, build_notifiers(channels), worker_id=worker_id, clock=clock
        )

    def close(self) -> None:
        self.engine.dispose()


def notices_context(
    settings: CasesSettings, *, run_worker: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context: the registry's opt-out in every process, the worker where `run_worker`.

    Appended after the gateway's resources, so on shutdown the worker stops (finishing its batch)
    before the adapters and the HTTP session it sends through are closed.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        notices = CaseNotices(settings)
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
            notices.close()

    return context

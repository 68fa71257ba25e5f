"""Staff replies (and handover system lines) delivered to the citizen from inside the gateway.

The staff API commits a reply as a transcript line (`HandoverMessage`, author "staff" or "system",
delivery_state "pending", an idempotency key) and sets the process's wake event
(`app[channels.keys.HANDOVER_WAKE]`); this worker, running in every gateway process beside the case
notices (channels/notices.py, the same pattern), wakes at once, or finds the line at its next poll
(about a second) when another replica committed it. It opens the handover's sealed address and sends
through the channel adapter's `DirectSender` (channels/delivery.py): LINE push with X-Line-Retry-Key,
SMS through the one sender that checks STOP, web chat into the session's transcript and open sockets.
The line is the transcript entry: delivery only sets delivery_state/delivered_at on it.

Exactly once, in order:
- a line is leased before it is sent (claimed_by/claim_until; PostgreSQL SELECT … FOR UPDATE SKIP
  LOCKED, SQLite under BEGIN IMMEDIATE), so replicas never send it twice at once; a gateway restarted
  on the same host takes back at once the leases of its dead predecessor (host:pid no longer runs);
- a line is due only when no earlier line of its handover is still pending: line N+1 never overtakes
  line N, also not while N waits for a retry;
- the line's key travels to the platform, so a gateway killed after the send and before marking it
  re-sends with the same key and the platform answers 409 ("duplicate": delivered, not sent again).
  An SMS reply split into several texts gives each text its own key derived from the line's.

Per channel (handover/split.py): long replies are split, never cut. SMS quiet hours do not hold a
staff reply: the citizen asked for a person minutes ago and is waiting for this answer (case notices
do wait for the morning). STOP and LINE unfollow always hold: the senders refuse, and the line is
marked failed with the reason. "retry" outcomes back off exponentially; after `max_attempts`, or on
"rejected", the line is failed with the reason (`last_error`, no personal data) for the inbox to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from cases.worker import default_worker_id
from channels import keys
from channels.delivery import DirectSender, SendResult
from channels.messages import Button, Outbound
from db.engine import make_sessionmaker
from handover.events import record_event
from handover.models import RATING, STAFF, SYSTEM, Handover, HandoverMessage
from handover.split import TooLong, split_for
from privacy import PersonalData, PrivacySettings, SealError
from staff.models import utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Result = Literal["sent", "duplicate", "retry", "rejected"]
PENDING, SENT, FAILED = "pending", "sent", "failed"
DELIVERED_AUTHORS = (STAFF, SYSTEM)
# The rating after close: tapped on LINE and web chat (SMS citizens type the digit the text asks for);
# handover/gate.py takes a lone 1-5 as the rating, typed or tapped.
RATING_BUTTONS = tuple(Button(str(score), str(score)) for score in range(1, 6))
KEY_NAMESPACE = uuid.UUID("8f3d2c1e-6b0a-4f57-9c2e-1d4b7a9e0c35")


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """How the worker paces itself; the defaults suit a live conversation (fast, then give up soon)."""

    poll_seconds: float = 1.0  # lines committed by another replica wait at most this long
    batch: int = 100
    concurrency: int = 32
    # Longer than one send may take (the LINE and SMS clients time out after 10 s). A line leased by a
    # gateway that was killed waits this long; its re-send carries the same key (409, not twice).
    lease_seconds: float = 15.0
    max_attempts: int = 8
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0  # about four minutes of retries in all, then "failed"


@dataclass(frozen=True, slots=True)
class ClaimedLine:
    """A leased line with what is needed to send it; `recipient` is None when `problem` says why."""

    message_id: int
    handover_id: int
    channel: str
    idempotency_key: str
    text: str
    attempts: int  # including this one
    recipient: str | None
    problem: str | None = None
    buttons: tuple[Button, ...] = ()  # one-tap answers, on channels that show buttons (the rating)


@dataclass(frozen=True, slots=True)
class Outcome:
    line: ClaimedLine
    result: Result
    detail: str | None = None
    retry_after: float | None = None


def _address(line: HandoverMessage, handover: Handover, vault: PersonalData) -> tuple[str | None, str | None]:
    """(address, None), or (None, why the line cannot be sent)."""
    if line.kind not in ("text", RATING) or not (line.text or "").strip():
        return None, f"nothing to send ({line.kind})"
    if not handover.recipient_enc:
        return None, "no address"
    try:
        return vault.open(handover.recipient_enc), None
    except SealError:
        return None, "address undecryptable"


def platform_key(key: str) -> str:
    """The key sent to the platform: the line's own when it is a UUID (what LINE's X-Line-Retry-Key
    requires), else a UUID derived from it, the same in every process and after every restart."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(KEY_NAMESPACE, key))


def claim_due(
    session: Session,
    *,
    worker_id: str,
    now: dt.datetime,
    limit: int,
    lease_seconds: float,
    channels: Collection[str],
    vault: PersonalData,
) -> list[ClaimedLine]:
    """Lease up to `limit` due lines, at most one per handover (its earliest pending one)."""
    line = aliased(HandoverMessage, name="line")
    earlier = aliased(HandoverMessage, name="earlier")
    blocked = exists().where(
        earlier.handover_id == line.handover_id,
        earlier.delivery_state == PENDING,
        earlier.id < line.id,
    )
    due = (
        select(line.id)
        .join(Handover, Handover.id == line.handover_id)
        .where(
            line.delivery_state == PENDING,
            line.author.in_(DELIVERED_AUTHORS),
            or_(line.next_attempt_at.is_(None), line.next_attempt_at <= now),
            or_(line.claim_until.is_(None), line.claim_until < now),
            Handover.channel.in_(list(channels)),
            ~blocked,
        )
        .order_by(line.next_attempt_at, line.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=line)
    ids = list(session.scalars(due))
    if not ids:
        return []
    session.execute(
        update(HandoverMessage)
        .where(HandoverMessage.id.in_(ids))
        .values(
            claimed_by=worker_id,
            claim_until=now + dt.timedelta(seconds=lease_seconds),
            attempts=HandoverMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(
        select(HandoverMessage, Handover)
        .join(Handover, Handover.id == HandoverMessage.handover_id)
        .where(HandoverMessage.id.in_(ids))
        .order_by(HandoverMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    claimed = []
    for message, handover in rows:
        recipient, problem = _address(message, handover, vault)
        claimed.append(
            ClaimedLine(
                message_id=message.id,
                handover_id=handover.id,
                channel=handover.channel,
                idempotency_key=platform_key(message.idempotency_key or f"handover-line-{message.id}"),
                text=message.text or "",
                attempts=message.attempts,
                recipient=recipient,
                problem=problem,
                buttons=RATING_BUTTONS if message.kind == RATING else (),
            )
        )
    return claimed


def backoff_seconds(attempts: int, settings: DeliverySettings, retry_after: float | None = None) -> float:
    """Exponential with jitter (half to full of base·2^(n-1), capped), never below Retry-After."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** max(attempts - 1, 0))
    return max(ceiling * (0.5 + random.random() / 2), retry_after or 0.0)  # noqa: S311 - jitter


def record_outcomes(
    session: Session,
    outcomes: Sequence[Outcome],
    *,
    worker_id: str,
    now: dt.datetime,
    settings: DeliverySettings,
) -> None:
    """Write each outcome to its line while it is still pending. "Sent" always holds; a retry or a
    failure is written only while this worker still holds the lease (if it ran out and another
    worker took the line, that worker's attempt decides)."""
    sent = [o.line.message_id for o in outcomes if o.result in ("sent", "duplicate")]
    if sent:
        settled = session.execute(
            update(HandoverMessage)
            .where(HandoverMessage.id.in_(sent), HandoverMessage.delivery_state == PENDING)
            .values(delivery_state=SENT, delivered_at=now, last_error=None, claimed_by=None, claim_until=None)
            .returning(HandoverMessage.id, HandoverMessage.handover_id, HandoverMessage.author)
            .execution_options(synchronize_session=False)
        ).all()
        _record_settled(session, settled, "reply_delivered", now)
    for outcome in outcomes:
        if outcome.result in ("sent", "duplicate"):
            continue
        detail = (outcome.detail or outcome.result)[:200]
        values: dict[str, object] = {"claimed_by": None, "claim_until": None, "last_error": detail}
        if outcome.result == "rejected" or outcome.line.attempts >= settings.max_attempts:
            values["delivery_state"] = FAILED
        else:
            delay = backoff_seconds(outcome.line.attempts, settings, outcome.retry_after)
            values["next_attempt_at"] = now + dt.timedelta(seconds=delay)
        failed = session.execute(
            update(HandoverMessage)
            .where(
                HandoverMessage.id == outcome.line.message_id,
                HandoverMessage.delivery_state == PENDING,
                HandoverMessage.claimed_by == worker_id,
            )
            .values(**values)
            .returning(HandoverMessage.id, HandoverMessage.handover_id, HandoverMessage.author)
            .execution_options(synchronize_session=False)
        ).all()
        if values.get("delivery_state") == FAILED:
            _record_settled(session, failed, "reply_failed", now)


def _record_settled(
    session: Session, lines: Sequence[Any], kind: Literal["reply_delivered", "reply_failed"], now: dt.datetime
) -> None:
    """A handover event per line this update settled (not one another worker settled first), in the
    same transaction: the analytics count staff replies and notices delivered or failed from them."""
    for message_id, handover_id, author in lines:
        record_event(session, handover_id, kind, detail={"message_id": message_id, "author": author}, at=now)


def _dead_here(worker_id: str, host: str) -> bool:
    """Whether `worker_id` ("host:pid", cases.worker.default_worker_id) names a process of this host
    that no longer runs. Anything else (another host, a live or unknown pid) counts as alive."""
    name, _, pid = worker_id.rpartition(":")
    if name != host or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def release_dead_leases(session: Session, *, now: dt.datetime, host: str) -> int:
    """Free the leases of this host's processes that died (a gateway killed and restarted on the
    same host), so their lines go out now instead of when the lease ends. A mistaken release would
    only cost a re-send that the platform refuses by key, never a second message."""
    holders = session.scalars(
        select(HandoverMessage.claimed_by)
        .where(
            HandoverMessage.delivery_state == PENDING,
            HandoverMessage.claim_until > now,
            HandoverMessage.claimed_by.like(f"{host}:%"),
        )
        .distinct()
    ).all()
    dead = [holder for holder in holders if holder is not None and _dead_here(holder, host)]
    if not dead:
        return 0
    result = session.execute(
        update(HandoverMessage)
        .where(HandoverMessage.delivery_state == PENDING, HandoverMessage.claimed_by.in_(dead))
        .values(claimed_by=None, claim_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def part_key(idempotency_key: str, index: int, total: int) -> str:
    """The key of one text of a reply sent as several (SMS); a reply sent whole keeps its own key."""
    return idempotency_key if total == 1 else f"{idempotency_key}/{index}"


class HandoverDelivery:
    """Delivers due handover lines through this process's direct senders (one per channel)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Mapping[str, DirectSender],
        vault: PersonalData,
        *,
        settings: DeliverySettings | None = None,
        worker_id: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.sessions = sessions
        self.senders = dict(senders)
        self.vault = vault
        self.settings = settings or DeliverySettings()
        self.worker_id = worker_id or default_worker_id()
        self.clock = clock
        self._limit = asyncio.Semaphore(self.settings.concurrency)

    def _claim(self, limit: int) -> list[ClaimedLine]:
        with self.sessions() as session, session.begin():
            return claim_due(
                session,
                worker_id=self.worker_id,
                now=self.clock(),
                limit=limit,
                lease_seconds=self.settings.lease_seconds,
                channels=self.senders.keys(),
                vault=self.vault,
            )

    def _record(self, outcomes: list[Outcome], claim: int = 0) -> list[ClaimedLine]:
        """Record finished lines and claim up to `claim` more, in one transaction: one commit (one
        SQLite write lock, one fsync) per round however many lines finished meanwhile, and a
        handover's next line is claimed in the same breath as the one before it is marked sent."""
        with self.sessions() as session, session.begin():
            if outcomes:
                record_outcomes(
                    session, outcomes, worker_id=self.worker_id, now=self.clock(), settings=self.settings
                )
            if claim <= 0:
                return []
            return claim_due(
                session,
                worker_id=self.worker_id,
                now=self.clock(),
                limit=claim,
                lease_seconds=self.settings.lease_seconds,
                channels=self.senders.keys(),
                vault=self.vault,
            )

    def _release_dead_leases(self) -> int:
        with self.sessions() as session, session.begin():
            return release_dead_leases(session, now=self.clock(), host=socket.gethostname())

    @staticmethod
    def _report(outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.result not in ("sent", "duplicate"):
                log.warning(
                    "handover %s line %s not delivered (%s: %s, attempt %d)",
                    outcome.line.handover_id,
                    outcome.line.message_id,
                    outcome.result,
                    outcome.detail,
                    outcome.line.attempts,
                )

    async def _send(self, sender: DirectSender, line: ClaimedLine, texts: list[str]) -> SendResult:
        assert line.recipient is not None
        if sender.segment_budget is None:  # a chat: every part in one send, under the line's key
            messages = [Outbound(text=t) for t in texts]
            messages[-1] = Outbound(text=texts[-1], buttons=line.buttons)
            return await sender.send_to(line.recipient, messages, line.idempotency_key)
        result = SendResult("sent")
        for index, text in enumerate(texts, start=1):  # SMS: one text per send, in order
            key = part_key(line.idempotency_key, index, len(texts))
            result = await sender.send_to(line.recipient, [Outbound(text=text)], key)
            if result.outcome not in ("sent", "duplicate"):
                return result  # a retry re-sends the earlier parts under their keys: 409, not twice
        return result

    async def _deliver(self, line: ClaimedLine) -> Outcome:
        if line.recipient is None:
            return Outcome(line, "rejected", line.problem)
        sender = self.senders[line.channel]
        try:
            texts = await asyncio.to_thread(split_for, line.channel, line.text, sender.segment_budget)
        except TooLong as exc:
            return Outcome(line, "rejected", str(exc))
        async with self._limit:
            try:
                result = await self._send(sender, line, texts)
            except Exception as exc:  # a sender bug must not lose the batch: retry later
                log.exception("handover delivery: sender %s failed on line %s", line.channel, line.message_id)
                return Outcome(line, "retry", type(exc).__name__)
        return Outcome(line, result.outcome, result.detail, result.retry_after)

    async def run_once(self) -> int:
        """Claim one batch and deliver it completely; how many lines it handled (0: nothing was due)."""
        claimed = await asyncio.to_thread(self._claim, self.settings.batch)
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._deliver(line) for line in claimed))
        await asyncio.to_thread(self._record, list(outcomes))
        self._report(outcomes)
        return len(claimed)

    async def run(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        """Until `stop`: rounds of (record what finished, claim what is due) and send it, without
        waiting for earlier sends to finish; idle until `wake` is set or the poll interval passes. A
        finished line sets `wake` (its handover's next line may be due now). Whoever sets `stop` sets
        `wake` too."""
        log.info("handover delivery %s on %s", self.worker_id, ", ".join(sorted(self.senders)) or "nothing")
        try:
            released = await asyncio.to_thread(self._release_dead_leases)
        except Exception:
            log.exception("handover delivery: leases of dead processes not checked; they run out")
        else:
            if released:
                log.warning("handover delivery: %d line(s) leased by a dead process taken back", released)
        inflight: set[asyncio.Task[Outcome]] = set()
        finished: list[Outcome] = []

        def done(task: asyncio.Task[Outcome]) -> None:
            inflight.discard(task)
            if task.cancelled():
                pass
            elif task.exception() is not None:  # a bug: the line's lease ends and it is sent again
                log.error("handover delivery: %s failed", task.get_name(), exc_info=task.exception())
            else:
                finished.append(task.result())
            wake.set()

        while not stop.is_set():
            wake.clear()  # before the round: anything committed or finished from here on sets it again
            outcomes, finished[:] = list(finished), []
            try:
                claimed = await asyncio.to_thread(self._record, outcomes, self.settings.batch - len(inflight))
            except Exception:  # the database may be restarting: keep the outcomes, try again, never exit
                log.exception("handover delivery round failed")
                finished[:0] = outcomes
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_seconds)
                continue
            self._report(outcomes)
            for line in claimed:
                task = asyncio.create_task(self._deliver(line), name=f"handover-line-{line.message_id}")
                inflight.add(task)
                task.add_done_callback(done)
            if not claimed and not outcomes:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.settings.poll_seconds)
        if inflight:  # finish what is being sent and record it, rather than leave it to the lease
            await asyncio.gather(*inflight, return_exceptions=True)
        if finished:
            try:
                await asyncio.to_thread(self._record, finished)
            except Exception:
                log.exception("handover delivery: last outcomes not recorded; their leases will end")


def delivery_context(
    privacy: PrivacySettings, settings: DeliverySettings | None = None
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context running the worker on the gateway's database and adapters.

    Appended after the gateway's resources, so on shutdown it stops (finishing its batch) before
    the adapters and the HTTP session it sends through are closed."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        from channels.notices import direct_senders

        channels = app[keys.CHANNELS]
        worker = HandoverDelivery(
            make_sessionmaker(app[keys.DATABASE], immediate=True),
            direct_senders(channels),
            PersonalData(privacy),
            settings=settings,
        )
        app[keys.HANDOVER_DELIVERY] = worker
        stop, wake = asyncio.Event(), app[keys.HANDOVER_WAKE]
        task = asyncio.create_task(worker.run(stop, wake), name="handover-delivery")
        try:
            yield
        finally:
            stop.set()
            wake.set()
            try:
                await asyncio.wait_for(task, timeout=15)
            except TimeoutError:
                log.warning("handover delivery did not stop in time; its leased lines are retried later")
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return context

"""The inbound event queue: accepted events wait here between the webhook's 200 and Rasa.

Contract shared by both implementations (and relied on by `channels.worker` and the web channel):

- `publish(event)` returns only after the event is stored (for Redis: XADD done), so the webhook may
  answer 200 afterwards; it returns False, storing nothing, when the event id was seen before
  (platform redelivery, client resend) within `dedupe_ttl_seconds`.
- `run(handler)` consumes until cancelled. Events of one sender reach the handler one at a time in the
  order they were published; different senders run concurrently (up to `max_inflight`). A handler that
  returns acknowledges the event; a handler that raises sends the event, with the error, to the
  dead-letter stream (and acknowledges it): retries are the handler's job, so a Rasa outage is ridden
  out inside the handler without losing the event or reordering the sender's later ones.
- Redis Streams give at-least-once delivery across crashes: an entry stays pending until acked, a
  running handler keeps its entries fresh (XCLAIM heartbeat), and entries left pending by a dead
  process are taken over with XAUTOCLAIM after `claim_idle_seconds`. The in-process queue offers the
  same API without durability, for the single-machine default without REDIS_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import socket
import time
import uuid
import zlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from channels.messages import Inbound, inbound_from_dict, inbound_to_dict
from privacy import log_id

if TYPE_CHECKING:
    from channels.ratelimit import RateLimiter

log = logging.getLogger(__name__)

Admission = Literal["accepted", "duplicate", "rate_limited"]
Handler = Callable[[Inbound], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    entry_id: str
    event: dict[str, Any]
    error: str
    failed_at: float


def _cancel_requested() -> bool:
    """True if someone asked this task to stop, even if a library swallowed the CancelledError.

    redis-py can absorb a cancellation that lands while it opens a connection; a consumer loop that
    relied on the exception alone would then spin forever and hang the app's shutdown.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def shard_of(sender_id: str, shards: int) -> int:
    """Stable across processes and restarts (unlike hash()), so one sender always maps to one stream."""
    return zlib.crc32(sender_id.encode("utf-8")) % shards


class _OrderedDispatcher:
    """Runs handlers concurrently across senders but strictly in arrival order per sender.

    Each new event's task first awaits the previous task of the same sender; a semaphore bounds the
    events in flight so a backlog is read from the queue no faster than it can be processed.
    """

    def __init__(self, max_inflight: int) -> None:
        self._slots = asyncio.Semaphore(max_inflight)
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, sender_id: str, job: Callable[[], Awaitable[None]]) -> None:
        await self._slots.acquire()
        previous = self._tails.get(sender_id)

        async def run() -> None:
            try:
                if previous is not None:
                    with contextlib.suppress(BaseException):
                        await asyncio.shield(previous)
                await job()
            finally:
                self._slots.release()
                if self._tails.get(sender_id) is task:
                    del self._tails[sender_id]

        task = asyncio.create_task(run())
        self._tails[sender_id] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    @property
    def inflight(self) -> int:
        return len(self._tasks)


class EventQueue(ABC):
    durable: bool = False

    @abstractmethod
    async def publish(self, event: Inbound) -> bool:
        """Store the event; False (and nothing stored) when its event id is a duplicate."""

    @abstractmethod
    async def run(self, handler: Handler) -> None:
        """Consume until cancelled (see the module docstring for the guarantees)."""

    dedupe_ttl_seconds: int = 24 * 3600

    async def admit(self, event: Inbound, limiter: RateLimiter) -> Admission:
        """Rate limit, deduplicate and store one webhook event (what the webhook handler calls)."""
        if too_old(event, self.dedupe_ttl_seconds):
            return "duplicate"
        if not await limiter.allow(event.sender_id):
            return "rate_limited"
        return "accepted" if await self.publish(event) else "duplicate"

    @abstractmethod
    async def ping(self) -> bool:
        """True when the queue can accept events (readiness)."""

    @abstractmethod
    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        """The most recent events that failed for good, newest first, for operators."""

    async def backlog(self) -> int:
        """Events accepted but not yet acknowledged (for readiness and benchmarks)."""
        return 0

    async def close(self) -> None:
        return None


REDELIVERED = "redelivered"


def mark_redelivered(event: Inbound) -> Inbound:
    """The event as handed out again after a consumer died with it: the worker then checks for an
    answer stored by the earlier attempt (a lookup it skips on the first delivery)."""
    return dataclasses.replace(event, extra={**event.extra, REDELIVERED: True})


def _dedupe_key(event: Inbound) -> str:
    return f"{event.channel}:{event.event_id}"


# Channels whose event time is set by the platform inside the signed body (LINE's `timestamp`). SMS
# providers' times are the operator's and may lag by days; web events are stamped by the gateway.
SIGNED_TIME_CHANNELS = frozenset({"line"})


def too_old(event: Inbound, dedupe_ttl_seconds: float, now: float | None = None) -> bool:
    """An event stamped (by its platform, inside the signed body) before the dedupe window began.

    Its dedupe record may already be pruned, so it cannot be told apart from a replay of a captured
    body: it is refused as a duplicate. Only `SIGNED_TIME_CHANNELS` are judged, and only with a time.
    """
    if event.channel not in SIGNED_TIME_CHANNELS or not event.received_at:
        return False
    return (time.time() if now is None else now) - event.received_at > dedupe_ttl_seconds


class MemoryQueue(EventQueue):
    """asyncio in-process queue: events in it die with the process. Only for tests that ask for it
    (`GATEWAY_BACKEND=memory`); the default without Redis is `channels.sqlite_queue.SqliteQueue`."""

    durable = False

    def __init__(self, *, max_inflight: int = 64, dedupe_ttl_seconds: int = 24 * 3600) -> None:
        self._queue: asyncio.Queue[Inbound] = asyncio.Queue()
        self._seen: dict[str, float] = {}
        self._ttl = self.dedupe_ttl_seconds = dedupe_ttl_seconds
        self._max_inflight = max_inflight
        self._dead: list[DeadLetter] = []
        self._unacked = 0
        log.warning(
            "queue: in-process (GATEWAY_BACKEND=memory); accepted events are lost if the gateway stops"
        )

    async def publish(self, event: Inbound) -> bool:
        now = time.monotonic()
        key = _dedupe_key(event)
        seen_at = self._seen.get(key)
        if seen_at is not None and now - seen_at < self._ttl:
            return False
        if len(self._seen) > 200_000:
            self._seen = {k: t for k, t in self._seen.items() if now - t < self._ttl}
        self._seen[key] = now
        self._unacked += 1
        self._queue.put_nowait(event)
        return True

    async def run(self, handler: Handler) -> None:
        dispatcher = _OrderedDispatcher(self._max_inflight)
        try:
            while True:
                event = await self._queue.get()
                await dispatcher.submit(event.sender_id, lambda e=event: self._handle(handler, e))  # type: ignore[misc]
        finally:
            dispatcher.cancel()

    async def _handle(self, handler: Handler, event: Inbound) -> None:
        try:
            await handler(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("queue: event %s of %s dead-lettered: %r", event.event_id, log_id(event.sender_id), exc)
            self._dead.insert(0, DeadLetter("", inbound_to_dict(event), repr(exc), time.time()))
            del self._dead[1000:]
        self._unacked -= 1

    async def ping(self) -> bool:
        return True

    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        return self._dead[:count]

    async def backlog(self) -> int:
        return self._unacked


# Dedupe and append in one atomic step: a crash between the two can neither lose an event (dedupe key
# set, entry missing) nor let a redelivery through twice.
_PUBLISH_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
end
return false
"""


# The webhook's whole Redis work in one command: count the sender's events in the rate window, then
# dedupe and append. One round trip per event keeps acknowledgements fast on a busy machine.
_ADMIT_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then return 'rate_limited' end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('XADD', KEYS[3], '*', 'e', ARGV[4])
  return 'accepted'
end
return 'duplicate'
"""


# Shard leases: a replica owns a shard while its name is in the lease key; only the owner renews
# or gives it back (a lease that ran out and was taken by another is left alone).
_RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStreamQueue(EventQueue):
    """Redis Streams with one consumer group, `shards` streams and per-sender ordering.

    Each shard is read by one replica at a time: its owner holds a lease (`<prefix>:lease:<i>`), kept
    alive every third of `claim_idle_seconds`, and the replicas alive (`<prefix>:members`) share the
    shards evenly, so two gateways never hold one citizen's messages at once (Rasa Open Source 3.6's
    lock store races between Rasa servers: RasaHQ/rasa #11256, #9213). A shard changes hands only
    when nothing of another replica is pending on it: a live replica giving a shard up finishes its
    events first; a dead one's (its lease and membership ran out) are claimed and handled, in order,
    before anything newer is read. A replica stopping cleanly gives its shards up at once.
    """

    durable = True
    GROUP = "gateway"

    def __init__(
        self,
        redis: Any,
        *,
        prefix: str = "gw",
        shards: int = 8,
        max_inflight: int = 64,
        dedupe_ttl_seconds: int = 24 * 3600,
        claim_idle_seconds: float = 15.0,
        consumer: str | None = None,
        block_ms: int = 1000,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._streams = [f"{prefix}:in:{i}" for i in range(shards)]
        self._dead_stream = f"{prefix}:dead"
        self._max_inflight = max_inflight
        self._ttl = self.dedupe_ttl_seconds = dedupe_ttl_seconds
        self._claim_idle_ms = int(claim_idle_seconds * 1000)
        self._consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._block_ms = block_ms
        self._publish = redis.register_script(_PUBLISH_LUA)
        self._admit = redis.register_script(_ADMIT_LUA)
        self._inflight: dict[str, set[str]] = {s: set() for s in self._streams}
        self._groups_ready = False
        self._closing = False
        self._renew = redis.register_script(_RENEW_LUA)
        self._release = redis.register_script(_RELEASE_LUA)
        self._members = f"{prefix}:members"
        self._owned: set[str] = set()  # shards whose lease is ours
        self._readable: set[str] = set()  # owned, and nothing of another replica pending on them
        self._leaving: set[str] = set()  # owned, being given up once their events are done

    @property
    def consumer(self) -> str:
        return self._consumer

    def stream_for(self, sender_id: str) -> str:
        return self._streams[shard_of(sender_id, len(self._streams))]

    async def publish(self, event: Inbound) -> bool:
        payload = json.dumps(inbound_to_dict(event), ensure_ascii=False, separators=(",", ":"))
        dedupe = f"{self._prefix}:seen:{_dedupe_key(event)}"
        entry = await self._publish(
            keys=[dedupe, self.stream_for(event.sender_id)], args=[self._ttl, payload]
        )
        return entry is not None

    async def admit(self, event: Inbound, limiter: RateLimiter) -> Admission:
        from channels.ratelimit import RedisRateLimiter

        if not isinstance(limiter, RedisRateLimiter):
            return await super().admit(event, limiter)
        if too_old(event, self._ttl):
            return "duplicate"
        rate_key, rate_ttl, limit = limiter.key_for(event.sender_id)
        payload = json.dumps(inbound_to_dict(event), ensure_ascii=False, separators=(",", ":"))
        dedupe = f"{self._prefix}:seen:{_dedupe_key(event)}"
        result = await self._admit(
            keys=[rate_key, dedupe, self.stream_for(event.sender_id)],
            args=[rate_ttl, limit, self._ttl, payload],
        )
        return _text(result)  # type: ignore[return-value]

    async def ensure_groups(self) -> None:
        if self._groups_ready:
            return
        for stream in self._streams:
            try:
                await self._redis.xgroup_create(stream, self.GROUP, id="0", mkstream=True)
            except Exception as exc:  # BUSYGROUP: another replica created it first
                if "BUSYGROUP" not in str(exc):
                    raise
        self._groups_ready = True

    async def run(self, handler: Handler) -> None:
        await self.ensure_groups()
        dispatcher = _OrderedDispatcher(self._max_inflight)
        await self._balance(handler, dispatcher)  # take shards before the first read
        side_tasks = [
            asyncio.create_task(self._lease_loop(handler, dispatcher)),
            asyncio.create_task(self._heartbeat_loop()),
        ]
        try:
            while not self._closing and not _cancel_requested():
                readable = sorted(self._readable)
                if not readable:  # every shard is another replica's (or not yet handed over)
                    await asyncio.sleep(self._block_ms / 1000)
                    continue
                try:
                    reply = await self._redis.xreadgroup(
                        self.GROUP,
                        self._consumer,
                        dict.fromkeys(readable, ">"),
                        count=self._max_inflight,
                        block=self._block_ms,
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("queue: read failed (%r); retrying in 1 s", exc)
                    await asyncio.sleep(1.0)
                    continue
                for stream, entries in reply or []:
                    await self._dispatch(handler, dispatcher, _text(stream), entries)
        finally:
            for task in side_tasks:
                task.cancel()
            dispatcher.cancel()
            await self._leave()

    async def _dispatch(
        self,
        handler: Handler,
        dispatcher: _OrderedDispatcher,
        stream: str,
        entries: list[Any],
        redelivered: bool = False,
    ) -> None:
        for entry_id, fields in entries:
            entry_id = _text(entry_id)
            if not fields:  # deleted while pending
                await self._ack(stream, entry_id)
                continue
            if entry_id in self._inflight[stream]:
                continue
            raw = fields.get(b"e") or fields.get("e")
            try:
                event = inbound_from_dict(json.loads(raw))
            except Exception as exc:
                await self._dead_letter(
                    stream, entry_id, {"raw": _text(raw or b"")}, f"unreadable entry: {exc!r}"
                )
                continue
            if redelivered:
                event = mark_redelivered(event)
            self._inflight[stream].add(entry_id)
            await dispatcher.submit(
                event.sender_id,
                lambda s=stream, i=entry_id, e=event: self._handle(handler, s, i, e),  # type: ignore[misc]
            )

    async def _handle(self, handler: Handler, stream: str, entry_id: str, event: Inbound) -> None:
        try:
            await handler(event)
        except asyncio.CancelledError:
            self._inflight[stream].discard(entry_id)  # stays pending; another consumer will claim it
            raise
        except Exception as exc:
            log.error("queue: event %s of %s dead-lettered: %r", event.event_id, log_id(event.sender_id), exc)
            await self._dead_letter(stream, entry_id, inbound_to_dict(event), repr(exc))
        else:
            await self._ack(stream, entry_id)
        self._inflight[stream].discard(entry_id)

    async def _ack(self, stream: str, entry_id: str) -> None:
        for attempt in range(5):
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.xack(stream, self.GROUP, entry_id)
                    pipe.xdel(stream, entry_id)
                    await pipe.execute()
                return
            except Exception as exc:
                log.warning("queue: ack failed (%r), attempt %d", exc, attempt + 1)
                await asyncio.sleep(0.2 * 2**attempt)

    async def _dead_letter(self, stream: str, entry_id: str, event: dict[str, Any], error: str) -> None:
        fields = {
            "e": json.dumps(event, ensure_ascii=False),
            "error": error[:2000],
            "source": f"{stream}/{entry_id}",
            "failed_at": str(time.time()),
        }
        await self._redis.xadd(self._dead_stream, fields, maxlen=100_000, approximate=True)
        await self._ack(stream, entry_id)

    def _lease_key(self, stream: str) -> str:
        return f"{self._prefix}:lease:{stream.rsplit(':', 1)[1]}"

    async def _lease_loop(self, handler: Handler, dispatcher: _OrderedDispatcher) -> None:
        interval = max(self._claim_idle_ms / 3000, 0.1)
        while not self._closing and not _cancel_requested():
            await asyncio.sleep(interval)
            try:
                await self._balance(handler, dispatcher)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away: leases run out, another replica takes over
                log.warning("queue: shard leases not renewed (%r)", exc)

    async def _balance(self, handler: Handler, dispatcher: _OrderedDispatcher) -> None:
        """Say we are alive, keep our leases, take or give up shards towards an even share."""
        now_ms = int(time.time() * 1000)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(self._members, {self._consumer: now_ms})
            pipe.zremrangebyscore(self._members, "-inf", now_ms - self._claim_idle_ms)
            pipe.zrange(self._members, 0, -1)
            _, _, members = await pipe.execute()
        live = {_text(m) for m in members} | {self._consumer}
        for stream in sorted(self._owned):
            if not await self._renew(
                keys=[self._lease_key(stream)], args=[self._consumer, self._claim_idle_ms]
            ):
                log.warning("queue: lost the lease of %s", stream)
                self._owned.discard(stream)
                self._readable.discard(stream)
                self._leaving.discard(stream)
        share = -(-len(self._streams) // len(live))  # ceil: every shard has an owner
        if len(self._owned) - len(self._leaving) > share:
            extra = sorted(self._owned - self._leaving, key=lambda s: len(self._inflight[s]))
            for stream in extra[: len(self._owned) - len(self._leaving) - share]:
                self._leaving.add(stream)
                self._readable.discard(stream)
        for stream in sorted(self._leaving):
            if not self._inflight[stream]:  # its events are done: hand it over
                await self._release(keys=[self._lease_key(stream)], args=[self._consumer])
                self._leaving.discard(stream)
                self._owned.discard(stream)
        if len(self._owned) < share:
            start = shard_of(self._consumer, len(self._streams))  # replicas start at different shards
            ordered = self._streams[start:] + self._streams[:start]
            for stream in ordered:
                if len(self._owned) >= share:
                    break
                if stream in self._owned:
                    continue
                if await self._redis.set(
                    self._lease_key(stream), self._consumer, nx=True, px=self._claim_idle_ms
                ):
                    self._owned.add(stream)
        for stream in sorted(self._owned - self._readable - self._leaving):
            if await self._take_over(stream, live, handler, dispatcher):
                self._readable.add(stream)

    async def _take_over(
        self, stream: str, live: set[str], handler: Handler, dispatcher: _OrderedDispatcher
    ) -> bool:
        """Claim what dead replicas left pending on a shard just leased; True once nothing of another
        replica is pending there (a live one still finishing keeps the shard unread until it is done)."""
        pending = await self._redis.xpending_range(stream, self.GROUP, min="-", max="+", count=1000)
        foreign = [p for p in pending if _text(p["consumer"]) != self._consumer]
        if not foreign:
            return True
        waiting = [
            p
            for p in foreign
            if _text(p["consumer"]) in live and int(p["time_since_delivered"]) < self._claim_idle_ms
        ]
        if waiting:
            return False
        ids = [_text(p["message_id"]) for p in foreign]
        entries = await self._redis.xclaim(stream, self.GROUP, self._consumer, 0, ids)
        log.warning("queue: took over %d entries left pending on %s", len(entries), stream)
        await self._dispatch(handler, dispatcher, stream, entries, redelivered=True)
        return len(foreign) < 1000

    async def _leave(self) -> None:
        """Stopping cleanly: give every shard up and leave the members, so others take over at once."""
        with contextlib.suppress(Exception):
            for stream in sorted(self._owned):
                await self._release(keys=[self._lease_key(stream)], args=[self._consumer])
            await self._redis.zrem(self._members, self._consumer)
        self._owned.clear()
        self._readable.clear()
        self._leaving.clear()

    async def _heartbeat_loop(self) -> None:
        """Reset the idle time of entries still being worked on (e.g. waiting for Rasa to return).

        Without this, a long Rasa outage would make our own pending entries look abandoned and another
        replica would claim and process them a second time.
        """
        interval = max(self._claim_idle_ms / 3000, 0.1)
        while not self._closing and not _cancel_requested():
            await asyncio.sleep(interval)
            for stream, ids in self._inflight.items():
                if not ids:
                    continue
                try:
                    await self._redis.xclaim(stream, self.GROUP, self._consumer, 0, list(ids), justid=True)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("queue: heartbeat on %s failed: %r", stream, exc)

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:
            return False

    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        rows = await self._redis.xrevrange(self._dead_stream, count=count)
        letters = []
        for entry_id, fields in rows:
            data = {_text(k): _text(v) for k, v in fields.items()}
            letters.append(
                DeadLetter(_text(entry_id), json.loads(data["e"]), data["error"], float(data["failed_at"]))
            )
        return letters

    async def close(self) -> None:
        self._closing = True

    async def backlog(self) -> int:
        total = 0
        for stream in self._streams:
            with contextlib.suppress(Exception):
                total += int(await self._redis.xlen(stream))
        return total


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)

"""The embedded default's inbound queue: accepted events, their dedupe record and dead letters in the
gateway's SQLite state file, so SIGKILL of the gateway loses and repeats nothing.

Same contract as the Redis Streams queue (`channels.queue`, module docstring); how it is kept here:

- `publish` records the event id in `gw_seen` and appends the event to `gw_inbound` in one
  transaction, committed before the webhook answers 200: a crash can neither lose an acknowledged
  event nor let its redelivery through. Dedupe records are kept for `dedupe_ttl_seconds` (LINE's
  redelivery window and more) and then pruned; an event whose platform timestamp is older than that
  is refused outright (`queue.too_old`), so a captured body cannot be replayed once its record is gone.
- A consumer takes events with a lease (`owner`, `lease_until`) and renews the leases of the events it
  is still working on (heartbeat), so a slow Rasa never makes its events look abandoned. Leases of a
  process that died are given back: at once when the owner was a process on this host that no longer
  exists (a restarted gateway), else when the lease runs out (`lease_seconds`, the Redis queue's
  `claim_idle_seconds`).
- An event that was taken `max_deliveries` times without finishing (a message that crashes the
  process every time; a stop with the event in hand counts too) goes to the dead letters instead of
  looping for ever. Every take after the first is marked redelivered (`queue.mark_redelivered`).
- One sender's events reach the handler in order: an event is not taken while an earlier event of the
  same sender is leased by another consumer, and this consumer's own events of one sender are chained
  by the dispatcher.
- A successful handler deletes the event; a failing one moves it to `gw_dead` in one transaction.

The worker's "done" marker and stored answer (`channels.worker`) make a redelivered event a no-op
after its answer was sent, and keep Rasa from being asked twice once it has answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import sqlite3
import time
import uuid
from typing import Any

from channels.messages import Inbound, inbound_from_dict, inbound_to_dict
from channels.queue import (
    DeadLetter,
    EventQueue,
    Handler,
    _cancel_requested,
    _dedupe_key,
    _OrderedDispatcher,
    mark_redelivered,
)
from channels.state_db import StateDb, immediate
from privacy import log_id

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS gw_inbound (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    event TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    owner TEXT,
    lease_until REAL,
    deliveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS gw_inbound_sender ON gw_inbound (sender, id);
CREATE TABLE IF NOT EXISTS gw_seen (key TEXT PRIMARY KEY, expires REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS gw_seen_expires ON gw_seen (expires);
CREATE TABLE IF NOT EXISTS gw_dead (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    error TEXT NOT NULL,
    source TEXT NOT NULL,
    failed_at REAL NOT NULL
);
"""

# Free events, oldest first, skipping any whose sender has an earlier event leased by someone else.
_CLAIM = """
UPDATE gw_inbound SET owner = :me, lease_until = :until, deliveries = deliveries + 1
WHERE id IN (
    SELECT i.id FROM gw_inbound AS i
    WHERE (i.lease_until IS NULL OR i.lease_until < :now)
      AND NOT EXISTS (
          SELECT 1 FROM gw_inbound AS p
          WHERE p.sender = i.sender AND p.id < i.id AND p.lease_until >= :now AND p.owner != :me
      )
    ORDER BY i.id
    LIMIT :n
)
RETURNING id, event, deliveries
"""

PRUNE_INTERVAL_SECONDS = 60.0
MAX_DEAD_LETTERS = 100_000


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _gone(owner: str, host: str) -> bool:
    """True when `owner` was a process on this host that no longer exists (SIGKILLed, crashed)."""
    owner_host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if owner_host != host or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another queue object of this very process: its lease runs out on its own
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, someone else's
        return False
    return False


class SqliteQueue(EventQueue):
    """Durable single-machine queue in the gateway's state file (see the module docstring)."""

    durable = True

    def __init__(
        self,
        db: StateDb,
        *,
        max_inflight: int = 64,
        dedupe_ttl_seconds: int = 24 * 3600,
        lease_seconds: float = 60.0,
        max_deliveries: int = 5,
        poll_seconds: float = 0.5,
        consumer: str | None = None,
    ) -> None:
        self._db = db
        self._max_inflight = max_inflight
        self._ttl = self.dedupe_ttl_seconds = dedupe_ttl_seconds
        self._lease = lease_seconds
        self._max_deliveries = max_deliveries
        self._poll = poll_seconds
        self._consumer = consumer or _owner_id()
        self._host = socket.gethostname()
        self._inflight: set[int] = set()
        self._wake = asyncio.Event()
        self._closing = False
        db.create_schema(SCHEMA)

    @property
    def consumer(self) -> str:
        return self._consumer

    async def publish(self, event: Inbound) -> bool:
        key = _dedupe_key(event)
        payload = json.dumps(inbound_to_dict(event), ensure_ascii=False, separators=(",", ":"))

        def store(conn: sqlite3.Connection) -> bool:
            now = time.time()
            with immediate(conn):
                cur = conn.execute(
                    "INSERT INTO gw_seen (key, expires) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET expires = excluded.expires WHERE gw_seen.expires <= ?",
                    (key, now + self._ttl, now),
                )
                if cur.rowcount != 1:
                    return False
                conn.execute(
                    "INSERT INTO gw_inbound (sender, event, accepted_at) VALUES (?, ?, ?)",
                    (event.sender_id, payload, now),
                )
            return True

        stored = await self._db.run(store)
        if stored:
            self._wake.set()
        return stored

    async def run(self, handler: Handler) -> None:
        dispatcher = _OrderedDispatcher(self._max_inflight)
        await self._release_gone_owners()
        side_tasks = [
            asyncio.create_task(self._heartbeat_loop()),
            asyncio.create_task(self._maintenance_loop()),
        ]
        try:
            while not self._closing and not _cancel_requested():
                free = self._max_inflight - len(self._inflight)
                rows: list[tuple[int, str, int]] = []
                if free > 0:
                    self._wake.clear()
                    try:
                        rows = await self._db.run(lambda conn, n=free: self._claim(conn, n))  # type: ignore[misc]
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        log.warning("queue: claim failed (%r); retrying in 1 s", exc)
                        await asyncio.sleep(1.0)
                        continue
                for row_id, raw, deliveries in rows:
                    await self._dispatch(handler, dispatcher, row_id, raw, deliveries)
                # Woken by a publish or a finished event in this process; other processes' publishes
                # are seen at the next poll.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll)
        finally:
            for task in side_tasks:
                task.cancel()
            dispatcher.cancel()
            await asyncio.gather(*side_tasks, return_exceptions=True)
            # Leases of events cut short by the shutdown are given back, so the next start takes them
            # at once (a SIGKILLed process cannot do this: `_release_gone_owners` does it for it).
            with contextlib.suppress(Exception):
                await self._db.run(self._release_own)

    def _claim(self, conn: sqlite3.Connection, n: int) -> list[tuple[int, str, int]]:
        now = time.time()
        with immediate(conn):
            rows = conn.execute(
                _CLAIM, {"me": self._consumer, "until": now + self._lease, "now": now, "n": n}
            ).fetchall()
        return sorted((int(r[0]), str(r[1]), int(r[2])) for r in rows)

    def _release_own(self, conn: sqlite3.Connection) -> None:
        # Still counted as a delivery: the event may have been half answered, and the next taker must
        # look for a stored answer (redelivered) rather than ask Rasa and reply again.
        conn.execute(
            "UPDATE gw_inbound SET owner = NULL, lease_until = NULL WHERE owner = ?", (self._consumer,)
        )

    async def _dispatch(
        self, handler: Handler, dispatcher: _OrderedDispatcher, row_id: int, raw: str, deliveries: int
    ) -> None:
        if row_id in self._inflight:  # our own lease ran out and we took it again: already at work
            return
        try:
            event = inbound_from_dict(json.loads(raw))
        except Exception as exc:
            await self._dead_letter(row_id, {"raw": raw[:2000]}, f"unreadable entry: {exc!r}")
            return
        if deliveries > self._max_deliveries:
            log.error(
                "queue: event %s of %s taken %d times without finishing; dead-lettered",
                event.event_id,
                log_id(event.sender_id),
                deliveries - 1,
            )
            await self._dead_letter(
                row_id, inbound_to_dict(event), f"taken {deliveries - 1} times without finishing"
            )
            return
        if deliveries > 1:
            event = mark_redelivered(event)
            log.warning(
                "queue: event %s of %s redelivered (delivery %d)",
                event.event_id,
                log_id(event.sender_id),
                deliveries,
            )
        self._inflight.add(row_id)
        await dispatcher.submit(
            event.sender_id,
            lambda i=row_id, e=event: self._handle(handler, i, e),  # type: ignore[misc]
        )

    async def _handle(self, handler: Handler, row_id: int, event: Inbound) -> None:
        try:
            await handler(event)
        except asyncio.CancelledError:
            self._inflight.discard(row_id)  # stays leased; given back at shutdown or when the lease ends
            raise
        except Exception as exc:
            log.error("queue: event %s of %s dead-lettered: %r", event.event_id, log_id(event.sender_id), exc)
            await self._dead_letter(row_id, inbound_to_dict(event), repr(exc))
        else:
            await self._ack(row_id)
        self._inflight.discard(row_id)
        self._wake.set()  # a slot is free: take the next event now rather than at the next poll

    async def _ack(self, row_id: int) -> None:
        for attempt in range(5):
            try:
                await self._db.run(
                    lambda conn: conn.execute("DELETE FROM gw_inbound WHERE id = ?", (row_id,))
                )
                return
            except Exception as exc:
                log.warning("queue: ack failed (%r), attempt %d", exc, attempt + 1)
                await asyncio.sleep(0.2 * 2**attempt)

    async def _dead_letter(self, row_id: int, event: dict[str, Any], error: str) -> None:
        payload = json.dumps(event, ensure_ascii=False)

        def move(conn: sqlite3.Connection) -> None:
            with immediate(conn):
                conn.execute(
                    "INSERT INTO gw_dead (event, error, source, failed_at) VALUES (?, ?, ?, ?)",
                    (payload, error[:2000], f"inbound/{row_id}", time.time()),
                )
                conn.execute("DELETE FROM gw_inbound WHERE id = ?", (row_id,))

        await self._db.run(move)

    async def _heartbeat_loop(self) -> None:
        """Renew the leases of events still being worked on (e.g. waiting for Rasa to come back)."""
        interval = max(self._lease / 3, 0.05)
        while not self._closing:
            await asyncio.sleep(interval)
            if not self._inflight:
                continue
            try:
                await self._db.run(self._renew)
            except Exception as exc:
                log.warning("queue: lease renewal failed: %r", exc)

    def _renew(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE gw_inbound SET lease_until = ? WHERE owner = ?",
            (time.time() + self._lease, self._consumer),
        )

    async def _maintenance_loop(self) -> None:
        """Give back leases of dead processes and prune expired dedupe records and old dead letters."""
        while not self._closing:
            await asyncio.sleep(min(PRUNE_INTERVAL_SECONDS, max(self._lease / 2, 0.1)))
            try:
                await self._release_gone_owners()
                await self.prune()
            except Exception as exc:
                log.warning("queue: maintenance failed: %r", exc)

    async def _release_gone_owners(self) -> int:
        def release(conn: sqlite3.Connection) -> int:
            owners = [
                str(row[0])
                for row in conn.execute(
                    "SELECT DISTINCT owner FROM gw_inbound WHERE owner IS NOT NULL AND owner != ?",
                    (self._consumer,),
                )
            ]
            gone = [owner for owner in owners if _gone(owner, self._host)]
            released = 0
            for owner in gone:
                cur = conn.execute(
                    "UPDATE gw_inbound SET owner = NULL, lease_until = NULL WHERE owner = ?", (owner,)
                )
                released += cur.rowcount
            return released

        released = await self._db.run(release)
        if released:
            log.warning("queue: took back %d events leased by a gateway process that is gone", released)
            self._wake.set()
        return released

    async def prune(self, now: float | None = None) -> int:
        """Forget dedupe records older than the window, and the oldest dead letters beyond the cap."""
        now = time.time() if now is None else now

        def delete(conn: sqlite3.Connection) -> int:
            cur = conn.execute("DELETE FROM gw_seen WHERE expires <= ?", (now,))
            conn.execute(
                "DELETE FROM gw_dead WHERE id <= (SELECT max(id) FROM gw_dead) - ?", (MAX_DEAD_LETTERS,)
            )
            return int(cur.rowcount)

        return await self._db.run(delete)

    async def ping(self) -> bool:
        try:
            await self._db.run(lambda conn: conn.execute("SELECT 1").fetchone())
        except Exception:
            return False
        return True

    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        rows = await self._db.run(
            lambda conn: conn.execute(
                "SELECT id, event, error, failed_at FROM gw_dead ORDER BY id DESC LIMIT ?", (count,)
            ).fetchall()
        )
        return [DeadLetter(str(r[0]), json.loads(r[1]), str(r[2]), float(r[3])) for r in rows]

    async def backlog(self) -> int:
        row = await self._db.run(lambda conn: conn.execute("SELECT count(*) FROM gw_inbound").fetchone())
        return int(row[0])

    async def close(self) -> None:
        self._closing = True
        self._wake.set()

"""One active analytics consumer at a time, so one can run beside every gateway (`make cluster`).

The consumer's progress (analytics_cursors) lives in the analytics database, so the lease lives there
too: on PostgreSQL a session-level advisory lock held on a connection of its own. PostgreSQL drops it
the moment that connection ends (a SIGKILLed holder's socket is closed by the kernel), so a standby,
trying every POLL_SECONDS, takes over within a couple of seconds, from the cursors the dead one last
committed. A holder whose lock connection breaks while it lives (the database restarted, a network
cut) must not go on writing beside the new holder: `watch` notices within WATCH_SECONDS and the
consumer stops and waits again, and `fence` (run inside every write transaction) refuses a write
whose process no longer holds the lock, so nothing written after the loss can commit. What may still
overlap (a transaction checked just before the loss) is absorbed by ingest being idempotent.

On SQLite (`make run`) an exclusive flock on a file beside the database does the same for consumers
on one machine (SQLite is one machine anyway); it cannot be lost while the process lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
WATCH_SECONDS = 1.0
# pg_try_advisory_lock(int4, int4): "govb", "anly" in ASCII; advisory locks are per database, so two
# deployments on one server never share it.
LOCK_KEYS = (0x676F7662, 0x616E6C79)


class LeaseLost(RuntimeError):
    """The lease was lost: this consumer must stop writing and wait to become active again."""


class Lease(Protocol):
    def try_acquire(self) -> bool: ...

    def alive(self) -> bool: ...

    def fence(self, session: Session) -> None: ...

    def release(self) -> None: ...


async def acquire(lease: Lease, stop: asyncio.Event, poll: float = POLL_SECONDS) -> bool:
    """Wait until `lease` is held (True) or `stop` is set (False)."""
    announced = False
    while not stop.is_set():
        try:
            if await asyncio.to_thread(lease.try_acquire):
                return True
        except Exception:  # the database is down: stay standby and try again
            logger.warning("analytics: lease attempt failed; retrying", exc_info=True)
        if not announced:
            logger.info("analytics: standby, another consumer holds the lease")
            announced = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll)
    return False


async def watch(lease: Lease, until: asyncio.Event, interval: float = WATCH_SECONDS) -> None:
    """Return when the lease is lost; sets nothing itself. Cancelled by the caller when `until` is set."""
    while not until.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), interval)
        if until.is_set():
            return
        if not await asyncio.to_thread(lease.alive):
            return


class PostgresLease:
    """A session advisory lock on a dedicated autocommit connection."""

    def __init__(self, url: str, keys: tuple[int, int] = LOCK_KEYS) -> None:
        self._conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._keys = keys
        self._conn: Any = None
        self._pid: int | None = None

    def try_acquire(self) -> bool:
        import psycopg

        if self._conn is None or self._conn.closed:
            # Keepalives: a holder cut off by the network is dropped by the server in well under a
            # minute, rather than keeping the lock on a dead connection for the kernel's two hours.
            self._conn = psycopg.connect(
                self._conninfo,
                autocommit=True,
                keepalives=1,
                keepalives_idle=5,
                keepalives_interval=2,
                keepalives_count=3,
                application_name="govbot-analytics-lease",
            )
            self._pid = self._conn.info.backend_pid
        got = self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", self._keys).fetchone()
        return bool(got and got[0])

    def alive(self) -> bool:
        try:
            self._conn.execute("SELECT 1")
        except Exception:
            logger.warning("analytics: the lease's connection is gone; this consumer stops writing")
            self.release()
            return False
        return True

    def fence(self, session: Session) -> None:
        held = session.execute(
            sa.text(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = :pid"
                " AND classid = :a AND objid = :b AND objsubid = 2"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"pid": self._pid, "a": self._keys[0], "b": self._keys[1]},
        ).first()
        if held is None:
            raise LeaseLost("this consumer no longer holds the analytics lease")

    def release(self) -> None:
        conn, self._conn, self._pid = self._conn, None, None
        if conn is not None:
            # Unlock first: closing the connection ends the session, but the server lets go of the lock
            # only when that backend has exited, which a standby asking at once can beat (seen in CI).
            with contextlib.suppress(Exception):
                conn.execute("SELECT pg_advisory_unlock_all()")
            with contextlib.suppress(Exception):
                conn.close()  # ending the session releases the lock too, when the unlock could not run


class FileLease:
    """An exclusive flock on `path` (SQLite: consumers on one machine)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def alive(self) -> bool:
        return self._fd is not None

    def fence(self, session: Session) -> None:
        if self._fd is None:
            raise LeaseLost("this consumer no longer holds the analytics lease")

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the flock


class NoLease:
    """An in-memory SQLite database: only this process can see it."""

    def try_acquire(self) -> bool:
        return True

    def alive(self) -> bool:
        return True

    def fence(self, session: Session) -> None:
        return None

    def release(self) -> None:
        return None


def lease_for(url: str) -> Lease:
    """The lease that fits the analytics database at `url` (database_url()'s form)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLease(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return FileLease(Path(parsed.database + ".analytics-consumer.lock"))
    if parsed.get_backend_name() == "sqlite":
        return NoLease()
    raise ValueError(f"analytics: no consumer lease for {parsed.get_backend_name()} databases")

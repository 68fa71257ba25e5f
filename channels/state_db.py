"""The gateway's embedded state file (`GATEWAY_STATE_DIR/gateway-state.db`): one SQLite connection.

Without Redis, the inbound queue, its dedupe record, the key-value store and the web transcripts all
live in this one file, so a crash of the gateway loses none of them (the default must be durable).

Why one connection on one thread: SQLite allows one writer at a time, and a single worker thread
serialises every call of this process without lock contention or "database is locked" errors inside
the process; the event loop only waits for a hop to that thread. Other processes on the same file
(`python -m cases worker` shares the STOP records) are kept apart by SQLite's own locking, with a busy
timeout so a brief overlap waits instead of failing.

Pragmas: WAL (readers never block the writer), synchronous=NORMAL (a commit survives the process
being killed at any moment — it is in the WAL in the OS cache — but the last commits before a power
cut may be lost; the same promise as Redis with its default append-only settings).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
FILE_NAME = "gateway-state.db"


class StateDb:
    """One SQLite file, used only on its one thread (`run`, and `create_schema` which waits for it)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=busy_timeout_ms / 1000
        )
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-state")
        self._closed = False

    @classmethod
    def in_dir(cls, state_dir: str | Path) -> StateDb:
        return cls(Path(state_dir) / FILE_NAME)

    def create_schema(self, statements: str) -> None:
        """Idempotent `CREATE … IF NOT EXISTS` statements; called by each store's constructor.

        Run on the state thread too: a store built lazily (the web transcripts at the first chat)
        would otherwise run `executescript`, which commits first, in the middle of another store's
        transaction on the shared connection ("cannot commit - no transaction is active")."""
        self._executor.submit(self._conn.executescript, statements).result()

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` on the state thread and return its result."""
        if self._closed:
            raise RuntimeError("the gateway state file is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work, self._conn)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._conn.close)
        self._executor.shutdown(wait=True)


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE): read-then-write
    steps (dedupe, claims) cannot interleave with another process's writes."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

"""Small key-value state the adapters keep: opt-outs, numbered SMS options, delivery markers.

One interface, three implementations: Redis (shared by every gateway replica), a SQLite file for the
single-machine default (opt-outs must survive a restart, so plain memory is not enough there), and
memory for unit tests. Keys are plain strings; callers never put a phone number in clear into a key.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any


class KeyValueStore(ABC):
    @abstractmethod
    async def get(self, key: str) -> str | None: ...

    @abstractmethod
    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None: ...

    @abstractmethod
    async def set_nx(self, key: str, value: str, ttl_seconds: int | None = None) -> bool:
        """Set only if absent; True when this call created the key (an atomic claim)."""

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class MemoryStore(KeyValueStore):
    """Process memory; for tests and throw-away runs."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl_seconds if ttl_seconds else None)

    async def set_nx(self, key: str, value: str, ttl_seconds: int | None = None) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)


class RedisStore(KeyValueStore):
    """Shared state on the process's one Redis pool, under the gateway's key prefix."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + ":kv:"

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._prefix + key)
        return value.decode("utf-8") if isinstance(value, bytes) else value

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        await self._redis.set(self._prefix + key, value, ex=ttl_seconds or None)

    async def set_nx(self, key: str, value: str, ttl_seconds: int | None = None) -> bool:
        return bool(await self._redis.set(self._prefix + key, value, ex=ttl_seconds or None, nx=True))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())


class SqliteStore(KeyValueStore):
    """A SQLite file for the embedded default: durable across restarts without a Redis server.

    Calls are tiny and run in a thread so the event loop never waits on the disk.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL)"
        )
        self._lock = threading.Lock()

    def _run(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    async def _exec(self, sql: str, *args: Any) -> list[Any]:
        return await asyncio.to_thread(self._run, sql, args)

    async def get(self, key: str) -> str | None:
        rows = await self._exec(
            "SELECT value FROM kv WHERE key = ? AND (expires IS NULL OR expires > ?)", key, time.time()
        )
        return rows[0][0] if rows else None

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        expires = time.time() + ttl_seconds if ttl_seconds else None
        await self._exec(
            "INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)", key, value, expires
        )

    async def set_nx(self, key: str, value: str, ttl_seconds: int | None = None) -> bool:
        now = time.time()
        expires = now + ttl_seconds if ttl_seconds else None

        def claim() -> bool:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.execute(
                        "DELETE FROM kv WHERE key = ? AND expires IS NOT NULL AND expires <= ?", (key, now)
                    )
                    cur = self._conn.execute(
                        "INSERT OR IGNORE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                        (key, value, expires),
                    )
                    self._conn.execute("COMMIT")
                except Exception:
                    self._conn.execute("ROLLBACK")
                    raise
                return cur.rowcount == 1

        return await asyncio.to_thread(claim)

    async def delete(self, key: str) -> None:
        await self._exec("DELETE FROM kv WHERE key = ?", key)

    async def close(self) -> None:
        with self._lock:
            self._conn.close()

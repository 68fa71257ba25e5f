"""Small key-value state the adapters keep: opt-outs, numbered SMS options, delivery markers.

One interface, three implementations: Redis (shared by every gateway replica), the gateway's SQLite
state file for the single-machine default (opt-outs must survive a restart, so plain memory is not
enough there; `channels.state_db`), and memory for tests that ask for it. Keys are plain strings;
callers never put a phone number in clear into a key.
"""

from __future__ import annotations

import sqlite3
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from channels.state_db import StateDb, immediate


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
    """The embedded default's store, in the gateway's state file: durable across restarts without a
    Redis server (opt-outs, done markers and stored answers must survive a crash).

    Given a path it opens (and later closes) its own `StateDb`; given the process's shared one
    (`channels.backends`), it shares its thread with the queue and the web transcripts.
    """

    def __init__(self, path_or_db: str | Path | StateDb) -> None:
        self._owns_db = not isinstance(path_or_db, StateDb)
        self._db = StateDb(path_or_db) if not isinstance(path_or_db, StateDb) else path_or_db
        self._db.create_schema(
            "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL);"
            "CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires) WHERE expires IS NOT NULL;"
        )

    async def get(self, key: str) -> str | None:
        now = time.time()

        def read(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT value FROM kv WHERE key = ? AND (expires IS NULL OR expires > ?)", (key, now)
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._db.run(read)

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        expires = time.time() + ttl_seconds if ttl_seconds else None
        await self._db.run(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)", (key, value, expires)
            )
        )

    async def set_nx(self, key: str, value: str, ttl_seconds: int | None = None) -> bool:
        now = time.time()
        expires = now + ttl_seconds if ttl_seconds else None

        def claim(conn: sqlite3.Connection) -> bool:
            with immediate(conn):
                conn.execute(
                    "DELETE FROM kv WHERE key = ? AND expires IS NOT NULL AND expires <= ?", (key, now)
                )
                cur = conn.execute(
                    "INSERT OR IGNORE INTO kv (key, value, expires) VALUES (?, ?, ?)", (key, value, expires)
                )
            return cur.rowcount == 1

        return await self._db.run(claim)

    async def delete(self, key: str) -> None:
        await self._db.run(lambda conn: conn.execute("DELETE FROM kv WHERE key = ?", (key,)))

    async def prune(self) -> int:
        """Delete expired keys (reads already ignore them; this keeps the file from growing)."""
        now = time.time()
        cur = await self._db.run(
            lambda conn: conn.execute("DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?", (now,))
        )
        return int(cur.rowcount)

    async def ping(self) -> bool:
        await self._db.run(lambda conn: conn.execute("SELECT 1").fetchone())
        return True

    async def close(self) -> None:
        if self._owns_db:
            await self._db.close()

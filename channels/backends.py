"""Where the gateway keeps accepted events, dedupe records, small state and web transcripts.

An explicit registry, chosen once from the settings (`Settings.backend_name`):

- `redis`: Redis Streams queue, Redis store and transcripts; when `REDIS_URL` is set (several
  gateway processes can share it).
- `sqlite` (the default): `SqliteQueue`, `SqliteStore` and `SqliteHistoryStore` in one file,
  `GATEWAY_STATE_DIR/gateway-state.db` (`channels.state_db`); durable on one machine.
- `memory`: `MemoryQueue`, `MemoryStore`, `MemoryHistoryStore`; only when asked for
  (`GATEWAY_BACKEND=memory`, tests): everything is lost on restart.

Each builder returns a `Backend`; the app keeps its parts under `channels.keys` and closes it with
the app. Builders do no network I/O (Redis connects lazily); the SQLite file is opened and its tables
created at once, so a bad `GATEWAY_STATE_DIR` stops the start with a clear error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.queue import EventQueue, MemoryQueue, RedisStreamQueue
from channels.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from channels.settings import BackendName, Settings
from channels.sqlite_queue import SqliteQueue
from channels.state_db import StateDb
from channels.store import KeyValueStore, MemoryStore, RedisStore, SqliteStore


@dataclass
class Backend:
    name: BackendName
    queue: EventQueue
    store: KeyValueStore
    rate_limiter: RateLimiter
    redis: Any | None = None  # redis.asyncio.Redis for the redis backend
    state_db: StateDb | None = None  # the SQLite state file for the sqlite backend

    async def close(self) -> None:
        """Queue and store first (they may still write), then the connections under them."""
        await self.queue.close()
        await self.store.close()
        if self.state_db is not None:
            await self.state_db.close()
        if self.redis is not None:
            with contextlib.suppress(Exception):
                await self.redis.aclose()
                await self.redis.connection_pool.disconnect()


def redis_backend(settings: Settings) -> Backend:
    import redis.asyncio as aioredis

    # A blocking pool: under a burst, requests wait briefly for a connection instead of failing with
    # "Too many connections" (which would turn into 503s for the platforms).
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.timeouts.redis_socket,
        socket_timeout=settings.timeouts.redis_socket + 2,  # above the XREADGROUP block time
        socket_connect_timeout=settings.timeouts.redis_socket,
        health_check_interval=30,
    )
    redis = aioredis.Redis(connection_pool=pool)
    return Backend(
        name="redis",
        queue=RedisStreamQueue(
            redis,
            prefix=settings.redis_prefix,
            shards=settings.queue_shards,
            max_inflight=settings.max_inflight,
            dedupe_ttl_seconds=settings.dedupe_ttl_seconds,
            claim_idle_seconds=settings.claim_idle_seconds,
        ),
        store=RedisStore(redis, settings.redis_prefix),
        rate_limiter=RedisRateLimiter(
            redis, settings.redis_prefix, settings.rate_limit_events, settings.rate_limit_window_seconds
        ),
        redis=redis,
    )


def sqlite_backend(settings: Settings) -> Backend:
    db = StateDb.in_dir(settings.state_dir)
    return Backend(
        name="sqlite",
        queue=SqliteQueue(
            db,
            max_inflight=settings.max_inflight,
            dedupe_ttl_seconds=settings.dedupe_ttl_seconds,
            lease_seconds=settings.claim_idle_seconds,
            max_deliveries=settings.max_attempts,
        ),
        store=SqliteStore(db),
        # One process serves the file's queue, so the per-citizen count can stay in memory.
        rate_limiter=MemoryRateLimiter(settings.rate_limit_events, settings.rate_limit_window_seconds),
        state_db=db,
    )


def memory_backend(settings: Settings) -> Backend:
    return Backend(
        name="memory",
        queue=MemoryQueue(max_inflight=settings.max_inflight, dedupe_ttl_seconds=settings.dedupe_ttl_seconds),
        store=MemoryStore(),
        rate_limiter=MemoryRateLimiter(settings.rate_limit_events, settings.rate_limit_window_seconds),
    )


BACKENDS: dict[BackendName, Callable[[Settings], Backend]] = {
    "redis": redis_backend,
    "sqlite": sqlite_backend,
    "memory": memory_backend,
}


def build_backend(settings: Settings) -> Backend:
    return BACKENDS[settings.backend_name](settings)

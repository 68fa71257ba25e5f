"""Typed keys for everything the gateway keeps on its aiohttp application (one module, one place)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from cases.worker import OutboxWorker
    from channels.base import Channel
    from channels.notices import CaseNotices
    from channels.queue import EventQueue
    from channels.rasa_client import RasaClient
    from channels.ratelimit import RateLimiter
    from channels.settings import Settings
    from channels.store import KeyValueStore
    from channels.worker import Worker

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
HTTP: web.AppKey[aiohttp.ClientSession] = web.AppKey("http_session")
# redis.asyncio.Redis when REDIS_URL is set, else None (typed loosely: redis is an optional dependency)
REDIS: web.AppKey[object | None] = web.AppKey("redis")
QUEUE: web.AppKey[EventQueue] = web.AppKey("queue")
STORE: web.AppKey[KeyValueStore] = web.AppKey("store")
RATE_LIMITER: web.AppKey[RateLimiter] = web.AppKey("rate_limiter")
RASA: web.AppKey[RasaClient] = web.AppKey("rasa")
CHANNELS: web.AppKey[dict[str, Channel]] = web.AppKey("channels")
WORKER: web.AppKey[Worker] = web.AppKey("worker")
# Case notices (channels.notices), only when the gateway runs with CASES_SECRET_KEY: the registry's
# opt-out for STOP/unfollow, and the outbox worker delivering through this process's adapters.
CASE_NOTICES: web.AppKey[CaseNotices] = web.AppKey("case_notices")
NOTICE_WORKER: web.AppKey[OutboxWorker] = web.AppKey("notice_worker")
# Counters of this process (accepted, duplicates, rate_limited, answered, retries...) for tests,
# benchmarks and /readyz; the worker and the webhook handler both add to it.
STATS: web.AppKey[Counter[str]] = web.AppKey("stats")

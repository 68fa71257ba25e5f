"""Typed keys for everything the gateway keeps on its aiohttp application (one module, one place)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from sqlalchemy import Engine

if TYPE_CHECKING:
    from appconfig import AppSettings
    from cases.worker import OutboxWorker
    from channels.base import Channel
    from channels.metrics import GatewayMetrics
    from channels.notices import CaseNotices
    from channels.queue import EventQueue
    from channels.rasa_client import RasaClient
    from channels.ratelimit import RateLimiter
    from channels.settings import Settings
    from channels.state_db import StateDb
    from channels.store import KeyValueStore
    from channels.worker import Worker
    from handover.delivery import HandoverDelivery

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
# The process's whole configuration (appconfig.AppSettings); SETTINGS is its gateway part.
CONFIG: web.AppKey[AppSettings] = web.AppKey("config")
# The process's one SQLAlchemy engine (db.engine), shared by the case notices and every sub-app.
DATABASE: web.AppKey[Engine] = web.AppKey("database")
# True in a process that serves no citizen connections (`python -m cases worker`): adapters that can
# only reach a citizen through this process's sockets offer no direct sender there.
DETACHED: web.AppKey[bool] = web.AppKey("detached")
HTTP: web.AppKey[aiohttp.ClientSession] = web.AppKey("http_session")
# redis.asyncio.Redis when REDIS_URL is set, else None (typed loosely: redis is an optional dependency)
REDIS: web.AppKey[object | None] = web.AppKey("redis")
# The SQLite state file (channels.state_db) of the default backend, else None (channels/backends.py).
STATE_DB: web.AppKey[StateDb | None] = web.AppKey("state_db")
QUEUE: web.AppKey[EventQueue] = web.AppKey("queue")
STORE: web.AppKey[KeyValueStore] = web.AppKey("store")
RATE_LIMITER: web.AppKey[RateLimiter] = web.AppKey("rate_limiter")
RASA: web.AppKey[RasaClient] = web.AppKey("rasa")
CHANNELS: web.AppKey[dict[str, Channel]] = web.AppKey("channels")
WORKER: web.AppKey[Worker] = web.AppKey("worker")
# Case notices (channels.notices), only when the gateway has PERSONAL_DATA_KEYS: the registry's
# opt-out for STOP/unfollow, and the outbox worker delivering through this process's adapters.
CASE_NOTICES: web.AppKey[CaseNotices] = web.AppKey("case_notices")
NOTICE_WORKER: web.AppKey[OutboxWorker] = web.AppKey("notice_worker")
# Counters of this process (accepted, duplicates, rate_limited, answered, retries...) for tests,
# benchmarks and /readyz; the worker and the webhook handler both add to it.
STATS: web.AppKey[Counter[str]] = web.AppKey("stats")
# Prometheus instruments of this process (channels/metrics.py), served at /metrics.
METRICS: web.AppKey[GatewayMetrics] = web.AppKey("metrics")
# Set by whoever commits a message for a citizen outside a turn (a staff reply, a handover notice): the
# handover delivery worker (handover/delivery.py) wakes at once instead of at its next poll. One
# per process; a second gateway replica finds the row at its own next poll.
HANDOVER_WAKE: web.AppKey[asyncio.Event] = web.AppKey("handover_wake")
# The worker delivering staff replies and handover notices (handover/delivery.py), where it runs.
HANDOVER_DELIVERY: web.AppKey[HandoverDelivery] = web.AppKey("handover_delivery")

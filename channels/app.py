"""The gateway's app factory: `create_app(settings)` builds everything; nothing happens at import.

Resources live exactly as long as the app (cleanup_ctx): one aiohttp ClientSession and one Redis pool
per process, the queue and stores on top of them, and the worker task that drains the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from sqlalchemy import Engine

from channels import keys
from channels.backends import build_backend
from channels.base import Channel, ChannelDisabled
from channels.context import ChannelContext
from channels.edge import edge_middleware, readyz_details_allowed
from channels.metrics import GatewayMetrics, channel_routes, metrics_handler, metrics_middleware
from channels.rasa_client import RasaClient
from channels.registry import CHANNEL_FACTORIES, SUBAPPS, SubAppFactory
from channels.settings import Settings
from channels.tracing import request_id_middleware
from channels.worker import Worker
from db.engine import make_engine

if TYPE_CHECKING:
    from appconfig import AppSettings
    from cases.settings import CasesSettings
    from handover.gate import HandoverGate
    from privacy import PrivacySettings

log = logging.getLogger(__name__)


def _load(path: str) -> object:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def build_channels(ctx: ChannelContext, factories: Mapping[str, str]) -> dict[str, Channel]:
    """Build each registered adapter; a disabled or broken one is logged once and left out."""
    built: dict[str, Channel] = {}
    for name, path in factories.items():
        try:
            factory = _load(path)
        except (ImportError, AttributeError) as exc:
            log.warning("channel %s disabled: adapter %s not available (%s)", name, path, exc)
            continue
        try:
            built[name] = factory(ctx)  # type: ignore[operator]
        except ChannelDisabled as exc:
            log.warning("channel %s disabled: %s", name, exc)
            continue
        log.info("channel %s enabled", name)
    return built


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    connector = aiohttp.TCPConnector(limit=200, limit_per_host=100, ttl_dns_cache=300)
    app[keys.HTTP] = aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30, sock_connect=5)
    )
    backend = build_backend(settings)  # redis, sqlite (the default) or memory: channels/backends.py
    app[keys.REDIS] = backend.redis
    app[keys.STATE_DB] = backend.state_db
    app[keys.QUEUE] = backend.queue
    app[keys.STORE] = backend.store
    app[keys.RATE_LIMITER] = backend.rate_limiter
    app[keys.RASA] = RasaClient(app[keys.HTTP], settings)
    try:
        yield
    finally:
        for channel in app[keys.CHANNELS].values():
            with contextlib.suppress(Exception):
                await channel.close()
        await backend.close()
        await app[keys.HTTP].close()


async def _worker(app: web.Application) -> AsyncIterator[None]:
    channels: dict[str, Channel] = app[keys.CHANNELS]
    worker = Worker(
        queue=app[keys.QUEUE],
        rasa=app[keys.RASA],
        channels=channels,
        store=app[keys.STORE],
        settings=app[keys.SETTINGS],
        stats=app[keys.STATS],
        handover=_handover_gate(app),
    )
    app[keys.WORKER] = worker
    task = asyncio.create_task(worker.run(), name="gateway-worker")
    try:
        yield
    finally:
        await app[keys.QUEUE].close()  # the consumer loop also stops on this flag
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def personal_data_settings(config: AppSettings) -> PrivacySettings | None:
    """PERSONAL_DATA_KEYS as this process has them (tests may hand them to one part only)."""
    return config.privacy or (config.cases.privacy if config.cases else None) or config.gateway.privacy


def _handover_gate(app: web.Application) -> HandoverGate | None:
    """The live handover's owner check, where the process has a database and personal-data keys."""
    privacy = personal_data_settings(app[keys.CONFIG])
    if keys.DATABASE not in app or privacy is None or not privacy.can_store:
        log.warning("live handover off: it needs the database and PERSONAL_DATA_KEYS")
        return None
    from cases.photos import PhotoStore
    from handover.gate import HandoverGate
    from privacy import PersonalData

    cases = app[keys.CONFIG].cases  # citizens' photos for staff are kept where complaint photos are
    return HandoverGate(
        app[keys.DATABASE],
        PersonalData(privacy),
        photos=PhotoStore(cases.photo_dir) if cases is not None else None,
        max_photo_bytes=cases.max_photo_bytes if cases is not None else 2_000_000,
    )


async def healthz(request: web.Request) -> web.Response:
    """The process is up and serving (liveness)."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Everything an accepted message needs is reachable; a load balancer routes here only then."""
    app = request.app
    checks = {
        "rasa": await app[keys.RASA].ready(),
        "queue": await app[keys.QUEUE].ping(),
        "store": await _safe_ping(app),
    }
    if keys.DATABASE in app:  # cases, handover owner checks, staff: nothing works without it
        checks["database"] = await _database_ping(app[keys.DATABASE])
    if keys.METRICS in app:
        for name, ok in checks.items():
            app[keys.METRICS].up_checks.labels(name).set(1 if ok else 0)
    status = 200 if all(checks.values()) else 503
    if not readyz_details_allowed(app[keys.SETTINGS].edge, request):
        # Load balancers need only the status; the rest is for operators (loopback or READYZ_TOKEN).
        return web.json_response({"status": "ready" if status == 200 else "not ready"}, status=status)
    channels: dict[str, Channel] = app[keys.CHANNELS]
    body = {
        "status": "ready" if all(checks.values()) else "not ready",
        "checks": checks,
        "channels": sorted(channels),
        "queue_durable": app[keys.QUEUE].durable,
        "backlog": await app[keys.QUEUE].backlog(),
        "stats": _stats(app),
    }
    return web.json_response(body, status=status)


def _stats(app: web.Application) -> dict[str, int]:
    counts: Counter[str] = app[keys.STATS]
    return dict(counts)


async def _database_ping(engine: Engine) -> bool:
    def ping() -> None:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    try:
        await asyncio.wait_for(asyncio.to_thread(ping), timeout=2)
    except Exception:
        return False
    return True


async def _safe_ping(app: web.Application) -> bool:
    try:
        return await app[keys.STORE].ping()
    except Exception:
        return False


def create_app(
    settings: Settings | AppSettings,
    *,
    channel_factories: Mapping[str, str] | None = None,
    subapps: Mapping[str, SubAppFactory | str] | None = None,
    run_worker: bool | None = None,
    cases: CasesSettings | None = None,
    run_notices: bool | None = None,
    detached: bool = False,
    engine: Engine | None = None,
) -> web.Application:
    """Build the gateway from the process's configuration (`appconfig.AppSettings`; tests may pass
    just the gateway's `Settings`, and `cases` for the case registry's part).

    `run_worker` defaults to `settings.worker_enabled`. With case settings the adapters also record
    opt-outs in the registry, and the process delivers case notices (channels.notices) unless
    `run_notices` is False; it defaults to `run_worker`. `detached`: serve no citizens (no routes, no
    sub-apps) and only deliver notices (`python -m cases worker`). One engine per process: `engine`,
    or one made from the configuration's database URL, shared by the notices and every sub-app.
    """
    from appconfig import AppSettings

    if isinstance(settings, AppSettings):
        config = settings if cases is None else dataclasses.replace(settings, cases=cases)
    else:
        config = AppSettings.for_gateway(settings, cases=cases)
    gateway = config.gateway
    if run_worker is None:
        run_worker = gateway.worker_enabled
    mounts = {} if detached else dict(SUBAPPS if subapps is None else subapps)
    app = web.Application(client_max_size=gateway.max_body_bytes)
    app[keys.SETTINGS] = gateway
    app[keys.CONFIG] = config
    app[keys.DETACHED] = detached
    app[keys.STATS] = Counter()
    app[keys.HANDOVER_WAKE] = asyncio.Event()
    ctx = ChannelContext(app)
    channels = build_channels(ctx, CHANNEL_FACTORIES if channel_factories is None else channel_factories)
    app[keys.CHANNELS] = channels
    metrics = GatewayMetrics(channel_routes(channels), app[keys.STATS])
    app[keys.METRICS] = metrics
    # Outermost first: every request gets an id and is measured, even one the edge refuses.
    app.middlewares.extend(
        [request_id_middleware, metrics_middleware(metrics), edge_middleware(gateway.edge)]
    )
    app.cleanup_ctx.append(_resources)
    if run_worker and not detached:
        app.cleanup_ctx.append(_worker)
    if config.cases is not None or mounts:
        if engine is None:
            engine = make_engine(config.database_url)  # no I/O until first used
            app.cleanup_ctx.append(_dispose(engine))
        app[keys.DATABASE] = engine
    if config.cases is not None:
        from channels.notices import notices_context

        app.cleanup_ctx.append(
            notices_context(config.cases, run_worker=run_worker if run_notices is None else run_notices)
        )
    privacy = personal_data_settings(config)
    if keys.DATABASE in app and privacy is not None and privacy.can_store:  # live handover (handover/)
        if channels and (run_worker if run_notices is None else run_notices):
            from handover.delivery import delivery_context  # staff replies

            app.cleanup_ctx.append(delivery_context(privacy))
        if run_worker and not detached:
            from handover.watch import watch_context  # waiting citizens told when their place moves

            app.cleanup_ctx.append(watch_context)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler)
    if not detached:
        for channel in channels.values():
            app.router.add_routes(list(channel.routes()))
    for prefix, factory in mounts.items():
        make = _load(factory) if isinstance(factory, str) else factory
        try:
            subapp = make(config, app[keys.DATABASE])  # type: ignore[operator]
        except ValueError as exc:  # its settings are absent or incomplete: run without it, say so once
            log.warning("%s disabled: %s", prefix, exc)
            continue
        app.add_subapp(prefix, subapp)
    return app


def _dispose(engine: Engine) -> Callable[[web.Application], AsyncIterator[None]]:
    """Close the engine's pool after everything that used it (cleanup contexts unwind in reverse)."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.dispose()

    return context

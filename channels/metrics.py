"""Prometheus metrics of one gateway process: `GET /metrics` (issue 15).

Counted as requests are answered: requests and latency per route template and channel (a route
template, never a path with ids in it, so the label set stays bounded). Read when scraped: the queue
backlog, notices waiting to go out, citizens waiting for a person, and the worker's counters (Rasa
call errors among them). Each app gets its own registry: tests build many apps in one process, and
a second gateway replica is a second process with its own numbers, summed by Prometheus.

Who may read it: loopback or the READYZ_TOKEN bearer, like `/readyz`'s details (channels/edge.py);
the figures name no one, but how busy a public service is need not be public.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter as CounterDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from channels import keys
from channels.edge import readyz_details_allowed

if TYPE_CHECKING:
    from channels.base import Channel

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Seconds: a webhook ack is milliseconds, a staff page tens of them; a slow one is worth seeing.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
UNMATCHED = "unmatched"


class GatewayMetrics:
    """The gateway's instruments, on a registry of its own."""

    def __init__(self, channel_routes: Mapping[str, str], stats: CounterDict[str]) -> None:
        # Route template -> the channel that owns it ("line", "sms", "web"); others are "none".
        self.channel_routes = dict(channel_routes)
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "gateway_http_requests",
            "HTTP requests answered, by route template, channel and status code.",
            ["route", "channel", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "gateway_http_request_seconds",
            "Time to answer an HTTP request, by route template and channel.",
            ["route", "channel"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.queue_backlog = Gauge(
            "gateway_queue_backlog",
            "Accepted citizen events not yet answered (queue lag, in events).",
            registry=self.registry,
        )
        self.notices_pending = Gauge(
            "gateway_notices_pending",
            "Case notices waiting to be delivered (outbox rows pending).",
            registry=self.registry,
        )
        self.handovers_waiting = Gauge(
            "gateway_handovers_waiting",
            "Citizens waiting for a person (handovers queued, not claimed).",
            registry=self.registry,
        )
        self.up_checks = Gauge(
            "gateway_dependency_up",
            "1 when the dependency answered the last readiness check.",
            ["dependency"],
            registry=self.registry,
        )
        self.registry.register(WorkerCounters(stats))

    def labels_for(self, request: web.Request) -> tuple[str, str]:
        info = request.match_info
        route = info.route.resource.canonical if info.route.resource is not None else UNMATCHED
        if getattr(info, "http_exception", None) is not None:
            route = UNMATCHED  # a 404/405: the path is whatever a scanner tried, not a label
        return route, self.channel_routes.get(route, "none")


class WorkerCounters(Collector):
    """The process's event counters (channels.keys.STATS: accepted, answered, rasa_retries…) as
    Prometheus counters, read when scraped; Rasa call errors get a metric of their own for alerts."""

    def __init__(self, stats: CounterDict[str]) -> None:
        self._stats = stats

    def describe(self) -> Iterable[Metric]:
        return []  # unknown until collected: outcomes appear as they first happen

    def collect(self) -> Iterable[Metric]:
        events = CounterMetricFamily(
            "gateway_events", "Citizen events by outcome since the process started.", labels=["outcome"]
        )
        for outcome, value in sorted(self._stats.items()):
            events.add_metric([outcome], value)
        errors = CounterMetricFamily(
            "gateway_rasa_call_errors",
            "Rasa calls that failed: unavailable (retried until Rasa is back) or rejected (4xx, bad body).",
            labels=["kind"],
        )
        errors.add_metric(["unavailable"], self._stats.get("rasa_retries", 0))
        errors.add_metric(["rejected"], self._stats.get("rasa_rejected", 0))
        return [events, errors]


def channel_routes(channels: Mapping[str, Channel]) -> dict[str, str]:
    """Route paths each channel serves (its webhook, the web widget's endpoints)."""
    routes: dict[str, str] = {}
    for name, channel in channels.items():
        for definition in channel.routes():
            path = getattr(definition, "path", None)
            if isinstance(path, str):
                routes[path] = name
    return routes


def metrics_middleware(metrics: GatewayMetrics) -> Middleware:
    @web.middleware
    async def measure(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            route, channel = metrics.labels_for(request)
            metrics.requests.labels(route, channel, str(status)).inc()
            metrics.latency.labels(route, channel).observe(time.perf_counter() - started)

    return measure


def _count_waiting(engine: Engine) -> tuple[int, int]:
    from cases.models import OutboxMessage
    from handover.models import WAITING, Handover

    with engine.connect() as connection:
        notices = connection.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
        )
        waiting = connection.scalar(
            select(func.count()).select_from(Handover).where(Handover.status == WAITING)
        )
    return int(notices or 0), int(waiting or 0)


async def refresh(app: web.Application, metrics: GatewayMetrics) -> None:
    """Read the figures that are states, not events, just before a scrape. A dependency that does
    not answer leaves its figures as they were; `gateway_dependency_up` (set by /readyz) says so."""
    with contextlib.suppress(Exception):
        metrics.queue_backlog.set(await app[keys.QUEUE].backlog())
    if keys.DATABASE in app:
        try:
            notices, waiting = await asyncio.to_thread(_count_waiting, app[keys.DATABASE])
        except Exception as exc:
            log.debug("metrics: database figures unavailable (%s)", exc.__class__.__name__)
        else:
            metrics.notices_pending.set(notices)
            metrics.handovers_waiting.set(waiting)


async def metrics_handler(request: web.Request) -> web.Response:
    app = request.app
    if not readyz_details_allowed(app[keys.SETTINGS].edge, request):
        raise web.HTTPForbidden(text="metrics are for operators: loopback or the READYZ_TOKEN bearer")
    metrics = app[keys.METRICS]
    await refresh(app, metrics)
    body = generate_latest(metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

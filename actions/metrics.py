"""Prometheus metrics and request ids of the action server (issue 15).

Every call Rasa makes to /webhook names the action and carries the tracker, whose latest user
message has the gateway's request id in its metadata (observability.request_id): it is bound for the
call, so the action server's log lines join the gateway's and Rasa's. Counted per action: calls,
failures, time. Action names come from the registry, so a caller cannot grow the label set.
`GET /metrics` is open like /health (names and numbers only); deployments keep the action server
reachable from Rasa alone (deploy/ NetworkPolicy), Prometheus scrapes it from inside.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from observability import request_id

logger = logging.getLogger(__name__)
OTHER = "other"
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ActionMetrics:
    def __init__(self, action_names: Collection[str]) -> None:
        self.names = frozenset(action_names)
        self.registry = CollectorRegistry(auto_describe=True)
        self.calls = Counter(
            "actions_calls",
            "Action calls from Rasa, by action and outcome (ok, error).",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "actions_call_seconds",
            "Time to run an action, by action.",
            ["action"],
            buckets=_BUCKETS,
            registry=self.registry,
        )

    def label(self, name: object) -> str:
        return name if isinstance(name, str) and name in self.names else OTHER


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _call_details(request: Request) -> tuple[Any, str | None]:
    """The action named and the request id of the message being answered, from Rasa's body."""
    try:
        body = request.json
    except Exception:  # rasa-sdk answers a malformed body itself; nothing to measure
        return None, None
    if not isinstance(body, dict):
        return None, None
    tracker = _mapping(body.get("tracker"))
    metadata = _mapping(_mapping(tracker.get("latest_message")).get("metadata"))
    return body.get("next_action"), request_id.well_formed(metadata.get(request_id.METADATA_KEY))


def instrument(app: Sanic, metrics: ActionMetrics) -> None:
    """Measure /webhook, bind the request id around it, serve /metrics."""

    @app.on_request
    async def start(request: Request) -> None:
        if request.path != "/webhook":
            return
        action, rid = _call_details(request)
        request.ctx.action = metrics.label(action)
        request.ctx.started = time.perf_counter()
        request.ctx.rid_token = request_id.bind(rid)

    @app.on_response
    async def finish(request: Request, resp: HTTPResponse) -> None:
        if not hasattr(request.ctx, "started"):
            return
        outcome = "ok" if resp.status < 400 else "error"
        seconds = time.perf_counter() - request.ctx.started
        metrics.calls.labels(request.ctx.action, outcome).inc()
        metrics.latency.labels(request.ctx.action).observe(seconds)
        # One line per call: the action's name and time, tagged with the message's request id.
        logger.info("%s %s in %.0f ms", request.ctx.action, outcome, seconds * 1000)
        request_id.reset(request.ctx.rid_token)

    @app.get("/metrics")
    async def metrics_route(_request: Request) -> HTTPResponse:
        return response.raw(generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

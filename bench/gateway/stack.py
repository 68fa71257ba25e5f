"""Starts what the gateway benchmarks need: action server, Rasa (newest model), the gateway process,
and a fake LINE API inside the benchmark process that counts every answer.

Processes are the real ones (`rasa run`, `python -m actions`, `python -m channels`) on free loopback
ports with their own Redis prefix and state directory, stopped by process id at the end.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import (  # noqa: E402
    ManagedProcess,
    action_server,
    free_port,
    gateway_server,
    newest_model,
    rasa_server,
)

from tests.fakes import FakeLine  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LINE_SECRET = "bench-line-secret"
LINE_TOKEN = "bench-line-token"


class CountingLine(FakeLine):
    """The fake LINE API plus a hook that wakes whoever waits for a given answer."""

    def __init__(self, validate: bool = True) -> None:
        super().__init__(token=LINE_TOKEN, validate_bodies=validate)
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.answered_at: dict[str, list[float]] = {}

    def note(self, key: str) -> None:
        now = time.perf_counter()
        self.answered_at.setdefault(key, []).append(now)
        waiter = self.waiters.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)

    async def _reply(self, request: web.Request) -> web.Response:
        count = len(self.deliveries)
        response = await super()._reply(request)
        for delivery in self.deliveries[count:]:
            self.note(delivery.target)  # reply token == message key in the benchmarks
        return response

    async def _push(self, request: web.Request) -> web.Response:
        count = len(self.deliveries)
        response = await super()._push(request)
        for delivery in self.deliveries[count:]:
            self.note(f"push:{delivery.retry_key}")
        return response


@dataclass
class Stack:
    workdir: Path
    rasa: ManagedProcess
    actions: ManagedProcess
    gateway: ManagedProcess
    gateway_worker: ManagedProcess | None
    rasa_port: int
    gateway_port: int
    line: CountingLine
    redis_prefix: str


def gateway_process(
    workdir: Path,
    port: int,
    rasa_port: int,
    line_url: str,
    token: str,
    prefix: str,
    role: str = "all",
    backend: str = "redis",
) -> ManagedProcess:
    """role: "all" (acknowledge and work), "front" (acknowledge only), "worker" (work only).

    backend: "redis" (REDIS_URL, the default of these benchmarks), or "sqlite" / "memory" for one
    process without Redis (GATEWAY_BACKEND; sqlite is what `make run` uses), own state directory."""
    shared = (
        {"REDIS_URL": REDIS_URL, "GATEWAY_REDIS_PREFIX": prefix}
        if backend == "redis"
        else {"GATEWAY_BACKEND": backend}
    )
    env = {
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "GATEWAY_RASA_TOKEN": token,
        **shared,
        "GATEWAY_STATE_DIR": str(workdir / f"gateway-state-{backend}-{port}"),
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE": line_url,
        "RATE_LIMIT_EVENTS": "100000",  # the benchmark is one "citizen" per sender id, many messages
        "LOG_LEVEL": "WARNING",
        "GATEWAY_WORKER": "0" if role == "front" else "1",
    }
    return gateway_server(workdir, port, env, role if backend == "redis" else f"{role}-{backend}")


@asynccontextmanager
async def running_stack(
    workdir: Path,
    split: bool = True,
    nice_work: int = 0,
    validate_line: bool = True,
    backend: str = "redis",
) -> AsyncIterator[Stack]:
    """split: one gateway process acknowledges webhooks, a second one (same Redis) does the work.
    backend: "redis", or "sqlite"/"memory" for one gateway process without Redis (split is ignored).

    nice_work > 0 starts Rasa, the action server and the gateway worker with that `nice` value, so
    on a machine they share, the acknowledging process is scheduled first (a deployment choice).
    """
    model = newest_model()
    workdir.mkdir(parents=True, exist_ok=True)
    line = CountingLine(validate=validate_line)
    runner = web.AppRunner(line.app(), access_log=None)
    await runner.setup()
    line_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", line_port).start()
    line.url = f"http://127.0.0.1:{line_port}"
    action_port, rasa_port, gateway_port = free_port(), free_port(), free_port()
    actions = action_server(workdir, action_port, f"sqlite:///{workdir / 'bench.db'}")
    rasa = rasa_server(
        workdir,
        rasa_port,
        action_port,
        "bot/endpoints.yml",
        model,
        {"RASA_TRACKER_DB": str(workdir / "tracker.db")},
    )
    prefix = f"gwbench:{uuid.uuid4().hex[:8]}"
    token = rasa.env["GATEWAY_RASA_TOKEN"]
    split = split and backend == "redis"
    gateway = gateway_process(
        workdir, gateway_port, rasa_port, line.url, token, prefix, "front" if split else "all", backend
    )
    worker = (
        gateway_process(workdir, free_port(), rasa_port, line.url, token, prefix, "worker") if split else None
    )
    if nice_work > 0:
        for process in (actions, rasa, worker):
            if process is not None:
                process.args = ["nice", "-n", str(nice_work), *process.args]
    started: list[ManagedProcess] = []
    try:
        processes = [(actions, 120), (rasa, 300), (gateway, 60)] + ([(worker, 60)] if worker else [])
        for process, timeout in processes:
            await asyncio.to_thread(process.start, timeout)
            started.append(process)
        yield Stack(workdir, rasa, actions, gateway, worker, rasa_port, gateway_port, line, prefix)
    finally:
        for process in reversed(started):
            await asyncio.to_thread(process.stop)
        await runner.cleanup()
        await _drop_prefix(prefix)


async def _drop_prefix(prefix: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1000)]
        for i in range(0, len(keys), 500):
            await client.delete(*keys[i : i + 500])
    finally:
        await client.aclose()


def line_body(text: str, user: str, token: str, event_id: str) -> bytes:
    import json

    event: dict[str, Any] = {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": token,
        "message": {"id": event_id, "type": "text", "quoteToken": "q", "text": text},
    }
    return json.dumps({"destination": "Ubench", "events": [event]}, ensure_ascii=False).encode("utf-8")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]

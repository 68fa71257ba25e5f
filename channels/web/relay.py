"""Pushes to sockets held by other gateway processes, through Redis pub/sub.

With several gateway replicas a citizen's socket lives in one process while any process's worker
may answer them (the queue's consumer group spreads events). Each process therefore pushes to its
own sockets directly and also publishes the frame; the other processes push it to the sockets they
hold for that session. Without Redis there is one process and no relay.

Delivery over pub/sub is best effort on purpose: the answer is already in the transcript, so a lost
publish only means the widget shows it on its next reconnect instead of at once. That is also why a
process that finds itself alone on the channel (PUBSUB NUMSUB, checked every few seconds) skips the
publish: a single gateway pays nothing for the relay, and a replica that has just started is
reached within `PEER_CHECK_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import Any

from channels.web.hub import ConnectionHub

log = logging.getLogger(__name__)

PEER_CHECK_SECONDS = 5.0


class LiveRelay:
    def __init__(self, redis: Any, channel: str, hub: ConnectionHub) -> None:
        self._redis = redis
        self._channel = channel
        self._hub = hub
        self._origin = uuid.uuid4().hex  # our own publishes come back to us; skip them
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._peers = 1
        self._peers_checked = 0.0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="web-chat-relay")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 5)

    async def _other_processes(self) -> int:
        now = time.monotonic()
        if now - self._peers_checked >= PEER_CHECK_SECONDS:
            self._peers_checked = now
            [(_, subscribers)] = await self._redis.pubsub_numsub(self._channel)
            self._peers = max(0, int(subscribers) - 1)
        return self._peers

    async def publish(self, session_id: str, frame: dict[str, Any]) -> None:
        message = json.dumps({"o": self._origin, "s": session_id, "f": frame}, ensure_ascii=False)
        try:
            if await self._other_processes():
                await self._redis.publish(self._channel, message)
        except Exception as exc:
            log.warning("web: relay publish failed (%r); the transcript still has the answer", exc)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._subscribed.set()
                delay = 0.5
                async for message in pubsub.listen():
                    await self._deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("web: relay subscription lost (%r); resubscribing in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _deliver(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        try:
            data = json.loads(message["data"])
            if data["o"] == self._origin:
                return
            await self._hub.push(str(data["s"]), dict(data["f"]))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("web: unreadable relay message skipped (%r)", exc)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

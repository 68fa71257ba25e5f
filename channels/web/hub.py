"""The open chat sockets of this gateway process, by session, so an answer can be pushed at once.

A session may have several sockets (the same citizen with two tabs open); each gets every frame. An
answer for a session with no socket here is not lost: it is already in the transcript, which the
widget reads when it next connects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import WSCloseCode, web

from privacy import log_id

log = logging.getLogger(__name__)


class Connection:
    """One browser socket; a lock keeps frames from different tasks from interleaving."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self._lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> bool:
        if self.ws.closed:
            return False
        try:
            async with self._lock:
                await self.ws.send_str(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
            return True
        except (ConnectionError, RuntimeError) as exc:  # closed under us: the transcript has it
            log.debug("web: push failed (%r)", exc)
            return False


class ConnectionHub:
    def __init__(self) -> None:
        self._by_session: dict[str, set[Connection]] = {}

    def attach(self, session_id: str, conn: Connection) -> None:
        self._by_session.setdefault(session_id, set()).add(conn)

    def detach(self, session_id: str, conn: Connection) -> None:
        conns = self._by_session.get(session_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._by_session[session_id]

    def count(self, session_id: str | None = None) -> int:
        if session_id is None:
            return sum(len(c) for c in self._by_session.values())
        return len(self._by_session.get(session_id, ()))

    async def push(self, session_id: str, frame: dict[str, Any]) -> int:
        """Send to every socket of the session; the number that took it."""
        conns = list(self._by_session.get(session_id, ()))
        if not conns:
            return 0
        results = await asyncio.gather(*(c.send(frame) for c in conns))
        delivered = sum(results)
        if delivered < len(conns):
            log.debug(
                "web: %d of %d sockets of %s gone", len(conns) - delivered, len(conns), log_id(session_id)
            )
        return delivered

    async def push_except(self, session_id: str, skip: Connection, frame: dict[str, Any]) -> int:
        """Send to the session's other sockets (the citizen's other tabs)."""
        others = [c for c in self._by_session.get(session_id, ()) if c is not skip]
        return sum(await asyncio.gather(*(c.send(frame) for c in others)))

    async def close_all(self) -> None:
        """Shutdown: tell every widget to come back later (it reconnects with backoff)."""
        conns = [c for group in self._by_session.values() for c in group]
        for conn in conns:
            with contextlib.suppress(Exception):
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server restart")
        self._by_session.clear()

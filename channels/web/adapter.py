"""The web chat channel: serves the widget and its demo page, owns the socket, delivers answers.

Unlike LINE and SMS there is no platform calling a webhook: the widget's socket (channels.web.socket)
publishes events itself, so `verify` and `parse` are never used. `send` stores the answer in the
session's transcript first and then pushes it to the session's open sockets; a citizen who closed the
tab finds it there on the next visit.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from channels.base import Channel, ChannelDisabled, PayloadError, SignatureError
from channels.context import ChannelContext
from channels.messages import Inbound, Outbound
from channels.web.config import WebSettings
from channels.web.history import Entry, HistoryStore, MemoryHistoryStore, RedisHistoryStore
from channels.web.history_sqlite import SqliteHistoryStore
from channels.web.hub import ConnectionHub
from channels.web.relay import LiveRelay
from channels.web.session import SessionSigner
from channels.web.socket import ChatSocket
from privacy import log_id

if TYPE_CHECKING:
    from channels.web.direct import WebDirectSender

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'"
)


class StaticAsset:
    """A small file served from memory, gzipped once at start-up, with an ETag for revalidation."""

    def __init__(
        self, name: str, content_type: str, cache_seconds: int, extra_headers: Mapping[str, str] = {}
    ):
        self.body = (STATIC_DIR / name).read_bytes()
        self.gzipped = gzip.compress(self.body, compresslevel=9, mtime=0)
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'
        self._headers = {
            "Cache-Control": f"public, max-age={cache_seconds}",
            "ETag": self.etag,
            **extra_headers,
        }
        self._content_type = content_type

    async def handle(self, request: web.Request) -> web.Response:
        headers = dict(self._headers)
        headers["Vary"] = "Accept-Encoding"
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        body = self.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = self.gzipped
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, content_type=self._content_type, charset="utf-8", headers=headers)


def bot_entries(client_id: str, messages: Sequence[Outbound]) -> list[Entry]:
    """Channel-neutral answers -> transcript entries with stable ids (`<client id>#<n>`).

    A turn Rasa answered with nothing still gets one empty entry: it tells the widget to stop the
    typing indicator and tells a later resend that the message was answered.
    """
    now = time.time()
    entries: list[Entry] = []
    for n, message in enumerate(messages):
        entry: Entry = {
            "id": f"{client_id}#{n}",
            "role": "bot",
            "text": message.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
            "reply_to": client_id,
            "ts": now,
        }
        if message.image_url and message.image_url.startswith("https://"):
            entry["image"] = message.image_url
        entries.append(entry)
    if not entries:
        entries.append(
            {
                "id": f"{client_id}#0",
                "role": "bot",
                "text": None,
                "buttons": [],
                "reply_to": client_id,
                "ts": now,
            }
        )
    return entries


class WebChannel(Channel):
    name = "web"

    def __init__(
        self,
        settings: WebSettings,
        context: ChannelContext | None = None,
        *,
        history: HistoryStore | None = None,
    ):
        if not settings.enabled:
            raise ChannelDisabled("WEB_SESSION_SECRET is not set")
        self._settings = settings
        self._context = context
        self._history = history
        self._relay: LiveRelay | None = None
        self.hub = ConnectionHub()
        self.signer = SessionSigner(
            settings.session_secret,
            max_age_seconds=settings.session_max_age_seconds,
            rotate_after_seconds=settings.session_rotate_seconds,
            previous_secrets=settings.previous_secrets,
        )
        self.socket = ChatSocket(settings, self.signer, self.history, self.hub)
        self._widget = StaticAsset("widget.js", "application/javascript", cache_seconds=300)
        self._demo = StaticAsset(
            "demo.html", "text/html", cache_seconds=60, extra_headers={"Content-Security-Policy": DEMO_CSP}
        )

    @property
    def widget_gzip_bytes(self) -> int:
        return len(self._widget.gzipped)

    def history(self) -> HistoryStore:
        """The transcript store of the gateway's backend (channels/backends.py), made on first use:
        the Redis pool and the state file exist only once the app has started."""
        if self._history is None:
            self._history = self._make_history()
        return self._history

    def _make_history(self) -> HistoryStore:
        redis = self._context.redis if self._context is not None else None
        state_db = self._context.state_db if self._context is not None else None
        if redis is not None:
            prefix = self._context.settings.redis_prefix + ":" if self._context is not None else "gw:"
            return RedisHistoryStore(
                redis,
                prefix=prefix,
                max_entries=self._settings.history_entries,
                ttl_seconds=self._settings.history_ttl_seconds,
            )
        if state_db is not None:
            return SqliteHistoryStore(
                state_db,
                max_entries=self._settings.history_entries,
                ttl_seconds=self._settings.history_ttl_seconds,
                max_sessions_per_client=self._settings.sessions_per_client,
            )
        log.warning("web: transcripts kept in process memory (GATEWAY_BACKEND=memory); lost on restart")
        return MemoryHistoryStore(
            max_entries=self._settings.history_entries,
            ttl_seconds=self._settings.history_ttl_seconds,
            max_sessions_per_client=self._settings.sessions_per_client,
        )

    def direct_sender(self) -> WebDirectSender | None:
        """Only where the chat is served: a process without sockets (`python -m cases worker`) cannot
        reach a browser, so web notices wait in the outbox for the gateway."""
        if self._context is None or self._context.detached:
            return None
        from channels.web.direct import WebDirectSender

        return WebDirectSender(self)

    def routes(self) -> Sequence[Any]:
        return (
            web.get("/chat/widget.js", self._widget.handle),
            web.get("/chat/demo", self._demo.handle),
            web.get("/chat/ws", self.socket.handle),
        )

    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        raise SignatureError("the web channel has no webhook; browsers use /chat/ws")

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[Inbound]:
        raise PayloadError("the web channel has no webhook; browsers use /chat/ws")

    async def start_relay(self) -> None:
        """With Redis, also reach sockets held by other gateway processes (see relay.py)."""
        redis = self._context.redis if self._context is not None else None
        if redis is not None and self._relay is None:
            prefix = self._context.settings.redis_prefix if self._context is not None else "gw"
            self._relay = LiveRelay(redis, f"{prefix}:web:push", self.hub)
            await self._relay.start()

    async def push(self, session_id: str, frame: dict[str, Any]) -> int:
        """To the session's sockets in this process and, through the relay, in the others."""
        pushed = await self.hub.push(session_id, frame)
        if self._relay is not None:
            await self._relay.publish(session_id, frame)
        return pushed

    async def typing(self, event: Inbound) -> None:
        await self.push(_session_of(event), {"type": "typing", "on": True})

    async def send(self, recipient: Inbound, messages: Sequence[Outbound]) -> None:
        session_id = _session_of(recipient)
        client_id = str(recipient.extra.get("client_id") or recipient.event_id.rpartition(":")[2])
        # At-least-once upstream: an answer stored before (crash before the worker's done marker) is
        # not stored again; the stored copy is pushed instead and the widget drops what it has shown.
        entries = await self.history().add_answer(session_id, client_id, bot_entries(client_id, messages))
        pushed = await self.push(session_id, {"type": "bot", "reply_to": client_id, "entries": entries})
        if not pushed:
            log.debug("web: no socket of %s here; answer in the transcript", log_id(recipient.sender_id))

    async def close(self) -> None:
        if self._relay is not None:
            await self._relay.close()
        await self.hub.close_all()
        if self._history is not None:
            await self._history.close()


def _session_of(event: Inbound) -> str:
    return event.sender_id.removeprefix("web:")


def build(context: ChannelContext) -> WebChannel:
    """Registry factory (channels.registry): disabled with one log line without WEB_SESSION_SECRET."""
    channel = WebChannel(context.settings.web, context)

    async def start_relay(_app: web.Application) -> None:
        await channel.start_relay()  # runs after the gateway's resources (Redis) are up

    async def close_sockets(_app: web.Application) -> None:
        await channel.hub.close_all()  # before the server stops: widgets reconnect to the next instance

    context.app.on_startup.append(start_relay)
    context.app.on_shutdown.append(close_sockets)
    return channel

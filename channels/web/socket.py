"""GET /chat/ws: the web chat socket. The frames it speaks are documented in `channels.web.protocol`.

Why a socket handler of its own rather than the shared webhook handler: a browser is not a platform
that signs its requests. Trust comes from the server-issued session token instead, checked once per
connection, and answers travel back over the same socket. Past that point a web message goes the
same way as a LINE or SMS event: per-sender rate limit, the gateway's queue (deduplicated on the
client message id), the worker, Rasa's `web` input channel, and `WebChannel.send`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from aiohttp import WSCloseCode, WSMsgType, web

from channels import keys
from channels.messages import Inbound
from channels.web.config import WebSettings
from channels.web.history import Entry, HistoryStore
from channels.web.hub import Connection, ConnectionHub
from channels.web.issue_budget import SessionIssueBudget
from channels.web.protocol import ChatMessage, FrameError, Hello, Ping, error_frame, parse_frame
from channels.web.session import SessionSigner
from privacy import log_id

log = logging.getLogger(__name__)

HARD_FRAME_LIMIT = 1024 * 1024  # above this aiohttp closes the socket (1009) without reading it
FRAMES_PER_WINDOW = 60  # any frame, per connection: stops a client from looping resends
FRAME_WINDOW_SECONDS = 10.0
RETRY_AFTER_UNAVAILABLE = 3.0


def sender_id(session_id: str) -> str:
    return f"web:{session_id}"


def origin_allowed(origin: str | None, allowed: Iterable[str], own: Iterable[str]) -> bool:
    """Cross-site WebSocket hijacking guard: only listed pages (or our own) may open a socket.

    Browsers always send Origin on a WebSocket handshake, so a missing one is refused too.
    """
    if not origin:
        return False
    allowed = [a.lower() for a in allowed]
    if "*" in allowed:
        return True
    candidate = origin.strip().rstrip("/").lower()
    return candidate in (allowed or [o.lower() for o in own])


def own_origins(request: web.Request, public_base_url: str) -> list[str]:
    origins = [f"{request.scheme}://{request.host}"]
    if public_base_url:
        scheme, _, rest = public_base_url.partition("://")
        origins.append(f"{scheme}://{rest.split('/', 1)[0]}")
    return origins


def user_entry(message: ChatMessage) -> Entry:
    entry: Entry = {"id": message.id, "role": "user", "text": message.shown, "buttons": [], "ts": time.time()}
    if message.payload is not None:
        entry["payload"] = message.payload
    return entry


class _FrameBudget:
    """Fixed-window count of frames on one connection."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._count = 0

    def spend(self) -> float | None:
        """None when the frame may proceed, else seconds until the window resets."""
        now = time.monotonic()
        if now - self._start >= FRAME_WINDOW_SECONDS:
            self._start, self._count = now, 0
        self._count += 1
        if self._count > FRAMES_PER_WINDOW:
            return FRAME_WINDOW_SECONDS - (now - self._start)
        return None


class ChatSocket:
    """The /chat/ws handler. The history store is looked up per call: it exists only after start-up."""

    def __init__(
        self,
        settings: WebSettings,
        signer: SessionSigner,
        history: Callable[[], HistoryStore],
        hub: ConnectionHub,
    ) -> None:
        self._settings = settings
        self._signer = signer
        self._history = history
        self._hub = hub
        # New sessions per client (issue 14, finding 1): channels/web/issue_budget.py.
        self._issue_budget = SessionIssueBudget(settings.session_secret)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        gateway = request.config_dict[keys.SETTINGS]
        origin = request.headers.get("Origin")
        if not origin_allowed(
            origin, self._settings.allowed_origins, own_origins(request, gateway.public_base_url)
        ):
            log.warning("web: socket refused for origin %r", (origin or "")[:100])
            raise web.HTTPForbidden(text="origin not allowed")
        ws = web.WebSocketResponse(heartbeat=self._settings.heartbeat_seconds, max_msg_size=HARD_FRAME_LIMIT)
        if not ws.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="WebSocket upgrade expected")
        await ws.prepare(request)
        conn = Connection(ws)
        session_id: str | None = None
        budget = _FrameBudget()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    wait = budget.spend()
                    if wait is not None:
                        await conn.send(error_frame("rate_limited", retry_after=wait))
                        continue
                    session_id = await self._on_text(request, conn, session_id, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await conn.send(error_frame("bad_frame"))
                elif msg.type == WSMsgType.ERROR:
                    log.info("web: socket error %r", ws.exception())
                    break
        finally:
            if session_id is not None:
                self._hub.detach(session_id, conn)
        return ws

    async def _on_text(
        self, request: web.Request, conn: Connection, session_id: str | None, raw: str
    ) -> str | None:
        try:
            frame = parse_frame(
                raw, max_bytes=self._settings.max_frame_bytes, max_text_chars=self._settings.max_text_chars
            )
        except FrameError as exc:
            await conn.send(error_frame(exc.code, exc.message_id))
            return session_id
        if isinstance(frame, Hello):
            return await self._hello(request, conn, session_id, frame)
        if isinstance(frame, Ping):
            await conn.send({"type": "pong"})
            return session_id
        if session_id is None:
            await conn.send(error_frame("hello_first", frame.id))
            return None
        await self._message(request, conn, session_id, frame)
        return session_id

    async def _hello(
        self, request: web.Request, conn: Connection, previous: str | None, hello: Hello
    ) -> str | None:
        check = self._signer.check(hello.token)
        if check.session_id is not None:
            session_id, token = check.session_id, str(hello.token)
            if self._signer.needs_rotation(check):  # same session, fresh token (session.py)
                session_id, token = self._signer.issue(session_id)
        else:
            if check.status == "expired":
                log.info("web: expired session token presented; issuing a new session")
            elif check.status == "invalid":
                log.info("web: unverifiable session token presented; issuing a new session")
            if not await self._issue_budget.allow(request):
                log.warning("web: new-session budget spent by a client; refusing another")
                retry_after = self._issue_budget.retry_after()
                await conn.send(error_frame("rate_limited", retry_after=retry_after))
                await conn.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too many new sessions")
                return None
            session_id, token = self._signer.issue()
        if previous is not None and previous != session_id:
            self._hub.detach(previous, conn)
        # Attach before reading the transcript: an answer stored in between is pushed as well, and the
        # widget drops whichever copy it already shows (entry ids), so nothing is missed or doubled.
        self._hub.attach(session_id, conn)
        try:
            entries = await self._history().recent(session_id, self._settings.history_sent)
        except Exception as exc:
            log.error("web: history unavailable (%r)", exc)
            await conn.send(error_frame("unavailable", retry_after=RETRY_AFTER_UNAVAILABLE))
            self._hub.detach(session_id, conn)
            await conn.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"history unavailable")
            return None
        await conn.send(
            {
                "type": "session",
                "session": token,
                "new": check.session_id is None,
                "max_chars": self._settings.max_text_chars,
            }
        )
        await conn.send({"type": "history", "entries": entries})
        if check.status == "expired":  # last: the widget shows this text above the empty chat
            await conn.send(error_frame("session_expired"))
        return session_id

    async def _message(
        self, request: web.Request, conn: Connection, session_id: str, message: ChatMessage
    ) -> None:
        history = self._history()
        sender = sender_id(session_id)
        entry = user_entry(message)
        owner = self._signer.client_tag(request.remote)
        try:
            if not await history.accept(session_id, entry, owner):
                await self._answer_resend(conn, session_id, message.id)
                return
            if not await request.config_dict[keys.RATE_LIMITER].allow(sender):
                await history.retract(session_id, message.id)
                window = request.config_dict[keys.SETTINGS].rate_limit_window_seconds
                log.warning("web: rate limit hit by %s", log_id(sender))
                retry_after = window - time.time() % window
                await conn.send(error_frame("rate_limited", message.id, retry_after=retry_after))
                return
            # The citizen's other tabs show the question now, so it lands above the answer there too.
            await self._hub.push_except(session_id, conn, {"type": "user", "entry": entry})
            event = Inbound(
                channel="web",
                event_id=f"{session_id}:{message.id}",
                sender_id=sender,
                kind="postback" if message.payload is not None else "text",
                text=message.shown,
                payload=message.payload,
                received_at=entry["ts"],
                locale="th",
                extra={"client_id": message.id},
            )
            try:
                await request.config_dict[keys.QUEUE].publish(event)
            except Exception:
                await history.retract(session_id, message.id)
                raise
        except Exception as exc:
            log.error("web: could not accept a message from %s (%r)", log_id(sender), exc)
            await conn.send(error_frame("unavailable", message.id, retry_after=RETRY_AFTER_UNAVAILABLE))
            return
        await conn.send({"type": "ack", "id": message.id, "duplicate": False})  # the widget shows "typing"

    async def _answer_resend(self, conn: Connection, session_id: str, message_id: str) -> None:
        """A message this session sent before: never ask Rasa again; repeat the answer if there is one."""
        await conn.send({"type": "ack", "id": message_id, "duplicate": True})
        answers = await self._history().answers_to(session_id, message_id)
        if answers:
            await conn.send({"type": "bot", "reply_to": message_id, "entries": answers})

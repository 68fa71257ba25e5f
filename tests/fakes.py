"""Local stand-ins for the services the bot talks to, written once: LINE's Messaging API, an SMS
provider (generic HTTP API and Twilio's REST API) and Rasa's input channels.

Every test and benchmark that needs one of them imports it from here (tests/channels, tests/cases,
tests/actions, tests/e2e, bench/gateway, bench/cases); each is an aiohttp app served on loopback
(`app()`), and the test points the code at `url`.

The fakes keep the vendors' rules that correctness depends on:
- LINE: the channel access token must match; every body is checked with line-bot-sdk's own request
  models (so a test fails if we ever send what LINE would refuse), at most 5 messages; a reply token
  works once; a push's X-Line-Retry-Key must be a UUID and is accepted once (409 with
  x-line-accepted-request-id afterwards); the content API serves a message's bytes.
- SMS: to, text and Idempotency-Key are required, numbers in E.164 form (+66…), a key is accepted once (409
  afterwards); the token is checked when the fake is given one.
Failures can be injected (`fail_first`, `fail_every`, `latency`), and counters tell a test exactly
what reached the citizen and how often (`accepted`, `per_message()`, `repeated_keys`, `requests`).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from aiohttp import web
from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, ShowLoadingAnimationRequest


class _Fake(Protocol):
    url: str

    def app(self) -> web.Application: ...


F = TypeVar("F", bound=_Fake)


async def serve(aiohttp_server: Any, fake: F) -> F:
    """Serve `fake` with pytest-aiohttp's `aiohttp_server` fixture and set its `url`; returns it."""
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@dataclass(frozen=True)
class Received:
    """One message a fake vendor accepted (a push or an SMS), once per idempotency key."""

    key: str
    recipient: str
    text: str
    at: float  # wall-clock seconds


@dataclass
class Delivery:
    """A LINE reply or push as it reached the fake, with its messages."""

    kind: str  # "reply" | "push"
    target: str  # reply token or push recipient
    messages: list[dict[str, Any]]
    retry_key: str | None = None


@dataclass
class FakeApi:
    """What the fake vendors share: token check, injected failures, once-per-key acceptance, counters."""

    token: str | None = "test-access-token"
    accepted: dict[str, Received] = field(default_factory=dict)
    requests: int = 0  # every request that reached the fake
    repeated_keys: int = 0
    errors: list[str] = field(default_factory=list)
    fail_first: int = 0  # answer 5xx to this many sends, then behave
    fail_every: int = 0  # answer 503 to every n-th request (0: never)
    latency: float = 0.0  # seconds before each send is answered
    url: str = ""

    def app(self) -> web.Application:
        raise NotImplementedError

    def per_message(self) -> Counter[tuple[str, str]]:
        """How many times each distinct (recipient, text) was accepted: any count above 1 is a duplicate."""
        return Counter((r.recipient, r.text) for r in self.accepted.values())

    def _refused(self, request: web.Request) -> web.Response | None:
        self.requests += 1
        if self.token is not None and request.headers.get("Authorization") != f"Bearer {self.token}":
            self.errors.append("bad Authorization")
            return web.json_response({"message": "Authentication failed"}, status=401)
        if self.fail_every and self.requests % self.fail_every == 0:
            overload = {"message": "injected overload"}
            return web.json_response(overload, status=503, headers={"Retry-After": "0"})
        return None

    def _injected_failure(self, status: int) -> web.Response | None:
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.json_response({"message": "injected failure"}, status=status)
        return None

    def _accept(self, key: str, recipient: str, text: str) -> web.Response | None:
        """None when accepted; 409 (LINE's answer, with the accepted request id) for a key seen before."""
        if key in self.accepted:
            self.repeated_keys += 1
            return web.json_response(
                {"message": "The retry key is already accepted"},
                status=409,
                headers={"x-line-accepted-request-id": key},
            )
        self.accepted[key] = Received(key, recipient, text, time.time())
        return None


def _texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m["text"]) for m in messages if m.get("text"))


@dataclass
class FakeLine(FakeApi):
    """LINE's Messaging API: reply, push, loading animation, and message content (api-data)."""

    deliveries: list[Delivery] = field(default_factory=list)  # replies and pushes, in order
    bodies: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, JSON body)
    loading: list[str] = field(default_factory=list)
    used_tokens: set[str] = field(default_factory=set)
    reply_delay: float = 0.0
    validate_bodies: bool = True  # the throughput benchmark turns SDK validation off (harness cost)
    # Message id -> (bytes, Content-Type) for the content API.
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Send content chunked, without Content-Length, so a client must enforce its limit while reading.
    stream_contents: bool = False

    def texts(self) -> list[str]:
        return [m.get("text", "") for d in self.deliveries for m in d.messages]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        return app

    async def _body(self, request: web.Request, model: Any) -> dict[str, Any] | None:
        raw = await request.text()
        if self.validate_bodies:
            try:
                parsed = model.from_json(raw)
            except Exception as exc:  # the SDK raises pydantic/ValueError variants
                self.errors.append(f"{request.path}: body rejected by {model.__name__}: {exc}")
                return None
            if parsed is None:
                self.errors.append(f"{request.path}: empty body")
                return None
        data: dict[str, Any] = json.loads(raw)
        self.bodies.append((request.path, data))
        return data

    def _too_many(self, data: dict[str, Any], what: str) -> web.Response | None:
        if len(data["messages"]) > 5:
            self.errors.append(f"more than 5 messages in a {what}")
            return web.json_response({"message": "Size must be between 1 and 5"}, status=400)
        return None

    async def _reply(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        data = await self._body(request, ReplyMessageRequest)
        if data is None:
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        too_many = self._too_many(data, "reply")
        if too_many is not None:
            return too_many
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        token = data["replyToken"]
        if token in self.used_tokens or token.startswith("expired"):
            return web.json_response({"message": "Invalid reply token"}, status=400)
        self.used_tokens.add(token)
        self.deliveries.append(Delivery("reply", token, data["messages"]))
        return web.json_response({"sentMessages": [{"id": str(i)} for i in range(len(data["messages"]))]})

    async def _push(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.latency:
            await asyncio.sleep(self.latency)
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                self.errors.append(f"X-Line-Retry-Key is not a UUID: {key!r}")
                return web.json_response({"message": "The retry key must be a UUID"}, status=400)
        data = await self._body(request, PushMessageRequest)
        if data is None:
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        refused = self._too_many(data, "push") or self._injected_failure(500)
        if refused is None:
            refused = self._accept(key or uuid.uuid4().hex, data["to"], _texts(data["messages"]))
        if refused is not None:
            return refused
        self.deliveries.append(Delivery("push", data["to"], data["messages"], key))
        return web.json_response({"sentMessages": [{"id": uuid.uuid4().hex}]})

    async def _loading(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        data = await self._body(request, ShowLoadingAnimationRequest)
        if data is None:
            return web.json_response({"message": "bad"}, status=400)
        self.loading.append(data["chatId"])
        return web.json_response({}, status=202)

    async def _content(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        found = self.contents.get(request.match_info["message_id"])
        if found is None:
            return web.json_response({"message": "Not found"}, status=404)
        data, content_type = found
        if not self.stream_contents:
            return web.Response(body=data, headers={"Content-Type": content_type})
        response = web.StreamResponse(headers={"Content-Type": content_type})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(data), 16_384):
            await response.write(data[start : start + 16_384])
        await response.write_eof()
        return response


@dataclass
class FakeSms(FakeApi):
    """An SMS provider: the generic HTTP API (`POST /messages`) and Twilio's REST API."""

    token: str | None = None  # checked as a Bearer token when set
    sent: list[dict[str, Any]] = field(default_factory=list)  # {to, text, key, api} in order

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self._generic)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        return app

    def texts_to(self, number: str) -> list[str]:
        return [m["text"] for m in self.sent if m["to"] == number]

    async def _generic(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.latency:
            await asyncio.sleep(self.latency)
        failed = self._injected_failure(503)
        if failed is not None:
            return failed
        key = request.headers.get("Idempotency-Key", "")
        try:
            body: Any = json.loads(await request.text())
        except ValueError:
            body = None
        if not key or not isinstance(body, dict) or not {"to", "text"} <= body.keys():
            self.errors.append("invalid sms request")
            return web.json_response({"message": "to, text and Idempotency-Key are required"}, status=400)
        if not str(body["to"]).startswith("+") or not str(body["to"])[1:].isdigit():
            self.errors.append("phone not in E.164 form")
            return web.json_response({"message": "bad number"}, status=400)
        repeated = self._accept(key, str(body["to"]), str(body["text"]))
        if repeated is not None:
            return repeated
        self.sent.append({"to": body["to"], "text": body["text"], "key": key, "api": "generic"})
        return web.json_response({"id": str(uuid.uuid4())}, status=201)

    async def _twilio(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        failed = self._injected_failure(503)
        if failed is not None:
            return failed
        form = await request.post()
        if request.headers.get("Authorization", "").split(" ")[0] != "Basic":
            self.errors.append("bad Authorization")
            return web.json_response({"message": "auth"}, status=401)
        key = request.headers.get("I-Twilio-Idempotency-Token") or uuid.uuid4().hex
        repeated = self._accept(key, str(form["To"]), str(form["Body"]))
        if repeated is not None:
            return repeated
        self.sent.append({"to": form["To"], "text": form["Body"], "key": key, "api": "twilio"})
        return web.json_response({"sid": "SM" + uuid.uuid4().hex}, status=201)


@dataclass
class FakeRasa:
    """Answers like our Rasa input channels (`line`, `sms`, `web`): a JSON list of messages; can be
    made slow (`delay`) or down (`status` 503, or `down = True`). `responder(body)` scripts the
    answers (the web chat tests' Thai answers: tests/channels/web/webchat_fakes.py); without one it
    echoes the message with two buttons."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    request_ids: list[str | None] = field(default_factory=list)  # X-Request-ID of each call
    status: int = 200  # set to 503 to play "Rasa is down"
    delay: float = 0.0
    buttons: bool = True
    url: str = ""
    responder: Any = None  # optional callable(body) -> list of Rasa messages

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/version", self._version)
        app.router.add_post("/webhooks/{channel}/webhook", self._webhook)
        return app

    @property
    def down(self) -> bool:
        return self.status != 200

    @down.setter
    def down(self, value: bool) -> None:
        self.status = 503 if value else 200

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The bodies the gateway posted, in order (the same list as `calls`)."""
        return self.calls

    def texts(self) -> list[str]:
        return [c["message"] for c in self.calls]

    async def _version(self, request: web.Request) -> web.Response:
        return web.json_response({"version": "3.6.21"})

    async def _root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _webhook(self, request: web.Request) -> web.Response:
        if self.status != 200:
            return web.json_response({"error": "down"}, status=self.status)
        body = await request.json()
        self.calls.append(body)
        self.paths.append(request.path)
        self.request_ids.append(request.headers.get("X-Request-ID"))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.responder is not None:
            return web.json_response(self.responder(body))
        reply: dict[str, Any] = {"recipient_id": body["sender"], "text": f"ได้รับ: {body['message']}"}
        if self.buttons:
            reply["buttons"] = [
                {"title": "ถามเรื่องบริการ", "payload": "/ask_service"},
                {"title": "คุยกับเจ้าหน้าที่", "payload": "/request_human"},
            ]
        return web.json_response([reply])

    def messages_of(self, sender: str) -> list[str]:
        return [c["message"] for c in self.calls if c["sender"] == sender]

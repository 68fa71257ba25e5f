"""Local stand-ins for the LINE Messaging API and an SMS provider, for tests and the benchmark.

They keep the providers' rules that delivery correctness depends on: the access token must match,
a push's X-Line-Retry-Key must be a UUID and is accepted once (409 with x-line-accepted-request-id
afterwards, as LINE does), an SMS Idempotency-Key likewise. The LINE body is checked with
line-bot-sdk's own PushMessageRequest model, so we never send what LINE would refuse. Failures can be
injected to exercise retries. Counters tell a test exactly what reached the citizen, and how often.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from linebot.v3.messaging import PushMessageRequest


@dataclass(frozen=True)
class Received:
    key: str
    recipient: str
    text: str
    at: float  # wall-clock seconds


@dataclass
class FakeProvider:
    token: str = "fake-token"  # noqa: S105 - the fake's own test credential
    accepted: dict[str, Received] = field(default_factory=dict)
    requests: int = 0
    repeated_keys: int = 0
    errors: list[str] = field(default_factory=list)
    fail_first: int = 0  # answer 500 to this many requests, then behave
    fail_every: int = 0  # answer 503 to every n-th request (0: never)
    latency: float = 0.0
    url: str = ""

    def app(self) -> web.Application:
        raise NotImplementedError

    def per_message(self) -> Counter[tuple[str, str]]:
        """How many times each distinct (recipient, text) was accepted: any count above 1 is a duplicate."""
        return Counter((r.recipient, r.text) for r in self.accepted.values())

    def _gate(self, request: web.Request) -> web.Response | None:
        self.requests += 1
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            self.errors.append("bad Authorization")
            return web.json_response({"message": "Authentication failed"}, status=401)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.json_response({"message": "injected failure"}, status=500)
        if self.fail_every and self.requests % self.fail_every == 0:
            return web.json_response(
                {"message": "injected overload"}, status=503, headers={"Retry-After": "0"}
            )
        return None

    def _accept(self, key: str, recipient: str, text: str) -> web.Response:
        if key in self.accepted:
            self.repeated_keys += 1
            return web.json_response(
                {"message": "The retry key is already accepted"},
                status=409,
                headers={"x-line-accepted-request-id": key},
            )
        self.accepted[key] = Received(key, recipient, text, time.time())
        return web.json_response({"sentMessages": [{"id": uuid.uuid4().hex}]})


@dataclass
class FakeLineApi(FakeProvider):
    # Message id -> (bytes, Content-Type) for the content API (api-data.line.me in production).
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Send content chunked, without Content-Length, so a client must enforce its limit while reading.
    stream_contents: bool = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        return app

    async def _content(self, request: web.Request) -> web.StreamResponse:
        refused = self._gate(request)
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

    async def _push(self, request: web.Request) -> web.Response:
        refused = self._gate(request)
        if refused is not None:
            return refused
        if self.latency:
            await asyncio.sleep(self.latency)
        key = request.headers.get("X-Line-Retry-Key", "")
        try:
            uuid.UUID(key)
        except ValueError:
            self.errors.append("X-Line-Retry-Key is not a UUID")
            return web.json_response({"message": "The retry key must be a UUID"}, status=400)
        raw = await request.text()
        try:
            push = PushMessageRequest.from_json(raw)
        except Exception as exc:  # the SDK raises pydantic/ValueError variants
            self.errors.append(f"invalid push body: {type(exc).__name__}")
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        texts = [str(m.text) for m in push.messages if getattr(m, "text", None)]
        return self._accept(key, push.to, "\n".join(texts))


@dataclass
class FakeSmsApi(FakeProvider):
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self._send)
        return app

    async def _send(self, request: web.Request) -> web.Response:
        refused = self._gate(request)
        if refused is not None:
            return refused
        if self.latency:
            await asyncio.sleep(self.latency)
        key = request.headers.get("Idempotency-Key", "")
        try:
            body: Any = json.loads(await request.text())
        except ValueError:
            body = None
        if not key or not isinstance(body, dict) or not {"to", "text"} <= body.keys():
            self.errors.append("invalid sms request")
            return web.json_response({"message": "to, text and Idempotency-Key are required"}, status=400)
        if not str(body["to"]).startswith("+66"):
            self.errors.append("phone not in +66 form")
            return web.json_response({"message": "bad number"}, status=400)
        return self._accept(key, str(body["to"]), str(body["text"]))

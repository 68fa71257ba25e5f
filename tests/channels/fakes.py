"""Local stand-ins for the platforms the gateway talks to: a fake LINE API and a fake Rasa.

The fake LINE API checks every request body against line-bot-sdk's own models (the same models LINE's
SDK uses to build requests), so a test fails if the gateway ever sends something LINE would refuse.
It also keeps LINE's rules that matter here: a reply token works once, a push retry key is accepted
once (409 afterwards), Authorization must carry the channel access token.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, ShowLoadingAnimationRequest


@dataclass
class Delivery:
    kind: str  # "reply" | "push"
    target: str  # reply token or push recipient
    messages: list[dict[str, Any]]
    retry_key: str | None = None


@dataclass
class FakeLine:
    access_token: str = "test-access-token"
    deliveries: list[Delivery] = field(default_factory=list)
    loading: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    used_tokens: set[str] = field(default_factory=set)
    retry_keys: set[str] = field(default_factory=set)
    fail_push_times: int = 0  # answer 500 to this many pushes (then accept)
    reply_delay: float = 0.0
    url: str = ""
    validate_bodies: bool = True  # the throughput benchmark turns SDK validation off (harness cost)

    def texts(self) -> list[str]:
        return [m.get("text", "") for d in self.deliveries for m in d.messages]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        return app

    content: dict[str, bytes] = field(default_factory=dict)

    async def _content(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        data = self.content.get(request.match_info["message_id"])
        if data is None:
            return web.json_response({"message": "Not found"}, status=404)
        return web.Response(body=data, content_type="image/jpeg")

    def _auth_ok(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            self.errors.append("bad Authorization header")
            return False
        return True

    async def _body(self, request: web.Request, model: Any) -> tuple[dict[str, Any], Any] | None:
        raw = await request.text()
        if not self.validate_bodies:
            data = json.loads(raw)
            self.requests.append((request.path, data))
            return data, data
        try:
            parsed = model.from_json(raw)
        except Exception as exc:
            self.errors.append(f"{request.path}: body rejected by {model.__name__}: {exc}")
            return None
        if parsed is None:
            self.errors.append(f"{request.path}: empty body")
            return None
        data = json.loads(raw)
        self.requests.append((request.path, data))
        return data, parsed

    async def _reply(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        got = await self._body(request, ReplyMessageRequest)
        if got is None:
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        data, _ = got
        if len(data["messages"]) > 5:
            self.errors.append("more than 5 messages in a reply")
            return web.json_response({"message": "Size must be between 1 and 5"}, status=400)
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        token = data["replyToken"]
        if token in self.used_tokens or token.startswith("expired"):
            return web.json_response({"message": "Invalid reply token"}, status=400)
        self.used_tokens.add(token)
        self.deliveries.append(Delivery("reply", token, data["messages"]))
        return web.json_response({"sentMessages": [{"id": str(i)} for i in range(len(data["messages"]))]})

    async def _push(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                self.errors.append(f"retry key is not a UUID: {key!r}")
                return web.json_response({"message": "Invalid retry key"}, status=400)
        got = await self._body(request, PushMessageRequest)
        if got is None:
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        data, _ = got
        if len(data["messages"]) > 5:
            self.errors.append("more than 5 messages in a push")
            return web.json_response({"message": "Size must be between 1 and 5"}, status=400)
        if self.fail_push_times > 0:
            self.fail_push_times -= 1
            return web.json_response({"message": "Internal error"}, status=500)
        if key is not None and key in self.retry_keys:
            return web.json_response({"message": "The retry key is already accepted"}, status=409)
        if key is not None:
            self.retry_keys.add(key)
        self.deliveries.append(Delivery("push", data["to"], data["messages"], key))
        return web.json_response({"sentMessages": [{"id": "1"}]})

    async def _loading(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        got = await self._body(request, ShowLoadingAnimationRequest)
        if got is None:
            return web.json_response({"message": "bad"}, status=400)
        self.loading.append(got[0]["chatId"])
        return web.json_response({}, status=202)


@dataclass
class FakeRasa:
    """Answers like our Rasa input channels: a JSON list of messages; can be made to fail."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    status: int = 200  # set to 503 to play "Rasa is down"
    delay: float = 0.0
    buttons: bool = True
    url: str = ""
    responder: Any = None  # optional callable(body) -> list of Rasa messages

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_post("/webhooks/{channel}/webhook", self._webhook)
        return app

    async def _root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _webhook(self, request: web.Request) -> web.Response:
        if self.status != 200:
            return web.json_response({"error": "down"}, status=self.status)
        body = await request.json()
        self.calls.append(body)
        self.paths.append(request.path)
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


@dataclass
class FakeSmsProvider:
    """Records what the gateway sends through the generic HTTP API and the Twilio REST API."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    fail_times: int = 0
    delay: float = 0.0
    seen_keys: set[str] = field(default_factory=set)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self._generic)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        return app

    async def _maybe_fail(self) -> web.Response | None:
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_times > 0:
            self.fail_times -= 1
            return web.json_response({"error": "busy"}, status=503)
        return None

    async def _generic(self, request: web.Request) -> web.Response:
        failed = await self._maybe_fail()
        if failed:
            return failed
        body = await request.json()
        key = request.headers.get("Idempotency-Key", "")
        if key in self.seen_keys:
            return web.json_response({"status": "duplicate ignored"})
        self.seen_keys.add(key)
        self.sent.append({"to": body["to"], "text": body["text"], "key": key, "api": "generic"})
        return web.json_response({"id": str(uuid.uuid4())}, status=201)

    async def _twilio(self, request: web.Request) -> web.Response:
        failed = await self._maybe_fail()
        if failed:
            return failed
        form = await request.post()
        if request.headers.get("Authorization", "").split(" ")[0] != "Basic":
            return web.json_response({"message": "auth"}, status=401)
        self.sent.append(
            {
                "to": form["To"],
                "text": form["Body"],
                "key": request.headers.get("I-Twilio-Idempotency-Token"),
                "api": "twilio",
            }
        )
        return web.json_response({"sid": "SM" + uuid.uuid4().hex}, status=201)

    def texts_to(self, number: str) -> list[str]:
        return [m["text"] for m in self.sent if m["to"] == number]

"""Helpers for the web chat tests: the fake Rasa's web answers and gateway settings.

The fake Rasa (tests/fakes.py, with `web_answers` as its responder) is a small aiohttp server on a
free loopback port that answers the way our Rasa input channel does (a JSON list of
{"recipient_id", "text", "buttons"}), in Thai, so the whole path — socket, queue, worker, Rasa
client, WebChannel.send — runs without a trained model.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from channels.settings import Settings
from channels.web.config import WebSettings
from tests.fakes import FakeRasa

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "web-test-secret-0123456789abcdef"
GREETING = "สวัสดีครับ ยินดีให้บริการ เลือกเรื่องที่ต้องการได้เลยครับ"
BUTTONS = [
    {"title": "ทำบัตรประชาชนใหม่", "payload": '/ask_service{"service_id":"id_card_new"}'},
    {"title": "ติดต่อเจ้าหน้าที่", "payload": "/request_human"},
]
SERVICE_ANSWER = "ทำบัตรประชาชนใหม่: ใช้สำเนาทะเบียนบ้าน ค่าธรรมเนียม ๑๐๐ บาท"


def echo_answer(text: str) -> str:
    return f"ได้รับข้อความ: {text}"


def web_answers(body: dict[str, Any]) -> list[dict[str, Any]]:
    """What the stand-in for Rasa's `web` input channel answers (tests.fakes.FakeRasa's responder)."""
    sender, message = body["sender"], body["message"]
    if message == "/silent":
        return []
    if message.startswith("/ask_service"):
        return [{"recipient_id": sender, "text": SERVICE_ANSWER}]
    if "สวัสดี" in message:
        return [{"recipient_id": sender, "text": GREETING, "buttons": BUTTONS}]
    return [{"recipient_id": sender, "text": echo_answer(message)}]


def web_rasa() -> FakeRasa:
    """The fake Rasa (tests/fakes.py) answering as the web chat tests expect."""
    return FakeRasa(responder=web_answers)


def make_settings(
    rasa_url: str,
    state_dir: str,
    *,
    redis_prefix: str | None = None,
    core: dict[str, Any] | None = None,
    **web: Any,
) -> Settings:
    web.setdefault("session_secret", SECRET)
    return Settings(
        rasa_url=rasa_url,
        state_dir=state_dir,
        redis_url=REDIS_URL if redis_prefix else "",
        redis_prefix=redis_prefix or "gw",
        retry_base_seconds=0.05,
        retry_max_seconds=0.5,
    ).with_(web=WebSettings(**web), **(core or {}))


def origin_of(client: TestClient) -> str:
    return f"http://{client.server.host}:{client.server.port}"


class Chat:
    """A scripted browser tab: one socket, frames read with a timeout."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.session: str = ""
        self.history: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send_str(frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False))

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=timeout)
        assert msg.type == aiohttp.WSMsgType.TEXT, (msg, self.ws.close_code)
        return json.loads(msg.data)

    async def until(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame of this type (other frames are skipped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - asyncio.get_running_loop().time()))
            if frame["type"] == kind:
                return frame

    async def ask(self, message_id: str, text: str) -> dict[str, Any]:
        await self.send({"type": "message", "id": message_id, "text": text})
        return await self.until("bot")

    async def close(self) -> None:
        await self.ws.close()


async def open_chat(client: TestClient, token: str | None = None, *, hello: bool = True) -> Chat:
    ws = await client.ws_connect("/chat/ws", headers={"Origin": origin_of(client)})
    chat = Chat(ws)
    if hello:
        await chat.send({"type": "hello", "session": token})
        session = await chat.recv()
        assert session["type"] == "session"
        chat.session = session["session"]
        history = await chat.recv()
        assert history["type"] == "history"
        chat.history = history["entries"]
    return chat

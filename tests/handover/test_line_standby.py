"""LINE events in standby mode are never answered by the bot (channels/line/parse.py).

A channel is in standby while another module, or an agent in LINE's own chat screen, owns the chat:
LINE still sends the events, marked `"mode": "standby"`. The body is LINE's own SDK fixture (every
event kind) switched to standby, signed as LINE signs it and checked with line-bot-sdk's validator;
the real gateway app, real Redis, the fake LINE API and a fake Rasa.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from linebot.v3.webhook import SignatureValidator

from channels import keys
from channels.app import create_app
from channels.settings import Settings
from tests.channels.conftest import (  # noqa: F401 - fixtures
    LINE_SECRET,
    base_settings,
    eventually,
    fake_line,
    fake_rasa,
    redis_prefix,
)
from tests.channels.line_payloads import body_of, fixture_body, signed_headers, text_event
from tests.fakes import FakeLine, FakeRasa

USER = "U1234567890abcdef1234567890abcdef"


@pytest.fixture
async def gateway(base_settings: Settings, aiohttp_client: Any) -> TestClient:  # noqa: F811
    """The gateway with the LINE adapter only (no sub-apps: nothing here needs them)."""
    app = create_app(base_settings, channel_factories={"line": "channels.line.adapter:build"}, subapps={})
    client: TestClient = await aiohttp_client(app)
    return client


def standby(body: bytes) -> bytes:
    """LINE's recorded body with every event in standby mode (byte layout otherwise as recorded)."""
    data = json.loads(body)
    for event in data["events"]:
        event["mode"] = "standby"
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


async def test_the_sdk_fixture_in_standby_is_acknowledged_and_nothing_is_answered(
    gateway: TestClient,
    fake_line: FakeLine,  # noqa: F811
    fake_rasa: FakeRasa,  # noqa: F811
) -> None:
    body = standby(fixture_body())
    headers = signed_headers(body, LINE_SECRET)
    assert SignatureValidator(LINE_SECRET).validate(body.decode("utf-8"), headers["X-Line-Signature"])
    assert len(json.loads(body)["events"]) == 28
    client = gateway
    resp = await client.post("/webhooks/line", data=body, headers=headers)
    assert resp.status == 200  # acknowledged: LINE must not redeliver
    stats = client.app[keys.STATS]
    # Only the unfollow is queued (it answers nothing; pushes to that user stop): 1 of 28 events.
    assert stats["accepted"] == 1
    await asyncio.sleep(0.5)
    assert fake_rasa.calls == []
    assert fake_line.deliveries == [] and fake_line.loading == []
    assert await client.app[keys.QUEUE].backlog() == 0


async def test_a_standby_message_beside_an_active_one_reaches_rasa_only_for_the_active_one(
    gateway: TestClient,
    fake_line: FakeLine,  # noqa: F811
    fake_rasa: FakeRasa,  # noqa: F811
) -> None:
    quiet = {**text_event("ข้อความตอนเจ้าหน้าที่คุยอยู่", user=USER), "mode": "standby"}
    active = text_event("สวัสดีค่ะ", user="Uabcdefabcdefabcdefabcdefabcdefab", token="tok-active")
    active["timestamp"] = int(time.time() * 1000)
    body = body_of(quiet, active)
    client = gateway
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await asyncio.sleep(0.3)
    assert [c["message"] for c in fake_rasa.calls] == ["สวัสดีค่ะ"]
    assert [d.target for d in fake_line.deliveries] == ["tok-active"]
    assert client.app[keys.STATS]["accepted"] == 1

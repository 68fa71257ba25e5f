"""Fixtures for the gateway tests: fake LINE API, fake Rasa, real Redis, the real gateway app."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from channels.app import create_app
from channels.settings import Settings
from privacy import PrivacySettings
from tests.databases import throwaway_redis_prefix
from tests.fakes import FakeLine, FakeRasa, FakeSms, serve

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LINE_SECRET = "test-channel-secret"


async def eventually(check: Callable[[], bool], timeout: float = 8.0, interval: float = 0.02) -> None:
    """Wait for an asynchronous effect; fail with the condition's source when it never happens."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


@pytest.fixture
async def fake_line(aiohttp_server: Any) -> FakeLine:
    return await serve(aiohttp_server, FakeLine())


@pytest.fixture
async def fake_rasa(aiohttp_server: Any) -> FakeRasa:
    return await serve(aiohttp_server, FakeRasa())


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of our own on the real Redis, removed afterwards."""
    async with throwaway_redis_prefix("gwtest", REDIS_URL) as prefix:
        yield prefix


@pytest.fixture
def base_settings(fake_line: FakeLine, fake_rasa: FakeRasa, redis_prefix: str, tmp_path: Any) -> Settings:
    return Settings(
        rasa_url=fake_rasa.url,
        redis_url=REDIS_URL,
        redis_prefix=redis_prefix,
        line_channel_secret=LINE_SECRET,
        line_channel_access_token=fake_line.token,
        line_api_base=fake_line.url,
        retry_base_seconds=0.02,
        retry_max_seconds=0.2,
        claim_idle_seconds=2.0,
        state_dir=str(tmp_path),
    )


GatewayFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def make_gateway(base_settings: Settings, aiohttp_client: Any) -> GatewayFactory:
    async def make(channels: dict[str, str] | None = None, **overrides: Any) -> TestClient:
        settings = base_settings.with_(**overrides)
        factories = channels if channels is not None else {"line": "channels.line.adapter:build"}
        return await aiohttp_client(create_app(settings, channel_factories=factories))

    return make


SMS_SECRET = "test-sms-webhook-secret"
# PERSONAL_DATA_KEYS of the test gateway; fixed, because pytest may load this module twice (as the
# conftest and when a test imports from it) and both copies must seal with the same keys.
PRIVACY = PrivacySettings.from_environ({"PERSONAL_DATA_KEYS": f"hash:{'11' * 32},k1:{'22' * 32}"})
TWILIO_TOKEN = "test-twilio-auth-token"
TWILIO_SID = "AC" + "0" * 32


@pytest.fixture
async def fake_sms(aiohttp_server: Any) -> FakeSms:
    return await serve(aiohttp_server, FakeSms())


@pytest.fixture
def make_sms_gateway(make_gateway: GatewayFactory, fake_sms: FakeSms) -> GatewayFactory:
    async def make(**overrides: Any) -> TestClient:
        settings: dict[str, Any] = {
            "sms_webhook_secret": SMS_SECRET,
            "twilio_auth_token": TWILIO_TOKEN,
            "twilio_account_sid": TWILIO_SID,
            "sms_api_base": fake_sms.url,
            "sms_api_key": "test-sms-api-key",
            "sms_sender": "4567",
            "privacy": PRIVACY,
        }
        settings.update(overrides)
        return await make_gateway(channels={"sms": "channels.sms.adapter:build"}, **settings)

    return make

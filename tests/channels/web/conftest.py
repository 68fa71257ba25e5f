"""Fixtures for the web chat tests: a fake Rasa, Redis key cleanup, and the real gateway app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from channels.app import create_app
from tests.channels.web.webchat_fakes import REDIS_URL, FakeRasa, make_settings
from tests.channels.web.webchat_fakes import web_rasa as web_rasa_fake
from tests.databases import throwaway_redis_prefix


@pytest.fixture
async def web_rasa() -> AsyncIterator[FakeRasa]:
    fake = web_rasa_fake()
    server = TestServer(fake.app(), host="127.0.0.1", port=0)
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


@pytest.fixture
async def web_redis_prefix() -> AsyncIterator[str]:
    async with throwaway_redis_prefix("test-web", REDIS_URL) as prefix:
        yield prefix


GatewayFactory = Callable[..., Any]


@pytest.fixture
async def gateway(web_rasa: FakeRasa, tmp_path: Any, web_redis_prefix: str) -> AsyncIterator[GatewayFactory]:
    """`await gateway(durable=False, core={...}, port=0, **web_settings)` -> a started TestClient.

    `durable=True` uses the real local Redis (queue, stores, transcripts) under a unique key prefix, so
    a second gateway started in the same test sees what the first one stored, like a restart.
    """
    clients: list[TestClient] = []

    async def start(
        durable: bool = False,
        core: dict[str, Any] | None = None,
        port: int = 0,
        rasa_url: str | None = None,
        **web_settings: Any,
    ) -> TestClient:
        settings = make_settings(
            rasa_url or web_rasa.url,
            str(tmp_path),
            redis_prefix=web_redis_prefix if durable else None,
            core=core,
            **web_settings,
        )
        app = create_app(settings, channel_factories={"web": "channels.web.adapter:build"})
        client = TestClient(TestServer(app, host="127.0.0.1", port=port))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()

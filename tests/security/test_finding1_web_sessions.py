"""Issue 14, finding 1 (gateway side): web chat handed out unlimited fresh sessions (300 in 0.3 s), and
each session was a new asker with its own tries at a case's last 4 digits. Replayed: 2,000 new-session
handshakes from one client; only the per-client budget is issued, a returning visitor is never
refused, and with Redis the budget is shared by every gateway replica."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from channels.web.issue_budget import NEW_SESSION_WINDOW_SECONDS, NEW_SESSIONS_PER_CLIENT, client_key
from tests.channels.web.webchat_fakes import open_chat, origin_of

pytestmark = pytest.mark.timeout(180)

ATTEMPTS = 2_000


async def _hello(client: Any, token: str | None = None) -> tuple[str, dict[str, Any]]:
    """One handshake: ("session", frame) when a session was given, else ("refused", error frame)."""
    ws = await client.ws_connect("/chat/ws", headers={"Origin": origin_of(client)})
    try:
        await ws.send_json({"type": "hello", "session": token})
        frame = await ws.receive_json(timeout=10)
        if frame["type"] == "session":
            return "session", frame
        closing = await ws.receive(timeout=10)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)
        return "refused", frame
    finally:
        await ws.close()


async def _farm(client: Any, attempts: int, parallel: int = 50) -> list[tuple[str, dict[str, Any]]]:
    gate = asyncio.Semaphore(parallel)

    async def one() -> tuple[str, dict[str, Any]]:
        async with gate:
            return await _hello(client)

    return await asyncio.gather(*(one() for _ in range(attempts)))


async def test_two_thousand_new_sessions_from_one_client_get_only_the_budget(gateway: Any) -> None:
    client = await gateway()
    regular = await open_chat(client)  # a citizen who came earlier: keeps their session throughout
    first_window = time.time() // NEW_SESSION_WINDOW_SECONDS
    outcomes = await _farm(client, ATTEMPTS)
    windows = int(time.time() // NEW_SESSION_WINDOW_SECONDS - first_window) + 1
    issued = [frame["session"] for kind, frame in outcomes if kind == "session"]
    refused = [frame for kind, frame in outcomes if kind == "refused"]
    print(f"finding 1: {ATTEMPTS} new-session handshakes -> {len(issued)} issued, {len(refused)} refused")
    # the regular visitor used one; a fixed window that ended during the run gives a fresh budget
    assert len(issued) == windows * NEW_SESSIONS_PER_CLIENT - 1
    assert len(set(issued)) == len(issued)
    assert len(refused) == ATTEMPTS - len(issued)
    assert all(f["code"] == "rate_limited" and 0 < f["retry_after"] <= 600 for f in refused)
    assert all("ส่งข้อความถี่เกินไป" in f["message"] for f in refused)  # Thai, read back
    # A returning visitor presents their token: never counted, never refused.
    for _ in range(3):
        kind, frame = await _hello(client, regular.session)
        assert kind == "session" and frame["session"] == regular.session and frame["new"] is False
    await regular.close()


async def test_the_budget_is_shared_by_gateway_replicas_through_redis(gateway: Any) -> None:
    first = await gateway(durable=True)
    second = await gateway(durable=True)
    outcomes = await _farm(first, NEW_SESSIONS_PER_CLIENT) + await _farm(second, 20)
    assert [kind for kind, _ in outcomes].count("session") == NEW_SESSIONS_PER_CLIENT


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),  # same host, another address
        (None, "-"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address: str | None, key: str) -> None:
    assert client_key(address) == key

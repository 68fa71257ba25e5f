"""The action server lets go of each action call once it is answered (issue 15's soak).

Rasa sends the whole conversation with every action call, and Sanic keeps the last request of each
keep-alive connection reachable while the connection waits for the next one (its task's
`Request._current` context variable). With dozens of connections open (Rasa's HTTP pool, HAProxy)
and long conversations, that kept the action servers growing for the whole soak.
`actions.server.release_answered_calls` drops the body and the parsed JSON once the response is
ready. Here rasa-sdk's own app (as actions/server.py builds it) is served in this process, calls of
about 1 MB are sent over several keep-alive connections that then stay open, and the Python objects
still allocated afterwards are counted.
"""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sanic import Sanic

from actions.server import release_answered_calls

CONNECTIONS = 8


class Echo(Action):
    def name(self) -> str:
        return "action_memory_echo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"{len(tracker.events)} events")
        return []


def action_call(events: int) -> bytes:
    """A call as Rasa sends it for a long conversation: every event of the session."""
    user = {
        "event": "user",
        "timestamp": 1.0,
        "text": "ทำบัตรประชาชนใหม่ต้องใช้เอกสารอะไรบ้าง",
        "parse_data": {
            "intent": {"name": "ask_service", "confidence": 0.9},
            "entities": [],
            "intent_ranking": [{"name": f"intent_{i}", "confidence": 0.01} for i in range(10)],
        },
        "metadata": {"channel": "line", "request_id": uuid.uuid4().hex},
    }
    bot = {"event": "bot", "timestamp": 1.0, "text": "เอกสารที่ต้องใช้ " * 20, "data": {"buttons": []}}
    slot = {"event": "slot", "timestamp": 1.0, "name": "service_id", "value": "id_card_new"}
    history = [dict(e) for _ in range(events // 3) for e in (user, bot, slot)]
    tracker = {
        "sender_id": "line:U" + uuid.uuid4().hex,
        "slots": {"service_id": "id_card_new"},
        "latest_message": user,
        "events": history,
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    domain = {"intents": [f"intent_{i}" for i in range(60)], "slots": {}, "responses": {}, "actions": []}
    body = {
        "next_action": "action_memory_echo",
        "sender_id": tracker["sender_id"],
        "tracker": tracker,
        "domain": domain,
        "version": "3.6.21",
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def served(release: bool) -> AsyncIterator[str]:
    Sanic.test_mode = True
    executor = ActionExecutor()
    executor.register_action(Echo())
    app = create_sdk_app(executor, cors_origins=None)
    app.config.ACCESS_LOG = False
    if release:
        release_answered_calls(app)
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


async def blocks_kept_by_open_connections(release: bool) -> int:
    """Python blocks still allocated while CONNECTIONS keep-alive connections sit idle, each after
    one 1 MB action call, against before the calls."""
    body = action_call(events=1500)
    assert len(body) > 900_000
    async with served(release) as url:
        gc.collect()
        before = sys.getallocatedblocks()
        connector = aiohttp.TCPConnector(limit=CONNECTIONS, force_close=False)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def call() -> None:
                async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                    assert resp.status == 200, await resp.text()
                    assert (await resp.json())["responses"][0]["text"] == "1500 events"

            await asyncio.gather(*(call() for _ in range(CONNECTIONS)))
            await asyncio.sleep(0.2)  # the connections are idle now, kept alive by both sides
            gc.collect()
            after = sys.getallocatedblocks()
    return after - before


async def test_an_answered_call_is_not_kept_by_its_idle_connection() -> None:
    kept = await blocks_kept_by_open_connections(release=True)
    # One parsed call is about 25 000 blocks (dicts, strings); eight of them kept would be 200 000.
    assert kept < 20_000, kept


async def test_without_the_release_each_idle_connection_keeps_its_last_call() -> None:
    """The mechanism, so the test above can fail: Sanic as it is keeps one call per open connection."""
    kept = await blocks_kept_by_open_connections(release=False)
    assert kept > CONNECTIONS * 15_000, kept

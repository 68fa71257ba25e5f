"""Fault test (small): Rasa dies in the middle of a load and comes back; every message answered once.

Real Redis streams, the real gateway app, the fake LINE API counting deliveries, and a Rasa stand-in
served on a fixed port that is shut down (open connections cut) and started again. The larger version
against a real Rasa process is bench/gateway/fault.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Any

from aiohttp import web

from channels import keys
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.e2e.dialogue_servers import free_port
from tests.fakes import FakeLine, FakeRasa

USERS = 10
PER_USER = 8


class RestartableRasa:
    def __init__(self, fake: FakeRasa, port: int) -> None:
        self.fake, self.port = fake, port
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        self.runner = web.AppRunner(self.fake.app(), shutdown_timeout=0.1)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def kill(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


async def test_rasa_killed_mid_load_every_message_answered_exactly_once(
    make_gateway, fake_line: FakeLine
) -> None:
    port = free_port()
    rasa = RestartableRasa(FakeRasa(buttons=False, delay=0.01), port)
    await rasa.start()
    client = await make_gateway(rasa_url=f"http://127.0.0.1:{port}")
    statuses: list[int] = []

    async def citizen(u: int) -> None:
        user = f"U{u:032x}"
        for n in range(PER_USER):
            body = body_of(text_event(f"ผู้ใช้ {u} ข้อความ {n}", user=user))
            resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
            statuses.append(resp.status)
            await asyncio.sleep(0.03)

    load = asyncio.gather(*(citizen(u) for u in range(USERS)))
    await eventually(lambda: len(fake_line.deliveries) >= 15)
    await rasa.kill()
    down_at = len(fake_line.deliveries)
    await asyncio.sleep(1.5)
    assert len(fake_line.deliveries) <= down_at + 10  # only answers already in flight got out
    await rasa.start()
    await load
    assert statuses == [200] * (USERS * PER_USER)  # the gateway kept accepting while Rasa was down
    await eventually(lambda: len(fake_line.deliveries) >= USERS * PER_USER, timeout=30)
    await asyncio.sleep(0.5)
    texts = Counter(m["text"] for d in fake_line.deliveries for m in d.messages)
    expected = {f"ได้รับ: ผู้ใช้ {u} ข้อความ {n}" for u in range(USERS) for n in range(PER_USER)}
    assert set(texts) == expected and set(texts.values()) == {1}  # none lost, none twice
    per_user: dict[str, list[int]] = defaultdict(list)
    for d in fake_line.deliveries:
        text = d.messages[0]["text"]
        per_user[text.split(" ข้อความ ")[0]].append(int(text.rsplit(" ", 1)[1]))
    assert all(order == list(range(PER_USER)) for order in per_user.values())  # and in order
    assert client.app[keys.WORKER].stats["rasa_retries"] > 0
    assert fake_line.errors == []
    await rasa.kill()


async def test_gateway_crash_mid_turn_is_recovered_by_another_replica(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa, aiohttp_client: Any, base_settings: Any
) -> None:
    """A replica dies with events in hand (unacknowledged); another one claims and answers them once."""
    from channels.app import create_app

    fake_rasa.delay = 0.5
    first = await make_gateway(claim_idle_seconds=1.0)
    for n in range(3):
        body = body_of(text_event(f"ก่อนล่ม {n}", user=f"U{n:032x}"))
        await first.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    await eventually(lambda: len(fake_rasa.calls) == 3)
    # Simulate a crash: stop the worker abruptly, nothing acknowledged, nothing answered.
    worker_tasks = [t for t in asyncio.all_tasks() if t.get_name() == "gateway-worker"]
    for task in worker_tasks:
        task.cancel()
    await asyncio.gather(*worker_tasks, return_exceptions=True)
    assert fake_line.deliveries == []
    fake_rasa.delay = 0.0
    second_app = create_app(
        base_settings.with_(claim_idle_seconds=1.0), channel_factories={"line": "channels.line.adapter:build"}
    )
    await aiohttp_client(second_app)
    await eventually(lambda: len(fake_line.deliveries) == 3, timeout=10)
    await asyncio.sleep(0.5)
    assert sorted(d.messages[0]["text"] for d in fake_line.deliveries) == [
        f"ได้รับ: ก่อนล่ม {n}" for n in range(3)
    ]

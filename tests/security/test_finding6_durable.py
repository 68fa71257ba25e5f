"""Issue 14, finding 6 (durable by default, web tokens): replayed against the embedded default.

- The real gateway process (`python -m channels`) with no REDIS_URL is SIGKILLed in the middle of a
  load of signed LINE webhooks and started again on the same state directory: every message it
  acknowledged is answered exactly once, in order per citizen; messages whose acknowledgement the
  kill cut off are sent again by the "platform" (as LINE redelivers) and still answered once; Rasa
  sees an event twice only if it was answering it when the gateway died.
- A signed LINE body accepted before the kill is replayed after the restart: acknowledged, not
  processed again. A LINE event older than the dedupe window is refused as well (its record is gone).
- A web chat token past its age is refused with a clear error and a fresh session; an old but valid
  one is rotated (new token, same session and transcript).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from channels import keys
from channels.line.adapter import retry_key
from channels.line.parse import event_key
from channels.sqlite_queue import SqliteQueue
from channels.web.history_sqlite import SqliteHistoryStore
from channels.web.protocol import ERROR_TEXT
from channels.web.session import SessionSigner
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.channels.web.webchat_fakes import SECRET as WEB_SECRET
from tests.channels.web.webchat_fakes import open_chat
from tests.e2e.dialogue_servers import ManagedProcess, free_port
from tests.fakes import FakeLine, FakeRasa, serve

ROOT = Path(__file__).resolve().parents[2]
USERS = 12
PER_USER = 12
KILL_AFTER = USERS * PER_USER // 3  # answers delivered before the SIGKILL
# Variables of the test runner's own environment that would change the default under test.
NOT_INHERITED = ("REDIS_", "GATEWAY_", "RASA_", "LINE_", "SMS_", "WEB_", "TWILIO_", "DATABASE_URL")
NOT_INHERITED_KEYS = ("PERSONAL_DATA_KEYS", "CASES_SECRET_KEY", "PHONE_HASH_KEY")


class TimedRasa(FakeRasa):
    """The fake Rasa, noting when it finished each event (to tell what was in flight at the kill)."""

    def __init__(self, delay: float) -> None:
        super().__init__(delay=delay, buttons=False)
        self.finished: dict[str, float] = {}
        self.responder = self._answer

    def _answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        self.finished.setdefault(body["metadata"]["event_id"], time.monotonic())
        return [{"recipient_id": body["sender"], "text": f"ได้รับ: {body['message']}"}]

    def seen(self) -> Counter[str]:
        return Counter(call["metadata"]["event_id"] for call in self.calls)


def gateway_process(workdir: Path, port: int, rasa: FakeRasa, line: FakeLine) -> ManagedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED) and k not in NOT_INHERITED_KEYS
    }
    env.update(
        {
            "GATEWAY_PORT": str(port),
            "GATEWAY_STATE_DIR": str(workdir / "state"),  # the default backend: SQLite here
            "DATABASE_URL": f"sqlite:///{workdir / 'govbot.db'}",
            "RASA_URL": rasa.url,
            "LINE_CHANNEL_SECRET": LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": line.token or "",
            "LINE_API_BASE": line.url,
            "RATE_LIMIT_EVENTS": "100000",
            "LOG_LEVEL": "WARNING",
        }
    )
    return ManagedProcess(
        name="gateway (default backend)",
        args=[sys.executable, "-m", "channels"],
        env=env,
        ready_url=f"http://127.0.0.1:{port}/healthz",
        log_path=workdir / "gateway.log",
    )


def message_body(user: int, n: int) -> tuple[bytes, str, str]:
    """(signed body, reply token, push retry key) of citizen `user`'s n-th message."""
    token = uuid.uuid4().hex
    event = text_event(f"ผู้ใช้ {user} ข้อความ {n}", user=f"U{user:032x}", token=token)
    return body_of(event), token, retry_key(event_key(event))


@pytest.mark.timeout(240)
async def test_sigkill_of_the_default_gateway_mid_load_loses_and_repeats_nothing(
    aiohttp_server: Any, tmp_path: Path
) -> None:
    line = await serve(aiohttp_server, FakeLine())
    # Rasa answers a citizen's message in 0.15 s while they send one every 0.1 s: at the kill there
    # are events waiting in the queue, events inside Rasa, answers on their way, and messages unsent.
    rasa = await serve(aiohttp_server, TimedRasa(delay=0.15))
    port = free_port()
    url = f"http://127.0.0.1:{port}/webhooks/line"
    first = gateway_process(tmp_path, port, rasa, line)
    await asyncio.to_thread(first.start, 60)
    messages: dict[tuple[int, int], tuple[bytes, str, str]] = {}
    refused_while_down = 0

    def answers(token: str, key: str) -> int:
        return sum(
            1
            for d in line.deliveries
            if (d.kind == "reply" and d.target == token) or (d.kind == "push" and d.retry_key == key)
        )

    async def citizen(session: aiohttp.ClientSession, user: int) -> None:
        nonlocal refused_while_down
        for n in range(PER_USER):
            body = messages.setdefault((user, n), message_body(user, n))[0]
            headers = signed_headers(body, LINE_SECRET)
            while True:  # what LINE does: send again until a 200 (redelivery of the same event)
                try:
                    async with session.post(url, data=body, headers=headers) as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                refused_while_down += 1
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.1)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        load = asyncio.gather(*(citizen(session, u) for u in range(USERS)))
        await eventually(lambda: len(line.deliveries) >= KILL_AFTER, timeout=60)
        assert first.process is not None
        first.process.kill()  # SIGKILL: no shutdown, events in flight, leases left behind
        killed_at = time.monotonic()
        await asyncio.to_thread(first.process.wait)
        in_flight = set(rasa.seen()) - set(rasa.finished)  # Rasa was answering these
        just_answered = {e for e, t in rasa.finished.items() if t > killed_at - 0.5}
        answered_at_kill = len(line.deliveries)
        assert answered_at_kill < USERS * PER_USER, "the load ended before the kill"
        await asyncio.sleep(0.5)
        second = gateway_process(tmp_path, port, rasa, line)
        await asyncio.to_thread(second.start, 60)
        try:
            await asyncio.wait_for(load, timeout=120)
            await eventually(lambda: all(answers(t, k) >= 1 for _, t, k in messages.values()), timeout=60)
            await asyncio.sleep(1.0)  # a duplicate would show up meanwhile

            # A signed body accepted before the kill, replayed after the restart: acknowledged (LINE
            # must not retry it), not processed again.
            replay, _, _ = messages[(0, 0)]
            calls_before, deliveries_before = len(rasa.calls), len(line.deliveries)
            async with session.post(url, data=replay, headers=signed_headers(replay, LINE_SECRET)) as resp:
                assert resp.status == 200
            await asyncio.sleep(0.5)
            assert (len(rasa.calls), len(line.deliveries)) == (calls_before, deliveries_before)
        finally:
            await asyncio.to_thread(second.stop)

    log = second.log_tail(200)
    counts = {m: answers(t, k) for m, (_, t, k) in messages.items()}
    assert refused_while_down > 0, "no webhook met the dead gateway: the kill was not mid-load"
    assert [m for m, c in counts.items() if c != 1] == [], log  # none lost, none twice
    per_user: dict[str, list[int]] = defaultdict(list)
    for delivery in line.deliveries:
        text = delivery.messages[0]["text"]
        per_user[text.split(" ข้อความ ")[0]].append(int(text.rsplit(" ", 1)[1]))
    assert all(order == list(range(PER_USER)) for order in per_user.values()), per_user
    seen = rasa.seen()
    assert len(seen) == USERS * PER_USER
    twice = {e for e, c in seen.items() if c > 1}
    assert max(seen.values()) <= 2
    # Rasa is asked again only about what it was answering when the gateway died.
    assert twice <= in_flight | just_answered, (twice, in_flight, just_answered)
    assert line.errors == []
    assert "took back" in log  # the restarted gateway took the dead one's leases at once
    print(
        f"kill test: {answered_at_kill} answered before the kill, {refused_while_down} webhooks refused"
        f" while down, Rasa in flight {len(in_flight)}, asked twice {len(twice)}"
    )


async def test_a_line_event_older_than_the_dedupe_window_is_refused_on_the_default(
    make_gateway: Any, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    client = await make_gateway(redis_url="", dedupe_ttl_seconds=3600)
    stale = body_of(text_event("ข้อความเก่าที่ถูกดักไว้", age_seconds=2 * 3600))
    fresh = body_of(text_event("ข้อความใหม่"))
    for body in (stale, fresh):
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200  # LINE must not retry either
    await eventually(lambda: len(fake_rasa.calls) == 1)
    await asyncio.sleep(0.3)
    assert [c["message"] for c in fake_rasa.calls] == ["ข้อความใหม่"]
    assert client.app[keys.STATS]["duplicates"] == 1


async def test_dedupe_records_survive_a_restart_and_are_pruned_after_the_window(
    make_gateway: Any, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    body = body_of(text_event("ครั้งเดียวพอ"))
    headers = signed_headers(body, LINE_SECRET)
    first = await make_gateway(redis_url="")
    assert (await first.post("/webhooks/line", data=body, headers=headers)).status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await first.close()
    second = await make_gateway(redis_url="")  # same GATEWAY_STATE_DIR: a restart
    assert (await second.post("/webhooks/line", data=body, headers=headers)).status == 200
    await asyncio.sleep(0.3)
    assert len(fake_rasa.calls) == 1 and len(fake_line.deliveries) == 1
    assert second.app[keys.STATS]["duplicates"] == 1
    queue = second.app[keys.QUEUE]
    assert isinstance(queue, SqliteQueue)
    assert await queue.prune() == 0  # inside LINE's redelivery window: kept
    assert await queue.prune(now=time.time() + 24 * 3600 + 1) == 1  # after it: pruned
    db = second.app[keys.STATE_DB]
    assert db is not None
    assert await db.run(lambda c: c.execute("SELECT count(*) FROM gw_seen").fetchone()[0]) == 0


async def test_an_expired_web_token_is_refused_clearly_and_a_fresh_session_issued(gateway: Any) -> None:
    client = await gateway(session_max_age_seconds=3600, session_rotate_seconds=600)
    week_ago = SessionSigner(WEB_SECRET, clock=lambda: time.time() - 7 * 24 * 3600)
    old_session, old_token = week_ago.issue()
    chat = await open_chat(client, old_token)
    error = await chat.until("error")
    assert error["code"] == "session_expired" and error["message"] == ERROR_TEXT["session_expired"]
    assert "หมดอายุ" in error["message"]
    fresh = SessionSigner(WEB_SECRET).check(chat.session)
    assert fresh.status == "valid" and fresh.session_id != old_session and chat.history == []
    answer = await chat.ask("m1", "ต่อบัตรประชาชน")
    assert answer["type"] == "bot"
    await chat.close()


async def test_an_old_but_valid_web_token_is_rotated_and_keeps_its_transcript(gateway: Any) -> None:
    client = await gateway(session_max_age_seconds=3600, session_rotate_seconds=600)
    chat = await open_chat(client)
    await chat.ask("m1", "สวัสดีค่ะ")
    session_id = SessionSigner(WEB_SECRET).verify(chat.session)
    await chat.close()
    twenty_minutes_ago = SessionSigner(WEB_SECRET, clock=lambda: time.time() - 1200)
    _, aged = twenty_minutes_ago.issue(session_id)
    again = await open_chat(client, aged)
    assert again.session != aged
    assert SessionSigner(WEB_SECRET).verify(again.session) == session_id  # same session, fresh token
    assert [e["text"] for e in again.history if e["role"] == "user"] == ["สวัสดีค่ะ"]
    await again.close()


async def test_a_session_flood_from_one_client_evicts_only_its_own_transcripts(gateway: Any) -> None:
    client = await gateway(sessions_per_client=5)
    citizen = await open_chat(client)
    await citizen.ask("c1", "ขอถามเรื่องใบขับขี่")
    citizen_token = citizen.session
    await citizen.close()
    history = client.app[keys.CHANNELS]["web"].history()  # type: ignore[attr-defined]
    assert isinstance(history, SqliteHistoryStore)
    # The flooder: many fresh sessions from another client, each with a message (the store is what a
    # flood fills; the socket's per-client session budget is a separate guard).
    for n in range(40):
        sid, _ = SessionSigner(WEB_SECRET).issue()
        entry = {"id": f"f{n}", "role": "user", "text": "สแปม", "buttons": [], "ts": time.time()}
        assert await history.accept(sid, entry, owner="flooder")
    assert await history.sessions_of("flooder") == 5
    back = await open_chat(client, citizen_token)
    assert [e["text"] for e in back.history if e["role"] == "user"] == ["ขอถามเรื่องใบขับขี่"]
    await back.close()


def test_kill_test_runs_the_default_backend() -> None:
    """The subprocess above gets no REDIS_URL or GATEWAY_BACKEND: it runs what `make run` runs."""
    from channels.settings import Settings

    env = gateway_process(Path("/tmp/x"), 1, FakeRasa(url="http://r"), FakeLine(url="http://l")).env
    assert "REDIS_URL" not in env and "GATEWAY_BACKEND" not in env
    assert Settings.from_env(env).backend_name == "sqlite"
    assert json.loads(json.dumps(env))  # plain strings only

"""The queue contract on the real Redis (and the in-process fallback): dedupe, order, claim, dead letters."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from channels.messages import Inbound, Location, inbound_from_dict, inbound_to_dict
from channels.queue import EventQueue, MemoryQueue, RedisStreamQueue
from channels.sqlite_queue import SqliteQueue
from channels.state_db import StateDb
from tests.channels.conftest import REDIS_URL, eventually


def event(sender: str, n: int, event_id: str | None = None) -> Inbound:
    return Inbound(
        channel="line", event_id=event_id or uuid.uuid4().hex, sender_id=sender, kind="text", text=f"{n}"
    )


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def redis_queue(client: aioredis.Redis, prefix: str, **kwargs) -> RedisStreamQueue:
    kwargs.setdefault("claim_idle_seconds", 0.5)
    kwargs.setdefault("block_ms", 100)
    return RedisStreamQueue(client, prefix=prefix, shards=4, **kwargs)


async def run_until(queue: EventQueue, handler, condition, timeout: float = 8.0) -> None:
    task = asyncio.create_task(queue.run(handler))
    try:
        await eventually(condition, timeout=timeout)
    finally:
        await queue.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_events_survive_serialisation_with_thai_and_location() -> None:
    original = Inbound(
        channel="line",
        event_id="e1",
        sender_id="line:U1",
        kind="location",
        text="ที่นี่ ๑๒๓",
        location=Location(13.75, 100.5, "กรุงเทพฯ", "บ้าน"),
        extra={"to": "U1"},
    )
    assert (
        inbound_from_dict(json.loads(json.dumps(inbound_to_dict(original), ensure_ascii=False))) == original
    )
    assert inbound_from_dict({**inbound_to_dict(original), "added_by_newer_gateway": 1}) == original


@pytest.mark.parametrize("kind", ["redis", "sqlite", "memory"])
async def test_dedupe_and_per_sender_order_under_concurrency(
    kind: str, redis_client, redis_prefix: str, tmp_path
) -> None:
    queue: EventQueue
    if kind == "redis":
        queue = redis_queue(redis_client, redis_prefix, max_inflight=16)
    elif kind == "sqlite":
        queue = SqliteQueue(StateDb(tmp_path / "state.db"), max_inflight=16)
    else:
        queue = MemoryQueue(max_inflight=16)
    if kind == "redis":
        await queue.ensure_groups()  # type: ignore[attr-defined]
    senders = [f"line:U{i}" for i in range(6)]
    for n in range(15):
        for sender in senders:
            assert await queue.publish(event(sender, n, event_id=f"{sender}-{n}"))
    assert not await queue.publish(event(senders[0], 0, event_id=f"{senders[0]}-0"))  # duplicate
    seen: dict[str, list[int]] = defaultdict(list)
    running: set[str] = set()
    overlaps = 0

    async def handler(e: Inbound) -> None:
        nonlocal overlaps
        if e.sender_id in running:
            overlaps += 1
        running.add(e.sender_id)
        await asyncio.sleep(random.uniform(0, 0.01))
        seen[e.sender_id].append(int(e.text or "-1"))
        running.discard(e.sender_id)

    await run_until(queue, handler, lambda: sum(map(len, seen.values())) == 90)
    assert overlaps == 0
    assert all(seen[s] == list(range(15)) for s in senders)


async def test_entries_of_a_dead_consumer_are_claimed_and_processed(redis_client, redis_prefix: str) -> None:
    queue = redis_queue(redis_client, redis_prefix)
    await queue.ensure_groups()
    for n in range(3):
        await queue.publish(event("line:Udead", n))
    # A consumer reads the entries and dies before acknowledging them.
    streams = {s: ">" for s in queue._streams}
    taken = await redis_client.xreadgroup(RedisStreamQueue.GROUP, "crashed-worker", streams, count=10)
    assert sum(len(entries) for _, entries in taken) == 3
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        handled.append(e.text or "")

    await run_until(queue, handler, lambda: len(handled) == 3)
    assert sorted(handled) == ["0", "1", "2"]
    pending = await redis_client.xpending(queue.stream_for("line:Udead"), RedisStreamQueue.GROUP)
    assert pending["pending"] == 0


async def test_a_slow_handler_is_not_claimed_by_another_replica(redis_client, redis_prefix: str) -> None:
    first = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.3)
    second = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.3)
    await first.ensure_groups()
    await first.publish(event("line:Uslow", 0))
    calls: list[str] = []
    done = asyncio.Event()

    async def slow(e: Inbound) -> None:
        calls.append("first")
        await asyncio.sleep(1.5)  # five times the idle limit: only the heartbeat keeps it ours
        done.set()

    async def other(e: Inbound) -> None:
        calls.append("second")

    t1 = asyncio.create_task(first.run(slow))
    await eventually(lambda: calls == ["first"])
    t2 = asyncio.create_task(second.run(other))
    await asyncio.wait_for(done.wait(), 5)
    await asyncio.sleep(0.7)
    for q, t in ((first, t1), (second, t2)):
        await q.close()
        t.cancel()
    await asyncio.gather(t1, t2, return_exceptions=True)
    assert calls == ["first"]


async def test_failing_events_go_to_the_dead_letter_stream(redis_client, redis_prefix: str) -> None:
    queue = redis_queue(redis_client, redis_prefix)
    await queue.ensure_groups()
    await queue.publish(event("line:Ubad", 1, event_id="bad-1"))
    await queue.publish(event("line:Ubad", 2, event_id="good-2"))
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        if e.event_id == "bad-1":
            raise ValueError("cannot render this")
        handled.append(e.event_id)

    await run_until(queue, handler, lambda: handled == ["good-2"])
    letters = await queue.dead_letters()
    assert len(letters) == 1 and letters[0].event["event_id"] == "bad-1"
    assert "cannot render this" in letters[0].error
    assert await queue.backlog() == 0


async def test_memory_queue_says_it_is_not_durable(caplog) -> None:
    caplog.set_level(logging.WARNING)
    queue = MemoryQueue()
    assert queue.durable is False
    assert any(
        "not durable" in r.getMessage() or "lost if the gateway stops" in r.getMessage()
        for r in caplog.records
    )
    await queue.publish(event("web:s1", 1, event_id="x"))
    assert await queue.backlog() == 1


async def test_publish_fails_loudly_when_redis_is_unreachable() -> None:
    client = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    queue = RedisStreamQueue(client, prefix="gwtest-unreachable")
    with pytest.raises(Exception):
        await queue.publish(event("line:U1", 1))
    assert await queue.ping() is False
    await client.aclose()


# --- the embedded default: SqliteQueue in the gateway's state file -------------------------------


def sqlite_queue(path, **kwargs) -> SqliteQueue:
    kwargs.setdefault("poll_seconds", 0.05)
    return SqliteQueue(StateDb(path), **kwargs)


async def test_sqlite_queue_keeps_accepted_events_and_dedupe_across_a_restart(tmp_path) -> None:
    first = sqlite_queue(tmp_path / "state.db")
    for n in range(3):
        assert await first.publish(event("line:Ukeep", n, event_id=f"keep-{n}"))
    await first._db.close()  # the process ends before any worker ran
    second = sqlite_queue(tmp_path / "state.db")
    assert await second.backlog() == 3
    assert not await second.publish(event("line:Ukeep", 0, event_id="keep-0"))  # still a duplicate
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        handled.append(e.text or "")

    await run_until(second, handler, lambda: len(handled) == 3)
    assert handled == ["0", "1", "2"] and await second.backlog() == 0
    await second._db.close()


async def test_sqlite_leases_of_a_dead_process_are_taken_back_at_once_in_order(tmp_path) -> None:
    """A gateway killed with events leased: the next one on the host takes them without waiting."""
    queue = sqlite_queue(tmp_path / "state.db", lease_seconds=300)
    for n in range(4):
        await queue.publish(event("line:Ucrash", n))
    dead = f"{socket.gethostname()}:4194305:dead"  # above Linux's pid_max: no such process
    await queue._db.run(
        lambda c: c.execute(
            "UPDATE gw_inbound SET owner = ?, lease_until = ?, deliveries = 1 WHERE id <= 2",
            (dead, 1e12),
        )
    )
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        handled.append(e.text or "")

    await run_until(queue, handler, lambda: len(handled) == 4, timeout=5)
    assert handled == ["0", "1", "2", "3"]  # the taken-back events first: the sender's order holds
    await queue._db.close()


async def test_sqlite_a_live_consumers_events_of_a_sender_are_not_overtaken(tmp_path) -> None:
    """Another process holds a sender's first event: the sender's later events wait for it."""
    queue = sqlite_queue(tmp_path / "state.db", lease_seconds=0.6)
    await queue.publish(event("line:Ubusy", 0))
    await queue.publish(event("line:Ubusy", 1))
    await queue.publish(event("line:Uother", 0))
    alive = f"{socket.gethostname()}:1:other"  # pid 1 exists: a live process
    until = time.time() + 0.6
    await queue._db.run(
        lambda c: c.execute("UPDATE gw_inbound SET owner = ?, lease_until = ? WHERE id = 1", (alive, until))
    )
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        handled.append(f"{e.sender_id}/{e.text}")

    await run_until(queue, handler, lambda: len(handled) == 3, timeout=5)
    # Uother went at once; Ubusy's second event only after the first one's lease ran out and it ran.
    assert handled[0] == "line:Uother/0" and handled[1:] == ["line:Ubusy/0", "line:Ubusy/1"]
    await queue._db.close()


async def test_sqlite_a_poison_event_is_dead_lettered_after_max_deliveries(tmp_path) -> None:
    queue = sqlite_queue(tmp_path / "state.db", max_deliveries=3)
    await queue.publish(event("line:Upoison", 0, event_id="poison"))
    await queue.publish(event("line:Upoison", 1, event_id="fine"))
    await queue._db.run(lambda c: c.execute("UPDATE gw_inbound SET deliveries = 3 WHERE id = 1"))
    handled: list[str] = []

    async def handler(e: Inbound) -> None:
        handled.append(e.event_id)

    await run_until(queue, handler, lambda: handled == ["fine"])
    letters = await queue.dead_letters()
    assert [d.event["event_id"] for d in letters] == ["poison"] and "3 times" in letters[0].error
    assert await queue.backlog() == 0
    await queue._db.close()


async def test_sqlite_failing_events_go_to_the_dead_letters_with_thai_intact(tmp_path) -> None:
    queue = sqlite_queue(tmp_path / "state.db")
    thai = Inbound(channel="sms", event_id="bad", sender_id="sms:x", kind="text", text="ต่อภาษีรถ")
    await queue.publish(thai)

    async def handler(e: Inbound) -> None:
        raise ValueError("cannot render this")

    task = asyncio.create_task(queue.run(handler))
    for _ in range(100):
        if await queue.dead_letters():
            break
        await asyncio.sleep(0.02)
    await queue.close()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    [letter] = await queue.dead_letters()
    assert letter.event["text"] == "ต่อภาษีรถ" and "cannot render this" in letter.error
    await queue._db.close()

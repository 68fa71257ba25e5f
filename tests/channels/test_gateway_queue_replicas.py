"""Several gateway replicas on one Redis queue (issue 15): each shard is read by one replica at a
time, so one citizen's messages never reach Rasa from two replicas at once and stay in order, also
when a replica joins, leaves cleanly or dies with events in hand.

The handler records, per citizen, what runs at the same moment across *all* replicas: an overlap is
exactly what would race in Rasa's lock store between two Rasa servers.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from channels.messages import Inbound
from channels.queue import RedisStreamQueue
from tests.channels.conftest import REDIS_URL, eventually
from tests.channels.test_gateway_queue import event, redis_queue


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


SENDERS = [f"line:Ureplica{i:02d}" for i in range(11)]  # odd: alternating reads mix them


class Recorder:
    """One handler per replica, sharing what is running and what was seen."""

    def __init__(self) -> None:
        self.running: dict[str, list[str]] = defaultdict(list)
        self.overlaps: list[tuple[str, str, str]] = []
        self.seen: dict[str, list[int]] = defaultdict(list)
        self.by_replica: dict[str, int] = defaultdict(int)

    def handler(self, replica: str, delay: float = 0.01):
        async def handle(e: Inbound) -> None:
            running = self.running[e.sender_id]
            if running:
                self.overlaps.append((e.sender_id, running[0], replica))
            running.append(replica)
            await asyncio.sleep(random.uniform(0, delay))
            self.seen[e.sender_id].append(int(e.text or "-1"))
            self.by_replica[replica] += 1
            running.remove(replica)

        return handle

    def total(self) -> int:
        return sum(map(len, self.seen.values()))


async def stop(queue: RedisStreamQueue, task: asyncio.Task) -> None:
    await queue.close()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_two_replicas_share_the_shards_and_never_overlap_a_citizen(
    redis_client, redis_prefix: str
) -> None:
    first = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    second = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    await first.ensure_groups()
    record = Recorder()
    # Handling (like a Rasa call) takes longer than the gap between one citizen's messages.
    t1 = asyncio.create_task(first.run(record.handler("first", delay=0.06)))
    t2 = asyncio.create_task(second.run(record.handler("second", delay=0.06)))
    # Both alive: the four shards end up two and two.
    await eventually(lambda: len(first._owned) == 2 and len(second._owned) == 2, timeout=5)
    assert not first._owned & second._owned
    for n in range(20):  # trickled, as webhooks arrive: both replicas are waiting to read
        for sender in SENDERS:
            assert await first.publish(event(sender, n))
            await asyncio.sleep(0.002)
    await eventually(lambda: record.total() == 20 * len(SENDERS), timeout=15)
    await stop(first, t1)
    await stop(second, t2)
    assert record.overlaps == []
    assert all(record.seen[s] == list(range(20)) for s in SENDERS)
    assert record.by_replica["first"] > 0 and record.by_replica["second"] > 0  # both worked


async def test_a_dead_replicas_events_are_taken_over_in_order_before_newer_ones(
    redis_client, redis_prefix: str
) -> None:
    doomed = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    survivor = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    await doomed.ensure_groups()
    record = Recorder()
    stuck = asyncio.Event()

    async def hang(e: Inbound) -> None:  # the doomed replica reads events and never finishes them
        await stuck.wait()

    async def no_goodbye() -> None:  # SIGKILL: no lease given back, no member entry removed
        return None

    doomed._leave = no_goodbye  # type: ignore[method-assign]
    t_doomed = asyncio.create_task(doomed.run(hang))
    await eventually(lambda: len(doomed._readable) == 4, timeout=5)
    for n in range(5):
        for sender in SENDERS:
            await doomed.publish(event(sender, n))
    await eventually(lambda: sum(map(len, doomed._inflight.values())) == 5 * len(SENDERS), timeout=5)
    t_doomed.cancel()  # dies with 60 events read and unacknowledged
    await asyncio.gather(t_doomed, return_exceptions=True)
    t_survivor = asyncio.create_task(survivor.run(record.handler("survivor")))
    for n in range(5, 10):  # newer messages arrive while the dead replica's leases run out
        for sender in SENDERS:
            await survivor.publish(event(sender, n))
    await eventually(lambda: record.total() == 10 * len(SENDERS), timeout=15)
    await stop(survivor, t_survivor)
    assert record.overlaps == []
    assert all(record.seen[s] == list(range(10)) for s in SENDERS), dict(record.seen)
    for stream in survivor._streams:
        assert (await redis_client.xpending(stream, RedisStreamQueue.GROUP))["pending"] == 0


async def test_a_replica_giving_up_shards_finishes_its_events_first(redis_client, redis_prefix: str) -> None:
    """A second replica joins while the first is mid-way through slow events of every shard: shards
    change hands only after the first is done with them, so no citizen is handled twice at once."""
    first = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    second = redis_queue(redis_client, redis_prefix, claim_idle_seconds=0.6)
    await first.ensure_groups()
    record = Recorder()
    for n in range(6):
        for sender in SENDERS:
            await first.publish(event(sender, n))
    t1 = asyncio.create_task(first.run(record.handler("first", delay=0.05)))
    await eventually(lambda: record.total() > 0, timeout=5)
    t2 = asyncio.create_task(second.run(record.handler("second", delay=0.05)))
    for n in range(6, 12):
        for sender in SENDERS:
            await second.publish(event(sender, n))
    await eventually(lambda: record.total() == 12 * len(SENDERS), timeout=20)
    await eventually(lambda: len(second._owned) == 2, timeout=5)
    await stop(first, t1)
    await stop(second, t2)
    assert record.overlaps == []
    assert all(record.seen[s] == list(range(12)) for s in SENDERS)


async def test_a_clean_stop_hands_the_shards_over_at_once(redis_client, redis_prefix: str) -> None:
    first = redis_queue(redis_client, redis_prefix, claim_idle_seconds=30.0)  # leases would last 30 s
    second = redis_queue(redis_client, redis_prefix, claim_idle_seconds=30.0)
    await first.ensure_groups()
    record = Recorder()
    t1 = asyncio.create_task(first.run(record.handler("first")))
    await eventually(lambda: len(first._readable) == 4, timeout=5)
    await stop(first, t1)
    t2 = asyncio.create_task(second.run(record.handler("second")))
    await eventually(lambda: len(second._readable) == 4, timeout=3)  # not after 30 s
    await second.publish(event(SENDERS[0], 0))
    await eventually(lambda: record.total() == 1, timeout=3)
    await stop(second, t2)

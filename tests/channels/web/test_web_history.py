"""Transcript stores: the same behaviour in process memory and in the real local Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from channels.state_db import StateDb
from channels.web.history import HistoryStore, MemoryHistoryStore, RedisHistoryStore
from channels.web.history_sqlite import SqliteHistoryStore

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[HistoryStore]:
    if request.param == "memory":
        mem = MemoryHistoryStore(max_entries=5, ttl_seconds=60)
        yield mem
        await mem.close()
        return
    if request.param == "sqlite":
        db = StateDb(tmp_path / "state.db")
        yield SqliteHistoryStore(db, max_entries=5, ttl_seconds=60)
        await db.close()
        return
    client = aioredis.from_url(REDIS_URL)
    prefix = f"test-web-history-{uuid.uuid4().hex}:"
    yield RedisHistoryStore(client, prefix=prefix, max_entries=5, ttl_seconds=60)
    keys = [k async for k in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def entry(n: int, role: str = "user", reply_to: str | None = None, text: str | None = None) -> dict:
    return {
        "id": f"m{n}",
        "role": role,
        "text": text or f"ข้อความที่ {n}",
        "buttons": [],
        "reply_to": reply_to,
        "ts": n,
    }


def answer(n: int, reply_to: str, text: str | None = None) -> dict:
    return entry(n, "bot", reply_to=reply_to, text=text) | {"id": f"{reply_to}#{n}"}


async def test_thai_text_and_buttons_round_trip(store: HistoryStore) -> None:
    bot = {
        "id": "m1#0",
        "role": "bot",
        "text": "ทำบัตรประชาชนใหม่ใช้สำเนาทะเบียนบ้าน ค่าธรรมเนียม ๑๐๐ บาท 🙏",
        "buttons": [{"title": "ติดต่อเจ้าหน้าที่", "payload": "/request_human"}],
        "reply_to": "m1",
        "ts": 1.5,
    }
    assert await store.accept("s1", entry(1, text="สวัสดีครับ ขอถามเรื่องบัตร"))
    assert await store.add_answer("s1", "m1", [bot]) == [bot]
    got = await store.recent("s1", 10)
    assert got[0]["text"] == "สวัสดีครับ ขอถามเรื่องบัตร"
    assert got[1] == bot


async def test_recent_is_oldest_first_and_capped(store: HistoryStore) -> None:
    for n in range(8):
        await store.accept("s1", entry(n))
    assert [e["id"] for e in await store.recent("s1", 100)] == ["m3", "m4", "m5", "m6", "m7"]  # max_entries=5
    assert [e["id"] for e in await store.recent("s1", 2)] == ["m6", "m7"]
    assert await store.recent("s1", 0) == []


async def test_sessions_are_separate(store: HistoryStore) -> None:
    assert await store.accept("s1", entry(1))
    assert await store.recent("s2", 10) == []
    assert await store.accept("s2", entry(1))


async def test_a_message_is_accepted_once(store: HistoryStore) -> None:
    assert await store.accept("s1", entry(1)) is True
    assert await store.accept("s1", entry(1, text="changed on resend")) is False
    assert await store.accept("s1", entry(2)) is True
    assert [e["text"] for e in await store.recent("s1", 10)] == ["ข้อความที่ 1", "ข้อความที่ 2"]


async def test_concurrent_accepts_let_exactly_one_through(store: HistoryStore) -> None:
    results = await asyncio.gather(*(store.accept("s1", entry(7)) for _ in range(20)))
    assert results.count(True) == 1
    assert len(await store.recent("s1", 10)) == 1


async def test_an_answer_is_stored_once_and_the_first_one_is_kept(store: HistoryStore) -> None:
    await store.accept("s1", entry(1))
    first = [answer(0, "m1", "คำตอบแรก"), answer(1, "m1", "ส่วนที่สอง")]
    assert await store.add_answer("s1", "m1", first) == first
    again = await store.add_answer("s1", "m1", [answer(0, "m1", "คำตอบซ้ำ")])  # redelivered by the queue
    assert again == first
    assert [e["text"] for e in await store.recent("s1", 10)] == ["ข้อความที่ 1", "คำตอบแรก", "ส่วนที่สอง"]


async def test_concurrent_answers_store_one(store: HistoryStore) -> None:
    results = await asyncio.gather(*(store.add_answer("s1", "m1", [answer(n, "m1")]) for n in range(10)))
    assert len({json.dumps(r) for r in results}) == 1
    assert len(await store.recent("s1", 10)) == 1


async def test_retract_removes_the_entry_and_allows_the_message_again(store: HistoryStore) -> None:
    await store.accept("s1", entry(0))
    await store.accept("s1", entry(1))
    await store.retract("s1", "m1")
    assert [e["id"] for e in await store.recent("s1", 10)] == ["m0"]
    assert await store.accept("s1", entry(1)) is True


async def test_answers_to_finds_only_that_messages_bot_entries(store: HistoryStore) -> None:
    for n in (1, 3):
        await store.accept("s1", entry(n))
    await store.add_answer("s1", "m1", [answer(0, "m1")])
    await store.add_answer("s1", "m3", [answer(0, "m3"), answer(1, "m3")])
    assert [e["id"] for e in await store.answers_to("s1", "m3")] == ["m3#0", "m3#1"]
    assert await store.answers_to("s1", "m9") == []


async def test_remembered_ids_are_bounded(store: HistoryStore) -> None:
    for n in range(40):  # max_entries=5: the transcript keeps 5, the id memory stays bounded too
        await store.accept("s1", entry(n))
    assert await store.accept("s1", entry(39)) is False  # recent ids are still known
    assert len(await store.recent("s1", 100)) == 5


async def test_redis_keys_expire() -> None:
    client = aioredis.from_url(REDIS_URL)
    prefix = f"test-web-ttl-{uuid.uuid4().hex}:"
    store = RedisHistoryStore(client, prefix=prefix, ttl_seconds=1)
    try:
        await store.accept("s1", entry(1))
        assert 0 < await client.ttl(f"{prefix}web:log:s1") <= 1
        assert 0 < await client.ttl(f"{prefix}web:seen:s1") <= 1
        await asyncio.sleep(1.2)
        assert await store.recent("s1", 10) == []
        assert await store.accept("s1", entry(1)) is True
    finally:
        keys = [k async for k in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_memory_store_expires_idle_sessions() -> None:
    store = MemoryHistoryStore(ttl_seconds=0.05)
    await store.accept("s1", entry(1))
    await asyncio.sleep(0.1)
    assert await store.recent("s1", 10) == []


async def test_memory_store_bounds_the_number_of_sessions() -> None:
    store = MemoryHistoryStore(max_sessions=3)
    for n in range(5):
        await store.accept(f"s{n}", entry(n))
    assert await store.recent("s0", 10) == []
    assert len(await store.recent("s4", 10)) == 1


async def test_memory_store_a_flood_from_one_client_evicts_only_that_client() -> None:
    store = MemoryHistoryStore(max_sessions=10, max_sessions_per_client=4)
    for n in range(3):
        await store.accept(f"citizen{n}", entry(n), owner=f"home{n}")
    for n in range(50):
        await store.accept(f"flood{n}", entry(n), owner="flooder")
    assert [len(await store.recent(f"citizen{n}", 10)) for n in range(3)] == [1, 1, 1]
    assert [n for n in range(50) if await store.recent(f"flood{n}", 10)] == [46, 47, 48, 49]


async def test_memory_store_at_its_global_cap_evicts_from_the_client_holding_most() -> None:
    store = MemoryHistoryStore(max_sessions=6, max_sessions_per_client=5)
    await store.accept("citizen", entry(1), owner="home")
    for n in range(5):
        await store.accept(f"a{n}", entry(n), owner="busy")
    await store.accept("late", entry(9), owner="office")  # 7 sessions > 6: one of "busy" goes
    assert await store.recent("citizen", 10) and await store.recent("late", 10)
    assert await store.recent("a0", 10) == [] and await store.recent("a4", 10)


async def test_sqlite_store_survives_a_restart_and_expires_idle_sessions(tmp_path: Path) -> None:
    first_db = StateDb(tmp_path / "state.db")
    first = SqliteHistoryStore(first_db, ttl_seconds=60)
    await first.accept("s1", entry(1, text="ขอแบบฟอร์มทะเบียนบ้าน"), owner="home")
    await first.add_answer("s1", "m1", [answer(2, "m1", "นี่ค่ะ")])
    await first_db.close()
    db = StateDb(tmp_path / "state.db")
    second = SqliteHistoryStore(db, ttl_seconds=60)
    assert [e["text"] for e in await second.recent("s1", 10)] == ["ขอแบบฟอร์มทะเบียนบ้าน", "นี่ค่ะ"]
    assert await second.accept("s1", entry(1)) is False  # the resend is still recognised
    short = SqliteHistoryStore(db, ttl_seconds=0.05)
    await asyncio.sleep(0.1)
    assert await short.recent("s1", 10) == [] and await short.answers_to("s1", "m1") == []
    assert await short.accept("s1", entry(1)) is True  # an expired session starts afresh
    assert len(await short.recent("s1", 10)) == 1
    await db.close()


async def test_sqlite_store_caps_transcripts_per_client_only(tmp_path: Path) -> None:
    db = StateDb(tmp_path / "state.db")
    store = SqliteHistoryStore(db, max_sessions_per_client=3)
    await store.accept("citizen", entry(1, text="ลงทะเบียนคนพิการ"), owner="home")
    for n in range(20):
        await store.accept(f"flood{n}", entry(n), owner="flooder")
        await asyncio.sleep(0.001)  # distinct idle times
    assert await store.sessions_of("flooder") == 3 and await store.sessions_of("home") == 1
    assert [n for n in range(20) if await store.recent(f"flood{n}", 10)] == [17, 18, 19]
    assert (await store.recent("citizen", 10))[0]["text"] == "ลงทะเบียนคนพิการ"
    await db.close()

"""On SQLite the analytics tables share one file with the gateway, the action server and the staff
console, which write all the time. A transaction that begins deferred, reads, then writes fails at
once with "database is locked" when another process committed in between (WAL: its snapshot is stale;
SQLite does not wait on the busy timeout for an upgrade) — the consumer died that way under `make run`
with RabbitMQ when a handover was committed during a batch. Its write transactions take the write lock
first (BEGIN IMMEDIATE), so they wait for the other writer instead."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from analytics.consumer import Consumer
from db.engine import make_engine
from privacy import PersonalData, PrivacySettings
from tests.analytics.helpers import counts, events
from tests.databases import throwaway_database

KEYS = PrivacySettings.generate()


def _wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """A loaded CI machine can starve the writer thread for a while; the batches must still each
    meet its commits, so the test waits for them rather than counting what a fixed loop saw."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_batches_survive_another_process_writing_the_same_sqlite_file(tmp_path: Path) -> None:
    with throwaway_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        other = make_engine(url)  # another process's connection pool (the gateway's, say)
        with other.begin() as conn:
            conn.execute(sa.text("CREATE TABLE other_writes (n INTEGER)"))
        stop = threading.Event()
        written = 0

        def gateway_writes() -> None:
            nonlocal written
            while not stop.is_set():
                with other.begin() as conn:
                    conn.execute(sa.text("INSERT INTO other_writes (n) VALUES (:n)"), {"n": written})
                written += 1

        writer = threading.Thread(target=gateway_writes)
        batch = events(conversations=40, turns=5)
        consumer = Consumer(engine, PersonalData(KEYS).sender_hash)
        writer.start()
        batches = 0
        try:
            for i in range(0, len(batch), 5):
                seen = written
                consumer._commit_batch([json.dumps(e) for e in batch[i : i + 5]])
                consumer.poll_sources_once()
                batches += 1
                # the other writer commits between every two batches, so each meets a fresh commit
                assert _wait_for(lambda: written > seen + 1), "the other writer stopped committing"
        finally:
            stop.set()
            writer.join()
            engine.dispose()
            other.dispose()
        assert written > batches  # the other writer really did commit throughout
        assert counts(url)["analytics_messages"] == 400

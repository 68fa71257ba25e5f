"""The consumer loop: read broker events in order, ingest a batch, commit, then acknowledge.

Two sources, one contract (nothing lost, nothing counted twice, per-conversation order kept):
- `SqlBrokerSource`: Rasa's SQL event broker table `events(id, sender_id, data)`, polled by id. The
  last id ingested is stored in analytics_cursors in the same transaction as the rows, so a consumer
  killed anywhere restarts exactly after the last committed batch.
- `RabbitSource`: a durable queue bound to the exchange Rasa's Pika broker publishes to. Messages are
  acknowledged only after their batch is committed; one killed before the ack is redelivered in
  order and its rows are recognised by event_key. One consumer per queue keeps the order.
Beside the broker, the same process reads the handover, case and notice tables (analytics/sources.py)
and recomputes the rollups of the hours touched (analytics/rollup.py) every SOURCES_INTERVAL seconds,
so the figures are current within seconds. One writer at a time (a lock): SQLite has one anyway.
Several consumers may run (one per gateway host); only the one holding the lease (analytics/lease.py)
reads and writes, the others wait to take over, from the cursors it last committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from analytics import rollup
from analytics.ingest import Ingestor, IngestStats
from analytics.models import AnalyticsCursor
from analytics.sources import Source, all_sources
from db.engine import make_sessionmaker

logger = logging.getLogger(__name__)

DEFAULT_EXCHANGE = "govbot-events"
DEFAULT_QUEUE = "govbot_analytics"
BATCH = 500
FILL_SECONDS = 0.01
SOURCES_INTERVAL = 2.0  # well under the minute the figures must be current within


def _decode(raw: str | bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


@dataclass
class Totals:
    events: int = 0
    messages: int = 0
    actions: int = 0
    duplicates: int = 0
    undecodable: int = 0
    source_rows: int = 0
    hours_recomputed: int = 0

    def add(self, stats: IngestStats) -> None:
        self.events += stats.events
        self.messages += stats.messages
        self.actions += stats.actions
        self.duplicates += stats.duplicates


class SqlBrokerSource:
    """Reads the `events` table Rasa's SQLEventBroker writes (a SQLite file by default)."""

    def __init__(self, url: str, name: str | None = None) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = sa.create_engine(url, connect_args={"timeout": 30}, poolclass=sa.pool.NullPool)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
        # The cursor's name: the database (without credentials), so two brokers never share one.
        self.name = name or "sql:" + self.engine.url.render_as_string(hide_password=True)[:190]

    def read(self, after: int, limit: int = BATCH) -> list[tuple[int, str]]:
        """Rows with id > after, in id order; [] while Rasa has not created the table yet."""
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return []
            rows = conn.execute(
                sa.text("SELECT id, data FROM events WHERE id > :after ORDER BY id LIMIT :limit"),
                {"after": after, "limit": limit},
            ).all()
        return [(int(r[0]), str(r[1])) for r in rows]

    def close(self) -> None:
        self.engine.dispose()


class Consumer:
    """Ingests into the analytics database (`engine`); hashes sender ids with `conversation_hash`."""

    def __init__(
        self,
        engine: Engine,
        conversation_hash: Callable[[str], str],
        agency_for_service: Callable[[Session, str], str | None] | None = None,
        sources: list[Source] | None = None,
        fence: Callable[[Session], None] | None = None,
    ) -> None:
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        # Write transactions take SQLite's write lock first (BEGIN IMMEDIATE; elsewhere a plain begin):
        # begun deferred, a batch that read and then wrote failed at once with "database is locked"
        # whenever the gateway or the action server committed to the same file in between.
        self._writes: sessionmaker[Session] = make_sessionmaker(engine, immediate=True)
        self.ingestor = Ingestor(conversation_hash, agency_for_service)
        self.sources = all_sources() if sources is None else sources
        self.totals = Totals()
        self._writing = threading.Lock()
        # Run first in every write transaction: raises when this process is no longer the active
        # consumer (analytics/lease.py), so its transaction rolls back instead of committing.
        self._fence = fence or (lambda _session: None)

    def _commit_batch(self, raws: list[str | bytes], cursor: tuple[str, int] | None = None) -> None:
        events = []
        for raw in raws:
            event = _decode(raw)
            if event is None:
                self.totals.undecodable += 1
            else:
                events.append(event)
        with self._writing, self._writes.begin() as session:
            self._fence(session)
            stats = self.ingestor.ingest(session, events)
            if cursor is not None:
                source, position = cursor
                row = session.get(AnalyticsCursor, source)
                if row is None:
                    session.add(AnalyticsCursor(source=source, position=position))
                else:
                    row.position = position
        self.totals.add(stats)

    def position(self, source: str) -> int:
        with self.sessions() as session:
            row = session.get(AnalyticsCursor, source)
            return row.position if row else 0

    def poll_sql_once(self, source: SqlBrokerSource, limit: int = BATCH) -> int:
        """One batch from the SQL broker table; returns how many events were read."""
        rows = source.read(self.position(source.name), limit)
        if rows:
            self._commit_batch([data for _, data in rows], (source.name, rows[-1][0]))
        return len(rows)

    def poll_sources_once(self, limit: int = BATCH) -> int:
        """One batch from each table source (each in its own transaction with its cursor), then the
        dirty hours' rollups; returns the source rows read plus the hours recomputed."""
        read = 0
        for source in self.sources:
            with self._writing, self._writes.begin() as session:
                self._fence(session)
                read += source.poll(session, limit)
        with self._writing, self._writes.begin() as session:
            self._fence(session)
            hours = rollup.refresh(session)
        self.totals.source_rows += read
        self.totals.hours_recomputed += hours
        return read + hours

    def catch_up(self) -> None:
        """Every table source read to its end and every dirty hour recomputed (tests, `--once`)."""
        while self.poll_sources_once():
            pass

    async def run_sources(self, stop: asyncio.Event, interval: float = SOURCES_INTERVAL) -> None:
        """Poll the table sources and refresh the rollups until `stop` (beside the broker loop)."""
        while not stop.is_set():
            try:
                busy = await asyncio.to_thread(self.poll_sources_once)
            except Exception:  # a failed poll is retried at the next; the broker loop goes on
                logger.exception("analytics: table sources poll failed")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)

    async def run_sql(self, source: SqlBrokerSource, stop: asyncio.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            read = await asyncio.to_thread(self.poll_sql_once, source)
            if read < BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)

    @staticmethod
    async def _fill(inbox: asyncio.Queue[Any], batch: list[Any]) -> None:
        """Up to BATCH messages: what is waiting, then what arrives within FILL_SECONDS of the last
        one (a commit per message would cap a backlog at a few hundred a second)."""
        while len(batch) < BATCH:
            if inbox.empty():
                try:
                    batch.append(await asyncio.wait_for(inbox.get(), FILL_SECONDS))
                except TimeoutError:
                    return
            else:
                batch.append(inbox.get_nowait())

    async def run_rabbitmq(
        self,
        url: str,
        stop: asyncio.Event,
        *,
        exchange: str = DEFAULT_EXCHANGE,
        queue: str = DEFAULT_QUEUE,
        ready: asyncio.Event | None = None,
    ) -> None:
        """Consume `queue` (declared durable and bound to the fanout `exchange`, as Rasa declares
        them) until `stop`; each batch is committed before its messages are acknowledged."""
        import aio_pika
        import aio_pika.abc

        connection = await aio_pika.connect_robust(url)
        try:
            channel = await connection.channel()
            # Two batches in flight: the next one arrives while this one commits.
            await channel.set_qos(prefetch_count=2 * BATCH)
            # Declared exactly as Rasa's PikaEventBroker does (fanout, not durable; queue durable),
            # so either side may start first.
            fanout = await channel.declare_exchange(exchange, aio_pika.ExchangeType.FANOUT)
            durable_queue = await channel.declare_queue(queue, durable=True)
            await durable_queue.bind(fanout, "")
            inbox: asyncio.Queue[aio_pika.abc.AbstractIncomingMessage] = asyncio.Queue()
            tag = await durable_queue.consume(inbox.put)
            if ready is not None:
                ready.set()
            stopping = asyncio.create_task(stop.wait())
            try:
                while not stop.is_set():
                    getting = asyncio.create_task(inbox.get())
                    await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    if not getting.done():
                        getting.cancel()
                        break
                    batch = [getting.result()]
                    await self._fill(inbox, batch)
                    await asyncio.to_thread(self._commit_batch, [m.body for m in batch])
                    await batch[-1].ack(multiple=True)
            finally:
                stopping.cancel()
                await durable_queue.cancel(tag)
        finally:
            await connection.close()


def log_totals(totals: Totals, started: float) -> None:
    seconds = max(time.monotonic() - started, 1e-9)
    logger.info(
        "analytics: %d events (%d messages, %d actions, %d duplicates, %d undecodable), %d source rows,"
        " %d hours recomputed in %.1fs",
        totals.events,
        totals.messages,
        totals.actions,
        totals.duplicates,
        totals.undecodable,
        totals.source_rows,
        totals.hours_recomputed,
        seconds,
    )

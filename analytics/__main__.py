"""`python -m analytics consume [--once]`: the analytics consumer, its own process (`make run` starts it).

Source: RabbitMQ when RABBITMQ_URL is set (queue RABBITMQ_ANALYTICS_QUEUE, default govbot_analytics,
bound to RABBITMQ_EXCHANGE, default govbot-events: what bot/event_broker.pika.yml publishes to), else
the SQL broker's table in RASA_EVENTS_DB (default var/rasa/events.db; bot/event_broker.sql.yml).
Target: DATABASE_URL (default var/govbot.db), migrated. Needs PERSONAL_DATA_KEYS (conversation hashes).
The same process reads the handover, case and notice tables of DATABASE_URL (analytics/sources.py)
and keeps the hourly/daily rollups current (analytics/rollup.py), every couple of seconds.
`--once` ingests what the SQL table and those tables hold now, recomputes the rollups, and exits.
Any number may run (one per gateway host): one holds the consumer lease (analytics/lease.py) and
works, the others wait and take over within seconds when it dies; `--once` exits 1 if another stays
active for ONCE_WAIT_SECONDS.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import time

from analytics.consumer import (
    DEFAULT_EXCHANGE,
    DEFAULT_QUEUE,
    Consumer,
    SqlBrokerSource,
    log_totals,
)
from analytics.lease import Lease, LeaseLost, acquire, lease_for, watch
from analytics.service_agency import ServiceAgencies
from db.engine import database_url, make_engine
from db.migrate import upgrade
from privacy import PersonalData, PrivacySettings

DEFAULT_EVENTS_DB = "var/rasa/events.db"
ONCE_WAIT_SECONDS = 10.0


async def _run(consumer: Consumer, env: dict[str, str], stop: asyncio.Event, once: bool) -> None:
    """Consume until `stop` (or, `once`, until the SQL table and the tables are read to their end)."""
    tables = None if once else asyncio.create_task(consumer.run_sources(stop))
    rabbit = env.get("RABBITMQ_URL", "").strip()
    try:
        if rabbit and not once:
            queue = env.get("RABBITMQ_ANALYTICS_QUEUE", DEFAULT_QUEUE)
            exchange = env.get("RABBITMQ_EXCHANGE", DEFAULT_EXCHANGE)
            logging.info("analytics: consuming RabbitMQ queue %s", queue)
            await consumer.run_rabbitmq(rabbit, stop, exchange=exchange, queue=queue)
        else:
            source = SqlBrokerSource("sqlite:///" + env.get("RASA_EVENTS_DB", DEFAULT_EVENTS_DB))
            logging.info("analytics: polling Rasa's SQL broker table (%s)", source.name)
            try:
                if once:
                    while await asyncio.to_thread(consumer.poll_sql_once, source):
                        pass
                    await asyncio.to_thread(consumer.catch_up)
                else:
                    await consumer.run_sql(source, stop)
            finally:
                source.close()
    finally:
        stop.set()
        if tables is not None:
            await tables


async def _while_held(consumer: Consumer, lease: Lease, env: dict[str, str], stop: asyncio.Event) -> None:
    """Consume until `stop` or until the lease is lost (then return, to wait for it again)."""
    active = asyncio.Event()
    running = asyncio.create_task(_run(consumer, env, active, once=False))
    watching = asyncio.create_task(watch(lease, active))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({running, watching, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        active.set()
        watching.cancel()
        stopping.cancel()
    try:
        await running
    except LeaseLost:
        logging.warning("analytics: lease lost mid-write; the transaction was rolled back")
    if not stop.is_set():
        logging.warning("analytics: no longer the active consumer; waiting for the lease again")
        lease.release()


async def _consume(once: bool) -> int:
    env = dict(os.environ)
    personal = PersonalData(PrivacySettings.from_environ(env))
    url = database_url(env)
    upgrade(url)
    engine = make_engine(url)
    lease = lease_for(url)
    consumer = Consumer(engine, personal.sender_hash, ServiceAgencies.load().agency_for, fence=lease.fence)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
    try:
        if once:
            # A backlog run beside a live cluster waits for the active consumer's work, not beside it.
            waited = asyncio.Event()
            timer = loop.call_later(ONCE_WAIT_SECONDS, waited.set)
            held = await acquire(lease, waited)
            timer.cancel()
            if not held:
                logging.error("analytics: another consumer is active; --once did nothing")
                return 1
            await _run(consumer, env, asyncio.Event(), once=True)
            return 0
        while not stop.is_set():
            if not await acquire(lease, stop):
                break
            logging.info("analytics: active (this process holds the consumer lease)")
            await _while_held(consumer, lease, env, stop)
        return 0
    finally:
        lease.release()
        log_totals(consumer.totals, started)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m analytics")
    sub = parser.add_subparsers(dest="command", required=True)
    consume = sub.add_parser("consume", help="ingest Rasa's broker events into the analytics tables")
    consume.add_argument("--once", action="store_true", help="ingest the SQL broker table's backlog and exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "consume":
        raise SystemExit(asyncio.run(_consume(args.once)))


if __name__ == "__main__":
    main()

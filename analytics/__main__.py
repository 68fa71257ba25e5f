"""`python -m analytics consume [--once]`: the analytics consumer, its own process (`make run` starts it).

Source: RabbitMQ when RABBITMQ_URL is set (queue RABBITMQ_ANALYTICS_QUEUE, default govbot_analytics,
bound to RABBITMQ_EXCHANGE, default govbot-events: what bot/event_broker.pika.yml publishes to), else
the SQL broker's table in RASA_EVENTS_DB (default var/rasa/events.db; bot/event_broker.sql.yml).
Target: DATABASE_URL (default var/govbot.db), migrated. Needs PERSONAL_DATA_KEYS (conversation hashes).
The same process reads the handover, case and notice tables of DATABASE_URL (analytics/sources.py)
and keeps the hourly/daily rollups current (analytics/rollup.py), every couple of seconds.
`--once` ingests what the SQL table and those tables hold now, recomputes the rollups, and exits.
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
from analytics.service_agency import ServiceAgencies
from db.engine import database_url, make_engine
from db.migrate import upgrade
from privacy import PersonalData, PrivacySettings

DEFAULT_EVENTS_DB = "var/rasa/events.db"


async def _consume(once: bool) -> None:
    env = dict(os.environ)
    personal = PersonalData(PrivacySettings.from_environ(env))
    url = database_url(env)
    upgrade(url)
    engine = make_engine(url)
    consumer = Consumer(engine, personal.sender_hash, ServiceAgencies.load().agency_for)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
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
        asyncio.run(_consume(args.once))


if __name__ == "__main__":
    main()

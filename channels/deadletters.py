"""`python -m channels.deadletters [--count N]`: what failed for good, for operators.

Reads the dead letters of the gateway configured by the environment — the Redis stream (REDIS_URL,
GATEWAY_REDIS_PREFIX) or the SQLite state file of the default (GATEWAY_STATE_DIR) — and prints one
JSON line per event: when, which channel and event, a hashed sender and the error. Message text and
platform ids are left out (personal data).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from channels.queue import DeadLetter, RedisStreamQueue
from channels.settings import Settings
from channels.sqlite_queue import SqliteQueue
from channels.state_db import StateDb
from privacy import log_id


def summary(letter: DeadLetter) -> dict[str, object]:
    event = letter.event
    return {
        "failed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(letter.failed_at)),
        "channel": event.get("channel"),
        "event_id": event.get("event_id"),
        "kind": event.get("kind"),
        "sender": log_id(str(event.get("sender_id") or "")),
        "error": letter.error,
    }


async def list_dead_letters(settings: Settings, count: int) -> list[dict[str, object]]:
    if settings.backend_name == "sqlite":
        db = StateDb.in_dir(settings.state_dir)
        try:
            return [summary(letter) for letter in await SqliteQueue(db).dead_letters(count)]
        finally:
            await db.close()
    import redis.asyncio as aioredis

    client = aioredis.from_url(settings.redis_url)
    try:
        queue = RedisStreamQueue(client, prefix=settings.redis_prefix)
        return [summary(letter) for letter in await queue.dead_letters(count)]
    finally:
        await client.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if settings.backend_name == "memory":
        print("GATEWAY_BACKEND=memory keeps dead letters in the process only", file=sys.stderr)
        return 2
    for row in asyncio.run(list_dead_letters(settings, args.count)):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

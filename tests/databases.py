"""Throw-away databases for tests: a migrated SQLite file, or a fresh PostgreSQL database on the
local server that is dropped afterwards, and a Redis key prefix of a test's own whose keys are deleted
afterwards, so parallel runs and reruns never see each other's rows."""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.seed_loader import load_seed
from knowledge.store import KnowledgeStore

PG_ADMIN = os.environ.get("TEST_PG_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("TEST_PG_URL_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432/")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.asynccontextmanager
async def throwaway_redis_prefix(label: str, url: str = REDIS_URL) -> AsyncIterator[str]:
    """`label:<random>`: a key prefix on the real Redis for one test; its keys are deleted afterwards."""
    import redis.asyncio as aioredis

    prefix = f"{label}:{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        client = aioredis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
            for i in range(0, len(keys), 500):
                await client.delete(*keys[i : i + 500])
        finally:
            await client.aclose()


@contextlib.contextmanager
def throwaway_database(kind: str, directory: Path, prefix: str = "govbot") -> Iterator[str]:
    """Yield the URL of a database at the newest migration; `kind` is "sqlite" or "postgresql"."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / f'{prefix}.db'}"
        upgrade(url)
        yield url
        return
    name = f"{prefix}_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_URL + name
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def seeded_sqlite(directory: Path) -> Iterator[sessionmaker[Session]]:
    """The embedded default as `make seed` leaves it: a migrated SQLite file holding knowledge/seed, for
    tests of actions that read the knowledge base, taught referrals or handovers from the database."""
    with throwaway_database("sqlite", directory) as url:
        engine = make_engine(url)
        try:
            made = make_sessionmaker(engine, immediate=True)
            load_seed(KnowledgeStore(made))
            yield made
        finally:
            engine.dispose()

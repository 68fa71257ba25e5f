"""Teaching-loop fixtures: a migrated database (SQLite file, and a throw-away PostgreSQL database for the
tests marked so) holding the seed services, published, and an empty review queue before every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import UnansweredMessage
from db.engine import make_engine, make_sessionmaker
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore
from tests.databases import throwaway_database
from tests.staff.staff_helpers import gateway_like_app, reset


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("sqlite", tmp_path_factory.mktemp("teaching-sqlite")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path_factory.mktemp("teaching-pg")) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both_db_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM unanswered_messages"))
    reset(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> KnowledgeStore:
    """The 31 seed services, published, as `knowledge seed` leaves them."""
    kb = KnowledgeStore(sessions)
    kb.import_records(load_dir(), author="seed", publish=True)
    return kb


@pytest.fixture
async def client(aiohttp_client, db_url: str, engine: Engine, store: KnowledgeStore) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(gateway_like_app(db_url, engine))


def add_questions(
    sessions: sessionmaker[Session],
    texts: list[str],
    *,
    reason: str = "unanswered",
    service_id: str | None = None,
    bot_answer: str | None = None,
    channel: str = "line",
) -> list[int]:
    """Rows as the action server writes them (masked_text is whatever the caller passes)."""
    ids = []
    start = datetime.now(UTC) - timedelta(minutes=len(texts))
    with sessions.begin() as session:
        for i, body in enumerate(texts):
            row = UnansweredMessage(
                created_at=start + timedelta(minutes=i),
                channel=channel,
                sender_hash=f"h{i}",
                masked_text=body,
                reason=reason,
                service_id=service_id,
                bot_answer=bot_answer,
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids

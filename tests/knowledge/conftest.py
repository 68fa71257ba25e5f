"""Knowledge-base fixtures: throw-away databases (a SQLite file, and a PostgreSQL database created on the
local server and dropped afterwards), migrated with Alembic like production, and shared search models.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from db.engine import make_engine, make_sessionmaker
from knowledge.search.embedders import DEFAULT_BACKEND, Embedder, EmbedderConfig, make_embedder
from knowledge.store import KnowledgeStore
from tests.databases import throwaway_database

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
KB_TABLES = ("kb_service_versions", "kb_services")


@pytest.fixture(scope="session")
def kb_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("sqlite", tmp_path_factory.mktemp("kb-sqlite"), "kb") as url:
        yield url


@pytest.fixture(scope="session")
def kb_postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path_factory.mktemp("kb-pg"), "kb") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def kb_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("kb_sqlite_url" if request.param == "sqlite" else "kb_postgres_url")


def empty_knowledge_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in KB_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE kb_revision SET revision = 0"))


@pytest.fixture
def kb_engine(kb_url: str) -> Iterator[Engine]:
    engine = make_engine(kb_url)
    empty_knowledge_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def kb_store(kb_engine: Engine) -> KnowledgeStore:
    return KnowledgeStore(make_sessionmaker(kb_engine))


@pytest.fixture(scope="session")
def default_embedder() -> Embedder:
    """The backend the bot ships with (chosen by bench/knowledge/recall.py)."""
    return make_embedder(DEFAULT_BACKEND, EmbedderConfig())


@pytest.fixture
def tmp_cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "embeddings"

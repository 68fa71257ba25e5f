"""Fixtures for the case registry: every test runs on a SQLite file AND on the real PostgreSQL.

Each backend gets a throw-away database per test session (PostgreSQL: a database with a random
name, dropped at the end), migrated with the project's Alembic chain; tables are emptied before each
test so tests never see each other's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import issue_key
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.settings import CasesSettings
from privacy import PrivacySettings
from tests.databases import throwaway_database

# Children first, so deleting never trips a foreign key.
CASE_TABLES = (
    "case_access_grants",
    "lookup_budgets",
    "deliveries",
    "outbox",
    "notification_optouts",
    "idempotency_records",
    "case_history",
    "case_consents",
    "case_photos",
    "case_contacts",
    "cases",
    "case_counters",
    "agency_api_keys",
    "agencies",
)


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("cases-db"), "cases") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_cases_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory on an emptied registry."""
    with engine.begin() as conn:
        for table in CASE_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    return make_cases_sessionmaker(engine)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, sessions: sessionmaker[Session]) -> CasesSettings:
    return CasesSettings(
        database_url=database_url,
        privacy=PrivacySettings.generate(),
        photo_dir=tmp_path / "photos",
        max_photo_bytes=200_000,
        max_photos=3,
    )


@pytest.fixture
def agency_keys(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Two agencies with one key each: the district office and the city of Bangkok."""
    with sessions() as session, session.begin():
        return {
            "dla": issue_key(session, "dla", "กรมการปกครอง").key,
            "bma": issue_key(session, "bma", "กรุงเทพมหานคร").key,
        }

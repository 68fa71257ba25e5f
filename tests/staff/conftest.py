"""Fixtures for the staff console tests.

`db_url` is a SQLite file by default; modules that cover the key flows override it with `both_db_url`,
which runs them on the real PostgreSQL too. Databases live for the session; tables are emptied before
every test.
"""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from db.engine import make_engine
from tests.databases import throwaway_database
from tests.staff.staff_helpers import gateway_like_app, reset


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("sqlite", tmp_path_factory.mktemp("staff-sqlite")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path_factory.mktemp("staff-pg")) as url:
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
    reset(eng)
    yield eng
    eng.dispose()


@pytest.fixture
async def client(aiohttp_client, db_url: str, engine: Engine) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(gateway_like_app(db_url, engine))


@pytest.fixture
async def browser(client: TestClient):  # type: ignore[no-untyped-def]
    """Open another browser (own cookie jar) on the same server: `other = await browser()`."""
    opened: list[aiohttp.ClientSession] = []

    async def open_one() -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(
            base_url=client.make_url(""), cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        opened.append(session)
        return session

    yield open_one
    for session in opened:
        await session.close()

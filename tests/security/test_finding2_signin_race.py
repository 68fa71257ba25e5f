"""Issue 14, finding 2: the staff sign-in lockout was raced (40 parallel attempts, 39 wrong + 1 right,
signed in; 30 parallel wrong attempts got 24 password checks instead of 5), anyone could lock a known
account, and only known names ever got 429.

Replayed with real parallel HTTP requests against the console on a migrated SQLite file and on the
real PostgreSQL. Clients at different addresses connect from 127.0.0.2, 127.0.0.3, … (the whole of
127/8 is loopback), so the console sees distinct peers with no proxy header involved. Every password
check leaves exactly one audit row (auth.sign_in, auth.refused.wrong or auth.locked); refusals
without a check leave auth.refused.locked: the audit trail is the count.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine, select, update

from db.engine import make_engine
from staff.models import AuditEntry, SignInThrottle, utcnow
from staff.roles import Role
from tests.databases import throwaway_database
from tests.staff.staff_helpers import PASSWORD, add_user, gateway_like_app, reset

pytestmark = pytest.mark.timeout(180)

WRONG = "not-the-password-at-all"
CHECKS = ("auth.sign_in", "auth.refused.wrong", "auth.locked")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def staff_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("finding2"), "finding2") as url:
        yield url


@pytest.fixture
def staff_engine(staff_db_url: str) -> Iterator[Engine]:
    engine = make_engine(staff_db_url)
    reset(engine)
    yield engine
    engine.dispose()


@pytest.fixture
async def server(staff_db_url: str, staff_engine: Engine) -> AsyncIterator[TestServer]:
    srv = TestServer(gateway_like_app(staff_db_url, staff_engine), host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


class Browser:
    """One browser (own cookies) at one loopback address."""

    def __init__(self, server: TestServer, address: str = "127.0.0.2") -> None:
        self.session = aiohttp.ClientSession(
            base_url=str(server.make_url("")),
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(local_addr=(address, 0), force_close=True),
        )
        self.token = ""

    async def open_form(self) -> None:
        async with self.session.get("/staff/login") as page:
            match = CSRF_RE.search(await page.text())
            assert match
            self.token = match.group(1)

    async def submit(self, username: str, password: str) -> tuple[int, str, str]:
        """(status, Retry-After, page text) of one sign-in POST."""
        data = {"csrf_token": self.token, "username": username, "password": password, "next": ""}
        async with self.session.post("/staff/login", data=data, allow_redirects=False) as response:
            return response.status, response.headers.get("Retry-After", ""), await response.text()

    async def sign_in(self, username: str, password: str) -> tuple[int, str, str]:
        await self.open_form()
        return await self.submit(username, password)

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def browsers(server: TestServer) -> AsyncIterator[object]:
    opened: list[Browser] = []

    def open_one(address: str = "127.0.0.2") -> Browser:
        browser = Browser(server, address)
        opened.append(browser)
        return browser

    yield open_one
    for browser in opened:
        await browser.close()


def audit_counts(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(conn.scalars(select(AuditEntry.action)))


async def parallel(browsers, attempts: list[tuple[str, str]], address: str = "127.0.0.2"):  # type: ignore[no-untyped-def]
    """Each attempt from a fresh browser; forms opened first, then every POST released at once."""
    clients = [browsers(address) for _ in attempts]
    await asyncio.gather(*(c.open_form() for c in clients))
    return await asyncio.gather(
        *(c.submit(name, password) for c, (name, password) in zip(clients, attempts, strict=True))
    )


async def test_30_parallel_wrong_passwords_get_exactly_5_checks(staff_engine, browsers):
    add_user(staff_engine, "somchai", Role.EDITOR)
    results = await parallel(browsers, [("somchai", WRONG)] * 30)
    statuses = Counter(status for status, _, _ in results)
    counts = audit_counts(staff_engine)
    assert sum(counts[a] for a in CHECKS) == 5  # was 24 of 30 before
    assert counts["auth.locked"] == 1 and counts["auth.refused.wrong"] == 4
    assert counts["auth.refused.locked"] == 25
    assert statuses == Counter({200: 4, 429: 26})
    assert all(after for status, after, _ in results if status == 429)  # Retry-After on every 429
    # and the right password, from a browser that never signed in, waits for the block too
    status, _, _ = await browsers("127.0.0.3").sign_in("somchai", PASSWORD)
    assert status == 429


async def test_39_wrong_and_1_right_in_parallel_never_get_more_than_5_checks(staff_engine, browsers):
    add_user(staff_engine, "somchai", Role.EDITOR)
    for position in (0, 20, 39):  # the right password first, in the middle and last
        reset(staff_engine)
        add_user(staff_engine, "somchai", Role.EDITOR)
        attempts = [("somchai", WRONG)] * 39
        attempts.insert(position, ("somchai", PASSWORD))
        results = await parallel(browsers, attempts)
        counts = audit_counts(staff_engine)
        checks = sum(counts[a] for a in CHECKS)
        assert checks <= 5, (position, counts)  # before: the right one got checked after >5 wrong
        signed_in = [i for i, (status, _, _) in enumerate(results) if status == 303]
        assert counts["auth.sign_in"] == len(signed_in) <= 1
        assert counts["auth.refused.wrong"] + counts["auth.locked"] <= 4 if signed_in else True
        assert counts["auth.refused.locked"] == 40 - checks


async def test_an_unknown_name_gets_the_same_answers_as_a_real_one(staff_engine, browsers):
    add_user(staff_engine, "somchai", Role.EDITOR)
    answers = {}
    for name in ("somchai", "nobody-here"):
        browser = browsers("127.0.0.4" if name == "somchai" else "127.0.0.5")
        seen = []
        for _ in range(7):
            status, retry_after, text = await browser.sign_in(name, WRONG)
            message = re.search(r'class="error"[^>]*>([^<]*)<', text)
            seen.append((status, bool(retry_after), message.group(1) if message else text[:0]))
        answers[name] = seen
    assert [s for s, _, _ in answers["somchai"]] == [200, 200, 200, 200, 429, 429, 429]
    assert [(s, r) for s, r, _ in answers["somchai"]] == [(s, r) for s, r, _ in answers["nobody-here"]]
    # same wording too (the time in it is the same minute or the next)
    wording = [re.sub(r"\d\d:\d\d", "HH:MM", m) for _, _, m in answers["somchai"]]
    assert wording == [re.sub(r"\d\d:\d\d", "HH:MM", m) for _, _, m in answers["nobody-here"]]


async def test_one_address_spraying_many_names_is_stopped_and_others_are_not(staff_engine, browsers):
    add_user(staff_engine, "somchai", Role.EDITOR)
    sprayer = browsers("127.0.0.6")
    statuses = [(await sprayer.sign_in(f"guess{i:02d}", WRONG))[0] for i in range(25)]
    assert statuses[:19] == [200] * 19 and statuses[19:] == [429] * 6  # 20 checks per address
    assert sum(audit_counts(staff_engine)[a] for a in CHECKS) == 20
    # the sprayer is refused even with a real account's right password…
    assert (await sprayer.sign_in("somchai", PASSWORD))[0] == 429
    # …while a colleague at another address signs in
    assert (await browsers("127.0.0.7").sign_in("somchai", PASSWORD))[0] == 303


async def test_an_attacker_cannot_keep_the_owner_out_of_their_browser(staff_engine, browsers):
    add_user(staff_engine, "admin1", Role.ADMIN)
    somchai_id = add_user(staff_engine, "somchai", Role.EDITOR)
    owner = browsers("127.0.0.8")
    assert (await owner.sign_in("somchai", PASSWORD))[0] == 303  # the owner's usual browser
    async with owner.session.get("/staff/services") as page:
        match = CSRF_RE.search(await page.text())
    assert match
    async with owner.session.post("/staff/logout", data={"csrf_token": match.group(1)}) as out:
        assert out.status in (200, 303)
    # attackers at many addresses keep the name blocked
    for round_ in range(3):
        await parallel(browsers, [("somchai", WRONG)] * 10, address=f"127.0.1.{round_ + 1}")
    assert (await browsers("127.0.2.1").sign_in("somchai", PASSWORD))[0] == 429  # a new browser waits
    # the owner's browser is counted on its own key: they sign in with the right password
    assert (await owner.sign_in("somchai", PASSWORD))[0] == 303
    # an admin's unlock frees the name for every browser at once
    admin = browsers("127.0.0.9")
    assert (await admin.sign_in("admin1", PASSWORD))[0] == 303
    async with admin.session.get("/staff/users") as page:
        token = CSRF_RE.search(await page.text())
    assert token
    async with admin.session.post(
        f"/staff/users/{somchai_id}/unlock", data={"csrf_token": token.group(1)}, allow_redirects=False
    ) as unlocked:
        assert unlocked.status == 303
    assert (await browsers("127.0.2.2").sign_in("somchai", PASSWORD))[0] == 303


async def test_blocks_double_and_a_stale_reservation_does_not_block_for_ever(staff_engine, browsers):
    add_user(staff_engine, "somchai", Role.EDITOR)
    browser = browsers("127.0.0.10")
    waits = []
    for _ in range(3):
        for _ in range(5):
            status, retry_after, _ = await browser.sign_in("somchai", WRONG)
        assert status == 429
        waits.append(int(retry_after))
        with staff_engine.begin() as conn:  # let the block run out
            conn.execute(
                update(SignInThrottle)
                .where(SignInThrottle.blocked_until.is_not(None))
                .values(blocked_until=utcnow() - timedelta(seconds=1))
            )
    assert [round(w / 60) for w in waits] == [1, 2, 4]
    # a run whose last checks never finished (a crashed process) frees itself after 30 s
    with staff_engine.begin() as conn:
        conn.execute(
            update(SignInThrottle).values(
                attempts=5, blocked_until=None, updated_at=utcnow() - timedelta(seconds=31)
            )
        )
    assert (await browser.sign_in("somchai", PASSWORD))[0] == 303


def test_the_migration_matches_the_model(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from db.base import Base

    with throwaway_database("sqlite", tmp_path, "throttlemig") as url:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert [d for d in diff if "staff_signin_throttle" in repr(d)] == []
        finally:
            engine.dispose()

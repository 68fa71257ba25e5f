"""Issue 14, finding 6, the edges: no rate limit on the agency API, staff cookie not Secure by
default, no HSTS, `/readyz` showing internal counters to anyone. (The durable default is replayed by
F2's test_finding6_*.py.)

Through the real gateway app and the real case API. A peer other than the trusted proxy connects
from 127.0.0.2 (all of 127/8 is loopback; only 127.0.0.1 and ::1 are trusted proxies by default), and
an outsider behind the trusted proxy is named in X-Forwarded-For.
"""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from cases.api import create_root_app
from channels.edge import EdgeSettings, EdgeSettingsError, edge_middleware
from db.engine import make_engine
from staff.roles import Role
from staff.settings import StaffSettings
from staff.web import create_app as create_staff
from tests.cases.case_helpers import auth
from tests.databases import throwaway_database
from tests.staff.staff_helpers import PASSWORD, SECRET, add_user, reset, sign_in, staff_settings

pytestmark = pytest.mark.timeout(60)

OUTSIDER = "203.0.113.9"
HSTS = "Strict-Transport-Security"


async def get_from(server: TestServer, address: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
    connector = aiohttp.TCPConnector(local_addr=(address, 0), force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.get(server.make_url(path), **kwargs) as response,
    ):
        return response.status, dict(response.headers), await response.read()


# --- /readyz


async def test_readyz_details_only_on_loopback_or_with_the_token(make_gateway):
    client: TestClient = await make_gateway(edge=EdgeSettings(readyz_token="ops-" + "t" * 30))
    local = await client.get("/readyz")
    assert local.status == 200 and "stats" in await local.json()
    # Load balancers still get the status, and nothing else. (Each call checks Rasa again with a 2 s
    # timeout: on a loaded machine one may read 503, and then "not ready" is the whole body.)
    outsider = await client.get("/readyz", headers={"X-Forwarded-For": OUTSIDER})
    assert await outsider.json() == {"status": "ready" if outsider.status == 200 else "not ready"}
    wrong = await client.get("/readyz", headers={"X-Forwarded-For": OUTSIDER, "Authorization": "Bearer nope"})
    assert await wrong.json() == {"status": "ready" if wrong.status == 200 else "not ready"}
    with_token = await client.get(
        "/readyz",
        headers={"X-Forwarded-For": OUTSIDER, "Authorization": "Bearer ops-" + "t" * 30},
    )
    body = await with_token.json()
    assert set(body) >= {"checks", "stats", "backlog", "channels"}


async def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(make_gateway):
    client: TestClient = await make_gateway(
        edge=EdgeSettings(
            trusted_proxies=EdgeSettings.from_env({"TRUSTED_PROXIES": "10.0.0.0/8"}).trusted_proxies
        )
    )
    # the peer (127.0.0.1) is not a trusted proxy now: its header is ignored, it is loopback itself
    forged = await client.get("/readyz", headers={"X-Forwarded-For": OUTSIDER})
    assert "stats" in await forged.json()


# --- HSTS


async def test_hsts_only_when_the_request_came_over_tls(make_gateway):
    client: TestClient = await make_gateway()
    plain = await client.get("/healthz")
    assert HSTS not in plain.headers
    proxied = await client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers[HSTS] == "max-age=31536000"
    missing = await client.get("/nowhere", headers={"X-Forwarded-Proto": "https"})
    assert missing.status == 404 and HSTS in missing.headers  # error answers carry it too
    # a peer that is not the trusted proxy cannot claim TLS
    status, headers, _ = await get_from(
        client.server, "127.0.0.2", "/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    assert status == 200 and HSTS not in headers


def test_edge_settings_from_the_environment():
    assert EdgeSettings.from_env({}).hsts_max_age_s == 31536000
    assert EdgeSettings.from_env({"HSTS_MAX_AGE_S": "0"}).hsts_max_age_s == 0
    for bad in ({"HSTS_MAX_AGE_S": "a year"}, {"HSTS_MAX_AGE_S": "-1"}, {"TRUSTED_PROXIES": "not-an-ip"}):
        with pytest.raises(EdgeSettingsError):
            EdgeSettings.from_env(bad)


# --- staff cookie


def test_staff_cookie_is_secure_unless_explicitly_turned_off(caplog):
    env = {"STAFF_SESSION_SECRET": SECRET}
    assert StaffSettings.from_env(env).cookie_secure is True
    off = StaffSettings.from_env({**env, "STAFF_COOKIE_SECURE": "false"})
    assert off.cookie_secure is False
    with caplog.at_level(logging.WARNING, logger="staff.web"):
        create_staff(off)
    assert any("STAFF_COOKIE_SECURE=false" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="staff.web"):
        create_staff(StaffSettings.from_env(env))
    assert not caplog.records


@pytest.fixture
def staff_engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    with throwaway_database("sqlite", tmp_path, "edges") as url:
        engine = make_engine(url)
        reset(engine)
        yield url, engine
        engine.dispose()


async def test_staff_cookies_are_secure_behind_tls_even_when_turned_off_for_local_use(
    aiohttp_client, staff_engine
):
    url, engine = staff_engine
    root = web.Application(middlewares=[edge_middleware(EdgeSettings())])
    root.add_subapp("/staff/", create_staff(staff_settings(url, cookie_secure=False), engine=engine))
    client = await aiohttp_client(root)
    add_user(engine, "somchai", Role.EDITOR)
    plain = await sign_in(client, "somchai", PASSWORD)
    assert plain.status == 303 and not plain.cookies["staff_session"]["secure"]
    client.session.cookie_jar.clear()
    page = await client.get("/staff/login", headers={"X-Forwarded-Proto": "https"})
    assert page.cookies["staff_login_nonce"]["secure"] is True
    assert page.headers[HSTS] == "max-age=31536000"


# --- agency API rate limit per key


async def test_agency_api_rate_limit_per_key_with_retry_after(aiohttp_client, settings, agency_keys):
    from dataclasses import replace

    client = await aiohttp_client(create_root_app(replace(settings, api_rate_per_minute=6, api_burst=3)))
    answers = [
        await client.get("/api/v1/cases/CM69-0000-0018", headers=auth(agency_keys["dla"])) for _ in range(4)
    ]
    assert 429 not in {a.status for a in answers[:3]}  # the burst: answered normally
    limited = answers[3]
    assert limited.status == 429
    assert limited.content_type == "application/problem+json"
    problem = await limited.json()
    assert problem["status"] == 429 and problem["title"] == "Too many requests"
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    # another agency's key is not affected
    other = await client.get("/api/v1/cases/CM69-0000-0018", headers=auth(agency_keys["bma"]))
    assert other.status != 429


async def test_guessing_agency_keys_is_slowed_per_address(aiohttp_client, settings, agency_keys):
    client = await aiohttp_client(create_root_app(settings))
    statuses = [
        (await client.get("/api/v1/cases/CM69-0000-0018", headers=auth(f"guess-{i}"))).status
        for i in range(32)
    ]
    assert statuses[:30] == [401] * 30 and statuses[30:] == [429, 429]


async def test_good_keys_in_parallel_never_spend_the_failure_budget(aiohttp_client, settings, agency_keys):
    """A back office's many parallel calls from one address are not guesses: only failures count."""
    import asyncio
    from dataclasses import replace

    roomy = replace(settings, api_rate_per_minute=10_000, api_burst=1_000, api_failed_auth_per_minute=5)
    client = await aiohttp_client(create_root_app(roomy))
    answers = await asyncio.gather(
        *(client.get("/api/v1/cases/CM69-0000-0018", headers=auth(agency_keys["dla"])) for _ in range(20))
    )
    assert 429 not in {a.status for a in answers}
    guesses = [
        (await client.get("/api/v1/cases/CM69-0000-0018", headers=auth("guess"))).status for _ in range(6)
    ]
    assert guesses == [401] * 5 + [429]

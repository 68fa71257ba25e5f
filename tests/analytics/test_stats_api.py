"""GET /staff/api/stats on the real console app, on SQLite and PostgreSQL: the figures are those of
analytics.measures for the caller's scope; 401 without a token, 403 for another agency or a role
without statistics, clear 400s for bad dates (Thai digits and zero-width characters read as typed),
a reversed or too long period, an unknown channel, agency or parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from analytics.consumer import Consumer
from analytics.measures import StatsQuery, stats
from db.engine import make_engine
from staff.cli import issue_token
from staff.roles import Role
from staff.web import create_app
from tests.analytics import measures_scenario as world
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import add_staff
from tests.staff.staff_helpers import sign_in, staff_settings

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp(f"stats-{request.param}")) as url:
        engine = make_engine(url)
        try:
            world.build(Consumer(engine, world.PERSONAL.sender_hash, world.agency_for))
            add_staff(engine, "agent_dopa", "dopa")
            add_staff(engine, "agent_sso", "sso")
            add_staff(engine, "boss", None, Role.ADMIN)
            add_staff(engine, "writer", None, Role.EDITOR)
            add_staff(engine, "reviewer", None, Role.REVIEWER)
        finally:
            engine.dispose()
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
async def client(aiohttp_client, db_url: str, engine: Engine) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    root.add_subapp("/staff/", create_app(staff_settings(db_url), engine=engine))
    return await aiohttp_client(root)


def bearer(db_url: str, username: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_token(db_url, username, "stats-test")}


def expected(engine: Engine, **query: object) -> dict:
    with Consumer(engine, world.PERSONAL.sender_hash).sessions() as session:
        out = stats(session, StatsQuery(dt.date(2026, 11, 1), dt.date(2026, 11, 30), **query))  # type: ignore[arg-type]
    out.pop("generated_at")
    return out


async def test_admin_sees_every_agency_and_the_figures_of_measures(
    client: TestClient, db_url: str, engine: Engine
) -> None:
    response = await client.get("/staff/api/stats", params=NOVEMBER, headers=bearer(db_url, "boss"))
    assert response.status == 200 and response.headers["Cache-Control"] == "private, no-store"
    body = await response.json()
    assert body.pop("generated_at").endswith("+07:00")
    assert body == expected(engine)
    assert (body["conversations"], body["messages"], body["handovers"]) == (4, 10, 1)
    assert body["containment_rate"] == 0.5 and body["fallback_rate"] == 0.2 and body["handover_rate"] == 0.25
    assert set(body["by_channel"]) == {"line", "sms", "web"}
    assert body["by_channel"]["line"]["conversations"] == 2
    line = await client.get(
        "/staff/api/stats", params=NOVEMBER | {"channel": "line"}, headers=bearer(db_url, "boss")
    )
    line_body = await line.json()
    line_body.pop("generated_at")
    assert line_body == expected(engine, channel="line")


async def test_an_agent_sees_only_their_agency(client: TestClient, db_url: str, engine: Engine) -> None:
    dopa = await client.get("/staff/api/stats", params=NOVEMBER, headers=bearer(db_url, "agent_dopa"))
    body = await dopa.json()
    assert dopa.status == 200 and body["agency"] == "dopa"
    body.pop("generated_at")
    assert body == expected(engine, agency="dopa")
    assert body["conversations"] == 2 and set(body["by_agency"]) == {"dopa"}
    sso = await client.get("/staff/api/stats", params=NOVEMBER, headers=bearer(db_url, "agent_sso"))
    sso_body = await sso.json()
    assert sso_body["agency"] == "sso" and sso_body["conversations"] == 0 and sso_body["complaints"] == []
    other = await client.get(
        "/staff/api/stats", params=NOVEMBER | {"agency": "dopa"}, headers=bearer(db_url, "agent_sso")
    )
    assert other.status == 403 and (await other.json())["code"] == "not_your_agency"
    editor = await client.get("/staff/api/stats", params=NOVEMBER, headers=bearer(db_url, "writer"))
    assert editor.status == 403 and (await editor.json())["code"] == "role"
    reviewer = await client.get("/staff/api/stats", params=NOVEMBER, headers=bearer(db_url, "reviewer"))
    assert reviewer.status == 200 and (await reviewer.json())["conversations"] == 4


async def test_without_a_token_401_and_with_a_session_200(client: TestClient) -> None:
    anonymous = await client.get("/staff/api/stats", params=NOVEMBER)
    assert anonymous.status == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await anonymous.json())["code"] == "unauthenticated"
    wrong = await client.get("/staff/api/stats", params=NOVEMBER, headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    await sign_in(client, "agent_dopa")
    signed_in = await client.get("/staff/api/stats", params=NOVEMBER)
    assert signed_in.status == 200 and (await signed_in.json())["agency"] == "dopa"


@pytest.mark.parametrize(
    "params,code,field",
    [
        ({"to": "2026-11-30"}, "missing_date", "from"),
        ({"from": "2026-11-01"}, "missing_date", "to"),
        ({"from": "2026/11/01", "to": "2026-11-30"}, "bad_date", "from"),
        ({"from": "2026-02-30", "to": "2026-11-30"}, "bad_date", "from"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "bad_date", "from"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "bad_date", "from"),
        ({"from": "๒๐๒๖-๑๑-๐๑", "to": "2026-10-01"}, "bad_period", "from"),  # Thai digits read as digits
        ({"from": "2026-11-30", "to": "2026-11-01"}, "bad_period", "from"),
        ({"from": "2025-01-01", "to": "2026-11-30"}, "period_too_long", "to"),
        (NOVEMBER | {"channel": "fax"}, "unknown_channel", "channel"),
        (NOVEMBER | {"channel": "LINE 😀"}, "unknown_channel", "channel"),
        (NOVEMBER | {"agency": "nasa"}, "unknown_agency", "agency"),
        (NOVEMBER | {"agency": "x" * 41}, "bad_parameter", "agency"),
        (NOVEMBER | {"debug": "1"}, "unknown_parameter", "debug"),
        ({"from": "", "to": "2026-11-30"}, "missing_date", "from"),
    ],
)
async def test_bad_input_is_a_clear_400(
    client: TestClient, db_url: str, params: dict[str, str], code: str, field: str
) -> None:
    response = await client.get("/staff/api/stats", params=params, headers=bearer(db_url, "boss"))
    assert response.status == 400, await response.text()
    body = await response.json()
    assert (body["code"], body.get("field")) == (code, field)
    assert response.headers["Content-Type"].startswith("application/problem+json") and body["detail"]


async def test_thai_digits_and_zero_width_characters_are_read_as_typed(
    client: TestClient, db_url: str
) -> None:
    params = {"from": "๒๐๒๖-๑๑-๐๑\u200b", "to": "\ufeff2026-11-30"}
    response = await client.get("/staff/api/stats", params=params, headers=bearer(db_url, "boss"))
    assert response.status == 200 and (await response.json())["conversations"] == 4
    repeated = await client.get(
        "/staff/api/stats?from=2026-11-01&from=2026-11-02&to=2026-11-30", headers=bearer(db_url, "boss")
    )
    assert repeated.status == 400 and (await repeated.json())["code"] == "repeated_parameter"


def test_the_stats_path_is_documented() -> None:
    import json

    from staff.views.handover_api import OPENAPI_PATH

    spec = json.loads(Path(OPENAPI_PATH).read_text(encoding="utf-8"))
    operation = spec["paths"]["/staff/api/stats"]["get"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    required = spec["components"]["schemas"]["Stats"]["required"]
    for key in (
        "conversations",
        "messages",
        "containment_rate",
        "fallback_rate",
        "handover_rate",
        "by_channel",
    ):
        assert key in required

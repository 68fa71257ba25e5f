"""Call-back tickets and agency closures through the staff API (staff/views/callbacks.py) on the real
console app, on SQLite and PostgreSQL: agency isolation (another agency's ticket is 404, admins see
all), open tickets oldest first with the phone masked, "show the number" audited every time (and
refused plainly without PERSONAL_DATA_KEYS), "done" won by exactly one of two agents at once, closures
validated and audited, and a new closure seen by office_hours' DatabaseClosures."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db.engine import make_engine, make_sessionmaker
from handover.callback_desk import bangkok_today
from handover.models import AgencyClosure, CallbackTicket, Handover, HandoverEvent
from handover.office_hours import BANGKOK, DatabaseClosures, HoursConfig, OfficeHours
from privacy import PersonalData, PrivacySettings
from staff.cli import issue_token
from staff.models import AuditEntry, utcnow
from staff.roles import Role
from staff.views.callbacks import PERSONAL_DATA
from staff.web import create_app
from tests.databases import throwaway_database
from tests.handover.callback_helpers import VAULT, quiet_weekday, ticket
from tests.handover.inbox_helpers import add_staff, clear, new_handover
from tests.staff.staff_helpers import staff_settings


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp(f"cb-{request.param}")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    clear(eng)
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM agency_closures"))
    yield eng
    eng.dispose()


def _app(db_url: str, engine: Engine, *, keys: bool = True) -> web.Application:
    root = web.Application()
    console = create_app(staff_settings(db_url), engine=engine)
    if keys:
        console[PERSONAL_DATA] = VAULT
    root.add_subapp("/staff/", console)
    return root


@pytest.fixture
async def client(aiohttp_client, db_url: str, engine: Engine) -> TestClient:
    return await aiohttp_client(_app(db_url, engine))


def token_for(db_url: str, username: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_token(db_url, username, "test")}


def citizen_handover(engine: Engine, agency: str, sender: str) -> int:
    """A queued handover of this citizen's conversation (keyed as the gateway keys it)."""
    hid = new_handover(engine, agency)
    with make_sessionmaker(engine).begin() as session:
        row = session.get(Handover, hid)
        assert row is not None
        row.recipient_hash = VAULT.sender_hash(sender)
    return hid


def audit_actions(engine: Engine, target_id: int | str, target_type: str = "callback_ticket") -> list[str]:
    with Session(engine) as session:
        query = select(AuditEntry.action).where(
            AuditEntry.target_id == str(target_id), AuditEntry.target_type == target_type
        )
        return list(session.scalars(query.order_by(AuditEntry.id)))


async def test_agents_see_their_agency_oldest_first_masked_and_nothing_of_another(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "malee", "sso")
    add_staff(engine, "boss", None, Role.ADMIN)
    now = utcnow()
    newer = ticket(engine, "dopa", "+66812345678", at=now - dt.timedelta(minutes=5))
    older = ticket(engine, "dopa", "+66899990001", at=now - dt.timedelta(hours=3))
    theirs = ticket(engine, "sso", "+66877770002", at=now - dt.timedelta(hours=9))
    dopa, sso, admin = token_for(db_url, "somchai"), token_for(db_url, "malee"), token_for(db_url, "boss")

    resp = await client.get("/staff/api/callbacks", headers=dopa)
    assert resp.status == 200
    listed = (await resp.json())["callbacks"]
    assert [t["id"] for t in listed] == [older, newer]  # the longest wait first
    assert listed[0]["phone_last4"] == "0001" and listed[0]["phone_masked"] == "xxx-xxx-0001"
    assert listed[0]["service_id"] == "id_card_new" and listed[0]["channel"] == "line"
    assert "+66899990001" not in await resp.text() and "899990001" not in await resp.text()

    everyone = (await (await client.get("/staff/api/callbacks", headers=admin)).json())["callbacks"]
    assert [t["id"] for t in everyone] == [theirs, older, newer]

    for method, path in (
        ("GET", f"/staff/api/callbacks/{theirs}"),
        ("POST", f"/staff/api/callbacks/{theirs}/reveal"),
        ("POST", f"/staff/api/callbacks/{theirs}/done"),
        ("GET", "/staff/api/callbacks/999999"),
    ):
        resp = await client.request(method, path, headers=dopa)
        assert resp.status == 404, (method, path)
        assert (await resp.json())["code"] == "not_found"
    mine = (await (await client.get("/staff/api/callbacks", headers=sso)).json())["callbacks"]
    assert [t["id"] for t in mine] == [theirs]
    assert audit_actions(engine, theirs) == []  # nothing was revealed or changed
    assert (await client.get("/staff/api/callbacks")).status == 401
    assert (await client.get("/staff/api/callbacks?status=maybe", headers=dopa)).status == 400


async def test_showing_the_number_is_audited_every_time(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    tid = ticket(engine, "dopa", "+66812345678")
    headers = token_for(db_url, "somchai")
    for _ in range(2):
        resp = await client.post(f"/staff/api/callbacks/{tid}/reveal", headers=headers)
        assert resp.status == 200
        assert (await resp.json()) == {"phone": "+66812345678"}
        assert resp.headers["Cache-Control"] == "no-store"
    assert audit_actions(engine, tid) == ["callback.reveal", "callback.reveal"]
    with Session(engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.target_id == str(tid))).all()
        assert all(e.actor_username == "somchai" and e.target_type == "callback_ticket" for e in entries)
        assert all("812345678" not in e.detail and "5678" not in e.detail for e in entries)


async def test_without_personal_data_keys_the_console_says_it_cannot_show_numbers(
    aiohttp_client, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    tid = ticket(engine, "dopa")
    keyless = await aiohttp_client(_app(db_url, engine, keys=False))
    resp = await keyless.post(f"/staff/api/callbacks/{tid}/reveal", headers=token_for(db_url, "somchai"))
    assert resp.status == 503
    problem = await resp.json()
    assert problem["code"] == "no_keys" and "PERSONAL_DATA_KEYS" in problem["detail"]
    assert audit_actions(engine, tid) == []  # nothing shown, nothing recorded
    # A console whose keys are not the bot's says that instead of showing garbage.
    other = web.Application()
    console = create_app(staff_settings(db_url), engine=engine)
    console[PERSONAL_DATA] = PersonalData(PrivacySettings.generate())
    other.add_subapp("/staff/", console)
    wrong = await aiohttp_client(other)
    resp = await wrong.post(f"/staff/api/callbacks/{tid}/reveal", headers=token_for(db_url, "somchai"))
    assert resp.status == 503 and (await resp.json())["code"] == "key_mismatch"


async def test_two_agents_marking_done_at_once_one_wins(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "somsri", "dopa")
    first, second = token_for(db_url, "somchai"), token_for(db_url, "somsri")
    for round_no in range(3):
        sender = f"line:Urace{round_no}"
        hid = citizen_handover(engine, "dopa", sender)  # unclaimed and recent: the ticket continues it
        tid = ticket(engine, "dopa", sender=sender)
        a, b = await asyncio.gather(
            client.post(f"/staff/api/callbacks/{tid}/done", json={"outcome": "reached"}, headers=first),
            client.post(f"/staff/api/callbacks/{tid}/done", json={"outcome": "no_answer"}, headers=second),
        )
        assert sorted([a.status, b.status]) == [200, 409]
        loser, winner = (a, b) if a.status == 409 else (b, a)
        assert (await loser.json())["code"] == "already_done"
        won = await winner.json()
        assert won["status"] == "done" and won["done_by"] in ("somchai", "somsri") and won["done_at"]
        assert audit_actions(engine, tid) == ["callback.done"]
        with Session(engine) as session:
            kinds = session.scalars(
                select(HandoverEvent.kind).where(HandoverEvent.handover_id == hid).order_by(HandoverEvent.id)
            ).all()
            row = session.get(CallbackTicket, tid)
            assert row is not None and row.handover_id == hid and row.done_by == won["done_by"]
        assert list(kinds) == ["callback_ticket", "callback_done"]
    done = (await (await client.get("/staff/api/callbacks?status=done", headers=first)).json())["callbacks"]
    assert len(done) == 3 and {t["outcome"] for t in done} <= {"reached", "no_answer"}
    assert (await client.get("/staff/api/callbacks", headers=first)).status == 200
    bad = await client.post(
        f"/staff/api/callbacks/{ticket(engine, 'dopa')}/done", json={"outcome": "xx"}, headers=first
    )
    assert bad.status == 422 and (await bad.json())["field"] == "outcome"


async def test_closures_are_validated_audited_and_seen_by_office_hours(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "boss", None, Role.ADMIN)
    dopa, admin = token_for(db_url, "somchai"), token_for(db_url, "boss")
    today = bangkok_today(utcnow())
    day = quiet_weekday(8)
    at_ten = dt.datetime.combine(day, dt.time(10, 0), BANGKOK)
    hours = OfficeHours(HoursConfig.load(), closures=DatabaseClosures(make_sessionmaker(engine)))
    assert hours.is_open("dopa", at_ten)

    def body(start: dt.date, end: dt.date, reason: str = "ย้ายสำนักงาน", **extra: str) -> dict[str, str]:
        return {"starts_on": start.isoformat(), "ends_on": end.isoformat(), "reason": reason, **extra}

    refused = [
        (body(today - dt.timedelta(days=1), today), 422, "in_the_past"),
        (body(day, day - dt.timedelta(days=1)), 422, "ends_before_start"),
        (body(day, day, "   "), 422, "missing_reason"),
        (body(day, day + dt.timedelta(days=400)), 422, "too_long"),
        ({"starts_on": "1/2/2569", "ends_on": day.isoformat(), "reason": "x"}, 422, "bad_date"),
        (body(day, day, agency="sso"), 403, "not_your_agency"),
        (body(day, day, agency="no-such-agency"), 422, "unknown_agency"),
        ({"starts_on": day.isoformat(), "ends_on": day.isoformat()}, 400, "missing_field"),
    ]
    for sent, status, code in refused:
        resp = await client.post("/staff/api/closures", json=sent, headers=dopa)
        assert resp.status == status, sent
        assert (await resp.json())["code"] == code
    with Session(engine) as session:
        assert session.scalars(select(AgencyClosure)).all() == []

    resp = await client.post("/staff/api/closures", json=body(day, day, "อบรมเจ้าหน้าที่ทั้งสำนักงาน"), headers=dopa)
    assert resp.status == 201
    made = await resp.json()
    assert made["agency"] == "dopa" and made["starts_on"] == day.isoformat() and made["deletable"] is True
    assert audit_actions(engine, made["id"], "agency_closure") == ["closure.add"]
    assert not hours.is_open("dopa", at_ten)  # the action server's reader sees it at once
    assert hours.next_opening("dopa", at_ten) == dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(8, 30), BANGKOK
    )
    assert hours.is_open("sso", at_ten)  # another agency's desk is not closed by it

    sso_day = await client.post("/staff/api/closures", json=body(day, day, agency="sso"), headers=admin)
    assert sso_day.status == 201
    listed = (await (await client.get("/staff/api/closures", headers=dopa)).json())["closures"]
    assert [c["id"] for c in listed] == [made["id"]]  # the agent sees their agency's only
    theirs = (await sso_day.json())["id"]
    assert (await client.delete(f"/staff/api/closures/{theirs}", headers=dopa)).status == 404

    # One that already started cannot be deleted (it has answered citizens); a future one can.
    with make_sessionmaker(engine).begin() as session:
        started = AgencyClosure(
            agency_id="dopa", starts_on=today, ends_on=today, reason="ไฟดับ", created_by="x"
        )
        session.add(started)
        session.flush()
        started_id = started.id
    resp = await client.delete(f"/staff/api/closures/{started_id}", headers=dopa)
    assert resp.status == 409 and (await resp.json())["code"] == "started"
    resp = await client.delete(f"/staff/api/closures/{made['id']}", headers=dopa)
    assert resp.status == 204
    assert audit_actions(engine, made["id"], "agency_closure") == ["closure.add", "closure.delete"]
    assert hours.is_open("dopa", at_ten)


async def test_the_gateway_hands_the_console_its_keys_and_a_keyless_page_says_so(
    aiohttp_client, engine: Engine, db_url: str
) -> None:
    from appconfig import AppSettings
    from staff.web import gateway_subapp
    from tests.staff.staff_helpers import SECRET, sign_in

    env = {"DATABASE_URL": db_url, "STAFF_SESSION_SECRET": SECRET, "STAFF_COOKIE_SECURE": "false"}
    keyed = gateway_subapp(
        AppSettings.from_environ({**env, **PrivacySettings.generate().to_environ()}), engine
    )
    assert isinstance(keyed[PERSONAL_DATA], PersonalData)
    keyless = gateway_subapp(AppSettings.from_environ(env), engine)
    assert PERSONAL_DATA not in keyless

    add_staff(engine, "somchai", "dopa")
    tid = ticket(engine, "dopa", "+66812345678")
    root = web.Application()
    root.add_subapp("/staff/", keyless)
    browser = await aiohttp_client(root)
    assert (await sign_in(browser, "somchai")).status in (302, 303)
    page = await (await browser.get("/staff/callbacks")).text()
    assert 'id="no-keys"' in page and "PERSONAL_DATA_KEYS" in page
    assert "xxx-xxx-5678" in page and "812345678" not in page
    assert "/reveal" not in page  # no button that cannot work
    assert audit_actions(engine, tid) == []


async def test_the_page_forms_keep_to_the_agency_and_audit_each_reveal(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    from tests.staff.staff_helpers import csrf_from, sign_in

    add_staff(engine, "somchai", "dopa")
    mine = ticket(engine, "dopa", "+66812345678")
    theirs = ticket(engine, "sso", "+66899991111")
    with make_sessionmaker(engine).begin() as session:
        closure = AgencyClosure(
            agency_id="sso", starts_on=quiet_weekday(8), ends_on=quiet_weekday(8), reason="x", created_by="m"
        )
        session.add(closure)
        session.flush()
        their_closure = closure.id
    assert (await sign_in(client, "somchai")).status in (302, 303)
    page = await (await client.get("/staff/callbacks")).text()
    token = csrf_from(page)
    assert f'id="ticket-{mine}"' in page and f'id="ticket-{theirs}"' not in page
    assert "xxx-xxx-5678" in page and "812345678" not in page and "1111" not in page

    for path in (
        f"/staff/callbacks/{theirs}/reveal",
        f"/staff/callbacks/{theirs}/done",
        f"/staff/callbacks/closures/{their_closure}/delete",
        "/staff/callbacks/abc/reveal",
    ):
        resp = await client.post(path, data={"csrf_token": token}, allow_redirects=False)
        assert resp.status == 404, path
    no_csrf = await client.post(f"/staff/callbacks/{mine}/reveal", data={}, allow_redirects=False)
    assert no_csrf.status == 403 and "812345678" not in await no_csrf.text()
    assert audit_actions(engine, theirs) == [] and audit_actions(engine, mine) == []

    shown = await client.post(f"/staff/callbacks/{mine}/reveal", data={"csrf_token": token})
    assert shown.status == 200 and shown.headers["Cache-Control"] == "no-store"
    assert "+66812345678" in await shown.text()
    assert audit_actions(engine, mine) == ["callback.reveal"]
    past = await client.post(
        "/staff/callbacks/closures",
        data={
            "csrf_token": token,
            "agency": "dopa",
            "starts_on": "2020-01-01",
            "ends_on": "2020-01-02",
            "reason": "x",
        },
    )
    assert past.status == 422 and "วันเริ่มปิดต้องไม่เป็นวันที่ผ่านมาแล้ว" in await past.text()

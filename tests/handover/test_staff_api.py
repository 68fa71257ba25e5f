"""The staff JSON API under /staff/api/ on the real console app, on SQLite and PostgreSQL: bearer tokens
and sessions (with CSRF), agency isolation (another agency's token sees nothing: 404), the claim race
over HTTP (one 200, one 409), replies pending for delivery with the gateway's wake-up set, clear errors
for bad input, the live stream, and the CLI that creates agents and issues tokens."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from channels.keys import HANDOVER_WAKE
from db.engine import make_engine, make_sessionmaker
from handover.models import ACTIVE, WAITING, AgentPresence
from knowledge.seedfile import SEED_DIR, load_file
from knowledge.store import KnowledgeStore
from staff import api_tokens
from staff.cli import issue_token, revoke_tokens
from staff.models import StaffApiToken, StaffUser, utcnow
from staff.roles import Role
from staff.web import create_app
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import (
    PASSWORD,
    add_staff,
    clear,
    events,
    handover,
    is_staff_side,
    messages,
    new_handover,
    user_id,
)
from tests.staff.staff_helpers import csrf_from, staff_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp(f"api-{request.param}")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    clear(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def wake() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
async def client(aiohttp_client, db_url: str, engine: Engine, wake: asyncio.Event) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    root[HANDOVER_WAKE] = wake  # as the gateway holds it (channels/app.py)
    root.add_subapp("/staff/", create_app(staff_settings(db_url), engine=engine))
    return await aiohttp_client(root)


def token_for(db_url: str, username: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_token(db_url, username, "test")}


async def test_no_valid_token_or_session_is_401_json(client: TestClient, engine: Engine, db_url: str) -> None:
    add_staff(engine, "somchai", "dopa")
    hid = new_handover(engine, "dopa")
    for headers in ({}, {"Authorization": "Bearer stf_wrong"}, {"Authorization": "Basic abc"}):
        for method, path in (
            ("GET", "/staff/api/handovers"),
            ("POST", f"/staff/api/handovers/{hid}/claim"),
            ("GET", "/staff/api/handovers/stream"),
        ):
            resp = await client.request(method, path, headers=headers)
            assert resp.status == 401, (method, path, headers)
            assert resp.content_type == "application/problem+json"
            assert (await resp.json())["code"] == "unauthenticated"
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert handover(engine, hid).status == WAITING
    spec = await client.get("/staff/api/openapi.json")  # the contract itself needs no token
    assert spec.status == 200 and (await spec.json())["openapi"].startswith("3.")


async def test_a_token_of_another_agency_sees_nothing_of_this_one(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "malee", "sso")
    add_staff(engine, "boss", None, Role.ADMIN)
    ours = new_handover(engine, "dopa")
    theirs = new_handover(engine, "sso")
    dopa, sso, admin = token_for(db_url, "somchai"), token_for(db_url, "malee"), token_for(db_url, "boss")

    listing = await (await client.get("/staff/api/handovers?status=waiting", headers=dopa)).json()
    assert [h["id"] for h in listing["handovers"]] == [ours]
    assert listing["handovers"][0]["agency"] == "dopa" and listing["handovers"][0]["channel"] == "line"
    everything = await (await client.get("/staff/api/handovers", headers=admin)).json()
    assert {h["id"] for h in everything["handovers"]} == {ours, theirs}
    for method, suffix, body in (
        ("GET", "", None),
        ("GET", "/transcript", None),
        ("GET", "/canned-answers", None),
        ("POST", "/claim", None),
        ("POST", "/messages", {"text": "สวัสดีค่ะ"}),
        ("POST", "/note", {"text": "โน้ต"}),
        ("POST", "/transfer", {"agency": "dlt"}),
        ("POST", "/close", {"resolution": "answered"}),
    ):
        resp = await client.request(method, f"/staff/api/handovers/{ours}{suffix}", headers=sso, json=body)
        assert resp.status == 404, (method, suffix)
        assert (await resp.json())["code"] == "not_found"
    assert handover(engine, ours).status == WAITING and messages(engine, ours)[-1].author == "citizen"


async def test_two_agents_claiming_at_once_one_gets_409(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "somsri", "dopa")
    first, second = token_for(db_url, "somchai"), token_for(db_url, "somsri")
    for _ in range(3):
        hid = new_handover(engine, "dopa")
        a, b = await asyncio.gather(
            client.post(f"/staff/api/handovers/{hid}/claim", headers=first),
            client.post(f"/staff/api/handovers/{hid}/claim", headers=second),
        )
        assert sorted([a.status, b.status]) == [200, 409]
        loser = a if a.status == 409 else b
        assert (await loser.json())["code"] == "taken"
        winner = await (a if a.status == 200 else b).json()
        assert winner["status"] == ACTIVE and winner["mine"] is True
        assert events(engine, hid) == ["claimed"]


async def test_reply_is_pending_for_delivery_and_wakes_the_gateway(
    client: TestClient, engine: Engine, db_url: str, wake: asyncio.Event
) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "somsri", "dopa")
    mine, colleague = token_for(db_url, "somchai"), token_for(db_url, "somsri")
    hid = new_handover(engine, "dopa")
    early = await client.post(f"/staff/api/handovers/{hid}/messages", headers=mine, json={"text": "สวัสดีค่ะ"})
    assert early.status == 409 and (await early.json())["code"] == "not_claimed"
    assert (await client.post(f"/staff/api/handovers/{hid}/claim", headers=mine)).status == 200
    assert wake.is_set()  # the citizen is told at once that a person took the conversation
    wake.clear()
    sent = await client.post(
        f"/staff/api/handovers/{hid}/messages", headers=mine, json={"text": "สวัสดีค่ะ มีอะไรให้ช่วยคะ"}
    )
    assert sent.status == 201
    line = await sent.json()
    assert line["author"] == "staff" and line["delivery_state"] == "pending" and line["staff"] == "somchai"
    assert wake.is_set()
    stored = messages(engine, hid)[-1]
    assert stored.delivery_state == "pending" and stored.idempotency_key and stored.next_attempt_at

    other = await client.post(
        f"/staff/api/handovers/{hid}/messages", headers=colleague, json={"text": "แทรก"}
    )
    assert other.status == 403 and (await other.json())["code"] == "not_owner"
    note = await client.post(f"/staff/api/handovers/{hid}/note", headers=colleague, json={"text": "ดูให้หน่อย"})
    assert note.status == 201 and (await note.json())["delivery_state"] is None

    wake.clear()
    closed = await client.post(
        f"/staff/api/handovers/{hid}/close", headers=mine, json={"resolution": "answered"}
    )
    assert closed.status == 200 and (await closed.json())["status"] == "closed"
    assert wake.is_set()
    late = await client.post(f"/staff/api/handovers/{hid}/messages", headers=mine, json={"text": "อีกนิดค่ะ"})
    assert late.status == 409
    body = await late.json()
    assert body["code"] == "closed" and "ปิดแล้ว" in body["detail"]

    transcript = await (await client.get(f"/staff/api/handovers/{hid}/transcript", headers=mine)).json()
    lines = transcript["lines"]
    assert [x["author"] for x in lines if is_staff_side(x["author"], x["text"])] == [
        "citizen",
        "staff",
        "note",
        "system",
    ]
    assert transcript["handover"]["service_id"] == "id_card_new"
    assert transcript["lines"][-1]["delivery_state"] == "pending"
    assert events(engine, hid) == ["claimed", "first_staff_reply", "note", "closed"]


async def test_bad_input_gets_clear_json_errors(client: TestClient, engine: Engine, db_url: str) -> None:
    add_staff(engine, "somchai", "dopa")
    auth = token_for(db_url, "somchai")
    hid = new_handover(engine, "dopa")
    await client.post(f"/staff/api/handovers/{hid}/claim", headers=auth)
    url = f"/staff/api/handovers/{hid}/messages"
    json_auth = {**auth, "Content-Type": "application/json"}
    cases = [
        (client.post(url, headers=json_auth, data=b"{not json"), 400, "malformed_json"),
        (client.post(url, headers=json_auth, data=b"[1, 2]"), 400, "malformed_json"),
        (client.post(url, headers=json_auth, data=b"\xff\xfe"), 400, "malformed_json"),
        (client.post(url, headers=auth, json={}), 400, "missing_field"),
        (client.post(url, headers=auth, json={"text": 5}), 400, "bad_field"),
        (client.post(url, headers=auth, json={"text": "   "}), 422, "empty_text"),
        (client.post(url, headers=auth, json={"text": "ก" * 2001}), 422, "text_too_long"),
        (client.post(url, headers=auth, data="text=hi"), 415, "unsupported_media_type"),
        (client.post(url, headers=json_auth, data=b"[" * 100 + b"]" * 100), 400, "malformed_json"),
        (client.post(url, headers=json_auth, data=b'{"text": "' + b"a" * 70_000 + b'"}'), 413, "too_large"),
        (
            client.post("/staff/api/handovers/999999/messages", headers=auth, json={"text": "hi"}),
            404,
            "not_found",
        ),
        (client.post("/staff/api/handovers/abc/claim", headers=auth), 404, "not_found"),
        (client.get("/staff/api/handovers?status=open", headers=auth), 400, "bad_status"),
        (client.get("/staff/api/handovers?owner=you", headers=auth), 400, "bad_owner"),
        (client.get("/staff/api/handovers?owner=", headers=auth), 400, "bad_owner"),  # schemathesis found it
        (client.get("/staff/api/handovers?limit=0", headers=auth), 400, "bad_limit"),
        (
            client.post(f"/staff/api/handovers/{hid}/transfer", headers=auth, json={"agency": "nowhere"}),
            422,
            "unknown_agency",
        ),
        (
            client.post(f"/staff/api/handovers/{hid}/close", headers=auth, json={"resolution": "done"}),
            422,
            "unknown_resolution",
        ),
        (client.put("/staff/api/presence", headers=auth, json={"status": "busy"}), 422, "bad_presence"),
    ]
    for request, status, code in cases:
        resp = await request
        body = await resp.json()
        assert (resp.status, body["code"]) == (status, code), body
        assert resp.content_type == "application/problem+json" and body["detail"]
    ok = await client.post(url, headers=auth, json={"text": "ก" * 2000})
    assert ok.status == 201 and len((await ok.json())["text"]) == 2000


async def test_session_cookie_needs_the_csrf_header_for_changes(client: TestClient, engine: Engine) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "writer", None, Role.EDITOR)
    hid = new_handover(engine, "dopa")
    page = await client.get("/staff/login")
    await client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(await page.text()),
            "username": "somchai",
            "password": PASSWORD,
            "next": "",
        },
    )
    listing = await client.get("/staff/api/handovers")
    assert listing.status == 200 and len((await listing.json())["handovers"]) == 1
    refused = await client.post(f"/staff/api/handovers/{hid}/claim")
    assert refused.status == 403 and (await refused.json())["code"] == "csrf"
    wrong = await client.post(f"/staff/api/handovers/{hid}/claim", headers={"X-CSRF-Token": "nope"})
    assert wrong.status == 403
    inbox_page = await client.get("/staff/inbox")
    token = csrf_from(await inbox_page.text())
    claimed = await client.post(f"/staff/api/handovers/{hid}/claim", headers={"X-CSRF-Token": token})
    assert claimed.status == 200
    presence = await client.put(
        "/staff/api/presence", json={"status": "available"}, headers={"X-CSRF-Token": token}
    )
    assert presence.status == 200 and (await (await client.get("/staff/api/presence")).json()) == {
        "status": "available"
    }

    await client.post("/staff/logout", data={"csrf_token": token})
    with Session(engine) as session:
        presence_row = session.get(AgentPresence, user_id(engine, "somchai"))
        assert presence_row is not None and presence_row.status == "away"  # signed out: not counted
    client.session.cookie_jar.clear()
    page = await client.get("/staff/login")
    await client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(await page.text()),
            "username": "writer",
            "password": PASSWORD,
            "next": "",
        },
    )
    editor = await client.get("/staff/api/handovers")
    assert editor.status == 403 and (await editor.json())["code"] == "role"


async def test_transfer_and_canned_answers(client: TestClient, engine: Engine, db_url: str) -> None:
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "malee", "sso")
    dopa, sso = token_for(db_url, "somchai"), token_for(db_url, "malee")
    record = load_file(SEED_DIR / "birth_registration.yml")
    store = KnowledgeStore(make_sessionmaker(engine))
    store.import_records([record], author="test", publish=True, note="test")
    hid = new_handover(engine, "dopa", service_id=record.id)

    canned = await (await client.get(f"/staff/api/handovers/{hid}/canned-answers", headers=dopa)).json()
    assert (
        canned["service_id"] == record.id and canned["service_title"] == record.title_th and canned["answers"]
    )
    assert any(record.documents[0] in a for a in canned["answers"])
    none = new_handover(engine, "dopa", service_id=None)
    assert (await (await client.get(f"/staff/api/handovers/{none}/canned-answers", headers=dopa)).json())[
        "answers"
    ] == []

    moved = await client.post(f"/staff/api/handovers/{hid}/transfer", headers=dopa, json={"agency": "sso"})
    assert moved.status == 200 and (await moved.json())["agency"] == "sso"
    assert (await client.get(f"/staff/api/handovers/{hid}", headers=dopa)).status == 404
    assert (await client.post(f"/staff/api/handovers/{hid}/claim", headers=sso)).status == 200


async def test_the_stream_sends_the_lists_when_a_handover_appears(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    add_staff(engine, "somchai", "dopa")
    auth = token_for(db_url, "somchai")
    resp = await client.get("/staff/api/handovers/stream", headers=auth)
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/event-stream")

    async def next_event() -> dict[str, list[dict[str, object]]]:
        data = ""
        while True:
            line = (await asyncio.wait_for(resp.content.readline(), 10)).decode()
            if line.startswith("data: "):
                data = line[6:]
            elif line == "\n" and data:
                return json.loads(data)

    first = await next_event()
    assert first == {"waiting": [], "mine": [], "others": [], "closed": []}
    hid = new_handover(engine, "dopa")
    new_handover(engine, "sso")  # not visible: no event of its own
    second = await next_event()
    assert [h["id"] for h in second["waiting"]] == [hid]
    await client.post(f"/staff/api/handovers/{hid}/claim", headers=auth)
    third = await next_event()
    assert third["waiting"] == [] and [h["id"] for h in third["mine"]] == [hid]
    resp.close()


def test_cli_creates_an_agent_and_issues_a_token_stored_hashed(db_url: str, engine: Engine) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "STAFF_USER_PASSWORD": PASSWORD}
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "staff",
            "create-user",
            "--username",
            "agent7",
            "--role",
            "agent",
            "--agency",
            "dopa",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    issued = subprocess.run(
        [sys.executable, "-m", "staff", "issue-token", "--username", "agent7", "--label", "call centre"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert token.startswith("stf_") and len(token) > 40
    with Session(engine) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "agent7"))
        assert user is not None and (user.role, user.agency_id) == ("agent", "dopa")
        row = session.scalar(select(StaffApiToken).where(StaffApiToken.user_id == user.id))
        assert row is not None and row.label == "call centre"
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert revoke_tokens(db_url, "agent7") == 1
    with Session(engine) as session:
        assert api_tokens.user_for(session, token, now=utcnow()) is None
    unknown = subprocess.run(
        [sys.executable, "-m", "staff", "issue-token", "--username", "nobody"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 2 and "nobody" in unknown.stderr


async def test_a_citizen_photo_is_served_to_the_agency_only(
    aiohttp_client, db_url: str, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from cases.photos import PhotoStore
    from handover.models import CITIZEN, HandoverMessage

    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "malee", "sso")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    _digest, ref = PhotoStore(tmp_path / "photos").save(png, "image/png")
    hid = new_handover(engine, "dopa")
    with make_sessionmaker(engine).begin() as session:
        line = HandoverMessage(handover_id=hid, author=CITIZEN, kind="image", media_ref="photo:" + ref)
        text_line = HandoverMessage(handover_id=hid, author=CITIZEN, kind="text", text="ดูรูปนี้ค่ะ")
        session.add_all([line, text_line])
        session.flush()
        photo_line, plain_line = line.id, text_line.id
    root = web.Application()
    root.add_subapp(
        "/staff/", create_app(staff_settings(db_url, case_photo_dir=tmp_path / "photos"), engine=engine)
    )
    client = await aiohttp_client(root)
    dopa, sso = token_for(db_url, "somchai"), token_for(db_url, "malee")

    shown = await client.get(f"/staff/api/handovers/{hid}/lines/{photo_line}/photo", headers=dopa)
    assert shown.status == 200 and shown.content_type == "image/png" and await shown.read() == png
    for headers, line_id in ((sso, photo_line), (dopa, plain_line), (dopa, 999999)):
        refused = await client.get(f"/staff/api/handovers/{hid}/lines/{line_id}/photo", headers=headers)
        assert refused.status == 404 and (await refused.json())["code"] == "not_found"
    PhotoStore(tmp_path / "photos").delete(ref)  # purged by retention: gone, not an error page
    assert (
        await client.get(f"/staff/api/handovers/{hid}/lines/{photo_line}/photo", headers=dopa)
    ).status == 404


async def test_the_citizens_open_cases_are_listed_without_contact_data(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    import datetime as dt
    import uuid

    from cases.models import Agency, Case, CaseContact

    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "malee", "sso")
    hid = new_handover(engine, "dopa")  # recipient_hash "h" * 64 on LINE
    tag = uuid.uuid4().hex[:6].upper()
    now = dt.datetime.now(dt.UTC)
    with make_sessionmaker(engine).begin() as session:
        if session.get(Agency, "bma") is None:
            session.add(Agency(id="bma", name="กรุงเทพมหานคร"))
        for ref, status, channel, sender in (
            (f"T{tag}-OPEN", "in_progress", "line", "h" * 64),
            (f"T{tag}-DONE", "resolved", "line", "h" * 64),
            (f"T{tag}-SMS", "received", "sms", "h" * 64),  # another channel's account
            (f"T{tag}-ELSE", "received", "line", "x" * 64),  # someone else
        ):
            case = Case(
                reference=ref, kind="complaint", service_id="street_light", agency_id="bma", status=status
            )
            case.updated_at = now
            session.add(case)
            session.flush()
            session.add(CaseContact(case_id=case.id, channel=channel, sender_hash=sender, phone_last4="4321"))

    found = await client.get(f"/staff/api/handovers/{hid}/cases", headers=token_for(db_url, "somchai"))
    assert found.status == 200
    body = await found.json()
    assert [c["reference"] for c in body["cases"]] == [f"T{tag}-OPEN"]
    assert set(body["cases"][0]) == {"reference", "kind", "service_id", "agency", "status", "updated_at"}
    assert "4321" not in json.dumps(body)
    other = await client.get(f"/staff/api/handovers/{hid}/cases", headers=token_for(db_url, "malee"))
    assert other.status == 404


async def test_through_the_real_gateway_a_reply_wakes_its_delivery_worker(
    aiohttp_client, db_url: str, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from appconfig import AppSettings
    from channels.app import create_app as create_gateway
    from channels.settings import Settings
    from tests.staff.staff_helpers import SECRET

    environ = {"DATABASE_URL": db_url, "STAFF_SESSION_SECRET": SECRET, "STAFF_COOKIE_SECURE": "false"}
    config = dataclasses.replace(
        AppSettings.from_environ(environ), gateway=Settings(redis_url="", state_dir=str(tmp_path))
    )
    gateway = create_gateway(
        config,
        channel_factories={},
        subapps={"/staff/": "staff.web:gateway_subapp"},
        run_worker=False,
        engine=engine,
    )
    client = await aiohttp_client(gateway)
    add_staff(engine, "somchai", "dopa")
    auth = token_for(db_url, "somchai")
    hid = new_handover(engine, "dopa")
    assert (await client.post(f"/staff/api/handovers/{hid}/claim", headers=auth)).status == 200
    gateway[HANDOVER_WAKE].clear()
    sent = await client.post(f"/staff/api/handovers/{hid}/messages", headers=auth, json={"text": "สวัสดีค่ะ"})
    assert sent.status == 201
    assert gateway[HANDOVER_WAKE].is_set()  # the gateway's own event, found through the sub-app


async def test_the_stream_ends_when_its_token_is_revoked_or_the_agent_moves(
    client: TestClient, engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from staff.views import handover_api

    monkeypatch.setattr(handover_api, "REAUTH_S", 0.0)  # re-check at every poll
    add_staff(engine, "somchai", "dopa")
    add_staff(engine, "somsri", "dopa")
    kept = await client.get("/staff/api/handovers/stream", headers=token_for(db_url, "somchai"))
    moved = await client.get("/staff/api/handovers/stream", headers=token_for(db_url, "somsri"))

    async def events_until_end(resp) -> list[str]:  # type: ignore[no-untyped-def]
        seen = []
        while True:
            line = (await asyncio.wait_for(resp.content.readline(), 10)).decode()
            if not line:
                return seen
            if line.startswith("event: "):
                seen.append(line[7:].strip())

    assert revoke_tokens(db_url, "somchai") == 1
    with make_sessionmaker(engine).begin() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "somsri"))
        assert user is not None
        user.agency_id = "sso"
    assert (await events_until_end(kept))[-1] == "signed_out"
    assert (await events_until_end(moved))[-1] == "signed_out"


async def test_wrong_tokens_from_one_address_are_slowed_down(
    client: TestClient, engine: Engine, db_url: str
) -> None:
    from staff.views.handover_api import FAILED_TOKENS_PER_MINUTE

    add_staff(engine, "somchai", "dopa")
    good = token_for(db_url, "somchai")
    # Good tokens never count, not even many at once from one address (a contact-centre tool behind
    # one NAT): more parallel calls than the failure budget all go through.
    parallel = await asyncio.gather(
        *(client.get("/staff/api/handovers", headers=good) for _ in range(FAILED_TOKENS_PER_MINUTE + 10))
    )
    assert [r.status for r in parallel] == [200] * (FAILED_TOKENS_PER_MINUTE + 10)
    statuses = [
        (await client.get("/staff/api/handovers", headers={"Authorization": f"Bearer stf_guess{i}"})).status
        for i in range(FAILED_TOKENS_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [401] * FAILED_TOKENS_PER_MINUTE
    refused = await client.get("/staff/api/handovers", headers={"Authorization": "Bearer stf_more"})
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert (await refused.json())["code"] == "too_many_failures"

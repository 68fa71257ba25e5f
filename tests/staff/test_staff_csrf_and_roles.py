"""CSRF on every state-changing form, and what each role may do."""

from __future__ import annotations

import pytest

from db.engine import make_sessionmaker
from knowledge.store import KnowledgeStore
from staff.roles import Role
from tests.staff.staff_helpers import add_user, page_token, post, service_form, sign_in


@pytest.fixture
def db_url(both_db_url: str) -> str:  # a key flow: SQLite and the real PostgreSQL
    return both_db_url


def store_of(engine) -> KnowledgeStore:
    return KnowledgeStore(make_sessionmaker(engine))


async def seed_service(client, engine, service_id: str = "vehicle_tax_x") -> None:
    add_user(engine, "seeder", Role.ADMIN)
    await sign_in(client, "seeder")
    response = await post(
        client, "/staff/services/new", service_form(service_id), token_page="/staff/services/new"
    )
    assert response.status == 303
    client.session.cookie_jar.clear()


STATE_CHANGING = [
    ("/staff/services/new", service_form("new_one")),
    (
        "/staff/services/vehicle_tax_x/edit",
        {**service_form("vehicle_tax_x", title_th="แก้"), "expected_version": "1"},
    ),
    ("/staff/services/vehicle_tax_x/publish", {"version": "1"}),
    ("/staff/services/vehicle_tax_x/unpublish", {}),
    ("/staff/users", {"username": "intruder", "password": "long-enough-password", "role": "admin"}),
    ("/staff/logout", {}),
]


@pytest.mark.parametrize(("path", "form"), STATE_CHANGING, ids=[p for p, _ in STATE_CHANGING])
async def test_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    client, engine, browser, path, form
):
    await seed_service(client, engine)
    add_user(engine, "boss", Role.ADMIN)
    await sign_in(client, "boss")
    other = await browser()
    await sign_in(other, "seeder")
    foreign = await page_token(other, "/staff/services")  # valid, but for another session
    before = store_of(engine).history("vehicle_tax_x")
    for token in (None, "", "wrong", foreign, "ไทย\u200b", "x" * 5000):
        data = dict(form) if token is None else {**form, "csrf_token": token}
        response = await client.post(path, data=data, allow_redirects=False)
        assert response.status == 403, (path, token)
        assert "CSRF" in await response.text()
    assert store_of(engine).history("vehicle_tax_x") == before
    assert store_of(engine).get_published("vehicle_tax_x") is None
    assert store_of(engine).get("new_one") is None
    assert (await client.get("/staff/users")).status == 200  # still signed in: logout was refused too
    assert "intruder" not in await (await client.get("/staff/users")).text()


async def test_post_from_a_signed_out_browser_is_refused(client, engine):
    await seed_service(client, engine)
    response = await client.post(
        "/staff/services/vehicle_tax_x/publish", data={"csrf_token": "x"}, allow_redirects=False
    )
    assert response.status == 403
    assert store_of(engine).get_published("vehicle_tax_x") is None


async def test_editor_drafts_but_cannot_publish_or_manage_users(client, engine):
    await seed_service(client, engine)
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    saved = await post(
        client,
        "/staff/services/vehicle_tax_x/edit",
        {**service_form("vehicle_tax_x", title_th="ภาษีรถ"), "expected_version": "1"},
    )
    assert saved.status == 303
    publish = await post(client, "/staff/services/vehicle_tax_x/publish", {"version": "2"})
    assert publish.status == 403
    assert "ไม่มีสิทธิ์" in await publish.text()
    assert store_of(engine).get_published("vehicle_tax_x") is None
    assert (await client.get("/staff/users")).status == 403
    assert (await client.get("/staff/audit")).status == 403
    nav = await (await client.get("/staff/services")).text()
    assert "ผู้ใช้งาน" not in nav and "บันทึกการใช้งาน" not in nav


async def test_reviewer_publishes_but_cannot_manage_users(client, engine):
    await seed_service(client, engine)
    add_user(engine, "rev", Role.REVIEWER)
    await sign_in(client, "rev")
    assert (await post(client, "/staff/services/vehicle_tax_x/publish", {"version": "1"})).status == 303
    assert store_of(engine).get_published("vehicle_tax_x") is not None
    assert (await client.get("/staff/users")).status == 403
    created = await post(
        client, "/staff/users", {"username": "sneaky", "password": "long-enough-password", "role": "admin"}
    )
    assert created.status == 403
    changed = await post(client, "/staff/users/1/role", {"role": "editor"})
    assert changed.status == 403
    with engine.connect() as conn:
        from sqlalchemy import select

        from staff.models import StaffUser

        assert conn.scalar(select(StaffUser.id).where(StaffUser.username == "sneaky")) is None


async def test_admin_can_do_everything(client, engine):
    await seed_service(client, engine)
    add_user(engine, "root1", Role.ADMIN)
    await sign_in(client, "root1")
    assert (await post(client, "/staff/services/vehicle_tax_x/publish", {"version": "1"})).status == 303
    assert (await client.get("/staff/users")).status == 200
    assert (await client.get("/staff/audit")).status == 200
    nav = await (await client.get("/staff/services")).text()
    for title in ("บริการ", "นำเข้า / ส่งออก", "ผู้ใช้งาน", "บันทึกการใช้งาน"):
        assert title in nav


async def test_signed_out_visitor_is_sent_to_sign_in_from_every_page(client, engine):
    await seed_service(client, engine)
    for path in (
        "/staff/services",
        "/staff/services/new",
        "/staff/services/vehicle_tax_x",
        "/staff/services/vehicle_tax_x/edit",
        "/staff/services/vehicle_tax_x/preview",
        "/staff/services/vehicle_tax_x/history",
        "/staff/services/vehicle_tax_x/diff?a=1&b=1",
        "/staff/users",
        "/staff/audit",
        "/staff/transfer",
        "/staff/transfer/export.zip",
    ):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302, path
        assert response.headers["Location"].startswith("/staff/login?next="), path

"""User management by admins: create, roles, disable, reset password, unlock, keep one admin."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from staff.models import AuditEntry, StaffSession, StaffUser, utcnow
from staff.roles import Role
from tests.staff.staff_helpers import PASSWORD, add_user, post, set_user, sign_in


def user_id(engine, username: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(StaffUser.id).where(StaffUser.username == username))


async def test_admin_creates_an_editor_who_can_then_sign_in(client, engine, browser):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    response = await post(
        client,
        "/staff/users",
        {"username": "Napat.K", "display_name": "ณภัทร ก.", "role": "editor", "password": "รหัสผ่านยาวพอแล้ว123"},
    )
    assert response.status == 303
    listing = await (await client.get("/staff/users")).text()
    assert "napat.k" in listing and "ณภัทร ก." in listing  # usernames are case-insensitive
    newcomer = await browser()
    assert (await sign_in(newcomer, "NAPAT.K", "รหัสผ่านยาวพอแล้ว123")).status == 303
    with engine.connect() as conn:
        entry = conn.execute(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
    assert entry.actor_username == "admin1" and entry.target_id == "napat.k" and entry.detail == "editor"


async def test_weak_password_duplicate_name_and_bad_role_are_refused_with_reasons(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    short = await post(client, "/staff/users", {"username": "newbie", "password": "short", "role": "editor"})
    assert short.status == 422 and "อย่างน้อย 12" in await short.text()
    taken = await post(
        client, "/staff/users", {"username": "ADMIN1", "password": "long-enough-pass", "role": "editor"}
    )
    assert taken.status == 422 and "มีชื่อผู้ใช้นี้อยู่แล้ว" in await taken.text()
    role = await post(
        client, "/staff/users", {"username": "newbie", "password": "long-enough-pass", "role": "god"}
    )
    assert role.status == 422
    name = await post(
        client, "/staff/users", {"username": "สมชาย", "password": "long-enough-pass", "role": "editor"}
    )
    assert name.status == 422 and "ชื่อผู้ใช้ต้องยาว" in await name.text()
    with engine.connect() as conn:
        assert conn.scalar(select(StaffUser.id).where(StaffUser.username == "newbie")) is None


async def test_changing_a_role_signs_the_user_out_and_applies_at_next_sign_in(client, engine, browser):
    add_user(engine, "admin1", Role.ADMIN)
    add_user(engine, "ed1", Role.EDITOR)
    editor = await browser()
    await sign_in(editor, "ed1")
    await sign_in(client, "admin1")
    response = await post(client, f"/staff/users/{user_id(engine, 'ed1')}/role", {"role": "reviewer"})
    assert response.status == 303
    assert (await editor.get("/staff/services", allow_redirects=False)).status == 302  # signed out
    await sign_in(editor, "ed1")
    page = await (await editor.get("/staff/services")).text()
    assert "ผู้ตรวจทาน" in page


async def test_disabling_an_account_ends_its_sessions(client, engine, browser):
    add_user(engine, "admin1", Role.ADMIN)
    add_user(engine, "ed1", Role.EDITOR)
    editor = await browser()
    await sign_in(editor, "ed1")
    await sign_in(client, "admin1")
    await post(client, f"/staff/users/{user_id(engine, 'ed1')}/active", {"active": "0"})
    assert (await editor.get("/staff/services", allow_redirects=False)).status == 302
    assert (await sign_in(editor, "ed1")).status == 403
    await post(client, f"/staff/users/{user_id(engine, 'ed1')}/active", {"active": "1"})
    assert (await sign_in(editor, "ed1")).status == 303


async def test_admin_cannot_disable_themselves_or_remove_the_last_admin(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    me = user_id(engine, "admin1")
    disable = await post(client, f"/staff/users/{me}/active", {"active": "0"})
    assert disable.status == 422 and "ปิดบัญชีของตัวเองไม่ได้" in await disable.text()
    demote = await post(client, f"/staff/users/{me}/role", {"role": "editor"})
    assert demote.status == 422 and "อย่างน้อยหนึ่งคน" in await demote.text()
    with engine.connect() as conn:
        assert conn.scalar(select(StaffUser.role).where(StaffUser.id == me)) == "admin"


async def test_password_reset_and_unlock(client, engine, browser):
    add_user(engine, "admin1", Role.ADMIN)
    add_user(engine, "ed1", Role.EDITOR)
    editor = await browser()
    for _ in range(5):
        await sign_in(editor, "ed1", "wrong-password-xyz")
    assert (await sign_in(editor, "ed1")).status == 429
    await sign_in(client, "admin1")
    detail = await (await client.get(f"/staff/users/{user_id(engine, 'ed1')}")).text()
    assert "ถูกล็อกถึง" in detail and "ปลดล็อก" in detail
    assert (await post(client, f"/staff/users/{user_id(engine, 'ed1')}/unlock", {})).status == 303
    assert (await sign_in(editor, "ed1")).status == 303
    reset = await post(
        client, f"/staff/users/{user_id(engine, 'ed1')}/password", {"password": "ใหม่-new-password-99"}
    )
    assert reset.status == 303
    assert (await editor.get("/staff/services", allow_redirects=False)).status == 302  # sessions ended
    assert (await sign_in(editor, "ed1", PASSWORD)).status == 200  # old password no longer works
    assert (await sign_in(editor, "ed1", "ใหม่-new-password-99")).status == 303
    with engine.connect() as conn:
        actions = list(conn.scalars(select(AuditEntry.action).where(AuditEntry.target_id == "ed1")))
    assert {"auth.locked", "user.unlock", "user.password"} <= set(actions)


async def test_unknown_user_and_malformed_ids_are_404(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    for path in (
        "/staff/users/99999",
        "/staff/users/๑๒๓",
        "/staff/users/1e3",
        "/staff/users/99999999999999999999",
    ):
        assert (await client.get(path)).status == 404, path
    assert (await post(client, "/staff/users/99999/role", {"role": "editor"})).status == 404


async def test_the_user_list_shows_until_when_an_account_is_locked(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    add_user(engine, "ed1", Role.EDITOR)
    set_user(engine, "ed1", locked_until=utcnow() + timedelta(minutes=10))
    await sign_in(client, "admin1")
    listing = await (await client.get("/staff/users")).text()
    assert "ถูกล็อกถึง" in listing
    with engine.connect() as conn:
        assert conn.scalar(select(StaffSession.user_id)) == user_id(engine, "admin1")

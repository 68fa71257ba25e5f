"""Signing in and out: passwords, lockout, session cookie, expiry, fixation, sign-in CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from staff.models import AuditEntry, SignInThrottle, StaffSession, StaffUser, utcnow
from staff.roles import Role
from tests.staff.staff_helpers import PASSWORD, add_user, csrf_from, post, set_user, sign_in


@pytest.fixture
def db_url(both_db_url: str) -> str:  # a key flow: SQLite and the real PostgreSQL
    return both_db_url


def audit_actions(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def test_sign_in_lands_on_the_service_list_and_is_audited(client, engine):
    add_user(engine, "somchai", Role.EDITOR, display_name="สมชาย ใจดี")
    response = await sign_in(client, "somchai")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/"
    page = await client.get("/staff/services")
    html = await page.text()
    assert page.status == 200
    assert 'lang="th"' in html
    assert "สมชาย ใจดี" in html
    assert audit_actions(engine) == ["auth.sign_in"]


async def test_cookie_is_httponly_samesite_lax_and_scoped_to_the_console(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    response = await sign_in(client, "somchai")
    cookie = response.cookies["staff_session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/staff/"
    assert not cookie["secure"]  # this client runs with cookie_secure=False (plain http in tests)


async def test_secure_flag_is_set_when_configured(aiohttp_client, db_url, engine):
    from tests.staff.staff_helpers import gateway_like_app

    client = await aiohttp_client(gateway_like_app(db_url, engine, cookie_secure=True))
    add_user(engine, "somchai", Role.EDITOR)
    page = await client.get("/staff/login")
    nonce = page.cookies["staff_login_nonce"]
    assert nonce["secure"] is True and nonce["samesite"] == "Strict"
    # over plain http the jar would not send a Secure cookie back, so play the https browser by hand
    response = await client.post(
        "/staff/login",
        data={"csrf_token": csrf_from(await page.text()), "username": "somchai", "password": PASSWORD},
        headers={"Cookie": f"staff_login_nonce={nonce.value}"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.cookies["staff_session"]["secure"] is True


async def test_wrong_password_and_unknown_user_get_the_same_answer(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    wrong = await sign_in(client, "somchai", "not-the-password-123")
    unknown = await sign_in(client, "nobody", "not-the-password-123")
    for response in (wrong, unknown):
        assert response.status == 200
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in await response.text()
        assert "staff_session" not in response.cookies
    assert (await client.get("/staff/services", allow_redirects=False)).status == 302


async def test_five_wrong_passwords_block_the_name_for_a_minute_then_longer(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    for _ in range(4):
        response = await sign_in(client, "somchai", "wrong-password-xyz")
        assert response.status == 200
    locked = await sign_in(client, "somchai", "wrong-password-xyz")
    assert locked.status == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in await locked.text()
    assert 55 <= int(locked.headers["Retry-After"]) <= 60
    # the right password is refused while blocked (this browser never signed in before)
    still = await sign_in(client, "somchai", PASSWORD)
    assert still.status == 429
    assert "staff_session" not in still.cookies
    with engine.connect() as conn:
        until = conn.scalar(select(StaffUser.locked_until))  # the copy the users pages show
    assert timedelta(seconds=55) < until - utcnow() <= timedelta(minutes=1)
    actions = audit_actions(engine)
    assert actions.count("auth.locked") == 1
    assert actions.count("auth.refused.wrong") == 4
    assert actions.count("auth.refused.locked") == 1
    # the block runs out; five more wrong passwords block it for twice as long
    with engine.begin() as conn:
        conn.execute(update(SignInThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    for _ in range(5):
        again = await sign_in(client, "somchai", "wrong-password-xyz")
    assert again.status == 429
    assert 115 <= int(again.headers["Retry-After"]) <= 120


async def test_block_runs_out_and_the_right_password_then_works(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    for _ in range(5):
        await sign_in(client, "somchai", "wrong-password-xyz")
    with engine.begin() as conn:
        conn.execute(update(SignInThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    response = await sign_in(client, "somchai")
    assert response.status == 303
    with engine.connect() as conn:
        row = conn.execute(select(StaffUser.failed_attempts, StaffUser.locked_until)).one()
        keys = list(conn.scalars(select(SignInThrottle.key)))
    assert row.failed_attempts == 0 and row.locked_until is None
    assert all(key.startswith("client:") for key in keys)  # the account's run is gone


async def test_a_good_sign_in_resets_the_count_of_wrong_passwords(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    for _ in range(4):
        await sign_in(client, "somchai", "wrong-password-xyz")
    assert (await sign_in(client, "somchai")).status == 303
    client.session.cookie_jar.clear()  # a fresh browser
    for _ in range(4):
        assert (await sign_in(client, "somchai", "wrong-password-xyz")).status == 200  # not locked


async def test_disabled_account_cannot_sign_in(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    set_user(engine, "somchai", active=False)
    response = await sign_in(client, "somchai")
    assert response.status == 403
    assert "staff_session" not in response.cookies


async def test_session_expires_after_its_lifetime(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    await sign_in(client, "somchai")
    assert (await client.get("/staff/services")).status == 200
    with engine.begin() as conn:
        conn.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await client.get("/staff/services", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/staff/login?next=")
    assert response.cookies["staff_session"].value == ""  # the browser is told to forget it
    with engine.connect() as conn:
        assert conn.scalar(select(StaffSession.token_hash)) is None  # and the row is gone


async def test_session_ends_after_being_idle(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    await sign_in(client, "somchai")
    with engine.begin() as conn:
        conn.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert (await client.get("/staff/services", allow_redirects=False)).status == 302


async def test_next_parameter_returns_to_the_page_but_never_leaves_the_console(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    first = await client.get("/staff/services?status=draft", allow_redirects=False)
    assert first.headers["Location"] == "/staff/login?next=/staff/services?status%3Ddraft"
    response = await sign_in(client, "somchai", next_url="/staff/services?status=draft")
    assert response.headers["Location"] == "/staff/services?status=draft"
    await client.post(
        "/staff/logout", data={"csrf_token": csrf_from(await (await client.get("/staff/services")).text())}
    )
    for evil in ("https://evil.example/", "//evil.example/x", "/elsewhere", "/staff\\..\\x"):
        response = await sign_in(client, "somchai", next_url=evil)
        assert response.headers["Location"] == "/staff/", evil
        token = csrf_from(await (await client.get("/staff/services")).text())
        await client.post("/staff/logout", data={"csrf_token": token})


async def test_sign_out_ends_the_session_on_the_server(client, engine, browser):
    add_user(engine, "somchai", Role.EDITOR)
    await sign_in(client, "somchai")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/staff/"))["staff_session"].value
    response = await post(client, "/staff/logout", {})
    assert response.status == 303
    # a copy of the old cookie is worthless now
    thief = await browser()
    thief.cookie_jar.update_cookies({"staff_session": cookie}, client.make_url("/staff/"))
    assert (await thief.get("/staff/services", allow_redirects=False)).status == 302
    assert "auth.sign_out" in audit_actions(engine)


async def test_sign_in_replaces_an_existing_session(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    add_user(engine, "malee", Role.REVIEWER)
    page = await client.get("/staff/login")
    nonce, token = page.cookies["staff_login_nonce"].value, csrf_from(await page.text())
    await sign_in(client, "somchai")
    first = client.session.cookie_jar.filter_cookies(client.make_url("/staff/"))["staff_session"].value
    # the same browser signs in again as someone else (e.g. a shared office computer)
    client.session.cookie_jar.update_cookies({"staff_login_nonce": nonce}, client.make_url("/staff/"))
    response = await client.post(
        "/staff/login",
        data={"csrf_token": token, "username": "malee", "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.cookies["staff_session"].value != first
    with engine.connect() as conn:
        holders = list(conn.scalars(select(StaffSession.user_id)))
    assert len(holders) == 1  # somchai's session was ended, not left behind


async def test_sign_in_form_needs_its_csrf_token(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    await client.get("/staff/login")  # sets the nonce cookie
    missing = await client.post("/staff/login", data={"username": "somchai", "password": PASSWORD})
    wrong = await client.post(
        "/staff/login", data={"csrf_token": "0" * 64, "username": "somchai", "password": PASSWORD}
    )
    for response in (missing, wrong):
        assert response.status == 403
        assert "staff_session" not in response.cookies
    assert audit_actions(engine) == []  # the password was never even checked


async def test_database_stores_only_a_hash_of_the_session_token_and_an_argon2_password(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    response = await sign_in(client, "somchai")
    token = response.cookies["staff_session"].value
    with engine.connect() as conn:
        stored = conn.scalar(select(StaffSession.token_hash))
        password_hash = conn.scalar(select(StaffUser.password_hash))
    assert stored != token and len(stored) == 64
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash


async def test_oversized_password_is_refused_cheaply(client, engine):
    add_user(engine, "somchai", Role.EDITOR)
    response = await sign_in(client, "somchai", "x" * 100_000)
    assert response.status == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in await response.text()

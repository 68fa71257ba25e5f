"""The agency on a staff account (migration 0006): set by admins on the users pages and from the command
line, only ever to an agency that exists, audited; and the migration goes up and down without touching
sessions or the audit trail."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, select, text

from cases.database import make_cases_engine
from db.migrate import alembic_config, upgrade
from staff.models import AuditEntry, StaffUser
from staff.roles import Role
from tests.databases import PG_ADMIN, PG_URL
from tests.staff.case_seed import add_agency, clear_cases
from tests.staff.staff_helpers import add_user, post, sign_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_url(both_db_url: str) -> str:  # the admin pages on SQLite and the real PostgreSQL
    return both_db_url


@pytest.fixture
def agencies(db_url: str) -> Iterator[None]:
    eng = make_cases_engine(db_url)
    clear_cases(eng)
    add_agency(eng, "bma", "กรุงเทพมหานคร")
    add_agency(eng, "dla", "กรมการปกครอง")
    yield
    eng.dispose()


def agency_of(engine: Engine, username: str) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(StaffUser.agency_id).where(StaffUser.username == username))


def user_id(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(StaffUser.id).where(StaffUser.username == username)) or 0)


async def test_admin_creates_a_case_officer_with_an_agency_and_changes_it(client, engine, agencies):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    listing = await (await client.get("/staff/users")).text()
    assert "กรุงเทพมหานคร (bma)" in listing and "เจ้าหน้าที่ดูแลเรื่อง" in listing  # choices offered
    response = await post(
        client,
        "/staff/users",
        {"username": "officer1", "role": "case_officer", "agency_id": "bma", "password": "รหัสผ่านยาวพอแล้ว123"},
    )
    assert response.status == 303
    assert agency_of(engine, "officer1") == "bma"
    uid = user_id(engine, "officer1")
    detail = await (await client.get(f"/staff/users/{uid}")).text()
    assert "หน่วยงาน: bma" in detail

    path = f"/staff/users/{uid}/agency"
    moved = await post(client, path, {"agency_id": "dla"}, token_page=f"/staff/users/{uid}")
    assert moved.status == 303 and agency_of(engine, "officer1") == "dla"
    assert "เปลี่ยนหน่วยงานแล้ว" in await (await client.get(moved.headers["Location"])).text()

    unknown = await post(client, path, {"agency_id": "nope"}, token_page=f"/staff/users/{uid}")
    assert unknown.status == 422
    assert "ไม่พบหน่วยงานรหัส “nope”" in await unknown.text()
    assert agency_of(engine, "officer1") == "dla"  # unchanged

    cleared = await post(client, path, {"agency_id": ""}, token_page=f"/staff/users/{uid}")
    assert cleared.status == 303 and agency_of(engine, "officer1") is None
    assert "ไม่สังกัด" in await (await client.get(f"/staff/users/{uid}")).text()

    bad_create = await post(
        client,
        "/staff/users",
        {
            "username": "officer2",
            "role": "case_officer",
            "agency_id": "x" * 41,
            "password": "รหัสผ่านยาวพอแล้ว123",
        },
    )
    assert bad_create.status == 422 and "ไม่พบหน่วยงาน" in await bad_create.text()
    assert agency_of(engine, "officer2") is None and user_id(engine, "officer2") == 0  # not created
    with engine.connect() as conn:
        trail = conn.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.target_id == "officer1")
        ).all()
    assert [tuple(t) for t in trail] == [
        ("user.create", "case_officer agency=bma"),
        ("user.agency", "dla"),
        ("user.agency", "(none)"),
    ]


def run_staff(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "staff", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_command_line_sets_the_agency_when_creating_and_changes_it(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    eng = make_cases_engine(url)
    add_agency(eng, "bma", "กรุงเทพมหานคร")
    add_agency(eng, "dla", "กรมการปกครอง")
    eng.dispose()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("STAFF_", "DATABASE_URL"))}
    env = {**base, "DATABASE_URL": url, "STAFF_USER_PASSWORD": "รหัสผ่าน-เจ้าหน้าที่-2026"}

    made = run_staff(
        "create-user", "--username", "Officer1", "--role", "case_officer", "--agency", "bma", env=env
    )
    assert made.returncode == 0, made.stderr
    assert "case_officer account 'officer1' created for agency 'bma'" in made.stdout
    assert "รหัสผ่าน" not in made.stdout + made.stderr
    admin = run_staff(
        "create-admin", "--username", "boss", "--agency", "dla", env={**env, "STAFF_ADMIN_PASSWORD": "x" * 16}
    )
    assert admin.returncode == 0, admin.stderr
    unknown = run_staff("create-user", "--username", "o2", "--role", "editor", "--agency", "nope", env=env)
    assert unknown.returncode == 2 and "ไม่พบหน่วยงานรหัส “nope”" in unknown.stderr
    bad_role = run_staff("create-user", "--username", "o3", "--role", "root", env=env)
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr

    moved = run_staff("set-agency", "--username", "OFFICER1", "--agency", "dla", env=env)
    assert moved.returncode == 0 and "agency of 'officer1': dla" in moved.stdout
    cleared = run_staff("set-agency", "--username", "boss", "--none", env=env)
    assert cleared.returncode == 0 and "(none)" in cleared.stdout
    assert run_staff("set-agency", "--username", "ghost", "--agency", "bma", env=env).returncode == 2
    assert run_staff("set-agency", "--username", "boss", "--agency", "zzz", env=env).returncode == 2
    neither = run_staff("set-agency", "--username", "boss", env=env)
    assert neither.returncode == 2 and "one of the arguments --agency --none is required" in neither.stderr

    engine = create_engine(url)
    with engine.connect() as conn:
        users = {u: a for u, a in conn.execute(select(StaffUser.username, StaffUser.agency_id))}
        trail = conn.execute(select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)).all()
    engine.dispose()
    assert users == {"officer1": "dla", "boss": None}
    assert [tuple(t) for t in trail] == [
        ("user.create", "case_officer agency=bma"),
        ("user.create", "admin agency=dla"),
        ("user.agency", "dla"),
        ("user.agency", "(none)"),
    ]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_0006_goes_down_and_up_keeping_sessions_and_audit(backend: str, tmp_path: Path) -> None:
    name = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        name = f"staff_mig_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_URL + name
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "head")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO staff_users (id, username, display_name, password_hash, role, active, "
                    "failed_attempts, created_at, agency_id) "
                    "VALUES (1, 'a', 'a', 'x', 'admin', true, 0, CURRENT_TIMESTAMP, 'bma')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO staff_sessions VALUES ('t', 1, 'c', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor_id, actor_username, action, target_type, target_id, "
                    "detail, ip_hash) VALUES (CURRENT_TIMESTAMP, 1, 'a', 'x', '', '', '', '')"
                )
            )
        command.downgrade(cfg, "0005_case_lookup")
        assert "agency_id" not in {c["name"] for c in inspect(engine).get_columns("staff_users")}
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM staff_sessions")) == 1
            assert conn.scalar(text("SELECT actor_id FROM audit_log")) == 1
        command.upgrade(cfg, "head")
        inspector = inspect(engine)
        assert "agency_id" in {c["name"] for c in inspector.get_columns("staff_users")}
        assert "ix_staff_users_agency_id" in {i["name"] for i in inspector.get_indexes("staff_users")}
        engine.dispose()
    finally:
        if name:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

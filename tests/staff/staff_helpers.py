"""Shared helpers for the staff console and open data tests: throw-away databases, users, signing in.

Every database is real: a SQLite file in a temp directory, or a PostgreSQL database with a random name
on the local server, migrated with the project's Alembic chain and dropped afterwards.
"""

from __future__ import annotations

import os
import re

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, text, update

from db.engine import make_sessionmaker
from knowledge.open_data import OpenDataSettings
from knowledge.open_data import create_app as create_open_data
from staff import accounts
from staff.database import Database
from staff.models import StaffUser
from staff.roles import Role
from staff.settings import StaffSettings
from staff.web import create_app as create_staff

PG_ADMIN = os.environ.get("TEST_PG_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("TEST_PG_URL_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432/")
SECRET = "test-session-secret-" + "x" * 40
PASSWORD = "ถูกต้อง-correct-horse-42"

# Children first, so deleting never trips a foreign key.
TABLES = (
    "staff_signin_throttle",
    "staff_sessions",
    "audit_log",
    "staff_users",
    "kb_service_versions",
    "kb_services",
)


def reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE kb_revision SET revision = 0"))


def add_user(
    engine: Engine, username: str, role: Role, password: str = PASSWORD, display_name: str = ""
) -> int:
    database = Database(make_sessionmaker(engine))
    return database.run_sync(
        lambda db: (
            accounts.create_user(
                db, username=username, password=password, role=role, display_name=display_name or username
            ).id
        )
    )


def set_user(engine: Engine, username: str, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(update(StaffUser).where(StaffUser.username == username).values(**values))


def staff_settings(url: str, **overrides: object) -> StaffSettings:
    return StaffSettings(
        **{"database_url": url, "session_secret": SECRET, "cookie_secure": False, **overrides}
    )


def gateway_like_app(url: str, engine: Engine, **overrides: object) -> web.Application:
    """The two sub-apps mounted the way the gateway mounts them, sharing one engine."""
    root = web.Application()
    root.add_subapp("/staff/", create_staff(staff_settings(url, **overrides), engine=engine))
    root.add_subapp("/open-data/", create_open_data(OpenDataSettings(database_url=url), engine=engine))
    return root


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def sign_in(client: TestClient, username: str, password: str = PASSWORD, next_url: str = ""):  # type: ignore[no-untyped-def]
    page = await client.get("/staff/login")
    token = csrf_from(await page.text())
    return await client.post(
        "/staff/login",
        data={"csrf_token": token, "username": username, "password": password, "next": next_url},
        allow_redirects=False,
    )


async def page_token(client: TestClient, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, (path, response.status)
    return csrf_from(await response.text())


async def post(client: TestClient, path: str, data: dict[str, str], *, token_page: str = "/staff/services"):  # type: ignore[no-untyped-def]
    """POST a form the way a browser would: with the CSRF token from a page of the same session."""
    token = await page_token(client, token_page)
    return await client.post(path, data={"csrf_token": token, **data}, allow_redirects=False)


def service_form(service_id: str, **fields: str) -> dict[str, str]:
    form = {
        "id": service_id,
        "title_th": "ขอมีบัตรประชาชนครั้งแรก",
        "title_en": "First national ID card",
        "agency": "กรมการปกครอง",
        "agency_level": "central",
        "description": "ทำบัตรประจำตัวประชาชนครั้งแรกเมื่ออายุ ๗ ปี",
        "eligibility": "ผู้มีสัญชาติไทยอายุ 7 ปีขึ้นไป",
        "documents": "สูติบัตร\nทะเบียนบ้าน",
        "fees": "ค่าธรรมเนียม | ไม่มีค่าธรรมเนียม\nค่าถ่ายรูป | 20 บาท | รอยืนยัน",
        "processing_time": "ประมาณ 1 ชั่วโมง",
        "processing_time_to_confirm": "1",
        "offices": "สำนักงานเขต\nที่ว่าการอำเภอ",
        "e_service_url": "https://www.bora.dopa.go.th/",
        "online": "นัดหมายล่วงหน้าผ่านแอป",
        "office_hours": "จันทร์-ศุกร์ 08:30-16:30",
        "legal_basis": "พ.ร.บ.บัตรประจำตัวประชาชน พ.ศ. 2526",
        "faqs": "ต้องพาผู้ปกครองไปไหม | ผู้เยาว์ต้องมีผู้ปกครองไปด้วย",
        "synonyms": "ทำบัตรครั้งแรก\nบัตร ปชช ครั้งแรก",
        "last_reviewed": "2025-01-15",
        "source": "https://www.bora.dopa.go.th/",
        "note": "สร้างครั้งแรก",
    }
    form.update(fields)
    return form

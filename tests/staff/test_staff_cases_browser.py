"""The case pages in headless Chromium (JavaScript off, as the console needs none): a case officer signs
in, filters the agency's list, opens a case, sees its photo, changes its status, and the citizen's
notice is queued. Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Page, expect
from sqlalchemy import Engine

from cases.database import make_cases_engine
from staff.roles import Role
from tests.browser import screenshot
from tests.staff.case_seed import add_agency, add_case, clear_cases, counts, make_tools, subscribed_contacts
from tests.staff.staff_helpers import PASSWORD, add_user, gateway_like_app, set_user

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture
def cases_engine(db_url: str) -> Iterator[Engine]:
    eng = make_cases_engine(db_url)
    clear_cases(eng)
    yield eng
    eng.dispose()


@pytest.fixture
async def client(
    aiohttp_client, db_url: str, engine: Engine, cases_engine: Engine, tmp_path: Path
) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(gateway_like_app(db_url, engine, case_photo_dir=tmp_path / "photos"))


async def shot(page: Page, name: str) -> None:
    await screenshot(page, f"staff-cases-{name}")


async def test_officer_filters_the_list_and_updates_a_case(chromium, client, engine, cases_engine, tmp_path):
    tools = make_tools(tmp_path / "photos")
    add_agency(cases_engine, "bma", "กรุงเทพมหานคร")
    t0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    add_case(cases_engine, tools, "bma", kind="application", service_id="id_card", at=t0)
    target = add_case(
        cases_engine, tools, "bma", at=t0 + dt.timedelta(hours=1), contacts=subscribed_contacts(), photos=1
    )
    add_case(cases_engine, tools, "bma", category="ถนนชำรุด", at=t0 + dt.timedelta(hours=2))
    add_user(engine, "officer1", Role.CASE_OFFICER, display_name="สมศรี เจ้าหน้าที่")
    set_user(engine, "officer1", agency_id="bma")

    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(java_script_enabled=False, locale="th-TH")
    page = await context.new_page()
    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill("officer1")
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()

    await page.get_by_role("link", name="เรื่องร้องเรียนและคำขอ").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("กรุงเทพมหานคร")
    await expect(page.locator("tbody tr")).to_have_count(3)
    await page.get_by_label("ประเภท").select_option("complaint")
    await page.get_by_label("หมวดหมู่").select_option("ไฟฟ้าส่องสว่าง")
    await page.get_by_role("button", name="กรอง").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).to_contain_text(target)
    await shot(page, "list-filtered")

    await page.get_by_role("link", name=target).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(target)
    photo = page.get_by_role("img", name=f"รูปที่ 1 ของเรื่อง {target}")
    assert await photo.evaluate("img => img.naturalWidth") == 1  # served, and a real image
    await expect(page.locator("body")).to_contain_text("xxx-xxx-4321")

    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    await page.get_by_label("สถานะใหม่").select_option("in_progress")
    await page.get_by_label("ข้อความถึงประชาชน").fill("ช่างไฟฟ้าจะเข้าซ่อมภายในสัปดาห์นี้")
    await page.get_by_label("ขั้นตอนถัดไป").fill("ซ่อมไฟถนน")
    await page.get_by_label("ครบกำหนด").fill(due)
    await page.get_by_role("button", name="บันทึกและแจ้งประชาชน").click()
    await expect(page.get_by_role("status")).to_contain_text("บันทึกสถานะแล้ว")
    await expect(page.locator(".meta strong")).to_have_text("กำลังดำเนินการ")
    await expect(page.locator("table").last).to_contain_text("ช่างไฟฟ้าจะเข้าซ่อมภายในสัปดาห์นี้")
    await shot(page, "detail-updated")
    assert counts(cases_engine, target) == ("in_progress", 2, 3)  # 3 subscribed contacts, 3 notices

    await page.get_by_role("link", name="เรื่องร้องเรียนและคำขอ").click()
    await page.get_by_label("สถานะ").select_option("in_progress")
    await page.get_by_role("button", name="กรอง").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await context.close()

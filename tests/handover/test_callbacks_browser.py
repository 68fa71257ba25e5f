"""The call-back page in headless Chromium: an agent signs in, opens "โทรกลับ" from the menu, sees their
agency's ticket with the phone masked (another agency's is not there), shows the number (audited),
marks it called with an outcome, then declares a closure that office hours sees and deletes it.
Screenshots: artifacts/screenshots/staff-callbacks*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import make_engine, make_sessionmaker
from handover.models import CallbackTicket
from handover.office_hours import BANGKOK, DatabaseClosures, HoursConfig, OfficeHours
from knowledge.seedfile import SEED_DIR, load_file
from knowledge.store import KnowledgeStore
from staff.models import AuditEntry, utcnow
from staff.views.callbacks import PERSONAL_DATA
from staff.web import create_app
from tests.browser import screenshot
from tests.databases import throwaway_database
from tests.handover.callback_helpers import VAULT, quiet_weekday, ticket
from tests.handover.inbox_helpers import PASSWORD, add_staff
from tests.staff.staff_helpers import staff_settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    with throwaway_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


@pytest.fixture
async def client(aiohttp_client, db: tuple[str, Engine]) -> TestClient:
    root = web.Application()
    console = create_app(staff_settings(db[0]), engine=db[1])
    console[PERSONAL_DATA] = VAULT
    root.add_subapp("/staff/", console)
    return await aiohttp_client(root)


def _reveals(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(AuditEntry).where(AuditEntry.action == "callback.reveal")).all())


async def test_agent_calls_back_and_declares_a_closure(
    chromium: Browser, client: TestClient, db: tuple[str, Engine]
) -> None:
    _, engine = db
    add_staff(engine, "somchai", "dopa")
    record = load_file(SEED_DIR / "id_card_new.yml")  # the service asked about shows by its Thai title
    KnowledgeStore(make_sessionmaker(engine)).import_records([record], author="test", publish=True, note="t")
    mine = ticket(engine, "dopa", "+66812345678", at=utcnow() - dt.timedelta(hours=14))
    ticket(engine, "sso", "+66899991111")  # another agency's: never shown

    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(locale="th-TH")
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill("somchai")
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.get_by_role("link", name="โทรกลับ").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("กรมการปกครอง")

    rows = page.locator("#tickets tbody tr")
    await expect(rows).to_have_count(1)
    row = page.locator(f"#ticket-{mine}")
    await expect(row).to_contain_text("xxx-xxx-5678")
    await expect(row).to_contain_text("LINE")
    await expect(row).to_contain_text(record.title_th)
    content = await page.content()
    assert "812345678" not in content and "1111" not in content
    await screenshot(page, "staff-callbacks")

    await row.get_by_role("button", name="แสดงเบอร์โทร").click()
    await expect(page.locator(f"#phone-{mine}")).to_have_text("+66812345678")
    assert _reveals(engine) == 1
    await screenshot(page, "staff-callbacks-revealed")

    row = page.locator(f"#ticket-{mine}")
    await row.get_by_label("ผลการโทร").select_option("reached")
    await row.get_by_role("button", name="โทรแล้ว").click()
    await expect(page.get_by_role("status")).to_contain_text("บันทึกว่าโทรกลับแล้ว")
    await expect(page.locator("#tickets tbody tr")).to_have_text(["ไม่มีคำขอให้โทรกลับที่รออยู่"])
    with Session(engine) as session:
        done = session.get_one(CallbackTicket, mine)
        assert done.status == "done" and done.done_by == "somchai"
    await page.get_by_role("link", name="ดำเนินการแล้ว").click()
    await expect(page.locator(f"#ticket-{mine}")).to_contain_text("โทรติดต่อได้และให้ข้อมูลแล้ว")

    # A closure: refused in the past, then declared, seen by office hours, deleted.
    day = quiet_weekday(8)
    form = page.locator("#closure-form")
    await form.get_by_label("ตั้งแต่วันที่").fill(day.isoformat())
    await form.get_by_label("ถึงวันที่").fill((day - dt.timedelta(days=1)).isoformat())
    await form.get_by_label("เหตุผล").fill("อบรมเจ้าหน้าที่")
    await form.get_by_role("button", name="บันทึกวันปิด").click()
    await expect(page.get_by_role("alert")).to_contain_text("วันสุดท้ายต้องไม่ก่อนวันเริ่มปิด")
    await form.get_by_label("ถึงวันที่").fill(day.isoformat())
    await form.get_by_role("button", name="บันทึกวันปิด").click()
    await expect(page.get_by_role("status")).to_contain_text("บันทึกวันปิดแล้ว")
    await expect(page.locator("#closures tbody tr")).to_have_count(1)
    await expect(page.locator("#closures")).to_contain_text("อบรมเจ้าหน้าที่")
    hours = OfficeHours(HoursConfig.load(), closures=DatabaseClosures(make_sessionmaker(engine)))
    assert not hours.is_open("dopa", dt.datetime.combine(day, dt.time(10, 0), BANGKOK))
    await screenshot(page, "staff-callbacks-closure")

    await page.locator("#closures").get_by_role("button", name="ลบ").click()
    await expect(page.get_by_role("status")).to_contain_text("ลบวันปิดแล้ว")
    await expect(page.locator("#closures tbody tr")).to_have_text(["ไม่มีวันปิดที่ประกาศไว้"])
    assert hours.is_open("dopa", dt.datetime.combine(day, dt.time(10, 0), BANGKOK))
    assert problems == []
    await context.close()
